//! Mixed worlds (spec §5, docs/MODEL.md §9): several populations under their
//! own regimes on one set of problems. A one-population world is the
//! single-regime run bit for bit; identities hold world-wide under any mix;
//! runs are bit-identical for any number of threads; a planner plans its own.

use proptest::prelude::*;
use regimes::model::populations::Population;
use regimes::model::*;

use super::model::any_regime;
use crate::support::*;

fn world(producers: usize, problems: usize) -> World {
    World {
        producers,
        problems,
        groups: 12,
        ..World::default()
    }
}

fn population(name: &str, share: f64, regime: Regime) -> Population {
    Population {
        name: name.to_string(),
        share,
        regime,
    }
}

fn mixed(world: World, populations: Vec<Population>) -> Config {
    Config {
        world,
        regime: Regime::default(),
        populations,
    }
}

/// Every metric of every step, as bits.
fn trace(cfg: &Config, seed: u64, steps: u32) -> Vec<u64> {
    let mut sim = Simulation::new(cfg, seed).expect("valid config");
    let mut out = Vec::new();
    sim.run(steps, |_, m| out.extend(m.values().map(f64::to_bits)));
    out
}

#[test]
fn one_population_is_the_single_regime_run_bit_for_bit() {
    for preset in PRESETS {
        let single = Config {
            world: world(150, 40),
            regime: preset.regime(),
            populations: Vec::new(),
        };
        let one = mixed(
            world(150, 40),
            vec![population("only", 1.0, preset.regime())],
        );
        assert_eq!(trace(&single, 5, 40), trace(&one, 5, 40), "{}", preset.name);
    }
    // A complete network too (a mixed world's circle, D48).
    let complete = Regime {
        visibility: Visibility::Network,
        network: NetworkKind::Complete,
        ..Regime::preset("commons").unwrap()
    };
    let single = Config {
        world: world(150, 40),
        regime: complete.clone(),
        populations: Vec::new(),
    };
    let one = mixed(world(150, 40), vec![population("only", 1.0, complete)]);
    assert_eq!(trace(&single, 5, 40), trace(&one, 5, 40), "complete");
}

#[test]
fn two_populations_are_bit_identical_on_one_and_two_threads() {
    // Large enough that the per-producer and per-problem phases run in chunks.
    // The last a complete network (a circle, D48) beside enclosure.
    let circle = Regime {
        visibility: Visibility::Network,
        network: NetworkKind::Complete,
        ..Regime::preset("collaborative").unwrap()
    };
    let preset = |name: &str| Regime::preset(name).unwrap();
    let cases = [
        (
            "enclosure",
            preset("enclosure"),
            "commons",
            preset("commons"),
        ),
        (
            "collectivist",
            preset("collectivist"),
            "cooperative",
            preset("cooperative"),
        ),
        ("patents", preset("patents"), "p2p", preset("p2p")),
        ("circle", circle, "enclosure", preset("enclosure")),
    ];
    for (a, regime_a, b, regime_b) in cases {
        let cfg = mixed(
            World {
                groups: 50,
                ..world(5000, 2500)
            },
            vec![population(a, 0.4, regime_a), population(b, 0.6, regime_b)],
        );
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| trace(&cfg, 11, 8))
        };
        assert_eq!(run(1), run(2), "{a} + {b}");
    }
}

#[test]
fn populations_with_different_patent_terms_each_keep_their_own_ring() {
    let mut short = Regime::preset("patents").unwrap();
    short.patent_term = Some(3);
    let long = Regime::preset("patents").unwrap();
    let cfg = mixed(
        world(200, 40),
        vec![
            population("long", 0.5, long),
            population("short", 0.5, short),
        ],
    );
    assert!(cfg.check().is_empty(), "{:?}", cfg.check());
    let mut sim = Simulation::new(&cfg, 3).unwrap();
    // A ring of 20 and one of 3 per problem (spec §5: each population's term).
    assert_eq!(sim.problems().patent_terms, [20, 3]);
    assert_eq!(sim.problems().patent_ring.len(), 40 * 23);
    // Before step 20 only the short term's patents can have opened.
    for _ in 0..15 {
        sim.step();
    }
    let q = sim.problems();
    let opened: Vec<u8> = (0..q.len())
        .filter(|&j| q.open[j].is_some())
        .map(|j| q.open_population[j])
        .collect();
    assert!(!opened.is_empty(), "no patent opened in 15 steps");
    assert!(opened.iter().all(|&k| k == 1), "{opened:?}");
}

