//! Charts of mixed worlds (spec §5, issue 14) drawn from synthetic output
//! directories: the tables' `population` column (`all` for the world, then one
//! row per population) and the `population_share` metric.

use std::fs;
use std::path::Path;

use polars::prelude::*;
use regimes::model::METRICS;
use regimes::output::charts::data::{By, Outputs};
use regimes::output::charts::shares::layers;
use regimes::output::charts::{Format, draw_all};
use regimes::output::stats::Stats;

use crate::support::*;

const SHARE: &str = "population_share";
const POPULATIONS: [&str; 2] = ["open", "closed"];

/// The value of metric `m` in population `pop` (0: all) at `step`: the world
/// reads 100 + m, a population 10 * pop + m, so a chart that mixes them shows.
fn value(m: usize, pop: usize, step: u32) -> f64 {
    let base = if pop == 0 { 100.0 } else { 10.0 * pop as f64 };
    base + m as f64 + 0.01 * f64::from(step % 7)
}

/// The open population's share at `step` of a run starting at `open`:
/// migration moves a tenth of it away over the run (none of nothing).
fn open_share(open: f64, step: u32, steps: u32, rep: u32) -> f64 {
    open * (1.0 - 0.1 * f64::from(step) / f64::from(steps)) * (1.0 + 0.01 * f64::from(rep))
}

/// Writes the tables of one mixed world (`mixed`, open beside closed) over
/// `shares` of the open population (a sweep of `populations.open.share` when
/// there are several), `reps` replicates, `steps` steps.
fn write_mixed(dir: &Path, shares: &[f64], reps: u32, steps: u32) {
    let swept = shares.len() > 1;
    let extra_share = !METRICS.iter().any(|m| m.name == SHARE);
    let mut ts: Vec<(u32, usize, u32, f64, u32)> = Vec::new();
    let mut runs: Vec<(u32, usize, u32, f64)> = Vec::new();
    let mut run = 0;
    for &open in shares {
        for rep in 0..reps {
            for step in 0..steps {
                for pop in 0..=POPULATIONS.len() {
                    ts.push((run, pop, rep, open, step));
                }
            }
            for pop in 0..=POPULATIONS.len() {
                runs.push((run, pop, rep, open));
            }
            run += 1;
        }
    }
    let share_of = |pop: usize, open: f64, step: u32, rep: u32| match pop {
        0 => 1.0,
        1 => open_share(open, step, steps, rep),
        _ => 1.0 - open_share(open, step, steps, rep),
    };
    let ids = |rows: &[(u32, usize, u32, f64)]| -> Vec<Column> {
        let names = ["all", POPULATIONS[0], POPULATIONS[1]];
        let mut cols = vec![
            Column::new("run".into(), rows.iter().map(|r| r.0).collect::<Vec<u32>>()),
            Column::new("regime".into(), vec!["mixed"; rows.len()]),
            Column::new(
                "population".into(),
                rows.iter().map(|r| names[r.1]).collect::<Vec<&str>>(),
            ),
            Column::new(
                "replicate".into(),
                rows.iter().map(|r| r.2).collect::<Vec<u32>>(),
            ),
            Column::new(
                "seed".into(),
                rows.iter()
                    .map(|r| 7 + u64::from(r.0))
                    .collect::<Vec<u64>>(),
            ),
        ];
        if swept {
            cols.push(Column::new(
                "populations.open.share".into(),
                rows.iter().map(|r| r.3).collect::<Vec<f64>>(),
            ));
        }
        cols
    };
    let metric = |m: usize, pop: usize, open: f64, step: u32, rep: u32| {
        if METRICS[m].name == SHARE {
            share_of(pop, open, step, rep)
        } else {
            value(m, pop, step)
        }
    };
    let keys: Vec<(u32, usize, u32, f64)> = ts.iter().map(|r| (r.0, r.1, r.2, r.3)).collect();
    let mut cols = ids(&keys);
    cols.push(Column::new(
        "step".into(),
        ts.iter().map(|r| r.4).collect::<Vec<u32>>(),
    ));
    for (m, info) in METRICS.iter().enumerate() {
        let v: Vec<f64> = ts.iter().map(|r| metric(m, r.1, r.3, r.4, r.2)).collect();
        cols.push(Column::new(info.name.into(), v));
    }
    if extra_share {
        let v: Vec<f64> = ts.iter().map(|r| share_of(r.1, r.3, r.4, r.2)).collect();
        cols.push(Column::new(SHARE.into(), v));
    }
    write_parquet(&dir.join("timeseries.parquet"), cols);

    let mut cols = ids(&runs);
    for (m, info) in METRICS.iter().enumerate() {
        let v: Vec<f64> = runs
            .iter()
            .map(|r| metric(m, r.1, r.3, steps - 1, r.2))
            .collect();
        cols.push(Column::new(info.name.into(), v));
    }
    if extra_share {
        let v: Vec<f64> = runs
            .iter()
            .map(|r| share_of(r.1, r.3, steps - 1, r.2))
            .collect();
        cols.push(Column::new(SHARE.into(), v));
    }
    cols.push(Column::new(
        "cumulative_welfare".into(),
        runs.iter()
            .map(|r| 1000.0 + r.1 as f64)
            .collect::<Vec<f64>>(),
    ));
    write_parquet(&dir.join("runs.parquet"), cols);

    let mut toml = format!(
        "name = \"mixed_synthetic\"\ndescription = \"test\"\nsteps = {steps}\nreplicates = {reps}\n\
         seed = 7\nrecord_every = 1\nwindow = 1\n\n[populations.open]\nregime = \"commons\"\n\
         share = {}\n\n[populations.closed]\nregime = \"enclosure\"\n",
        shares[0]
    );
    if swept {
        toml += &format!("\n[sweep]\n\"populations.open.share\" = {shares:?}\n");
    }
    fs::write(dir.join("scenario.toml"), toml).unwrap();
}

