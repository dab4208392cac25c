//! The compact table printed at the end of `regimes run` (its statistics come
//! from [`crate::output::stats`]).

use std::path::Path;

use anyhow::Result;

use super::charts::data::{By, Outputs};
use crate::model::HEADLINE;
// `tables.rs` reads the accumulator through this module.
pub use super::stats::{Accumulator, Stats};

/// Sweep points shown one row each on screen; beyond, the table shows the
/// points along the first parameter (the others at their first value).
const SCREEN_POINTS: usize = 8;

/// The table printed after a run, read from the tables in `dir`: one row per
/// regime and sweep point, or for a mixed world one per population (`all`
/// for the world, then each population) and sweep point. Sweep points are
/// never pooled (welfare at 25 problems and at 5000 cannot be averaged); with
/// many, only those along the first parameter are shown, and a line says
/// where the others are.
pub fn screen_table(dir: &Path) -> Result<String> {
    let out = Outputs::load(dir)?;
    let (by, label) = if out.has_populations() {
        (By::Population, "population")
    } else {
        (By::Regime, "regime")
    };
    let names = out.row_names(by);
    let stats: Vec<Vec<Vec<Stats>>> = HEADLINE
        .iter()
        .map(|m| out.run_stats_by(m, by))
        .collect::<Result<_>>()?;
    let all = out.points.len();
    let points: Vec<usize> = if all <= SCREEN_POINTS {
        (0..all).collect()
    } else {
        let first = &out.points[0];
        (0..all)
            .filter(|&p| (1..out.params.len()).all(|i| out.points[p][i] == first[i]))
            .take(SCREEN_POINTS)
            .collect()
    };
    let shown_params: Vec<usize> = (0..out.params.len())
        .filter(|&i| {
            points
                .iter()
                .any(|&p| out.points[p][i] != out.points[points[0]][i])
        })
        .collect();
    let table = Overview {
        labels: std::iter::once(label.to_string())
            .chain(shown_params.iter().map(|&i| out.params[i].name.clone()))
            .collect(),
        metrics: HEADLINE.iter().map(|s| s.to_string()).collect(),
        rows: points
            .iter()
            .flat_map(|&p| {
                let (out, stats, shown_params, names) = (&out, &stats, &shown_params, &names);
                (0..names.len()).map(move |r| {
                    let mut labels = vec![names[r].clone()];
                    labels.extend(
                        shown_params
                            .iter()
                            .map(|&i| out.params[i].values.label(out.points[p][i])),
                    );
                    (labels, stats.iter().map(|m| m[r][p]).collect())
                })
            })
            .collect(),
    };
    let mut text = table.render();
    if points.len() < all {
        let held: Vec<String> = (0..out.params.len())
            .filter(|i| !shown_params.contains(i))
            .map(|i| {
                format!(
                    "{} = {}",
                    out.params[i].name,
                    out.params[i].values.label(out.points[points[0]][i])
                )
            })
            .collect();
        let at = if held.is_empty() {
            String::new()
        } else {
            format!(" at {}", held.join(", "))
        };
        text += &format!(
            "({} of {all} sweep points shown{at}; summary.csv and report.html have every point)\n",
            points.len()
        );
    }
    Ok(text)
}

/// The compact table shown on stdout after a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overview {
    /// Headers of the label columns (`regime`, then swept parameters if shown).
    pub labels: Vec<String>,
    /// Metric headers.
    pub metrics: Vec<String>,
    pub rows: Vec<(Vec<String>, Vec<Stats>)>,
}

impl Overview {
    /// Text table: each metric as `mean ±half-width` of the 95 % interval.
    pub fn render(&self) -> String {
        let mut table: Vec<Vec<String>> = Vec::new();
        let header: Vec<String> = self.labels.iter().chain(&self.metrics).cloned().collect();
        table.push(header);
        for (labels, stats) in &self.rows {
            let mut row = labels.clone();
            row.extend(stats.iter().map(cell));
            table.push(row);
        }
        let columns = table[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &table {
            let line: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    if c < self.labels.len() {
                        format!("{s:<w$}", w = widths[c])
                    } else {
                        format!("{s:>w$}", w = widths[c])
                    }
                })
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

/// `mean ±half` with 3 significant digits.
fn cell(s: &Stats) -> String {
    if s.mean.is_nan() {
        return "-".to_string();
    }
    let half = (s.ci_high - s.mean).abs();
    if half.is_nan() {
        sig(s.mean)
    } else {
        format!("{} ±{}", sig(s.mean), sig(half))
    }
}

/// A number with 3 significant digits, without exponent for everyday magnitudes.
fn sig(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        return format!("{x:.2e}");
    }
    let decimals = (2 - magnitude).max(0) as usize;
    format!("{x:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_renders_aligned() {
        let o = Overview {
            labels: vec!["regime".into()],
            metrics: vec!["welfare".into(), "gini_wealth".into()],
            rows: vec![
                (
                    vec!["enclosure".into()],
                    vec![Stats::of(&[10.0, 12.0]), Stats::of(&[0.5])],
                ),
                (
                    vec!["commons".into()],
                    vec![Stats::of(&[1234.5, 1300.0]), Stats::of(&[f64::NAN])],
                ),
            ],
        };
        let text = o.render();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("regime"));
        assert!(lines[1].contains("11.0 ±12.7"), "{text}");
        assert!(lines[1].ends_with("0.500"), "{text}");
        assert!(lines[2].ends_with('-'), "{text}");
        assert_eq!(lines.len(), 3);
        assert_eq!(sig(0.000123), "0.000123");
        assert_eq!(sig(-2.5), "-2.50");
        assert_eq!(sig(1.0e7), "1.00e7");
    }
}
