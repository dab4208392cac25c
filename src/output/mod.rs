//! Everything that lands on disk: Parquet and CSV tables, summaries and charts.

pub mod chart_spec;
pub mod charts;
pub mod summary;
pub mod tables;
