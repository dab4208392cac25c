//! Reads an output directory (tables and resolved scenario) and reduces it to
//! what charts show: mean and 95 % t-interval per regime x sweep point (x step).
//! Statistics are accumulated in Rust in file order, so redrawing gives the same
//! numbers bit for bit whatever polars' thread count.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};

use crate::experiment::chart_spec::{ChartSpec, ChartsMode};
use crate::model::METRICS;
use crate::output::stats::{Accumulator, Stats};

/// A swept parameter and its values in display order.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its scenario path, e.g. `world.interactions`.
    pub name: String,
    pub values: Values,
}

/// Values of a swept parameter: numbers (sorted) or strings (scenario order).
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Num(Vec<f64>),
    Str(Vec<String>),
}

impl Values {
    /// How many values there are.
    pub fn count(&self) -> usize {
        match self {
            Values::Num(v) => v.len(),
            Values::Str(v) => v.len(),
        }
    }

    /// The label of the `i`-th value.
    pub fn label(&self, i: usize) -> String {
        match self {
            Values::Num(v) => super::style::format_value(v[i]),
            Values::Str(v) => v[i].clone(),
        }
    }
}

/// Which regime and sweep point each row of a table belongs to (and, for the
/// time series, which recorded step).
#[derive(Clone, Debug, Default)]
struct RowKeys {
    regime: Vec<u32>,
    point: Vec<u32>,
    step: Vec<u32>,
}

/// Per-step statistics of one metric: `stats[regime][point][k]` at `steps[k]`.
#[derive(Clone, Debug)]
pub struct TimeSeries {
    pub steps: Vec<f64>,
    pub stats: Vec<Vec<Vec<Stats>>>,
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
    pub params: Vec<Param>,
    /// Sweep points present, as value indices per parameter, in grid order.
    pub points: Vec<Vec<usize>>,
    runs: DataFrame,
    run_keys: RowKeys,
    ts_path: PathBuf,
    ts_columns: Vec<String>,
    ts_keys: Option<RowKeys>,
}

/// Reads a Parquet file, optionally only some columns.
fn read_parquet(path: &Path, columns: Option<Vec<String>>) -> Result<DataFrame> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    ParquetReader::new(file)
        .with_columns(columns)
        .finish()
        .with_context(|| format!("cannot read {}", path.display()))
}

fn column_names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// A column as f64 (integers cast); nulls read as NaN.
fn f64_column(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// A column as strings (numbers formatted); nulls read as "".
fn str_column(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::String)?;
    Ok(s.str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect())
}

fn is_numeric(df: &DataFrame, name: &str) -> Result<bool> {
    Ok(df.column(name)?.dtype().is_primitive_numeric())
}

