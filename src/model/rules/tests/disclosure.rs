//! The accounting of effort (spec §2.5): redundant evaluations, through search
//! and disclosure.

use super::Fixture;
use crate::model::config::{Regime, Visibility, World};
use crate::model::flows::Flows;
use crate::model::landscape::{Landscapes, Nk};
use crate::model::rules::disclosure::{self, disclosure};
use crate::model::rules::search::{self, search};
use crate::model::state::{Problems, Producers};

/// Two producers on a one-bit problem, one trial each: both evaluate the same genome.
fn world() -> World {
    World {
        producers: 2,
        problems: 1,
        groups: 2,
        loci: 1,
        interactions: 0,
        base_budget: 1.0,
        ..World::default()
    }
}

/// Puts both producers on `genome`, with the frontier at its quality; runs
/// search and disclosure at step 1.
fn step(fx: &Fixture, p: &mut Producers, q: &mut Problems, f: &mut Flows, better: bool) {
    let landscapes = Landscapes::new(Nk::new(1, 0), &q.landscape);
    let land = landscapes.get(0, q.landscape[0]);
    let (f0, f1) = (land.fitness(0), land.fitness(1));
    // Start on the worse genome (the trial improves) or the better one (it does not).
    let genome = if (f0 < f1) == better { 0 } else { 1 };
    let fitness = land.fitness(genome);
    let quality = landscapes.nk.quality(fitness);
    for i in 0..2 {
        (p.genome[i], p.fitness[i], p.quality[i]) = (genome, fitness, quality);
        f.producers.start_quality[i] = quality;
        f.producers.sees_frontier[i] = true;
    }
    f.problems.teams.build(&p.target, q.len());
    f.problems.frontier_start[0] = quality;
    let (pf, qf) = (&mut f.producers, &mut f.problems);
    search(
        fx.cx(1),
        &landscapes,
        p,
        q,
        pf,
        qf,
        &mut search::Workspace::default(),
    );
    assert_eq!(pf.effective, [1, 1]);
    let ledger = &mut f.ledger;
    let space = &mut disclosure::Workspace::default();
    disclosure(fx.cx(1), p, q, pf, qf, ledger, &mut f.pools, space);
}

#[test]
fn two_producers_evaluating_one_genome_make_one_redundant_trial_under_every_visibility() {
    for visibility in [
        Visibility::Private,
        Visibility::Groups,
        Visibility::Network,
        Visibility::Open,
    ] {
        let regime = Regime {
            visibility,
            ..Regime::default()
        };
        let fx = Fixture::new(world(), regime);
        let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
        step(&fx, &mut p, &mut q, &mut f, false);
        let l = &f.ledger;
        assert_eq!(l.redundant, 1.0, "{visibility:?}");
        assert_eq!(l.frontier, 1.0, "{visibility:?}");
        assert_eq!(l.catchup + l.race + l.exploration, 0.0, "{visibility:?}");
    }
}

#[test]
fn a_shared_end_genome_earns_credit_only_for_its_original() {
    let regime = Regime {
        visibility: Visibility::Open,
        ..Regime::default()
    };
    let fx = Fixture::new(world(), regime);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    step(&fx, &mut p, &mut q, &mut f, true);
    assert_eq!(
        p.genome[0], p.genome[1],
        "both climbed to the better genome"
    );
    assert!(p.quality[0] > f.producers.start_quality[0]);
    assert_eq!(f.ledger.redundant, 1.0);
    let credited = f.producers.new_credit.iter().filter(|&&c| c > 0.0).count();
    assert_eq!(credited, 1);
}
