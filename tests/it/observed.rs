//! Observation per population (spec §5 "Observation", docs/MODEL.md D52): in a
//! mixed world every metric for each population besides the world's, the sums
//! adding up to the world's every step; a `population` column in every table,
//! `all` for the world, and the tables still bit-identical for any thread
//! count, after a resume and across shards.

use std::path::Path;

use polars::prelude::*;
use proptest::prelude::*;
use regimes::model::populations::Population;
use regimes::model::*;

use super::model::any_regime;
use crate::support::*;

fn mixed(producers: usize, problems: usize, populations: Vec<Population>) -> Config {
    Config {
        world: World {
            producers,
            problems,
            groups: 12,
            ..World::default()
        },
        regime: Regime::default(),
        populations,
    }
}

fn population(name: &str, share: f64, regime: Regime) -> Population {
    Population {
        name: name.to_string(),
        share,
        regime,
    }
}

/// The metrics that are sums over the populations (spec §5: money and surplus
/// identities hold world-wide, each population credited its part).
const ADDITIVE: &[&str] = &[
    "trials",
    "new_lineages",
    "innovation",
    "potential_surplus",
    "consumer_surplus",
    "producer_revenue",
    "deadweight_loss",
    "real_costs",
    "intrinsic_utility",
    "welfare",
    "population_share",
];

