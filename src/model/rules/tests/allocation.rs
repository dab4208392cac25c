//! Registry claims and the planner's team lineages.

use super::{Fixture, solution};
use crate::model::config::{Allocation, Regime, World};
use crate::model::rules::allocation::{self, allocation, reset_team_lineages};

#[test]
fn a_newcomer_under_the_registry_avoids_claimed_problems() {
    let world = World {
        producers: 6,
        problems: 2,
        domains: 1,
        switch_rate: 0.0,
        consider: 8,
        choice_noise: 0.0,
        domain_focus: 0.0,
        ..World::default()
    };
    let regime = Regime {
        allocation: Allocation::Registry,
        ..Regime::default()
    };
    let fx = Fixture::new(world, regime);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    // Last step everyone worked on problem 0; producer 5 is new this step. The
    // two problems are alike but for the claims (problem 0 holds a record,
    // which the registry's score ignores).
    f.problems.teams.build(&[0; 6], 2);
    p.fresh[5] = true;
    q.offer(0, 0, solution(0.3, 1), 0);
    q.recompute_frontier(0);
    let mut space = allocation::Workspace::default();
    allocation(
        fx.cx(1),
        &mut p,
        &mut q,
        &mut f.producers,
        &mut f.problems,
        &mut space,
    );
    // The claims are last step's teams; the newcomer takes the unclaimed problem.
    assert_eq!(f.problems.claims, vec![6, 0]);
    assert_eq!(p.target, vec![0, 0, 0, 0, 0, 1]);
    assert_eq!(
        f.producers.switched,
        [false, false, false, false, false, true]
    );
    assert_eq!(f.problems.teams.on(0), [0, 1, 2, 3, 4]);
    assert_eq!(f.problems.teams.on(1), [5]);
    assert!(!p.fresh[5]);

    // At the first step there are no claims yet, whatever the teams hold.
    let mut f = fx.flows();
    f.problems.teams.build(&[0; 6], 2);
    allocation(
        fx.cx(0),
        &mut p,
        &mut q,
        &mut f.producers,
        &mut f.problems,
        &mut space,
    );
    assert_eq!(f.problems.claims, vec![0, 0]);
}

/// Offers a head of `lineage` at `quality` held by `holder` on problem 0.
fn head(q: &mut crate::model::state::Problems, holder: u32, quality: f64, lineage: u64) {
    let s = solution(quality, lineage);
    q.heads.offer(0, holder, s, 0, 0, 1, |_| 0, |_| true);
}

#[test]
fn team_lineages_restart_from_the_best_distinct_lineage_heads() {
    use crate::model::heads::OPEN_HOLDER;
    let world = World {
        producers: 1,
        problems: 1,
        max_solutions: 1,
        ..World::default()
    };
    let regime = Regime {
        allocation: Allocation::Plan,
        plan_lineages: 3,
        ..Regime::default()
    };
    let fx = Fixture::new(world, regime);
    let mut q = fx.problems();
    // One record slot keeps only lineage 7's best; the heads keep every
    // lineage (spec §1, §2.3: a team adopts its lineage's head), two of them
    // of lineage 7 (two holders).
    q.offer(0, 0, solution(0.9, 7), 0);
    head(&mut q, OPEN_HOLDER, 0.9, 7);
    head(&mut q, 3, 0.8, 7);
    head(&mut q, OPEN_HOLDER, 0.7, 5);
    head(&mut q, OPEN_HOLDER, 0.6, 9);
    let all = |_| true;
    let mut row = vec![1; 3];
    reset_team_lineages(3, all, &q.heads, &mut row);
    assert_eq!(row, vec![7, 5, 9]);
    // Fewer slots keep the best; a slot no lineage fills is left empty (0).
    let mut two = vec![1, 1];
    reset_team_lineages(2, all, &q.heads, &mut two);
    assert_eq!(two, vec![7, 5]);
    // Only heads the planner sees count.
    let open_only = |holder| holder == OPEN_HOLDER;
    let mut q2 = fx.problems();
    head(&mut q2, 3, 0.95, 4);
    head(&mut q2, OPEN_HOLDER, 0.9, 7);
    head(&mut q2, OPEN_HOLDER, 0.8, 7);
    reset_team_lineages(3, open_only, &q2.heads, &mut row);
    assert_eq!(row, vec![7, 0, 0]);
}

