//! Mechanisms and invariants of the engine (spec §2, docs/MODEL.md §7): accounting identities,
//! regime rules, determinism. None of these tests asks which regime "wins".
//! Here the shared worlds, the accounting identities, determinism and ranges;
//! duplication of effort in `effort`, the regimes' rules in `rules`.

use proptest::prelude::*;
use regimes::model::*;

mod effort;
mod rules;

fn small_world() -> World {
    World {
        producers: 120,
        problems: 30,
        groups: 12,
        ..World::default()
    }
}

fn config(regime: Regime) -> Config {
    Config {
        world: small_world(),
        regime,
        populations: Vec::new(),
    }
}

/// Runs `steps` steps and calls `check` after each with the simulation and metrics.
fn run_checking(cfg: &Config, seed: u64, steps: u32, mut check: impl FnMut(&Simulation, &Metrics)) {
    let mut sim = Simulation::new(cfg, seed).expect("valid config");
    for _ in 0..steps {
        let m = sim.step();
        check(&sim, &m);
    }
}

pub(crate) fn any_regime() -> impl Strategy<Value = Regime> {
    (
        prop_oneof![
            Just(Visibility::Private),
            Just(Visibility::Groups),
            Just(Visibility::Federated),
            Just(Visibility::Network),
            Just(Visibility::Open)
        ],
        any::<bool>(),
        prop_oneof![Just(None), (1u32..6).prop_map(Some)],
        prop_oneof![
            Just(Allocation::Market),
            Just(Allocation::Registry),
            Just(Allocation::Plan)
        ],
        prop_oneof![Just(Adopt::Best), Just(Adopt::Fork)],
        (
            0.0f64..0.5,
            any::<bool>(),
            prop_oneof![Just(None), (1.0f64..8.0).prop_map(Some)],
            prop_oneof![Just(0.0f64), 0.0f64..1.0],
            any::<bool>(),
        ),
        (0.0f64..0.6, 0.0f64..0.5, 0.0f64..0.3),
        prop_oneof![
            Just(NetworkKind::Ring),
            Just(NetworkKind::SmallWorld),
            Just(NetworkKind::Random),
            Just(NetworkKind::Complete)
        ],
    )
        .prop_map(
            |(
                visibility,
                exclusive,
                patent_term,
                allocation,
                adopt,
                (levy, by_credit, pay_cap, credit_compute, cap_in_groups),
                (monitoring, invest_rate, integration_cost),
                network,
            )| {
                Regime {
                    visibility,
                    exclusive,
                    patent_term,
                    allocation,
                    adopt,
                    levy,
                    pool_rule: if by_credit {
                        Split::Contribution
                    } else {
                        Split::Equal
                    },
                    group_share: if by_credit {
                        Split::Contribution
                    } else {
                        Split::Equal
                    },
                    pay_cap,
                    pay_cap_scope: if cap_in_groups {
                        PayCapScope::Group
                    } else {
                        PayCapScope::Economy
                    },
                    credit_compute,
                    monitoring,
                    invest_rate,
                    integration_cost,
                    network,
                    plan_interval: 3,
                    plan_lag: 2,
                    plan_lineages: 2,
                    ..Regime::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// §2.6 and §2.7: surplus and money are accounted for exactly, every step,
    /// under any combination of rules.
    #[test]
    fn surplus_and_money_identities_hold_under_random_regimes(regime in any_regime(), seed: u64) {
        let mut cfg = config(regime);
        cfg.world.upkeep = 0.01; // some producers exit: records vanish with them
        cfg.world.shock_rate = 0.3;
        let mut wealth_before: f64 = 0.0;
        run_checking(&cfg, seed, 30, |sim, m| {
            // §2.7: wealth grows by earnings, less upkeep and compute bought (an
            // entrant's slot restarts at 0, so only steps without exits add up).
            let (l, f) = (sim.ledger(), &sim.flows().producers);
            let wealth: f64 = sim.producers().wealth.iter().sum();
            if l.exits == 0 {
                let earned: f64 = f.earnings().sum();
                let n = f.income.len() as f64;
                let expected = wealth_before + earned - cfg.world.upkeep * n - l.compute_spent;
                let scale = wealth.abs().max(earned.abs()).max(1.0);
                assert!((wealth - expected).abs() < 1e-9 * scale, "wealth {wealth} vs {expected}");
            }
            wealth_before = wealth;
            for (j, s) in sim.flows().problems.sales.iter().enumerate() {
                let parts = s.consumer_surplus + s.revenue + s.deadweight_loss;
                assert!((s.potential - parts).abs() < 1e-9, "problem {j}: {s:?}");
                assert!(s.revenue >= 0.0 && s.deadweight_loss >= 0.0);
            }
            let l = sim.ledger();
            let inflow = l.revenue + l.levy + l.fines_carried - l.monitoring_carried - l.credit_compute;
            assert!(l.credit_compute >= 0.0 && l.compute_spent >= 0.0);
            assert!((l.paid - inflow).abs() < 1e-9 * inflow.abs().max(1.0), "paid {} vs {}", l.paid, inflow);
            // §2.5: the five classes of effort partition the effective trials.
            let classes = [l.catchup, l.race, l.redundant, l.exploration, l.frontier];
            assert!(classes.iter().all(|&c| c >= 0.0 && c == c.round()), "{classes:?}");
            let effective: u64 = sim.flows().producers.effective.iter().map(|&e| e as u64).sum();
            assert_eq!(classes.iter().sum::<f64>(), effective as f64);
            let shares = m.catchup_share + m.race_share + m.redundant_share + m.exploration_share + m.frontier_share;
            if m.trials > 0.0 {
                assert!((shares - 1.0).abs() < 1e-9);
                let duplicated = m.catchup_share + m.race_share + m.redundant_share;
                assert!((m.duplicated_share - duplicated).abs() < 1e-12);
            }
        });
    }
}

#[test]
fn same_run_on_one_and_two_threads_is_bit_identical() {
    // Large enough that the per-producer phases split into parallel chunks.
    let world = World {
        producers: 5000,
        problems: 400,
        ..World::default()
    };
    // Many problems too, so that the per-problem phases also run in parallel chunks.
    let wide = World {
        producers: 5000,
        problems: 2500,
        ..World::default()
    };
    let cases = [
        ("enclosure", &world),
        ("commons", &world),
        ("collectivist", &world),
        ("cooperative", &world),
        ("enclosure", &wide),
        ("commons", &wide),
    ];
    for (preset, world) in cases {
        let cfg = Config {
            world: world.clone(),
            regime: Regime::preset(preset).unwrap(),
            populations: Vec::new(),
        };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut sim = Simulation::new(&cfg, 11).unwrap();
                let mut out = Vec::new();
                sim.run(12, |_, m| out.extend(m.values().map(f64::to_bits)));
                out
            })
        };
        assert_eq!(run(1), run(2), "{preset}");
    }
}

