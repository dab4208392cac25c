//! Draws the planned charts: computes each chart's numbers once, renders them to
//! PNG and SVG in memory, writes each file under a temporary name, synced and
//! renamed when whole (`output::files`), and removes chart files of an earlier
//! drawing that this one no longer makes.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use image::codecs::png::PngEncoder;
use image::{ColorType, ImageEncoder};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::experiment::chart_spec::Look;
use crate::experiment::scenario::MIXED;
use crate::output::files::{sync_dir, write_renamed};
use crate::output::stats::Stats;

use super::data::{ALL, By, Outputs, TimeSeries};
use super::frame::err;
use super::page::Page;
use super::plan::plan;
use super::style::{self, RegimeStyle};
use super::{
    CHART_METRICS, Ctx, Format, Job, JobKind, MAX_STEPS, Text, bars, clip, metric_bounds, overview,
    shares, svg, sweep, timeseries,
};

/// A chart's numbers, computed once for both formats; rows are the regimes drawn.
pub enum Prepared {
    Series(TimeSeries),
    Runs(Vec<Vec<Stats>>),
    Overview(Vec<(String, Vec<Vec<Stats>>)>),
}

/// One chart drawn: its file stem, its words and, when kept, its SVG text.
#[derive(Clone, Debug)]
pub struct Drawn {
    pub stem: String,
    pub text: Text,
    /// Whether the image shows the title (a look may leave it out).
    pub titled: bool,
    pub svg: String,
}

/// What a drawing pass made.
pub struct Drawing {
    pub outputs: Outputs,
    /// Files written into `DIR/charts/` (none when drawing for the report only).
    pub files: Vec<PathBuf>,
    pub charts: Vec<Drawn>,
    pub warnings: Vec<String>,
    /// The look drawn over the scenario's (`regimes plot`'s options).
    pub look: Look,
}

/// The indices of the rows (regimes or populations) a job draws, in its
/// order. Stacked shares leave out the world (`all`, row 0): it is their sum.
fn shown(out: &Outputs, job: &Job) -> Vec<usize> {
    let names = out.row_names(job.by);
    let first = usize::from(job.kind == JobKind::Shares);
    match &job.regimes {
        None => (first..names.len()).collect(),
        Some(wanted) => wanted
            .iter()
            .filter_map(|n| names.iter().position(|r| r == n))
            .filter(|&r| r >= first)
            .collect(),
    }
}

fn prepare(out: &mut Outputs, job: &Job, rows: &[usize]) -> Result<Prepared> {
    let runs = |out: &Outputs, m: &str| -> Result<Vec<Vec<Stats>>> {
        let mut stats = out.run_stats_by(m, job.by)?;
        stats.iter_mut().for_each(|r| clip(r, metric_bounds(m)));
        Ok(rows.iter().map(|&r| stats[r].clone()).collect())
    };
    Ok(match job.kind {
        JobKind::Timeseries | JobKind::Shares => {
            let mut ts = out.series_by(&job.metric, MAX_STEPS, job.by)?;
            for s in ts.stats.iter_mut().flatten() {
                clip(s, metric_bounds(&job.metric));
            }
            ts.stats = rows.iter().map(|&r| ts.stats[r].clone()).collect();
            Prepared::Series(ts)
        }
        JobKind::Sweep { .. } | JobKind::Bars => Prepared::Runs(runs(out, &job.metric)?),
        JobKind::Overview => Prepared::Overview(
            CHART_METRICS
                .iter()
                .filter(|m| out.has_run_metric(m))
                .map(|m| Ok((m.to_string(), runs(out, m)?)))
                .collect::<Result<_>>()?,
        ),
    })
}