fn write_parquet(path: &Path, cols: Vec<Column>) {
    let mut df = DataFrame::new_infer_height(cols).unwrap();
    ParquetWriter::new(fs::File::create(path).unwrap())
        .finish(&mut df)
        .unwrap();
}

#[test]
fn charts_of_the_world_read_the_rows_of_all() {
    let dir = scratch("world");
    write_mixed(&dir, &[0.1, 0.3, 0.5], 3, 20);
    let mut out = Outputs::load(&dir).unwrap();
    // The population column and its share metric are not swept parameters.
    let params: Vec<&str> = out.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["populations.open.share"]);
    assert_eq!(out.regimes, ["mixed"]);
    assert_eq!(out.populations, POPULATIONS);
    assert_eq!(out.population_presets["open"], "commons");
    let m = METRICS.iter().position(|m| m.name == "welfare").unwrap();
    let world = value(m, 0, 19);
    for s in &out.run_stats("welfare").unwrap()[0] {
        assert_eq!((s.n, s.mean), (3, world));
    }
    let ts = out.series("welfare", 2000).unwrap();
    assert_eq!(ts.stats.len(), 1);
    assert_eq!(ts.stats[0][0][5].mean, value(m, 0, 5));
    // By population: the world first, then each population's own rows.
    let by = out.run_stats_by("welfare", By::Population).unwrap();
    let means: Vec<f64> = by.iter().map(|r| r[0].mean).collect();
    assert_eq!(means, [world, value(m, 1, 19), value(m, 2, 19)]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_mixed_world_gets_population_charts_and_a_single_regime_none() {
    let dir = scratch("mixed");
    write_mixed(&dir, &[0.1, 0.3, 0.5], 3, 20);
    let files = names(&draw_all(&dir, Format::Both, true).unwrap());
    for stem in [
        "population_shares",
        "population_sweep_welfare_by_populations-open-share",
        "population_sweep_duplicated_share_by_populations-open-share",
        "population_sweep_approach_diversity_by_populations-open-share",
        "population_sweep_gini_wealth_by_populations-open-share",
        "population_sweep_contribution_by_populations-open-share",
        "timeseries_welfare",
        "sweep_welfare_by_populations-open-share",
    ] {
        for ext in ["png", "svg"] {
            let file = format!("{stem}.{ext}");
            assert!(files.contains(&file), "{file} missing: {files:?}");
        }
    }
    let texts = svg_texts(&dir.join("charts/population_shares.svg"));
    for text in [
        "Share of the producers in each population over time",
        "Population",
        "open (commons)",
        "closed (enclosure)",
        "share of the producers",
    ] {
        assert!(texts.iter().any(|t| t == text), "shares lack {text:?}");
    }
    // The world is no area of its own: it is their sum.
    assert!(!texts.iter().any(|t| t == "all producers"));
    let texts =
        svg_texts(&dir.join("charts/population_sweep_welfare_by_populations-open-share.svg"));
    for text in ["all producers", "open (commons)", "closed (enclosure)"] {
        assert!(texts.iter().any(|t| t == text), "welfare lacks {text:?}");
    }
    assert!(has_text(&texts, "by population"));
    // The overview shows the populations beside the world.
    let texts = svg_texts(&dir.join("charts/overview.svg"));
    for text in ["Population", "all producers", "open (commons)"] {
        assert!(texts.iter().any(|t| t == text), "overview lacks {text:?}");
    }
    if std::env::var_os("KEEP").is_none() {
        fs::remove_dir_all(&dir).unwrap();
    }

    let dir = scratch("single");
    write_outputs(&dir, &THREE, &[], 3, 20, "");
    let files = names(&draw_all(&dir, Format::Png, true).unwrap());
    assert!(
        !files.iter().any(|f| f.starts_with("population_")),
        "{files:?}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_a_sweep_the_headline_metrics_by_population_are_bars() {
    let dir = scratch("bars");
    write_mixed(&dir, &[0.3], 2, 10);
    let files = names(&draw_all(&dir, Format::Svg, true).unwrap());
    for stem in ["population_shares", "population_bars_welfare"] {
        assert!(files.contains(&format!("{stem}.svg")), "{stem}: {files:?}");
    }
    let texts = svg_texts(&dir.join("charts/population_bars_welfare.svg"));
    assert!(texts.iter().any(|t| t == "Welfare per step by population"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stacked_shares_add_up_to_one_at_every_step() {
    let dir = scratch("stack");
    write_mixed(&dir, &[0.0, 0.3, 0.7], 4, 30);
    let mut out = Outputs::load(&dir).unwrap();
    let ts = out.series_by(SHARE, 2000, By::Population).unwrap();
    // Rows: all, open, closed; the chart stacks the populations.
    assert_eq!(ts.stats.len(), 3);
    for p in 0..out.points.len() {
        let stats: Vec<&Vec<Stats>> = ts.stats[1..].iter().map(|r| &r[p]).collect();
        let bands = layers(&stats);
        assert_eq!(bands.len(), 2);
        for k in 0..ts.steps.len() {
            assert_eq!(bands[0].low[k], 0.0);
            assert!((bands[1].high[k] - 1.0).abs() < 1e-12, "point {p} step {k}");
            assert!(bands[0].high[k] <= bands[1].high[k]);
        }
        // The open band shrinks by migration, as the tables say.
        assert!(bands[0].high[0] >= bands[0].high[ts.steps.len() - 1]);
    }
    // At an open share of 0 the open population has no members: its metrics
    // are missing (not its sums' 0), the closed population's are not.
    let welfare = out.run_stats_by("welfare", By::Population).unwrap();
    assert_eq!(
        (welfare[1][0].n, welfare[2][0].n, welfare[1][1].n),
        (0, 4, 4)
    );
    assert!(welfare[1][0].mean.is_nan());
    let ts = out.series_by("welfare", 2000, By::Population).unwrap();
    assert!(ts.stats[1][0].iter().all(|s| s.n == 0));
    assert!(ts.stats[1][1].iter().all(|s| s.n == 4));
    // Its share stays 0, as the tables say.
    let shares = out.run_stats_by(SHARE, By::Population).unwrap();
    assert_eq!((shares[1][0].n, shares[1][0].mean), (4, 0.0));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_scenario_asks_for_charts_by_population() {
    let dir = scratch("spec");
    write_mixed(&dir, &[0.1, 0.5], 2, 10);
    let mut toml = fs::read_to_string(dir.join("scenario.toml")).unwrap();
    toml += "\n[[charts]]\nmetric = \"welfare\"\nkind = \"timeseries\"\nby = \"population\"\n\
             regimes = [\"open\", \"all\"]\n";
    fs::write(dir.join("scenario.toml"), toml).unwrap();
    draw_all(&dir, Format::Svg, true).unwrap();
    let texts = svg_texts(&dir.join("charts/population_timeseries_welfare.svg"));
    assert!(
        texts
            .iter()
            .any(|t| t == "Welfare per step over time by population")
    );
    assert!(texts.iter().any(|t| t == "all producers"));
    assert!(!texts.iter().any(|t| t == "closed (enclosure)"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_report_of_a_mixed_world_tabulates_each_population_beside_the_world() {
    let dir = scratch("report");
    write_mixed(&dir, &[0.1, 0.5], 2, 10);
    let page = fs::read_to_string(regimes::output::report::build(&dir).unwrap()).unwrap();
    for part in [
        "a mixed world of 2 populations (open, closed)",
        "<th>all producers</th><th>open (commons)</th><th>closed (enclosure)</th>",
        "id=\"population_shares\"",
        "One column for all producers, then one per population.",
    ] {
        assert!(page.contains(part), "the report lacks {part:?}");
    }
    fs::remove_dir_all(&dir).unwrap();
}
