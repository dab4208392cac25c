//! The two settings the Lazer & Friedman reproduction needs, as rules on tiny worlds:
//! producers who all exert their whole budget (`initial_propensity = 1`), and producers who
//! either copy or search in a step (`copy_skips_search`).

use regimes::model::{Adopt, Config, NetworkKind, Regime, Simulation, Visibility};

/// `n` producers on one smooth-enough problem, one trial a step each, seeing everyone.
fn world(n: usize, copy_skips_search: bool) -> Config {
    let mut c = Config::default();
    let w = &mut c.world;
    w.producers = n;
    w.problems = 1;
    w.groups = 1;
    w.domains = 1;
    w.loci = 16;
    w.interactions = 3;
    w.base_budget = 1.0;
    w.max_budget = 1.0;
    w.initial_propensity = 1.0;
    w.skill_sigma = 0.0;
    w.learning_rate = 0.0;
    w.shock_rate = 0.0;
    w.switch_rate = 0.0;
    // As in Lazer & Friedman: no new approaches.
    w.explore_rate = 0.0;
    w.merge_rate = 0.0;
    c.regime = Regime {
        visibility: Visibility::Network,
        network: NetworkKind::Complete,
        adopt: Adopt::Best,
        adopt_prob: 1.0,
        copy_skips_search,
        ..Regime::preset("enclosure").unwrap()
    };
    c.regime.invest_rate = 0.0;
    c
}

#[test]
fn a_propensity_of_one_makes_every_producer_exert_its_whole_budget() {
    let sim = Simulation::new(&world(40, false), 3).unwrap();
    assert!(sim.producers().propensity.iter().all(|&p| p == 1.0));
    let mut c = world(40, false);
    c.world.initial_propensity = 0.0;
    let sim = Simulation::new(&c, 3).unwrap();
    assert!(sim.producers().propensity.iter().all(|&p| p == 0.0));
}

#[test]
fn with_one_trial_each_a_step_makes_exactly_n_trials() {
    let mut sim = Simulation::new(&world(40, false), 5).unwrap();
    for _ in 0..3 {
        assert_eq!(sim.step().get("trials"), Some(40.0));
    }
}

#[test]
fn a_producer_who_copies_does_not_search_in_that_step() {
    // Step 0: everyone starts from its own random genome and searches once. Step 1: in a
    // complete network everyone below the best copies it, so only the best producers search.
    let seed = 11;
    let mut sim = Simulation::new(&world(40, true), seed).unwrap();
    sim.step();
    let q = &sim.producers().quality;
    let best = q.iter().copied().fold(f64::MIN, f64::max);
    let at_best = q.iter().filter(|&&x| x == best).count() as f64;
    assert!(at_best < 40.0, "the test needs producers below the best");
    assert_eq!(sim.step().get("trials"), Some(at_best));
    // Without the rule, copying and searching happen in the same step.
    let mut sim = Simulation::new(&world(40, false), seed).unwrap();
    sim.step();
    assert_eq!(sim.step().get("trials"), Some(40.0));
}