/// Swept parameter paths and their listed values from `[sweep]`, flattening
/// nested tables (`world.interactions = [..]` parses as `[sweep.world]`).
fn sweep_lists(sweep: Option<&toml::Value>) -> BTreeMap<String, Vec<toml::Value>> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, Vec<toml::Value>>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            toml::Value::Array(a) => {
                out.insert(prefix.to_string(), a.clone());
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    if let Some(v) = sweep {
        walk("", v, &mut out);
    }
    out
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
        // `seed` and the first metric (runs).
        let after_seed = |cols: &[String], end: &dyn Fn(&str) -> bool| -> Vec<String> {
            let start = cols.iter().position(|c| c == "seed").map_or(0, |i| i + 1);
            cols[start..]
                .iter()
                .take_while(|c| !end(c))
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

        // Parameter values in display order.
        let mut params = Vec::new();
        for p in &swept {
            let values = if is_numeric(&runs, p)? {
                let mut v: Vec<f64> = f64_column(&runs, p)?
                    .into_iter()
                    .filter(|x| !x.is_nan())
                    .collect();
                v.sort_by(f64::total_cmp);
                v.dedup();
                Values::Num(v)
            } else {
                let mut v: Vec<String> = lists
                    .get(p)
                    .map(|l| l.iter().map(toml_label).collect())
                    .unwrap_or_default();
                for s in str_column(&runs, p)? {
                    if !v.contains(&s) {
                        v.push(s);
                    }
                }
                let present = str_column(&runs, p)?;
                v.retain(|s| present.contains(s));
                Values::Str(v)
            };
            params.push(Param {
                name: p.clone(),
                values,
            });
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
            params,
            points,
            runs,
            run_keys: RowKeys::default(),
            ts_path,
            ts_columns,
            ts_keys: None,
        };
        out.run_keys = out.keys(&out.runs, false)?;
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
            point,
            step,
        })
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

    /// Per-run summary statistics: `[regime][point]`.
    pub fn run_stats(&self, metric: &str) -> Result<Vec<Vec<Stats>>> {
        let values = f64_column(&self.runs, metric)?;
        let mut acc = vec![vec![Accumulator::default(); self.points.len()]; self.regimes.len()];
        for (i, x) in values.into_iter().enumerate() {
            let (r, p) = (self.run_keys.regime[i], self.run_keys.point[i]);
            if r != u32::MAX && p != u32::MAX {
                acc[r as usize][p as usize].push(x);
            }
        }
        Ok(acc
            .iter()
            .map(|row| row.iter().map(Accumulator::stats).collect())
            .collect())
    }

    /// Paired differences from the regime `baseline`: for every run, its value
    /// minus the baseline's run at the same sweep point and replicate (the same
    /// seed: common random numbers), summarised per `[regime][point]`. The
    /// baseline's own row is missing.
    pub fn paired_stats(&self, metric: &str, baseline: usize) -> Result<Vec<Vec<Stats>>> {
        let values = f64_column(&self.runs, metric)?;
        let replicate = f64_column(&self.runs, "replicate")?;
        let mut base: HashMap<(u32, u64), f64> = HashMap::new();
        for (i, x) in values.iter().enumerate() {
            if self.run_keys.regime[i] == baseline as u32 && self.run_keys.point[i] != u32::MAX {
                base.insert((self.run_keys.point[i], replicate[i] as u64), *x);
            }
        }
        let mut acc = vec![vec![Accumulator::default(); self.points.len()]; self.regimes.len()];
        for (i, x) in values.iter().enumerate() {
            let (r, p) = (self.run_keys.regime[i], self.run_keys.point[i]);
            if r == u32::MAX || p == u32::MAX || r == baseline as u32 {
                continue;
            }
            if let Some(b) = base.get(&(p, replicate[i] as u64)) {
                acc[r as usize][p as usize].push(x - b);
            }
        }
        Ok(acc
            .iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .map(|a| {
                        if r == baseline {
                            Stats::MISSING
                        } else {
                            a.stats()
                        }
                    })
                    .collect()
            })
            .collect())
    }

    /// Per-step statistics across replicates, thinned to at most `max_steps`
    /// evenly spaced recorded steps (a million-step run still draws quickly).
    pub fn series(&mut self, metric: &str, max_steps: usize) -> Result<TimeSeries> {
        if self.ts_keys.is_none() {
            let mut cols = vec!["regime".to_string()];
            cols.extend(self.params.iter().map(|p| p.name.clone()));
            cols.push("step".to_string());
            let df = read_parquet(&self.ts_path, Some(cols))?;
            self.ts_keys = Some(self.keys(&df, true)?);
        }
        let keys = self.ts_keys.as_ref().expect("keys were just read");
        let mut distinct: Vec<u32> = keys
            .step
            .iter()
            .copied()
            .filter(|s| *s != u32::MAX)
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let stride = distinct.len().div_ceil(max_steps.max(1)).max(1);
        let kept: Vec<u32> = distinct.iter().copied().step_by(stride).collect();
        let index: BTreeMap<u32, usize> = kept.iter().enumerate().map(|(i, s)| (*s, i)).collect();

        let values = f64_column(
            &read_parquet(&self.ts_path, Some(vec![metric.to_string()]))?,
            metric,
        )?;
        let (np, ns) = (self.points.len(), kept.len());
        let mut acc = vec![Accumulator::default(); self.regimes.len() * np * ns];
        for (i, x) in values.into_iter().enumerate() {
            let (r, p) = (keys.regime[i], keys.point[i]);
            if r == u32::MAX || p == u32::MAX {
                continue;
            }
            if let Some(&k) = index.get(&keys.step[i]) {
                acc[(r as usize * np + p as usize) * ns + k].push(x);
            }
        }
        let stats = (0..self.regimes.len())
            .map(|r| {
                (0..np)
                    .map(|p| {
                        acc[(r * np + p) * ns..(r * np + p + 1) * ns]
                            .iter()
                            .map(Accumulator::stats)
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Ok(TimeSeries {
            steps: kept.iter().map(|s| *s as f64).collect(),
            stats,
        })
    }
}

/// The label of a `[sweep]` list entry as the tables would write it.
fn toml_label(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Per row, the position of a string column's value in `dict` (`None` if
/// absent), without a string allocation per row (tables can be long).
fn str_codes(df: &DataFrame, name: &str, dict: &[String]) -> Result<Vec<Option<usize>>> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::String)?;
    let lookup: HashMap<&str, usize> = dict
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str(), i))
        .collect();
    Ok(s.str()?
        .iter()
        .map(|v| lookup.get(v.unwrap_or("")).copied())
        .collect())
}

/// A sweep point (value indices, first parameter most significant) as one number.
fn encode(params: &[Param], point: &[usize]) -> usize {
    params
        .iter()
        .zip(point)
        .fold(0, |code, (p, &i)| code * p.values.count() + i)
}

/// The value indices of a point code.
fn decode(params: &[Param], mut code: usize) -> Vec<usize> {
    let mut point = vec![0; params.len()];
    for (k, p) in params.iter().enumerate().rev() {
        point[k] = code % p.values.count();
        code /= p.values.count();
    }
    point
}

/// Per row, the code of its sweep point (`None` if a value is missing or not
/// among the parameter's values); every row is point 0 without a sweep.
fn point_codes(df: &DataFrame, params: &[Param]) -> Result<Vec<Option<usize>>> {
    let mut codes = vec![Some(0usize); df.height()];
    for p in params {
        let idx: Vec<Option<usize>> = match &p.values {
            Values::Num(v) => f64_column(df, &p.name)?
                .iter()
                .map(|x| v.binary_search_by(|y| y.total_cmp(x)).ok())
                .collect(),
            Values::Str(v) => str_codes(df, &p.name, v)?,
        };
        let n = p.values.count();
        for (c, i) in codes.iter_mut().zip(idx) {
            *c = c.zip(i).map(|(c, i)| c * n + i);
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_sweep_tables_flatten_to_paths() {
        let t: toml::Table =
            toml::from_str("[sweep]\nworld.interactions = [1, 3]\n\"regime.levy\" = [0.1]\n")
                .unwrap();
        let l = sweep_lists(t.get("sweep"));
        assert_eq!(
            l.keys().cloned().collect::<Vec<_>>(),
            vec!["regime.levy", "world.interactions"]
        );
    }
}
