//! A complete network in a mixed world (spec §2.3, §5; docs/MODEL.md D48): a
//! population whose members all see one another's work, beside another
//! population, with the graph not stored (the population is the graph).

use super::{Fixture, solution};
use crate::model::config::{NetworkKind, Regime, Visibility, World};
use crate::model::flows::{Flows, Ledger};
use crate::model::heads::{Head, OPEN_HOLDER};
use crate::model::kernels::view::{HeadsSeen, View};
use crate::model::rules::allocation::{self, allocation};
use crate::model::rules::migration::{self, migration};
use crate::model::state::{Problems, Producers, Setting};

/// A complete network population of 3 (slots 0-2) beside an enclosure of 2
/// (slots 3-4), on one problem.
fn circle_and_enclosure() -> Fixture {
    let w = World {
        producers: 5,
        problems: 1,
        groups: 2,
        base_budget: 10.0,
        outside_wage: 0.0,
        ..World::default()
    };
    let circle = Regime {
        visibility: Visibility::Network,
        network: NetworkKind::Complete,
        ..Regime::default()
    };
    let enclosure = Regime::preset("enclosure").unwrap();
    Fixture::mixed(w, vec![circle, enclosure], &[0.6, 0.4])
}

/// Records of holders 0 (0.6) and 3 (0.9) and an open solution (0.4) on
/// problem 0; every producer works on it at 0.1 but producer 2 at 0.7.
fn work(fx: &Fixture) -> (Producers, Problems) {
    let mut p = fx.producers();
    for i in 0..5 {
        super::give(&mut p, i, solution(0.1, 10 + i as u64));
    }
    super::give(&mut p, 2, solution(0.7, 12));
    let mut q = fx.problems();
    q.offer(0, 0, solution(0.6, 1), 0);
    q.offer(0, 3, solution(0.9, 2), 0);
    q.open[0] = Some(solution(0.4, 3));
    q.recompute_frontier(0);
    (p, q)
}

/// Does each viewer see each producer holder's records and heads, and are
/// they those of `expected(viewer, holder)`? Open heads are seen by all.
fn check_sight(setting: &Setting, p: &Producers, expected: impl Fn(usize, usize) -> bool) {
    let sight = &setting.sight;
    let row: Vec<Head> = (0..5u32)
        .chain([OPEN_HOLDER])
        .map(|holder| Head {
            holder,
            last_improved: 0,
            tried: 0,
            solution: solution(0.5, 1),
        })
        .collect();
    for viewer in 0..5 {
        let g = p.group[viewer];
        let heads = HeadsSeen::of(&row, sight, &[], viewer, g);
        let seen: Vec<u32> = heads.visible().map(|h| h.holder).collect();
        let want: Vec<u32> = (0..5u32)
            .filter(|&h| expected(viewer, h as usize))
            .chain([OPEN_HOLDER])
            .collect();
        assert_eq!(seen, want, "heads seen by {viewer}");
        for holder in 0..5 {
            let sees = sight.sees_holder(viewer, g, holder as u32, &[]);
            assert_eq!(sees, expected(viewer, holder), "{viewer} sees {holder}");
        }
    }
}

/// The best solution each producer may see on problem 0 at adoption, after
/// allocation indexed the circle's members.
fn best_seen(fx: &Fixture, setting: &Setting, p: &mut Producers, q: &mut Problems) -> Vec<f64> {
    let mut f: Flows = fx.flows();
    let cx = super::Context {
        setting,
        ..fx.cx(0)
    };
    let mut space = allocation::Workspace::default();
    allocation(cx, p, q, &mut f.producers, &mut f.problems, &mut space);
    assert_eq!(p.target, vec![0; 5]);
    let view = View {
        p,
        switched: &[false; 5],
        q,
        sight: &setting.sight,
        links: &[],
        teams: &f.problems.teams,
        circles: &f.problems.circles,
    };
    (0..5).map(|i| view.best(i, 0).unwrap().quality).collect()
}

#[test]
fn a_complete_network_population_sees_its_members_only() {
    let fx = circle_and_enclosure();
    let (mut p, mut q) = work(&fx);
    assert_eq!(p.population, vec![0, 0, 0, 1, 1]);
    let circle = |i: usize| i < 3;
    // Each member sees its fellow members' records and heads, none of the
    // enclosure's; the enclosure sees only its own.
    check_sight(&fx.setting, &p, |viewer, holder| {
        viewer == holder || (circle(viewer) && circle(holder))
    });
    // Nobody's private work is open; the open solution is everyone's.
    assert!((0..5).all(|h| !fx.setting.sight.is_open(h)));
    // Members see producer 2's working 0.7 (as through a complete graph);
    // producer 2 sees it as its own; the enclosure its own record (3) or the
    // open 0.4 (4), never the circle's.
    let best = best_seen(&fx, &fx.setting, &mut p, &mut q);
    assert_eq!(best, vec![0.7, 0.7, 0.7, 0.9, 0.4]);
}

#[test]
fn a_migrant_into_a_circle_sees_it_and_one_who_left_is_no_longer_seen() {
    let w = World {
        migration_rate: 1.0,
        temperature: 1e-6,
        ..circle_and_enclosure().world
    };
    let fx = Fixture {
        world: w,
        ..circle_and_enclosure()
    };
    let (mut p, mut q) = work(&fx);
    // Producer 0 is paid worse than the enclosure and leaves; 1 and 2 better,
    // and stay; the enclosure's producers join if they compared themselves
    // with 1 or 2.
    p.payoff = vec![0.0, 10.0, 10.0, 5.0, 5.0];
    let mut setting = fx.setting.clone();
    let (mut ledger, mut space) = (Ledger::default(), migration::Workspace::default());
    let regimes = fx.regimes.clone();
    let clock = fx.cx(3).clock;
    migration(
        &fx.world,
        &regimes,
        clock,
        &mut p,
        &mut q,
        &mut setting,
        &mut ledger,
        &mut space,
    );
    // At this step producer 3 compared itself with a member and joined, 4
    // with producer 0 and stayed.
    assert_eq!(p.population, vec![1, 0, 0, 0, 1]);
    let circle = |i: usize| p.population[i] == 0;
    check_sight(&setting, &p, |viewer, holder| {
        viewer == holder || (circle(viewer) && circle(holder))
    });
    // Its former fellows no longer see producer 0's record (0.6), nor it theirs.
    assert!(!setting.sight.sees_holder(1, p.group[1], 0, &[]));
    assert!(!setting.sight.sees_holder(0, p.group[0], 1, &[]));
    // The circle's members, the migrant in included, see producer 2's
    // working 0.95; producer 0, now enclosed, its own record 0.6, and 4 the
    // open 0.4.
    super::give(&mut p, 2, solution(0.95, 12));
    let best = best_seen(&fx, &setting, &mut p, &mut q);
    assert_eq!(best, vec![0.6, 0.95, 0.95, 0.95, 0.4]);
}
