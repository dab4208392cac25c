//! Duplication of effort (spec §2.5): catch-up, races, redundant trials, and
//! climbs that have stopped.

use super::{config, run_checking};
use regimes::model::*;

#[test]
fn open_visibility_has_no_catch_up_duplication() {
    for preset in ["commons", "collectivist", "open_access"] {
        let cfg = config(Regime::preset(preset).unwrap());
        let mut trials = 0.0;
        run_checking(&cfg, 5, 40, |_, m| {
            assert_eq!(m.catchup_share, 0.0, "{preset}");
            assert_eq!(m.race_share, 0.0, "{preset}");
            trials += m.trials;
        });
        assert!(trials > 0.0);
    }
}

#[test]
fn federated_visibility_without_links_is_group_visibility() {
    // §3: federated is groups plus occasional one-way links; at link probability 0 it
    // is groups, draw for draw.
    let groups = Regime::preset("cooperative").unwrap();
    let federated = Regime {
        visibility: Visibility::Federated,
        federation_link: 0.0,
        ..groups.clone()
    };
    let run = |regime: Regime| {
        let mut rows = Vec::new();
        run_checking(&config(regime), 4, 30, |_, m| {
            rows.push(m.values().map(f64::to_bits))
        });
        rows
    };
    assert_eq!(run(groups.clone()), run(federated.clone()));
    // With links, groups see each other now and then, and the runs part.
    let linked = Regime {
        federation_link: 1.0,
        ..federated
    };
    assert_ne!(run(groups), run(linked));
}

#[test]
fn open_teams_duplicate_effort_by_redundant_trials() {
    // Under open visibility nobody catches up or races, but crowded teams copy
    // the same best solution and test the same flips (spec §2.5, v2).
    let mut cfg = config(Regime::preset("open_access").unwrap());
    cfg.world.problems = 10;
    let mut redundant = 0.0;
    run_checking(&cfg, 6, 20, |sim, m| {
        assert_eq!(m.duplicated_share, m.redundant_share);
        redundant += sim.ledger().redundant;
    });
    assert!(redundant > 0.0);
}

#[test]
fn a_climb_that_has_stopped_is_stuck() {
    // Without shocks, a small landscape is soon climbed to local optima, and the
    // trials spent there count as stuck (spec §2.10); none are at the start.
    let mut cfg = config(Regime::preset("enclosure").unwrap());
    cfg.world.shock_rate = 0.0;
    cfg.world.loci = 6;
    cfg.world.interactions = 2;
    let mut stuck = Vec::new();
    run_checking(&cfg, 7, 40, |_, m| stuck.push(m.stuck_share));
    assert!(stuck[0] < 0.5, "{stuck:?}");
    assert!(stuck[39] > 0.5, "{stuck:?}");
}

#[test]
fn private_visibility_with_crowded_problems_duplicates_effort() {
    let mut cfg = config(Regime::preset("enclosure").unwrap());
    cfg.world.problems = 10; // about 12 producers per problem
    let mut duplicated = 0.0;
    run_checking(&cfg, 6, 40, |_, m| {
        duplicated += m.duplicated_share * m.trials
    });
    assert!(duplicated > 0.0);
}
