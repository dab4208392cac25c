//! Reads an output directory (tables and resolved scenario) and reduces it to
//! what charts show: mean and 95 % t-interval per regime x sweep point (x step).
//! Statistics are accumulated in Rust in file order, so redrawing gives the same
//! numbers bit for bit whatever polars' thread count.
//!
//! `columns` reads table columns, `points` the swept parameters and sweep
//! points, `reduce` computes the statistics; this file loads a directory.

mod columns;
mod points;
mod reduce;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::{DataFrame, ParquetReader, SerReader};

pub use crate::experiment::chart_spec::By;
use crate::experiment::chart_spec::{ChartSpec, ChartsMode};
use crate::model::METRICS;
use columns::{column_names, f64_column, read_parquet, str_codes, str_column};
pub use points::{Param, Values};
use points::{decode, encode, point_codes, sweep_lists};
pub use reduce::TimeSeries;

/// The `population` column of a mixed world's tables (spec §5): [`ALL`] for the
/// world, else a population's name. Tables without it hold the world alone.
pub use crate::output::tables::{ALL, POPULATION};
/// The metric of each population's share of the producers (1 for the world).
pub const POPULATION_SHARE: &str = "population_share";

/// Which regime, population and sweep point each row of a table belongs to
/// (and, for the time series, which recorded step). A population is 0 for
/// `all` and `k` for `populations[k - 1]`.
#[derive(Clone, Debug, Default)]
struct RowKeys {
    regime: Vec<u32>,
    population: Vec<u32>,
    point: Vec<u32>,
    step: Vec<u32>,
}

/// Everything charts read from an output directory.
#[derive(Debug)]
pub struct Outputs {
    pub name: String,
    pub steps: Option<i64>,
    pub replicates: Option<i64>,
    /// Recorded steps averaged per run in `runs.parquet`.
    pub window: Option<i64>,
    /// Steps between two recorded rows.
    pub record_every: Option<i64>,
    /// The scenario's question and description.
    pub description: String,
    /// The regime others are compared with, if the scenario names one.
    pub baseline: Option<String>,
    pub mode: ChartsMode,
    /// `[[charts]]` entries that parsed, and messages for those that did not.
    pub specs: Vec<ChartSpec>,
    pub spec_errors: Vec<String>,
    /// Regimes in the order of their first run.
    pub regimes: Vec<String>,
    /// The preset each regime of the scenario starts from, by regime name.
    pub regime_presets: BTreeMap<String, String>,
    /// A mixed world's populations (without `all`), in the order of their
    /// first row (the scenario's); empty when every row is the world's.
    pub populations: Vec<String>,
    /// The preset each population's regime starts from, by population name.
    pub population_presets: BTreeMap<String, String>,
    /// The regime whose rows are split by population (the mixed world).
    pub mixed: Option<usize>,
    pub params: Vec<Param>,
    /// Sweep points present, as value indices per parameter, in grid order.
    pub points: Vec<Vec<usize>>,
    runs: DataFrame,
    run_keys: RowKeys,
    ts_path: PathBuf,
    ts_columns: Vec<String>,
    ts_keys: Option<RowKeys>,
}

