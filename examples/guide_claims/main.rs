//! Writes the claims table of docs/GUIDE.md (docs/guide/claims.csv) from the runs of
//! `docs/guide/regenerate.sh`: for each guide scenario, regime, sweep point and metric the
//! guide may quote, the mean and 95 % interval over replicates at seed A and at seed B, and
//! paired differences (regime minus baseline, run by run at the same point and replicate).
//! `robust` says whether the mean has the same sign at both seeds. `tests/docs.rs` checks
//! every figure the guide marks with `<!--c ID-->` against this table.
//!
//! With a template and an output, it then writes the guide from its template: each
//! `{{ID}}` becomes `mean [low, high]<!--c ID-->` from the table (`{{ID@B}}` the second
//! seed's, `{{ID|m}}` the mean alone, `{{ID|2}}` or `{{ID|m2}}` with 2 decimals).
//!
//! ```text
//! cargo run --release --example guide_claims -- output/guide docs/guide/claims.csv \
//!     docs/guide/GUIDE.in.md docs/GUIDE.md
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};
use regimes::output::stats::Stats;

mod specs;
use specs::SPECS;

/// One run's row of runs.parquet: regime, sweep point, replicate and metric values.
struct Runs {
    regime: Vec<String>,
    point: Vec<String>,
    replicate: Vec<u32>,
    metrics: BTreeMap<String, Vec<f64>>,
    /// Sweep points in the order of the table.
    points: Vec<String>,
    regimes: Vec<String>,
}

fn load(path: &Path, metrics: &[&str]) -> Result<Runs> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let df: DataFrame = ParquetReader::new(file).finish()?;
    let text = |name: &str| -> Result<Vec<String>> {
        let col = df.column(name)?;
        let numeric = col.dtype().is_primitive_numeric();
        let col = col.cast(if numeric {
            &DataType::Float64
        } else {
            &DataType::String
        })?;
        Ok(if numeric {
            col.f64()?
                .iter()
                .map(|v| format!("{}", v.unwrap_or(f64::NAN)))
                .collect()
        } else {
            col.str()?
                .iter()
                .map(|v| v.unwrap_or_default().to_string())
                .collect()
        })
    };
    let regime = text("regime")?;
    let sweep: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .filter(|c| c.contains('.'))
        .collect();
    let columns: Vec<Vec<String>> = sweep.iter().map(|c| text(c)).collect::<Result<_>>()?;
    let point: Vec<String> = (0..df.height())
        .map(|r| {
            if columns.is_empty() {
                "-".to_string()
            } else {
                columns
                    .iter()
                    .map(|c| c[r].as_str())
                    .collect::<Vec<_>>()
                    .join(";")
            }
        })
        .collect();
    let replicate = df
        .column("replicate")?
        .cast(&DataType::UInt32)?
        .u32()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let mut out = BTreeMap::new();
    for m in metrics {
        let col = df.column(m)?.cast(&DataType::Float64)?;
        out.insert(
            m.to_string(),
            col.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        );
    }
    let mut points: Vec<String> = Vec::new();
    let mut regimes: Vec<String> = Vec::new();
    for (p, r) in point.iter().zip(&regime) {
        if !points.contains(p) {
            points.push(p.clone());
        }
        if !regimes.contains(r) {
            regimes.push(r.clone());
        }
    }
    Ok(Runs {
        regime,
        point,
        replicate,
        metrics: out,
        points,
        regimes,
    })
}

impl Runs {
    fn values(&self, regime: &str, point: &str, metric: &str) -> BTreeMap<u32, f64> {
        let m = &self.metrics[metric];
        (0..self.regime.len())
            .filter(|&r| self.regime[r] == regime && self.point[r] == point)
            .map(|r| (self.replicate[r], m[r]))
            .collect()
    }
}

