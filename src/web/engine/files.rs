//! The files a finished page run offers for download.

use std::path::Path;

use anyhow::{Context, Result};

use crate::output::files::write_atomic;

/// `NAME.csv` next to `NAME.parquet`, for spreadsheets.
pub(super) fn csv_copy(parquet: &Path) -> Result<()> {
    use polars::prelude::{CsvWriter, ParquetReader, SerReader, SerWriter};
    let file = std::fs::File::open(parquet)
        .with_context(|| format!("cannot read {}", parquet.display()))?;
    let mut frame = ParquetReader::new(file).finish()?;
    write_atomic(&parquet.with_extension("csv"), |f| {
        CsvWriter::new(f).include_header(true).finish(&mut frame)?;
        Ok(())
    })
}

/// Every file under `dir`, as paths relative to it (`charts/overview.png`).
pub(super) fn listing(dir: &Path, prefix: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}{name}");
        if entry.file_type()?.is_dir() {
            out.extend(listing(&entry.path(), &format!("{path}/"))?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}