impl Outputs {
    /// Loads `runs.parquet` and `scenario.toml` (and the key columns of
    /// `timeseries.parquet` if it exists) from `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        let runs_path = dir.join("runs.parquet");
        if !runs_path.exists() {
            bail!(
                "{} has no runs.parquet: is it an output directory of `regimes run`?",
                dir.display()
            );
        }
        let scenario: toml::Table = match std::fs::read_to_string(dir.join("scenario.toml")) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("cannot parse {}", dir.join("scenario.toml").display()))?,
            Err(_) => toml::Table::new(),
        };
        let int = |k: &str| scenario.get(k).and_then(toml::Value::as_integer);
        let name = scenario
            .get("name")
            .and_then(toml::Value::as_str)
            .map(str::to_string)
            .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "regimes".to_string());
        let mode = match scenario.get("charts_mode").and_then(toml::Value::as_str) {
            Some("replace") => ChartsMode::Replace,
            _ => ChartsMode::Add,
        };
        let mut specs = Vec::new();
        let mut spec_errors = Vec::new();
        if let Some(list) = scenario.get("charts").and_then(toml::Value::as_array) {
            for (i, v) in list.iter().enumerate() {
                match v.clone().try_into::<ChartSpec>() {
                    Ok(s) => specs.push(s),
                    Err(e) => spec_errors.push(format!("[[charts]] entry {}: {e}", i + 1)),
                }
            }
        }
        let lists = sweep_lists(scenario.get("sweep"));
        let regime_presets = scenario
            .get("regimes")
            .and_then(toml::Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|r| {
                        let t = r.as_table()?;
                        let name = t.get("name")?.as_str()?.to_string();
                        Some((name, t.get("preset")?.as_str()?.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let population_presets = scenario
            .get("populations")
            .and_then(toml::Value::as_table)
            .map(|t| {
                t.iter()
                    .filter_map(|(name, p)| {
                        let preset = p.get("regime")?.as_str()?.to_string();
                        Some((name.clone(), preset))
                    })
                    .collect()
            })
            .unwrap_or_default();

        let runs = read_parquet(&runs_path, None)?;
        if runs.height() == 0 {
            bail!("{} has no runs yet: nothing to draw", runs_path.display());
        }
        let run_cols = column_names(&runs);
        let ts_path = dir.join("timeseries.parquet");
        let ts_head = if ts_path.exists() {
            Some(
                ParquetReader::new(File::open(&ts_path)?)
                    .with_slice(Some((0, 0)))
                    .finish()
                    .with_context(|| format!("cannot read {}", ts_path.display()))?,
            )
        } else {
            None
        };
        let ts_columns = ts_head.as_ref().map(column_names).unwrap_or_default();

        // Swept columns lie between `seed` and `step` (time series) or between
        // `seed` and the first metric (runs); a mixed world's `population`
        // column and its share metric are never swept, wherever they stand.
        let after_seed = |cols: &[String], end: &dyn Fn(&str) -> bool| -> Vec<String> {
            let start = cols.iter().position(|c| c == "seed").map_or(0, |i| i + 1);
            cols[start..]
                .iter()
                .take_while(|c| !end(c))
                .filter(|c| *c != POPULATION && *c != POPULATION_SHARE)
                .cloned()
                .collect()
        };
        let is_metric = |c: &str| METRICS.iter().any(|m| m.name == c) || c == "cumulative_welfare";
        let swept = if ts_columns.iter().any(|c| c == "step") {
            after_seed(&ts_columns, &|c| c == "step")
        } else {
            after_seed(&run_cols, &is_metric)
        };
        for p in &swept {
            if !run_cols.contains(p) {
                bail!("runs.parquet lacks the swept column `{p}` of timeseries.parquet");
            }
        }
        for k in ["regime"] {
            if !run_cols.iter().any(|c| c == k) {
                bail!("runs.parquet lacks the column `{k}`");
            }
        }

        let params = points::params(&runs, &swept, &lists)?;

        // Populations in the order of their first row.
        let mut populations: Vec<String> = Vec::new();
        if run_cols.iter().any(|c| c == POPULATION) {
            for p in str_column(&runs, POPULATION)? {
                if p != ALL && !populations.contains(&p) {
                    populations.push(p);
                }
            }
        }

        // Regimes in order of their first run.
        let regime_col = str_column(&runs, "regime")?;
        let run_idx = if run_cols.iter().any(|c| c == "run") {
            f64_column(&runs, "run")?
        } else {
            (0..runs.height()).map(|i| i as f64).collect()
        };
        let mut order: Vec<usize> = (0..runs.height()).collect();
        order.sort_by(|&a, &b| run_idx[a].total_cmp(&run_idx[b]).then(a.cmp(&b)));
        let mut regimes: Vec<String> = Vec::new();
        for &i in &order {
            if !regimes.contains(&regime_col[i]) {
                regimes.push(regime_col[i].clone());
            }
        }

        // Sweep points present, in grid order (codes sort as their index vectors).
        let grid: BTreeSet<usize> = point_codes(&runs, &params)?.into_iter().flatten().collect();
        let points: Vec<Vec<usize>> = grid.into_iter().map(|c| decode(&params, c)).collect();

        let mut out = Outputs {
            name,
            steps: int("steps"),
            replicates: int("replicates"),
            window: int("window"),
            record_every: int("record_every"),
            description: scenario
                .get("description")
                .and_then(toml::Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string(),
            baseline: scenario
                .get("baseline")
                .and_then(toml::Value::as_str)
                .map(str::to_string),
            mode,
            specs,
            spec_errors,
            regimes,
            regime_presets,
            populations,
            population_presets,
            mixed: None,
            params,
            points,
            runs,
            run_keys: RowKeys::default(),
            ts_path,
            ts_columns,
            ts_keys: None,
        };
        out.run_keys = out.keys(&out.runs, false)?;
        let keys = &out.run_keys;
        out.mixed = (0..keys.regime.len())
            .find(|&i| keys.population[i] != 0 && keys.population[i] != u32::MAX)
            .map(|i| keys.regime[i] as usize)
            .filter(|&r| r < out.regimes.len());
        if out.replicates.is_none() && run_cols.iter().any(|c| c == "replicate") {
            let max = f64_column(&out.runs, "replicate")?
                .into_iter()
                .filter(|x| x.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            out.replicates = max.is_finite().then_some(max as i64 + 1);
        }
        Ok(out)
    }

    /// Regime, point and step index of every row; rows of unknown regime or point
    /// get `u32::MAX` and are skipped.
    fn keys(&self, df: &DataFrame, with_step: bool) -> Result<RowKeys> {
        let grid: usize = self.params.iter().map(|p| p.values.count()).product();
        let mut point_of = vec![u32::MAX; grid];
        for (i, p) in self.points.iter().enumerate() {
            point_of[encode(&self.params, p)] = i as u32;
        }
        let point = point_codes(df, &self.params)?
            .into_iter()
            .map(|c| c.map_or(u32::MAX, |c| point_of[c]))
            .collect();
        let regime = str_codes(df, "regime", &self.regimes)?
            .into_iter()
            .map(|r| r.map_or(u32::MAX, |r| r as u32))
            .collect();
        let population = if df.column(POPULATION).is_ok() {
            let names: Vec<String> = std::iter::once(ALL.to_string())
                .chain(self.populations.iter().cloned())
                .collect();
            str_codes(df, POPULATION, &names)?
                .into_iter()
                .map(|p| p.map_or(u32::MAX, |p| p as u32))
                .collect()
        } else {
            vec![0; df.height()]
        };
        let step = if with_step {
            f64_column(df, "step")?
                .into_iter()
                .map(|s| if s.is_finite() { s as u32 } else { u32::MAX })
                .collect()
        } else {
            Vec::new()
        };
        Ok(RowKeys {
            regime,
            population,
            point,
            step,
        })
    }

    /// The names of the rows a chart `by` draws: the regimes, or `all` and
    /// the populations.
    pub fn row_names(&self, by: By) -> Vec<String> {
        match by {
            By::Regime => self.regimes.clone(),
            By::Population => std::iter::once(ALL.to_string())
                .chain(self.populations.iter().cloned())
                .collect(),
        }
    }

    /// Whether the tables split a mixed world by population.
    pub fn has_populations(&self) -> bool {
        self.mixed.is_some() && !self.populations.is_empty()
    }

    /// The chart row of table row `i` for a chart `by`: its regime when it is
    /// a world's row, its population (0 for `all`) when it is the mixed world's.
    fn row_of(&self, keys: &RowKeys, i: usize, by: By) -> Option<usize> {
        let (r, p) = (keys.regime[i], keys.population[i]);
        if r == u32::MAX || p == u32::MAX || keys.point[i] == u32::MAX {
            return None;
        }
        match by {
            By::Regime => (p == 0).then_some(r as usize),
            By::Population => (Some(r as usize) == self.mixed).then_some(p as usize),
        }
    }

    /// "10 replicates", for subtitles and captions.
    pub fn replicates_label(&self) -> String {
        match self.replicates {
            Some(1) => "1 replicate".to_string(),
            Some(r) => format!("{r} replicates"),
            None => "replicates".to_string(),
        }
    }

    /// The run length, in words ("? steps" when unknown).
    pub fn steps_label(&self) -> String {
        format!(
            "{} steps",
            self.steps.map_or_else(|| "?".into(), |s| s.to_string())
        )
    }

    /// The steps each run is summarised over, in words: the window counts
    /// recorded steps, and a run may have fewer than the window.
    pub fn window_label(&self) -> String {
        let Some(window) = self.window else {
            return "the last recorded steps".to_string();
        };
        let every = self.record_every.unwrap_or(1).max(1);
        let recorded = self.steps.map(|s| (s + every - 1) / every);
        let kept = recorded.map_or(window, |r| window.min(r));
        match self.steps {
            Some(steps) if recorded == Some(kept) => format!("the whole run ({steps} steps)"),
            _ if every == 1 && kept == 1 => "the last step".to_string(),
            _ if every == 1 => format!("the last {kept} steps"),
            _ => format!(
                "the last {kept} recorded steps (one every {every}: {} steps)",
                kept * every
            ),
        }
    }

    /// Whether per-run summaries hold this metric.
    pub fn has_run_metric(&self, metric: &str) -> bool {
        self.runs.column(metric).is_ok()
    }

    /// Whether the time series hold this metric.
    pub fn has_series_metric(&self, metric: &str) -> bool {
        self.ts_columns.iter().any(|c| c == metric) && self.ts_columns.iter().any(|c| c == "step")
    }
}