#[test]
fn every_preset_keeps_shares_and_ginis_in_range() {
    let shares = [
        "duplicated_share",
        "catchup_share",
        "race_share",
        "redundant_share",
        "exploration_share",
        "frontier_share",
        "stuck_share",
        "top1_share",
        "contribution",
        "sanctions",
        "exits",
        "misallocation",
        "approach_diversity",
        "invest_share",
    ];
    for preset in PRESETS {
        let cfg = config(preset.regime());
        run_checking(&cfg, 3, 50, |_, m| {
            for name in shares {
                let v = m.get(name).unwrap();
                assert!(
                    v.is_nan() || (0.0..=1.0).contains(&v),
                    "{} {name} = {v}",
                    preset.name
                );
            }
            for name in ["gini_wealth", "gini_income"] {
                let v = m.get(name).unwrap();
                assert!(
                    v.is_nan() || (0.0..1.0).contains(&v),
                    "{} {name} = {v}",
                    preset.name
                );
            }
            assert!(m.frontier_quality >= m.access_quality - 1e-12);
            assert!(m.welfare.is_finite() && m.intrinsic_utility >= 0.0);
            assert!(m.top_pay_ratio.is_nan() || m.top_pay_ratio >= 1.0);
        });
    }
}

#[test]
fn invalid_configurations_are_refused_not_panicked() {
    let mut cfg = Config::default();
    cfg.world.interactions = cfg.world.loci;
    let err = Simulation::new(&cfg, 1).err().expect("K >= L is refused");
    assert_eq!(err.parameter, "world.interactions");
    cfg = Config::default();
    cfg.world.problems = 0;
    assert!(Simulation::new(&cfg, 1).is_err());
}
