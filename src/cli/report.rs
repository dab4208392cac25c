//! `regimes report DIR`: rebuilds `DIR/report.html`, the self-contained page of
//! a finished run, from the directory's tables alone.

use std::path::PathBuf;

use crate::experiment::InputError;
use crate::output::tables::RUNS;
use crate::output::{lock, report};

/// Arguments of `regimes report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Output directory of `regimes run` (holds runs.parquet, timeseries.parquet, scenario.toml).
    pub dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    // As for `plot`: a directory without tables is bad input; one being written
    // is refused by its lock, naming the writer.
    if !args.dir.join(RUNS).is_file() && !lock::is_held(&args.dir) {
        return Err(InputError::new(format!(
            "{}: no {RUNS} here, so not an output directory of `regimes run` (the report is \
             built from its tables)",
            args.dir.display()
        ))
        .into());
    }
    let _lock = lock::exclusive(&args.dir)?;
    let page = report::build(&args.dir)?;
    if !args.quiet {
        println!("{}", page.display());
    }
    Ok(())
}
