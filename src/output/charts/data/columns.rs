//! Table columns of an output directory read as plain vectors: polars reads
//! the Parquet files, everything after is Rust over `Vec`s.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};

/// Reads a Parquet file, optionally only some columns.
pub(super) fn read_parquet(path: &Path, columns: Option<Vec<String>>) -> Result<DataFrame> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    ParquetReader::new(file)
        .with_columns(columns)
        .finish()
        .with_context(|| format!("cannot read {}", path.display()))
}

pub(super) fn column_names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// A column as f64 (integers cast); nulls read as NaN.
pub(super) fn f64_column(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// A column as strings (numbers formatted); nulls read as "".
pub(super) fn str_column(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::String)?;
    Ok(s.str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect())
}

pub(super) fn is_numeric(df: &DataFrame, name: &str) -> Result<bool> {
    Ok(df.column(name)?.dtype().is_primitive_numeric())
}

/// Per row, the position of a string column's value in `dict` (`None` if
/// absent), without a string allocation per row (tables can be long).
pub(super) fn str_codes(df: &DataFrame, name: &str, dict: &[String]) -> Result<Vec<Option<usize>>> {
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