#[test]
fn a_planner_assigns_only_its_own_members() {
    let mut market = Regime::preset("open_access").unwrap();
    let world = World {
        switch_rate: 0.0, // market producers choose once, at the start
        ..world(120, 30)
    };
    let plan = Regime::preset("collectivist").unwrap();
    let interval = plan.plan_interval;
    market.plan_interval = 1; // not read: the market population does not plan
    let cfg = mixed(
        world,
        vec![
            population("plan", 0.5, plan),
            population("market", 0.5, market),
        ],
    );
    let mut sim = Simulation::new(&cfg, 3).unwrap();
    let population = sim.producers().population.clone();
    let mut before = Vec::new();
    for t in 0..=2 * interval {
        sim.step();
        let target = sim.producers().target.clone();
        if t == interval - 1 {
            before = target;
        } else if t == interval {
            // The plan of step `interval` moved no market producer.
            for i in 0..target.len() {
                if population[i] == 1 {
                    assert_eq!(target[i], before[i], "market producer {i} was moved");
                }
            }
            // Each planned team's ranks are 0..size, counted over planners only.
            let p = sim.producers();
            let mut ranks: Vec<Vec<u32>> = vec![Vec::new(); 30];
            for i in (0..p.len()).filter(|&i| population[i] == 0) {
                ranks[p.target[i] as usize].push(p.team_rank[i]);
            }
            for mut team in ranks {
                team.sort_unstable();
                assert!(
                    team.iter().enumerate().all(|(k, &r)| r == k as u32),
                    "{team:?}"
                );
            }
        }
    }
}

#[test]
fn shares_must_sum_to_one_and_the_error_names_them() {
    let cfg = mixed(
        world(100, 10),
        vec![
            population("open", 0.5, Regime::preset("commons").unwrap()),
            population("closed", 0.4, Regime::preset("enclosure").unwrap()),
        ],
    );
    let errors = cfg.check();
    let e = errors
        .iter()
        .find(|e| e.parameter == "populations.*.share")
        .expect("an error on the shares");
    assert!(
        e.value.contains("open 0.5") && e.value.contains("closed 0.4"),
        "{e}"
    );
    assert!(Simulation::new(&cfg, 1).is_err());
    let mut bad = cfg.clone();
    bad.populations[1].share = 0.5;
    bad.populations[1].regime.levy = 2.0;
    let errors = bad.check();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].parameter, "populations.closed.levy");
}

/// Two populations with any regimes and share (both may plan, each with its
/// own patent term, either may have a complete network).
fn any_mix() -> impl Strategy<Value = Vec<Population>> {
    (any_regime(), any_regime(), 0.0f64..=1.0).prop_map(|(a, b, share)| {
        let share = (share * 20.0).round() / 20.0;
        vec![population("a", share, a), population("b", 1.0 - share, b)]
    })
}

