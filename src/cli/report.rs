//! `regimes report DIR`: rebuilds `DIR/report.html`, the self-contained page of
//! a finished run, from the directory's tables alone.

use std::path::PathBuf;

use crate::output::report;

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
    let page = report::build(&args.dir)?;
    if !args.quiet {
        println!("{}", page.display());
    }
    Ok(())
}
