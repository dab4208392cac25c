//! `regimes plot DIR`: redraws every chart of a finished run from its tables
//! alone, so charts can be restyled after a long sweep without rerunning it.

use std::path::PathBuf;

use crate::experiment::InputError;
use crate::output::charts::{self, Format};
use crate::output::lock;
use crate::output::tables::RUNS;

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
    // Bad input, as for `merge` (exit 2): a directory without tables; one being
    // written is refused by its lock, naming the writer.
    if !args.dir.join(RUNS).is_file() && !lock::is_held(&args.dir) {
        return Err(InputError::new(format!(
            "{}: no {RUNS} here, so not an output directory of `regimes run` (charts are \
             drawn from its tables)",
            args.dir.display()
        ))
        .into());
    }
    let _lock = lock::exclusive(&args.dir)?;
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