#[test]
fn migration_keeps_every_producer_in_one_population_with_its_groups_and_peers() {
    let mut cfg = mixed(
        world(150, 30),
        vec![
            population("open", 0.5, Regime::preset("open_access").unwrap()),
            population("closed", 0.5, Regime::preset("cooperative").unwrap()),
        ],
    );
    cfg.world.migration_rate = 0.3;
    let mut sim = Simulation::new(&cfg, 9).unwrap();
    let mut migrants = 0;
    for _ in 0..40 {
        sim.step();
        migrants += sim.ledger().migrants;
        let (p, setting) = (sim.producers(), sim.setting());
        // The shares are the members: they sum to 1 by construction, and each
        // producer's group is of its own population.
        let counts = [0u8, 1].map(|k| p.population.iter().filter(|&&x| x == k).count());
        assert_eq!(counts[0] + counts[1], p.len());
        for i in 0..p.len() {
            let g = p.group[i] as usize;
            assert_eq!(setting.layout.group_population[g], p.population[i], "{i}");
            // Imitation peers are of the same population.
            let pool = setting.peers.on(setting.peer_key[i] as usize);
            assert!(
                pool.iter()
                    .all(|&b| p.population[b as usize] == p.population[i])
            );
        }
        let m = setting.sight.mixed.as_ref().unwrap();
        assert_eq!(m.population, p.population);
    }
    assert!(migrants > 0, "no producer migrated in 40 steps");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// §2.6, §2.7 and §5: surplus and money are accounted for exactly every
    /// step world-wide, under any mix of two regimes; the surplus credited to
    /// the populations' pools is the consumer surplus.
    #[test]
    fn identities_hold_world_wide_under_random_mixes(populations in any_mix(), seed: u64) {
        let mut cfg = mixed(world(120, 30), populations);
        cfg.world.upkeep = 0.01;
        cfg.world.migration_rate = (seed % 3) as f64 * 0.2;
        cfg.world.shock_rate = 0.3;
        prop_assert!(cfg.check().is_empty(), "{:?}", cfg.check());
        let mut sim = Simulation::new(&cfg, seed).unwrap();
        let mut wealth_before = 0.0;
        for _ in 0..30 {
            sim.step();
            let (l, f) = (sim.ledger(), &sim.flows().producers);
            let wealth: f64 = sim.producers().wealth.iter().sum();
            if l.exits == 0 {
                let earned: f64 = f.earnings().sum();
                let n = f.income.len() as f64;
                let expected = wealth_before + earned - cfg.world.upkeep * n - l.compute_spent;
                let scale = wealth.abs().max(earned.abs()).max(1.0);
                prop_assert!((wealth - expected).abs() < 1e-9 * scale);
            }
            wealth_before = wealth;
            for s in &sim.flows().problems.sales {
                let parts = s.consumer_surplus + s.revenue + s.deadweight_loss;
                prop_assert!((s.potential - parts).abs() < 1e-9);
            }
            let inflow = l.revenue + l.levy + l.fines_carried - l.monitoring_carried - l.credit_compute;
            prop_assert!((l.paid - inflow).abs() < 1e-9 * inflow.abs().max(1.0), "paid {} vs {}", l.paid, inflow);
            let pools = &sim.flows().pools;
            let credited: f64 = pools.iter().map(|p| p.surplus).sum();
            prop_assert!((credited - l.consumer_surplus).abs() < 1e-9 * l.consumer_surplus.max(1.0));
            prop_assert!(pools.iter().all(|p| p.surplus >= -1e-12));
            let classes = [l.catchup, l.race, l.redundant, l.exploration, l.frontier];
            let effective: u64 = f.effective.iter().map(|&e| e as u64).sum();
            prop_assert_eq!(classes.iter().sum::<f64>(), effective as f64);
        }
    }
}

/// A complete network population (a circle, D48) beside an enclosed one runs
/// end to end through `regimes run`, with a row per population in its tables.
#[test]
fn a_complete_network_population_runs_through_regimes_run() {
    let dir = scratch("circle");
    let file = dir.join("circle.toml");
    std::fs::write(
        &file,
        r#"name = "circle"
steps = 12
seed = 4

[world]
producers = 60
problems = 15
migration_rate = 0.05

[populations.circle]
regime = "commons"
visibility = "network"
network = "complete"
share = 0.5

[populations.closed]
regime = "enclosure"
"#,
    )
    .unwrap();
    let out = dir.join("out");
    let o = run(&[
        "run",
        path(&file),
        "--set",
        "replicates=1",
        "--quiet",
        "--out",
        path(&out),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    for population in ["all", "circle", "closed"] {
        assert!(
            summary
                .lines()
                .any(|l| l.contains(&format!(",{population},"))),
            "no {population} row in\n{summary}"
        );
    }
}