/// `x` with 7 significant digits: enough for any figure the guide quotes.
fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (6 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

fn stats_cells(s: &Stats) -> String {
    format!(
        "{},{},{},{}",
        s.n,
        sig(s.mean),
        sig(s.ci_low),
        sig(s.ci_high)
    )
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new(args.get(1).map_or("output/guide", String::as_str));
    let csv = args.get(2).map_or("docs/guide/claims.csv", String::as_str);
    let mut text = String::from(
        "id,scenario,regime,point,metric,n_a,mean_a,ci_low_a,ci_high_a,n_b,mean_b,ci_low_b,ci_high_b,robust\n",
    );
    for spec in SPECS {
        let dir = out.join(spec.scenario);
        let (a, b) = (
            dir.join("seed-A/runs.parquet"),
            dir.join("seed-B/runs.parquet"),
        );
        if !a.exists() || !b.exists() {
            eprintln!("{}: no runs at both seeds, left out", spec.scenario);
            continue;
        }
        let mut metrics: Vec<&str> = spec.levels.to_vec();
        metrics.extend(spec.paired.iter().filter(|m| !spec.levels.contains(m)));
        let seeds = [load(&a, &metrics)?, load(&b, &metrics)?];
        let runs = &seeds[0];
        let mut row = |regime: &str, point: &str, metric: &str, stats: [Stats; 2]| {
            let robust = stats[0].mean.signum() == stats[1].mean.signum()
                || (stats[0].mean == 0.0 && stats[1].mean == 0.0);
            let _ = writeln!(
                text,
                "{}/{regime}/{point}/{metric},{},{regime},{point},{metric},{},{},{}",
                spec.scenario,
                spec.scenario,
                stats_cells(&stats[0]),
                stats_cells(&stats[1]),
                if robust { "yes" } else { "no" }
            );
        };
        for point in &runs.points {
            for regime in &runs.regimes {
                for metric in spec.levels {
                    let stats = [0, 1].map(|k| {
                        let v: Vec<f64> = seeds[k]
                            .values(regime, point, metric)
                            .into_values()
                            .collect();
                        Stats::of(&v)
                    });
                    row(regime, point, metric, stats);
                }
            }
            for (x, base) in spec.pairs {
                for metric in spec.paired {
                    let stats = [0, 1].map(|k| {
                        let xs = seeds[k].values(x, point, metric);
                        let bs = seeds[k].values(base, point, metric);
                        let d: Vec<f64> = xs
                            .iter()
                            .filter_map(|(rep, v)| bs.get(rep).map(|w| v - w))
                            .collect();
                        Stats::of(&d)
                    });
                    row(&format!("{x}-{base}"), point, metric, stats);
                }
            }
        }
    }
    std::fs::write(csv, &text).with_context(|| format!("cannot write {csv}"))?;
    eprintln!("wrote {csv}");
    if let (Some(template), Some(guide)) = (args.get(3), args.get(4)) {
        let template =
            std::fs::read_to_string(template).with_context(|| format!("cannot read {template}"))?;
        let wall = Path::new(csv).with_file_name("walltime.csv");
        let wall = std::fs::read_to_string(&wall).unwrap_or_default();
        let template = template.replace("{{WALLTIME}}", &walltime_table(&wall));
        std::fs::write(guide, fill(&template, &text)?)
            .with_context(|| format!("cannot write {guide}"))?;
        eprintln!("wrote {guide}");
    }
    Ok(())
}

/// The wall times of docs/guide/walltime.csv as a Markdown table: runs and seconds per seed.
fn walltime_table(csv: &str) -> String {
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 5 {
            continue;
        }
        let i = match rows.iter().position(|r| r.0 == f[0]) {
            Some(i) => i,
            None => {
                rows.push((f[0].into(), f[3].into(), "-".into(), "-".into()));
                rows.len() - 1
            }
        };
        let cell = format!("{} s", f[4]);
        if f[1] == "A" {
            rows[i].2 = cell;
        } else {
            rows[i].3 = cell;
        }
    }
    let mut t = String::from("| scenario | runs per seed | seed A | seed B |\n|---|---|---|---|\n");
    for (s, runs, a, b) in rows {
        let _ = writeln!(t, "| {s} | {runs} | {a} | {b} |");
    }
    t.trim_end().to_string()
}

/// Decimals for a figure of this size: 0.864, 0.0073, 37.83, 19362.
fn decimals(x: f64) -> usize {
    match x.abs() {
        m if m >= 1000.0 => 0,
        m if m >= 100.0 => 1,
        m if m >= 1.0 => 2,
        m if m >= 0.01 || m == 0.0 => 3,
        _ => 4,
    }
}

/// `x` with `d` decimals, a true minus sign, and a `+` when `signed` (paired differences).
fn figure(x: f64, d: usize, signed: bool) -> String {
    let s = format!("{x:.d$}");
    let zero = s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.');
    match s.strip_prefix('-') {
        Some(rest) if !zero => format!("\u{2212}{rest}"),
        Some(rest) => rest.to_string(),
        None if signed && !zero => format!("+{s}"),
        None => s,
    }
}

/// Replaces every `{{ID..}}` of the template with the table's figures and their marker.
fn fill(template: &str, table: &str) -> Result<String> {
    let rows: BTreeMap<&str, Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0], f)
        })
        .collect();
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let close = rest[open..].find("}}").context("an unclosed {{")? + open;
        let spec = &rest[open + 2..close];
        rest = &rest[close + 2..];
        let (id, format) = spec.split_once('|').unwrap_or((spec, ""));
        let (key, b) = id.strip_suffix("@B").map_or((id, false), |k| (k, true));
        let f = rows
            .get(key)
            .with_context(|| format!("the template quotes {id}, not in the claims table"))?;
        let at = if b { 10 } else { 6 };
        let v: Vec<f64> = (at..at + 3)
            .map(|i| f[i].parse().unwrap_or(f64::NAN))
            .collect();
        let mean_only = format.starts_with('m');
        let d = format
            .trim_start_matches('m')
            .parse()
            .unwrap_or_else(|_| decimals(v[0]));
        let signed = f[2].contains('-');
        out.push_str(&figure(v[0], d, signed));
        if !mean_only {
            let _ = write!(
                out,
                " [{}, {}]",
                figure(v[1], d, false),
                figure(v[2], d, false)
            );
        }
        let _ = write!(out, "<!--c {id}-->");
    }
    out.push_str(rest);
    Ok(out)
}
