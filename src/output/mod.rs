//! Everything that lands on disk: Parquet and CSV tables, summaries and charts.

pub mod chart_spec;
pub mod charts;
pub mod files;
pub mod lock;
pub mod parts;
pub mod summary;
pub mod tables;
pub mod verdict;