#[test]
fn two_planners_each_plan_their_own_members_with_their_own_lineages() {
    use crate::model::heads::OPEN_HOLDER;
    let world = World {
        producers: 6,
        problems: 2,
        groups: 2,
        ..World::default()
    };
    let planner = |k| Regime {
        allocation: Allocation::Plan,
        plan_lineages: k,
        plan_noise: 0.0,
        ..Regime::default()
    };
    let fx = Fixture::mixed(world, vec![planner(1), planner(2)], &[0.5, 0.5]);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    assert_eq!(p.population, vec![0, 0, 0, 1, 1, 1]);
    // Problem 1 is worth more; both planners see the open head on problem 0,
    // only the second its own member's private head there.
    q.value = vec![1.0, 2.0];
    q.plan_lineage = vec![0; 2 + 2 * 2];
    head(&mut q, OPEN_HOLDER, 0.5, 7);
    head(&mut q, 4, 0.4, 8);
    head(&mut q, 1, 0.3, 9);
    p.fresh = vec![true; 6];
    let mut space = allocation::Workspace::default();
    allocation(
        fx.cx(0),
        &mut p,
        &mut q,
        &mut f.producers,
        &mut f.problems,
        &mut space,
    );
    // Each planner splits its own three in proportion to priority (values 2
    // and 1, nothing open: teams of 2 and 1), ranks counted within its teams.
    for pop in [0, 1] {
        let members: Vec<usize> = (0..6).filter(|&i| p.population[i] == pop).collect();
        let on = |j| members.iter().filter(|&&i| p.target[i] == j).count();
        assert_eq!((on(1), on(0)), (2, 1), "population {pop}");
        for j in [0, 1] {
            let mut ranks: Vec<u32> = (members.iter())
                .filter(|&&i| p.target[i] == j)
                .map(|&i| p.team_rank[i])
                .collect();
            ranks.sort_unstable();
            assert!(ranks.iter().enumerate().all(|(k, &r)| r == k as u32));
        }
    }
    assert!(f.producers.switched.iter().all(|&s| s));
    // Blocks: the first planner's M x 1, then the second's M x 2. The first
    // sees the open head and its own member's (producer 1); the second the
    // open head and its own (producer 4), not producer 1's.
    assert_eq!(q.plan_lineage, vec![7, 0, 7, 8, 0, 0]);
}

#[test]
fn market_sellers_are_the_distinct_holders_of_last_steps_team_not_capped_by_s() {
    use crate::model::config::Visibility;
    for (visibility, sellers) in [(Visibility::Private, 5), (Visibility::Groups, 2)] {
        let world = World {
            producers: 6,
            problems: 2,
            groups: 2,
            max_solutions: 2,
            switch_rate: 0.0,
            ..World::default()
        };
        let regime = Regime {
            visibility,
            ..Regime::default()
        };
        let fx = Fixture::new(world, regime);
        let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
        // Last step producers 0..5 worked on problem 0 (groups 0 and 1), 5 on problem 1.
        f.problems.teams.build(&[0, 0, 0, 0, 0, 1], 2);
        p.target = vec![0, 0, 0, 0, 0, 1];
        let mut space = allocation::Workspace::default();
        let (pf, qf) = (&mut f.producers, &mut f.problems);
        allocation(fx.cx(1), &mut p, &mut q, pf, qf, &mut space);
        assert_eq!(f.problems.sellers, vec![sellers, 1], "{visibility:?}");
    }
}

#[test]
fn market_noise_perturbs_perceived_values_by_one_draw_per_problem() {
    let world = World {
        producers: 4,
        problems: 3,
        ..World::default()
    };
    let values = [1.0, 2.0, 0.5];
    let perceived = |noise: f64, step: u32| {
        let regime = Regime {
            market_noise: noise,
            ..Regime::default()
        };
        let fx = Fixture::new(world.clone(), regime);
        let mut out = Vec::new();
        allocation::perceive_values(fx.cx(step), &values, &mut out);
        out
    };
    // Without noise, prices tell the truth.
    assert_eq!(perceived(0.0, 1), values);
    let (a, b) = (perceived(0.5, 1), perceived(1.0, 1));
    assert!(a.iter().zip(&values).all(|(x, v)| *x > 0.0 && x != v));
    // One standard normal per problem, scaled by the noise: log ratios double with it.
    for j in 0..3 {
        let (la, lb) = ((a[j] / values[j]).ln(), (b[j] / values[j]).ln());
        assert!((lb - 2.0 * la).abs() < 1e-9, "problem {j}");
    }
    assert_ne!(perceived(0.5, 2), a, "a new draw each step");
}

#[test]
fn team_sizes_are_proportional_and_sum_to_n() {
    use crate::model::rules::allocation::team_sizes;
    let s = team_sizes(&[3.0, 1.0, 0.0, 6.0], 10);
    assert_eq!(s, vec![3, 1, 0, 6]);
    let s = team_sizes(&[1.0, 1.0, 1.0], 10);
    assert_eq!(s.iter().sum::<u32>(), 10);
    assert_eq!(team_sizes(&[0.0, 0.0], 3).iter().sum::<u32>(), 3);
}
