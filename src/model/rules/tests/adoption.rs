//! The fork rule, new approaches and planned team lineages, through adoption.

use super::{Fixture, give, solution};
use crate::model::config::{Adopt, Allocation, Regime, Visibility, World};
use crate::model::flows::Flows;
use crate::model::heads::OPEN_HOLDER;
use crate::model::landscape::{Landscapes, Nk};
use crate::model::rng::PROBLEM_ENTITY;
use crate::model::rules::adoption::{self, adoption, lineage_id};
use crate::model::state::{Problems, Producers};

/// One problem; no new approaches unless a test asks for them.
fn world(producers: usize) -> World {
    World {
        producers,
        problems: 1,
        max_solutions: 4,
        explore_rate: 0.0,
        ..World::default()
    }
}

fn open(adopt: Adopt) -> Regime {
    Regime {
        visibility: Visibility::Open,
        adopt,
        fork_tolerance: 0.1,
        adopt_prob: 1.0,
        ..Regime::default()
    }
}

/// Runs adoption at step 1 with the teams of the producers' targets.
fn adopt(fx: &Fixture, p: &mut Producers, q: &mut Problems, f: &mut Flows) {
    let w = &fx.world;
    let landscapes = Landscapes::new(Nk::new(w.loci, w.interactions), &q.landscape);
    q.recompute_frontier(0);
    f.problems.teams.build(&p.target, q.len());
    let mut space = adoption::Workspace::default();
    let (pf, qf, ledger) = (&mut f.producers, &mut f.problems, &mut f.ledger);
    let pools = &mut f.pools;
    adoption(
        fx.cx(1),
        &landscapes,
        p,
        q,
        pf,
        qf,
        ledger,
        pools,
        &mut space,
    );
}

/// Stores an open head on problem 0, improved at step `at`, with `tried` known.
fn head(q: &mut Problems, quality: f64, lineage: u64, tried: u64, at: u32) {
    let s = solution(quality, lineage);
    q.heads
        .offer(0, OPEN_HOLDER, s, tried, at, 1, |g| g, |_| false);
}

#[test]
fn a_forking_newcomer_joins_the_least_crowded_lineage_within_the_tolerance() {
    for (rule, quality, lineage) in [(Adopt::Fork, 0.85, 2), (Adopt::Best, 0.9, 1)] {
        let fx = Fixture::new(world(5), open(rule));
        let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
        // Three producers work in lineage 1 (head 0.9), one in lineage 2 (head
        // 0.85, within 0.1 of the best); producer 0 just arrived.
        for (i, (quality, lineage)) in [(0.9, 1), (0.8, 1), (0.7, 1), (0.85, 2)].iter().enumerate()
        {
            give(&mut p, i + 1, solution(*quality, *lineage));
        }
        head(&mut q, 0.9, 1, 0, 0);
        head(&mut q, 0.85, 2, 0, 0);
        f.producers.switched[0] = true;
        adopt(&fx, &mut p, &mut q, &mut f);
        assert_eq!((p.quality[0], p.lineage[0]), (quality, lineage), "{rule:?}");
        assert_eq!(f.producers.start_quality[0], quality);
        // It saw the frontier (0.9), whichever it started from.
        assert!(f.producers.sees_frontier[0]);
    }
}

#[test]
fn a_forking_stayer_leaves_its_lineage_only_past_the_tolerance() {
    for (rival, quality, lineage) in [(0.65, 0.6, 1), (0.75, 0.75, 2)] {
        let regime = Regime {
            fork_patience: 0,
            ..open(Adopt::Fork)
        };
        let fx = Fixture::new(world(3), regime);
        let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
        // Producer 0 works in lineage 1 at 0.5; its lineage's best known is
        // 0.6, the rival lineage's `rival`.
        give(&mut p, 0, solution(0.5, 1));
        q.offer(0, 1, solution(0.6, 1), 0);
        q.offer(0, 2, solution(rival, 2), 0);
        adopt(&fx, &mut p, &mut q, &mut f);
        assert_eq!(
            (p.quality[0], p.lineage[0]),
            (quality, lineage),
            "rival {rival}"
        );
    }
}

#[test]
fn team_members_follow_their_slots_lineage() {
    let regime = Regime {
        allocation: Allocation::Plan,
        plan_lineages: 2,
        ..open(Adopt::Best)
    };
    let fx = Fixture::new(world(4), regime);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    p.team_rank = vec![0, 1, 2, 3];
    f.producers.switched = vec![true; 4];
    q.offer(0, 0, solution(0.9, 7), 0);
    q.offer(0, 1, solution(0.4, 9), 0);
    q.plan_lineage = vec![7, 9];
    adopt(&fx, &mut p, &mut q, &mut f);
    // Member k follows lineage k mod 2: the weaker lineage 9 is kept alive.
    assert_eq!(p.lineage, vec![7, 9, 7, 9]);
    assert_eq!(p.quality, vec![0.9, 0.4, 0.9, 0.4]);

    // An empty slot starts from a random genome, the same for all its members,
    // and the slot follows that new lineage from then on.
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    p.team_rank = vec![0, 1, 2, 3];
    f.producers.switched = vec![true; 4];
    q.offer(0, 0, solution(0.9, 7), 0);
    q.plan_lineage = vec![7, 0];
    adopt(&fx, &mut p, &mut q, &mut f);
    let new = lineage_id(1, PROBLEM_ENTITY + 1);
    assert_eq!(p.lineage, vec![7, new, 7, new]);
    assert_eq!(p.genome[1], p.genome[3]);
    assert_eq!(q.plan_lineage, vec![7, new]);
}

