//! `regimes plot DIR`: redraws every chart of a finished run from its tables
//! alone, so charts can be restyled after a long sweep without rerunning it.
//! Its options set the look of every chart, over the scenario's `[[charts]]`,
//! in the files and the report alike (kept in `charts/look.json` for `regimes report`).

use std::path::PathBuf;

use crate::experiment::InputError;
use crate::experiment::chart_spec::{Look, YAxes, YScale};
use crate::output::charts::{self, Format};
use crate::output::lock;
use crate::output::report;
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
    /// Description of the horizontal axis of every chart.
    #[arg(long, value_name = "TEXT")]
    pub x_label: Option<String>,
    /// Description of the value axis of every chart.
    #[arg(long, value_name = "TEXT")]
    pub y_label: Option<String>,
    /// Display name of a regime or swept parameter: --name enclosure="Private labs" (repeatable).
    #[arg(long = "name", value_name = "NAME=TEXT", value_parser = parse_name)]
    pub names: Vec<(String, String)>,
    /// Value axis scale (default: linear; bars switch to log when means differ more than tenfold).
    #[arg(long, value_enum)]
    pub y_scale: Option<YScale>,
    /// Start value axes at zero (default true; false zooms in, and the chart says so).
    #[arg(long, value_name = "BOOL")]
    pub y_zero: Option<bool>,
    /// One value scale shared by the panels, or one per panel (default: per panel when magnitudes differ).
    #[arg(long, value_enum)]
    pub y_axes: Option<YAxes>,
    /// Rows of the grid of panels.
    #[arg(long, value_name = "N")]
    pub rows: Option<u32>,
    /// Columns of the grid of panels.
    #[arg(long, value_name = "N")]
    pub cols: Option<u32>,
    /// Printed width in centimetres (default 16).
    #[arg(long, value_name = "CM")]
    pub width_cm: Option<f64>,
    /// Printed height in centimetres (default 10).
    #[arg(long, value_name = "CM")]
    pub height_cm: Option<f64>,
    /// PNG resolution in dots per inch (default 254: 1600 pixels across 16 cm).
    #[arg(long, value_name = "DPI")]
    pub dpi: Option<u32>,
    /// Multiplies every text size (default 1).
    #[arg(long, value_name = "FACTOR")]
    pub font_scale: Option<f64>,
    /// Leave out the title and subtitle (for a figure with its own caption).
    #[arg(long)]
    pub no_title: bool,
}

fn parse_name(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{text}`: allowed NAME=TEXT, e.g. enclosure=\"Private labs\""))
}

impl PlotArgs {
    /// The look these options ask for; out-of-range values are bad input.
    fn look(&self) -> Result<Look, InputError> {
        let look = Look {
            x_label: self.x_label.clone(),
            y_label: self.y_label.clone(),
            names: self.names.iter().cloned().collect(),
            y_scale: self.y_scale,
            y_zero: self.y_zero,
            y_axes: self.y_axes,
            rows: self.rows,
            cols: self.cols,
            width_cm: self.width_cm,
            height_cm: self.height_cm,
            dpi: self.dpi,
            font_scale: self.font_scale,
            show_title: self.no_title.then_some(false),
        };
        let problems: Vec<String> = look
            .problems()
            .into_iter()
            .map(|(key, allowed)| format!("--{}: {allowed}", key.replace('_', "-")))
            .collect();
        if problems.is_empty() {
            Ok(look)
        } else {
            Err(InputError { problems })
        }
    }
}

/// Draws the charts and the report, and lists the files written.
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
    let look = args.look()?;
    let _lock = lock::exclusive(&args.dir)?;
    // One drawing for the files and the report: the report shows the charts
    // with these options too.
    let want = charts::Want {
        files: Some(args.format),
        report: true,
    };
    let drawing = charts::draw(&args.dir, want, &look)?;
    charts::warn(&drawing, args.quiet);
    let page = report::write(&args.dir, &drawing)?;
    if !args.quiet {
        println!(
            "{} chart files in {}; {}",
            drawing.files.len(),
            args.dir.join("charts").display(),
            page.display()
        );
    }
    Ok(())
}
