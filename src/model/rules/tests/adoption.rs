//! The fork rule and planned team lineages, through adoption.

use super::{Fixture, give, solution};
use crate::model::config::{Adopt, Allocation, Regime, Visibility, World};
use crate::model::flows::Flows;
use crate::model::landscape::{Landscapes, Nk};
use crate::model::rng::PROBLEM_ENTITY;
use crate::model::rules::adoption::{self, adoption, lineage_id};
use crate::model::state::{Problems, Producers};

fn world(producers: usize) -> World {
    World {
        producers,
        problems: 1,
        max_solutions: 4,
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
    let (pf, qf) = (&mut f.producers, &mut f.problems);
    adoption(fx.cx(1), &landscapes, p, q, pf, qf, &mut space);
}

#[test]
fn a_forking_newcomer_joins_the_least_crowded_lineage_within_the_tolerance() {
    for (rule, quality, lineage) in [(Adopt::Fork, 0.85, 2), (Adopt::Best, 0.9, 1)] {
        let fx = Fixture::new(world(5), open(rule));
        let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
        // Lineage 1 is held three times (0.9, 0.8, 0.7), lineage 2 once (0.85),
        // within 0.1 of the best; producer 0 just arrived.
        for (holder, (quality, lineage)) in
            [(0.9, 1), (0.8, 1), (0.7, 1), (0.85, 2)].iter().enumerate()
        {
            q.offer(0, holder as u32 + 1, solution(*quality, *lineage), 0);
        }
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
        let fx = Fixture::new(world(3), open(Adopt::Fork));
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