/// Two populations of any regimes and share (both may plan, each has its own
/// patent term, either may have a complete network, D48: the first has one
/// in a case in four).
fn any_mix() -> impl Strategy<Value = Vec<Population>> {
    let mix = (any_regime(), any_regime(), 0.0f64..=1.0, 0..4);
    mix.prop_map(|(mut a, b, share, circle)| {
        if circle == 0 {
            (a.visibility, a.network) = (Visibility::Network, NetworkKind::Complete);
        }
        let share = (share * 20.0).round() / 20.0;
        vec![population("a", share, a), population("b", 1.0 - share, b)]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every step, with migration on: the populations' sums are the world's,
    /// their shares of producers sum to 1 and count their members, and an
    /// empty population reports NaN for its ratios.
    #[test]
    fn populations_add_up_to_the_world_every_step(populations in any_mix(), seed: u64) {
        let mut cfg = mixed(120, 30, populations);
        cfg.world.upkeep = 0.01;
        cfg.world.migration_rate = (seed % 3) as f64 * 0.2;
        cfg.world.shock_rate = 0.3;
        prop_assert!(cfg.check().is_empty(), "{:?}", cfg.check());
        let mut sim = Simulation::new(&cfg, seed).unwrap();
        for t in 0..30 {
            let world = sim.step();
            let each = sim.population_metrics();
            prop_assert_eq!(each.len(), 2);
            for name in ADDITIVE {
                let total = world.get(name).unwrap();
                let sum: f64 = each.iter().map(|m| m.get(name).unwrap()).sum();
                let scale = each.iter().map(|m| m.get(name).unwrap().abs()).sum::<f64>().max(1.0);
                prop_assert!(
                    (sum - total).abs() <= 1e-9 * scale,
                    "step {}: {} of the populations {} vs the world's {}", t, name, sum, total
                );
            }
            // Shares count the producers who worked in each population this step.
            let worked_in = &sim.flows().producers.population;
            for (k, m) in each.iter().enumerate() {
                let members = worked_in.iter().filter(|&&x| x as usize == k).count();
                prop_assert_eq!(m.population_share, members as f64 / worked_in.len() as f64);
                if members == 0 {
                    for ratio in ["contribution", "gini_wealth", "mean_quality", "exits", "duplicated_share"] {
                        prop_assert!(m.get(ratio).unwrap().is_nan(), "{} of an empty population", ratio);
                    }
                    prop_assert_eq!(m.trials, 0.0);
                }
            }
            prop_assert_eq!(world.population_share, 1.0);
        }
    }
}

/// A population without members leaves the other one all the producers: its
/// producer-side figures are the world's.
#[test]
fn a_population_with_every_producer_sees_what_the_world_sees() {
    for preset in ["enclosure", "commons", "cooperative"] {
        let cfg = mixed(
            150,
            40,
            vec![
                population("none", 0.0, Regime::preset("p2p").unwrap()),
                population("every", 1.0, Regime::preset(preset).unwrap()),
            ],
        );
        let mut sim = Simulation::new(&cfg, 3).unwrap();
        for _ in 0..25 {
            let world = sim.step();
            let [none, every] = sim.population_metrics() else {
                panic!("two populations")
            };
            assert_eq!(none.population_share, 0.0);
            assert_eq!(every.population_share, 1.0);
            for name in [
                "trials",
                "duplicated_share",
                "stuck_share",
                "mean_quality",
                "approach_diversity",
                "lineages",
                "effort_entropy",
                "tail_coverage",
                "real_costs",
                "intrinsic_utility",
                "gini_wealth",
                "gini_income",
                "pay_ratio",
                "top_pay_ratio",
                "top1_share",
                "contribution",
                "invest_share",
                "misallocation",
            ] {
                let (w, e) = (world.get(name).unwrap(), every.get(name).unwrap());
                assert!(
                    w.to_bits() == e.to_bits() || (w - e).abs() <= 1e-12 * w.abs().max(1.0),
                    "{preset}: {name} {e} vs the world's {w}"
                );
                if name != "real_costs" && name != "trials" && name != "intrinsic_utility" {
                    assert!(none.get(name).unwrap().is_nan(), "{preset}: {name}");
                }
            }
            assert_eq!(none.trials, 0.0);
        }
    }
}

#[test]
fn a_single_regime_run_has_no_population_rows() {
    let cfg = Config::default();
    let mut sim = Simulation::new(&cfg, 1).unwrap();
    let m = sim.step();
    assert_eq!(m.population_share, 1.0);
    assert!(sim.population_metrics().is_empty());
    let one = Config {
        populations: vec![population("only", 1.0, Regime::default())],
        ..Config::default()
    };
    let mut sim = Simulation::new(&one, 1).unwrap();
    sim.step();
    assert!(sim.population_metrics().is_empty());
}

/// A mixed sweep small enough for the debug build.
const MIXED: &str = "name = \"mixed\"\nsteps = 8\nreplicates = 2\nseed = 4\nwindow = 3\n\
    [world]\nproducers = 60\nproblems = 20\nmigration_rate = 0.2\n\
    [populations.open]\nregime = \"commons\"\nshare = 0.4\n\
    [populations.closed]\nregime = \"enclosure\"\n\
    [sweep]\n\"populations.open.share\" = [0.0, 0.4]\n";

/// Runs the scenario and returns what it printed.
fn run_mixed(scenario: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["run", path(scenario), "--format", "svg", "--quiet"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", path(out)]);
    let o = run(&args);
    assert!(o.status.success(), "run {extra:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

fn read(p: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(p).unwrap())
        .finish()
        .unwrap()
}

fn strings(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().str().unwrap();
    c.iter().map(|v| v.unwrap().to_string()).collect()
}

fn numbers(df: &DataFrame, name: &str) -> Vec<f64> {
    let c = df.column(name).unwrap().cast(&DataType::Float64).unwrap();
    c.f64().unwrap().into_no_null_iter().collect()
}

#[test]
fn mixed_tables_have_a_row_per_population_on_any_threads_shards_and_resume() {
    let dir = scratch("tables");
    let scenario = dir.join("mixed.toml");
    std::fs::write(&scenario, MIXED).unwrap();
    let (one, two) = (dir.join("one"), dir.join("two"));
    let screen = run_mixed(&scenario, &one, &["--threads", "1"]);
    run_mixed(&scenario, &two, &["--threads", "2"]);
    same_tables(&one, &two);
    // The table on screen has a row per population and sweep point.
    let header = screen
        .lines()
        .find(|l| l.starts_with("population"))
        .unwrap();
    assert!(header.contains("populations.open.share"), "{screen}");
    for name in ["all ", "open ", "closed "] {
        let rows = screen.lines().filter(|l| l.starts_with(name)).count();
        assert_eq!(rows, 2, "{name}in {screen}");
    }

    // 4 runs x 8 steps, each step a row for the world and one per population.
    let ts = read(&one.join("timeseries.parquet"));
    assert_eq!(ts.height(), 4 * 8 * 3);
    let names: Vec<String> = ts
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &names[..5],
        ["run", "regime", "population", "replicate", "seed"]
    );
    let (who, share) = (strings(&ts, "population"), numbers(&ts, "population_share"));
    let (seed, step) = (numbers(&ts, "seed"), numbers(&ts, "step"));
    for r in (0..ts.height()).step_by(3) {
        assert_eq!(
            [&who[r], &who[r + 1], &who[r + 2]],
            ["all", "open", "closed"]
        );
        assert_eq!(share[r], 1.0);
        assert!((share[r + 1] + share[r + 2] - 1.0).abs() < 1e-12);
        // Every row carries its run's seed and step.
        assert_eq!((seed[r], step[r]), (seed[r + 2], step[r + 2]));
    }
    let runs = read(&one.join("runs.parquet"));
    assert_eq!(runs.height(), 4 * 3);
    assert_eq!(strings(&runs, "population")[..3], ["all", "open", "closed"]);
    let summary = std::fs::read_to_string(one.join("summary.csv")).unwrap();
    assert!(summary.starts_with("regime,population,populations.open.share,metric,"));
    let rows = summary.lines().count() - 1;
    assert_eq!(rows, 2 * 3 * (METRIC_COUNT + 1));

    // Shards merged, and a run resumed after some of its runs, equal a straight run.
    let shards: Vec<_> = (0..2).map(|i| dir.join(format!("shard{i}"))).collect();
    for (i, s) in shards.iter().enumerate() {
        run_mixed(&scenario, s, &["--shard", &format!("{i}/2")]);
    }
    let merged = dir.join("merged");
    let o = run(&[
        "merge",
        path(&shards[0]),
        path(&shards[1]),
        "--out",
        path(&merged),
        "--format",
        "svg",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    same_tables(&one, &merged);

    // A resume that finds half the runs done (shard 0's parts) computes the rest.
    let resumed = dir.join("resumed");
    run_mixed(&scenario, &resumed, &["--shard", "0/2"]);
    assert_eq!(finished_runs(&resumed.join(".parts")), 2);
    let o = run(&[
        "run",
        path(&scenario),
        "--format",
        "svg",
        "--quiet",
        "--resume",
        "--out",
        path(&resumed),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    same_tables(&one, &resumed);
}
