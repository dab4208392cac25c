//! `regimes plot DIR`: redraws every chart of a finished run from its tables
//! alone, so charts can be restyled after a long sweep without rerunning it.

use std::path::PathBuf;

use crate::output::charts::{self, Format};

/// Arguments of `regimes plot`.
#[derive(clap::Args, Debug)]
pub struct PlotArgs {
    /// Output directory of `regimes run` (holds runs.parquet, timeseries.parquet, scenario.toml).
    pub dir: PathBuf,
    /// Which image formats to write into DIR/charts/.
    #[arg(long, value_enum, default_value = "both")]
    pub format: Format,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// Draws the charts and lists the files written.
pub fn run(args: PlotArgs) -> anyhow::Result<()> {
    let written = charts::draw_all(&args.dir, args.format, args.quiet)?;
    if !args.quiet {
        println!(
            "{} chart files in {}",
            written.len(),
            args.dir.join("charts").display()
        );
    }
    Ok(())
}
