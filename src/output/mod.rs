//! Everything that lands on disk: Parquet and CSV tables, summaries, charts and
//! the HTML report.

pub mod charts;
pub mod files;
pub mod lock;
pub mod parts;
pub mod report;
pub mod stats;
pub mod summary;
pub mod tables;
pub mod verdict;
