//! Patents in a mixed world (spec §2.5, §5): an improvement opens after the
//! term of the population it was made in, each term with its own ring.

use super::{Fixture, give, solution};
use crate::model::config::{Regime, Visibility, World};
use crate::model::flows::Flows;
use crate::model::landscape::{Landscapes, Nk};
use crate::model::rules::disclosure::{self, disclosure};
use crate::model::rules::shocks::shocks;
use crate::model::state::{Problems, Producers, Solution};

/// Two producers on one problem, each in a group of its own.
fn world() -> World {
    World {
        producers: 2,
        problems: 1,
        groups: 2,
        loci: 4,
        interactions: 1,
        ..World::default()
    }
}

/// Producer 0 lives under a patent term of 2 steps, producer 1 under one of 5.
fn two_terms() -> Fixture {
    let patents = |term| Regime {
        visibility: Visibility::Private,
        exclusive: true,
        patent_term: Some(term),
        ..Regime::default()
    };
    let fx = Fixture::mixed(world(), vec![patents(2), patents(5)], &[0.5, 0.5]);
    assert_eq!(fx.producers().population, [0, 1]);
    fx
}

/// Problems with the rings of the fixture's populations.
fn problems(fx: &Fixture) -> Problems {
    let mut q = fx.problems();
    q.make_patent_rings(&fx.regimes, true);
    q
}

/// Disclosure at step `t`: each producer in `improved` ends on its solution
/// having started below it, the others end where they started.
fn disclose(fx: &Fixture, t: u32, p: &Producers, q: &mut Problems, improved: &[usize]) {
    let mut f: Flows = fx.flows();
    for i in 0..p.len() {
        f.producers.start_quality[i] = if improved.contains(&i) {
            0.0
        } else {
            p.quality[i]
        };
        f.producers.sees_frontier[i] = true;
    }
    f.producers.evaluations.reset(p.len());
    f.problems.teams.build(&p.target, q.len());
    f.problems.frontier_start[0] = q.frontier[0];
    let (pf, qf, ledger) = (&mut f.producers, &mut f.problems, &mut f.ledger);
    let space = &mut disclosure::Workspace::default();
    disclosure(fx.cx(t), p, q, pf, qf, ledger, &mut f.pools, space);
}

/// The open quality after each step from 1 to `last`, once the producers
/// improved at step 1 (nothing after).
fn open_after_each_step(fx: &Fixture, p: &Producers, q: &mut Problems, last: u32) -> Vec<f64> {
    disclose(fx, 1, p, q, &[0, 1]);
    let mut open = vec![q.open_quality(0)];
    for t in 2..=last {
        disclose(fx, t, p, q, &[]);
        open.push(q.open_quality(0));
    }
    open
}

#[test]
fn each_population_s_improvement_opens_after_its_own_term() {
    let fx = two_terms();
    let (mut p, mut q) = (fx.producers(), problems(&fx));
    // One ring of 2 and one of 5 in the problem's row.
    assert_eq!(
        (q.patent_terms.clone(), q.patent_ring.len()),
        (vec![2, 5], 7)
    );
    give(&mut p, 0, solution(0.5, 1));
    give(&mut p, 1, solution(0.7, 2));
    let open = open_after_each_step(&fx, &p, &mut q, 7);
    // Made at step 1: the term-2 one opens at step 3, the term-5 one at step 6.
    assert_eq!(open, [0.0, 0.0, 0.5, 0.5, 0.5, 0.7, 0.7]);
    // Each is credited to the population it was made in (D47).
    assert_eq!(q.open_population[0], 1);
}

#[test]
fn the_better_of_two_expiring_patents_opens_and_a_worse_one_never_does() {
    let fx = two_terms();
    let (mut p, mut q) = (fx.producers(), problems(&fx));
    // The term-5 improvement is below the term-2 one that opened first.
    give(&mut p, 0, solution(0.7, 1));
    give(&mut p, 1, solution(0.5, 2));
    let open = open_after_each_step(&fx, &p, &mut q, 7);
    assert_eq!(open, [0.0, 0.0, 0.7, 0.7, 0.7, 0.7, 0.7]);
    assert_eq!(q.open_population[0], 0);
}

#[test]
fn a_migrant_s_patent_stays_in_the_ring_it_was_made_under() {
    let mut fx = two_terms();
    let (mut p, mut q) = (fx.producers(), problems(&fx));
    give(&mut p, 0, solution(0.5, 1));
    disclose(&fx, 1, &p, &mut q, &[0]);
    // Producer 0 migrates to the term-5 population after its improvement...
    p.population[0] = 1;
    let sight = fx.setting.sight.mixed.as_deref_mut().unwrap();
    sight.set_population(&p.population);
    // ...and improves again there at step 2.
    give(&mut p, 0, solution(0.6, 3));
    disclose(&fx, 2, &p, &mut q, &[0]);
    let mut open = vec![];
    for t in 3..=8 {
        disclose(&fx, t, &p, &mut q, &[]);
        open.push((q.open_quality(0), q.open_population[0]));
    }
    // Its patent of step 1 opens at step 3 (its old term, its old population's
    // credit), the one of step 2 at step 7 (its new term).
    let expected = [(0.5, 0), (0.5, 0), (0.5, 0), (0.5, 0), (0.6, 1), (0.6, 1)];
    assert_eq!(open, expected);
}

#[test]
fn a_shock_reevaluates_every_population_s_ring() {
    let mut fx = two_terms();
    fx.world.shock_rate = 1.0;
    fx.world.shock_size = 1.0;
    fx.world.shock_correlation = 0.0;
    let (mut p, mut q) = (fx.producers(), problems(&fx));
    // A fitness no landscape gives, to see the patents re-evaluated.
    let unevaluated = |quality, lineage| Solution {
        fitness: u64::MAX,
        ..solution(quality, lineage)
    };
    give(&mut p, 0, unevaluated(0.5, 1));
    give(&mut p, 1, unevaluated(0.7, 2));
    disclose(&fx, 1, &p, &mut q, &[0, 1]);
    let patented: Vec<usize> = (0..7).filter(|&s| q.patent_ring[s].is_some()).collect();
    assert_eq!(patented, [1, 2 + 1]);
    let mut landscapes = Landscapes::new(Nk::new(4, 1), &q.landscape);
    shocks(fx.cx(2), &mut landscapes, &mut p, &mut q);
    let land = landscapes.get(0, q.landscape[0]);
    for s in patented {
        let kept = q.patent_ring[s].unwrap();
        assert_eq!(kept.fitness, land.fitness(kept.genome), "slot {s}");
        assert_eq!(kept.quality, landscapes.nk.quality(kept.fitness));
    }
}