#[test]
fn fork_patience_holds_a_producer_in_its_lineage_until_both_conditions_hold() {
    // Producer 0 works in lineage 1, whose head (0.6) last improved at step
    // `improved`; lineage 2's head (0.9) beats it by more than the tolerance.
    // Adoption runs at step 1 + 20 = 21 steps of patience after step 1.
    for (improved, patience, leaves) in [(1, 20, true), (1, 21, false), (0, 0, true)] {
        let regime = Regime {
            fork_patience: patience,
            ..open(Adopt::Fork)
        };
        let fx = Fixture::new(world(1), regime);
        let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
        give(&mut p, 0, solution(0.5, 1));
        head(&mut q, 0.6, 1, 0, improved);
        head(&mut q, 0.9, 2, 0, 0);
        let landscapes = Landscapes::new(Nk::new(20, 5), &q.landscape);
        q.recompute_frontier(0);
        f.problems.teams.build(&p.target, 1);
        let mut space = adoption::Workspace::default();
        let (pf, qf, ledger) = (&mut f.producers, &mut f.problems, &mut f.ledger);
        adoption(
            fx.cx(21),
            &landscapes,
            &mut p,
            &mut q,
            pf,
            qf,
            ledger,
            &mut f.pools,
            &mut space,
        );
        let expected = if leaves { (0.9, 2) } else { (0.6, 1) };
        assert_eq!(
            (p.quality[0], p.lineage[0]),
            expected,
            "patience {patience}"
        );
    }
}

#[test]
fn a_copied_exhausted_head_is_known_exhausted() {
    let regime = Regime {
        adopt_prob: 1.0,
        ..open(Adopt::Best)
    };
    let fx = Fixture::new(world(2), regime);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    let every = (1u64 << fx.world.loci) - 1;
    head(&mut q, 0.9, 1, every, 0);
    give(&mut p, 0, solution(0.2, 2));
    p.tried[0] = 0b11;
    f.producers.switched[1] = true;
    adopt(&fx, &mut p, &mut q, &mut f);
    // Both start from the head and know every flip of it fails.
    assert_eq!((p.lineage[0], p.lineage[1]), (1, 1));
    assert_eq!((p.tried[0], p.tried[1]), (every, every));
    assert!(f.producers.copied[0] && f.producers.copied[1]);
}

#[test]
fn new_approaches_start_new_lineages() {
    let world = World {
        explore_rate: 1.0,
        ..world(3)
    };
    let fx = Fixture::new(world, open(Adopt::Best));
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    let every = (1u64 << fx.world.loci) - 1;
    head(&mut q, 0.9, 1, 0, 0);
    // Producer 0 is new to the problem; producer 1 stands on a known local
    // optimum of its own; producer 2 still has flips to try.
    f.producers.switched[0] = true;
    give(&mut p, 1, solution(0.95, 3));
    p.tried[1] = every;
    give(&mut p, 2, solution(0.95, 4));
    adopt(&fx, &mut p, &mut q, &mut f);
    assert_eq!(p.lineage[0], lineage_id(1, 0));
    assert_eq!(p.lineage[1], lineage_id(1, 1));
    assert_eq!(p.lineage[2], 4);
    assert_eq!((p.tried[0], p.tried[1]), (0, 0));
    assert_eq!(f.ledger.new_lineages, 2);
    assert!(!f.producers.copied[0] && !f.producers.copied[1]);
}

#[test]
fn an_exhausted_team_lineage_restarts_for_all_its_members() {
    let regime = Regime {
        allocation: Allocation::Plan,
        ..open(Adopt::Best)
    };
    let world = World {
        explore_rate: 1.0,
        ..world(3)
    };
    let fx = Fixture::new(world, regime);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    let every = (1u64 << fx.world.loci) - 1;
    for i in 0..3 {
        give(&mut p, i, solution(0.7, 7));
    }
    head(&mut q, 0.7, 7, every, 0);
    q.plan_lineage = vec![7];
    adopt(&fx, &mut p, &mut q, &mut f);
    let new = lineage_id(1, PROBLEM_ENTITY);
    assert_eq!(p.lineage, vec![new; 3]);
    assert!(p.genome.iter().all(|&g| g == p.genome[0]));
    assert_eq!(q.plan_lineage, vec![new]);
    assert_eq!(f.ledger.new_lineages, 1);
}
