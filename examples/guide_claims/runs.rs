//! One seed's runs.parquet, as the claims table reads it: a row per run and population
//! (`all` for the world; a mixed world adds a row per population), keyed by regime,
//! population, sweep point and replicate.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};

/// The world's rows in the `population` column (and every row of a table without it).
pub const WORLD: &str = "all";

pub struct Runs {
    regime: Vec<String>,
    population: Vec<String>,
    point: Vec<String>,
    replicate: Vec<u32>,
    metrics: BTreeMap<String, Vec<f64>>,
    /// The swept parameters, in the order of a point's values.
    pub axes: Vec<String>,
    /// Sweep points in the order of the table, each its values joined by `;` (`-` without a sweep).
    pub points: Vec<String>,
    pub regimes: Vec<String>,
    /// `all` first, then the populations in the order of the table.
    pub populations: Vec<String>,
}

pub fn load(path: &Path, metrics: &[&str]) -> Result<Runs> {
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
    let population = match df.column("population") {
        Ok(_) => text("population")?,
        Err(_) => vec![WORLD.to_string(); df.height()],
    };
    let axes: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .filter(|c| c.contains('.'))
        .collect();
    let columns: Vec<Vec<String>> = axes.iter().map(|c| text(c)).collect::<Result<_>>()?;
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
        let Ok(col) = df.column(m) else {
            // An older table (e.g. without population_share): NaN, which no figure may quote.
            eprintln!("{}: no column {m}, left as NaN", path.display());
            out.insert(m.to_string(), vec![f64::NAN; df.height()]);
            continue;
        };
        let col = col.cast(&DataType::Float64)?;
        out.insert(
            m.to_string(),
            col.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        );
    }
    let (mut points, mut regimes) = (Vec::<String>::new(), Vec::<String>::new());
    let mut populations = vec![WORLD.to_string()];
    for ((p, r), k) in point.iter().zip(&regime).zip(&population) {
        if !points.contains(p) {
            points.push(p.clone());
        }
        if !regimes.contains(r) {
            regimes.push(r.clone());
        }
        if !populations.contains(k) {
            populations.push(k.clone());
        }
    }
    Ok(Runs {
        regime,
        population,
        point,
        replicate,
        metrics: out,
        axes,
        points,
        regimes,
        populations,
    })
}

impl Runs {
    /// One metric's value in each replicate of a regime, population and sweep point.
    pub fn values(
        &self,
        regime: &str,
        population: &str,
        point: &str,
        metric: &str,
    ) -> BTreeMap<u32, f64> {
        let m = &self.metrics[metric];
        (0..self.regime.len())
            .filter(|&r| {
                self.regime[r] == regime
                    && self.population[r] == population
                    && self.point[r] == point
            })
            .map(|r| (self.replicate[r], m[r]))
            .collect()
    }

    /// `point` with `value` in place of its value of `axis` (`point` itself without that axis).
    pub fn relabel(&self, point: &str, axis: &str, value: &str) -> String {
        let Some(i) = self.axes.iter().position(|a| a == axis) else {
            return point.to_string();
        };
        let mut v: Vec<&str> = point.split(';').collect();
        if let Some(slot) = v.get_mut(i) {
            *slot = value;
        }
        v.join(";")
    }

    /// The sweep point equal to `point` but for the value of `axis`, which is `value` instead.
    pub fn with(&self, point: &str, axis: &str, value: &str) -> Option<String> {
        let other = self.relabel(point, axis, value);
        (other != point && self.points.contains(&other)).then_some(other)
    }

    /// The value of `axis` at `point`.
    pub fn at<'a>(&self, point: &'a str, axis: &str) -> Option<&'a str> {
        let i = self.axes.iter().position(|a| a == axis)?;
        point.split(';').nth(i)
    }
}