fn render<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    data: &Prepared,
) -> Result<Text> {
    let text = match (&ctx.job.kind, data) {
        (JobKind::Overview, Prepared::Overview(m)) => overview::draw(root, ctx, m)?,
        (JobKind::Timeseries, Prepared::Series(ts)) => timeseries::draw(root, ctx, ts)?,
        (JobKind::Sweep { x, facet }, Prepared::Runs(s)) => {
            sweep::draw(root, ctx, s, (*x, *facet))?
        }
        (JobKind::Bars, Prepared::Runs(s)) => bars::draw(root, ctx, s)?,
        (JobKind::Shares, Prepared::Series(ts)) => shares::draw(root, ctx, ts)?,
        _ => unreachable!("prepare() matches the job kind"),
    };
    root.present().map_err(err)?;
    Ok(text)
}

/// The look a drawing of the files was made with, kept beside them
/// (`charts/look.json`) so that `regimes report` rebuilds the report's charts
/// as `regimes plot` last drew them; absent for the default look.
pub const LOOK_FILE: &str = "look.json";

/// What a drawing pass makes: chart files in `files` formats, and/or the
/// SVG the report shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Want {
    /// Writes `dir/charts/` in these formats (and removes stale chart files).
    pub files: Option<Format>,
    /// Keeps for the report an SVG of each chart without its caption line (the
    /// report prints each caption once, as text under its chart).
    pub report: bool,
}

/// Draws every chart of the output directory `dir` once, with the look `over`
/// (the options of `regimes plot`) over the scenario's: each chart's numbers
/// are computed once and rendered into what `want` asks for, so the files and
/// the report show the same charts. Reads only `dir`'s files; the same
/// directory and look always give byte-identical charts.
pub fn draw(dir: &Path, want: Want, over: &Look) -> Result<Drawing> {
    style::register_fonts();
    let mut out = Outputs::load(dir)?;
    let (jobs, warnings) = plan(&out, over);
    let charts_dir = dir.join("charts");
    let files = want.files;
    if files.is_some() {
        fs::create_dir_all(&charts_dir)
            .with_context(|| format!("cannot create {}", charts_dir.display()))?;
    }
    let want_png = matches!(files, Some(Format::Png | Format::Both));
    let want_svg = matches!(files, Some(Format::Svg | Format::Both));
    let mut written = Vec::new();
    let mut drawn = Vec::new();
    for job in &jobs {
        let rows = shown(&out, job);
        let data = prepare(&mut out, job, &rows)?;
        let styles = styles(&out, job, &rows);
        let page = Page::new(&job.look);
        let ctx = Ctx {
            out: &out,
            job,
            styles: &styles,
            page,
        };
        let draw_error = || format!("cannot draw chart {}", job.stem);
        let mut text = None;
        if want_png {
            let (pixels, words) = bitmap(&ctx, &data).with_context(draw_error)?;
            let path = charts_dir.join(format!("{}.png", job.stem));
            write_renamed(&path, |f| {
                PngEncoder::new(f).write_image(
                    &pixels,
                    page.width,
                    page.height,
                    ColorType::Rgb8,
                )?;
                Ok(())
            })?;
            written.push(path);
            text = Some(words);
        }
        if want_svg {
            let (image, words) = vector(&ctx, &data).with_context(draw_error)?;
            let path = charts_dir.join(format!("{}.svg", job.stem));
            write_renamed(&path, |f| Ok(f.write_all(image.as_bytes())?))?;
            written.push(path);
            text = Some(words);
        }
        let mut image = String::new();
        if want.report {
            let ctx = Ctx {
                page: Page {
                    show_caption: false,
                    ..page
                },
                ..ctx
            };
            let (svg, words) = vector(&ctx, &data).with_context(draw_error)?;
            image = svg;
            text = Some(words);
        }
        drawn.push(Drawn {
            stem: job.stem.clone(),
            text: text.expect("drawn in at least one format"),
            titled: page.show_title,
            svg: image,
        });
    }
    if files.is_some() {
        keep_look(&charts_dir, over)?;
        remove_stale(&charts_dir, &written)?;
        sync_dir(&charts_dir)?;
    }
    Ok(Drawing {
        outputs: out,
        files: written,
        charts: drawn,
        warnings,
        look: over.clone(),
    })
}

