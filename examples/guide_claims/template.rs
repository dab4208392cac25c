//! The guide from its template: each `{{ID}}` becomes `mean [low, high]<!--c ID-->` from the
//! claims table (`{{ID@B}}` the second seed's, `{{ID|m}}` the mean alone, `{{ID|2}}` or
//! `{{ID|m2}}` with 2 decimals), and `{{WALLTIME}}` the table of wall times.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Context, Result};

/// The wall times of docs/guide/walltime.csv as a Markdown table: runs and seconds per seed.
pub fn walltime_table(csv: &str) -> String {
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
/// A difference (its `kind` is not `level`) is written with its sign.
pub fn fill(template: &str, table: &str) -> Result<String> {
    let mut lines = table.lines();
    let header: Vec<&str> = lines
        .next()
        .context("an empty claims table")?
        .split(',')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .context(name.to_string())
    };
    let (mean_a, mean_b, kind) = (col("mean_a")?, col("mean_b")?, col("kind")?);
    let rows: BTreeMap<&str, Vec<&str>> = lines
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
        let at = if b { mean_b } else { mean_a };
        let v: Vec<f64> = (at..at + 3)
            .map(|i| f[i].parse().unwrap_or(f64::NAN))
            .collect();
        let mean_only = format.starts_with('m');
        let d = format
            .trim_start_matches('m')
            .parse()
            .unwrap_or_else(|_| decimals(v[0]));
        let signed = f[kind] != "level";
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