/// Writes the look the files were drawn with into `charts/look.json`, or
/// removes that file for the default look.
fn keep_look(charts_dir: &Path, over: &Look) -> Result<()> {
    let path = charts_dir.join(LOOK_FILE);
    if *over == Look::default() {
        return match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        };
    }
    let json = serde_json::to_string_pretty(over)?;
    write_renamed(&path, |f| Ok(f.write_all(json.as_bytes())?))
}

/// The look `dir/charts/` was last drawn with (the default without a `look.json`).
pub fn kept_look(dir: &Path) -> Result<Look> {
    let path = dir.join("charts").join(LOOK_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("cannot read the look of the charts in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Look::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Draws a chart as compact SVG text in memory.
fn vector(ctx: &Ctx, data: &Prepared) -> Result<(String, Text)> {
    let mut plain = String::new();
    let text = {
        let root = SVGBackend::with_string(&mut plain, (ctx.page.width, ctx.page.height))
            .into_drawing_area();
        render(&root, ctx, data)?
    };
    Ok((svg::compact(&plain), text))
}

/// Draws a chart into RGB pixels in memory: files are written whole, by
/// [`write_renamed`], so a full disk is reported as such and leaves no half file.
fn bitmap(ctx: &Ctx, data: &Prepared) -> Result<(Vec<u8>, Text)> {
    let (w, h) = (ctx.page.width, ctx.page.height);
    let mut pixels = vec![0; w as usize * h as usize * 3];
    let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
    let text = render(&root, ctx, data)?;
    drop(root);
    Ok((pixels, text))
}

/// Removes the PNG and SVG files of `dir` that this drawing did not write (a
/// re-run that draws fewer charts leaves no stale ones behind). Other files
/// are left alone.
fn remove_stale(dir: &Path, written: &[PathBuf]) -> Result<()> {
    let keep: BTreeSet<&Path> = written.iter().map(PathBuf::as_path).collect();
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let chart = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("png" | "svg")
        );
        if chart && !keep.contains(path.as_path()) {
            fs::remove_file(&path)
                .with_context(|| format!("cannot remove the stale chart {}", path.display()))?;
        }
    }
    Ok(())
}

/// Styles of the rows a job draws: each keeps its colour, line and marker
/// (chosen by its name in the tables) and shows its display name. A
/// population takes the colour of its regime's preset, as that regime would
/// alone; the world (`all`) one of its own.
fn styles(out: &Outputs, job: &Job, rows: &[usize]) -> Vec<RegimeStyle> {
    // Styles are chosen among all the scenario's rows, so that a chart of a
    // few keeps the colours of the others.
    let names = out.row_names(job.by);
    let all = match job.by {
        By::Regime => style::regime_styles(&names, &out.regime_presets),
        By::Population => style::regime_styles(&names, &out.population_presets),
    };
    rows.iter()
        .map(|&r| RegimeStyle {
            name: match job.by {
                By::Regime => display_regime(&job.look, &names[r]),
                By::Population => display_population(&job.look, out, &names[r]),
            },
            ..all[r].clone()
        })
        .collect()
}

/// A population's display name: the look's, or "all producers" for the
/// world and "open (commons)" for a population and its regime's preset.
pub fn display_population(look: &Look, out: &Outputs, name: &str) -> String {
    if let Some(shown) = look.names.get(name) {
        return shown.clone();
    }
    if name == ALL {
        return "all producers".to_string();
    }
    let plain = name.replace('_', " ");
    match out.population_presets.get(name) {
        Some(preset) if preset != name => format!("{plain} ({})", preset.replace('_', " ")),
        _ => plain,
    }
}

/// A regime's display name: the look's, or its name with spaces for
/// underscores ("mixed world" for a scenario's mixed world).
pub fn display_regime(look: &Look, name: &str) -> String {
    match look.names.get(name) {
        Some(shown) => shown.clone(),
        None if name == MIXED => "mixed world".to_string(),
        None => name.replace('_', " "),
    }
}
