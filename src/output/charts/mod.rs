//! Charts for essays and classrooms, drawn from an output directory's tables
//! alone (so `regimes plot DIR` can redraw them without rerunning).
//!
//! [`data`] reads the tables and reduces them to means and 95 % intervals;
//! [`style`] holds the font, palette and axis rules; [`frame`] lays out title,
//! legend, caption and panels; [`timeseries`], [`sweep`], [`bars`] and
//! [`overview`] draw the four kinds. `docs/CHARTS.md` says how to read them.

pub mod bars;
pub mod data;
pub mod frame;
pub mod overview;
pub mod style;
pub mod sweep;
pub mod timeseries;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::model::{Unit, metric_info};
use crate::output::chart_spec::{ChartKind, ChartsMode};
use data::{Outputs, Stat, TimeSeries};
use frame::err;
use style::RegimeStyle;

/// Which files to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Png,
    Svg,
    Both,
}

/// Metrics drawn by default: time series each, sweep charts each, and the
/// panels of the overview.
pub const CHART_METRICS: &[&str] = &[
    "duplicated_share",
    "approach_diversity",
    "welfare",
    "consumer_surplus",
    "deadweight_loss",
    "gini_wealth",
    "frontier_quality",
    "contribution",
    "tail_coverage",
];

/// Most panels in one chart; beyond it, evenly spaced sweep points are shown.
const MAX_PANELS: usize = 16;

/// Most time points per line (the rest are thinned evenly).
const MAX_STEPS: usize = 2000;

/// What one chart shows.
#[derive(Clone, Debug, PartialEq)]
pub enum JobKind {
    Overview,
    Timeseries,
    /// Against parameter `x` (index into the swept parameters), faceted by `facet` first.
    Sweep {
        x: usize,
        facet: Option<usize>,
    },
    Bars,
}

/// One chart to draw, written as `charts/<stem>.png` and `.svg`.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub stem: String,
    pub kind: JobKind,
    pub metric: String,
    pub title: Option<String>,
}

/// The axis label of a metric, in plain words with its unit.
pub fn metric_label(metric: &str) -> String {
    match metric_info(metric) {
        Some(m) => m.label.to_string(),
        None if metric == "cumulative_welfare" => "cumulative welfare (sum over the run)".into(),
        None => metric.replace('_', " "),
    }
}

/// The range a metric's mean can take: shares, qualities and concentration
/// indices lie in [0, 1], counts and ratios are not negative. A t-interval
/// reaching past it is clipped there (a share of effort cannot be below 0).
pub fn metric_bounds(metric: &str) -> (f64, f64) {
    let inf = f64::INFINITY;
    match metric_info(metric).map(|m| m.unit) {
        Some(Unit::Share | Unit::Quality) => (0.0, 1.0),
        _ if [
            "gini_wealth",
            "gini_income",
            "hhi_revenue",
            "effort_entropy",
        ]
        .contains(&metric) =>
        {
            (0.0, 1.0)
        }
        Some(Unit::Count) => (0.0, inf),
        _ if ["tail_coverage", "pay_ratio"].contains(&metric) => (0.0, inf),
        _ => (-inf, inf),
    }
}

/// Clips intervals to the metric's range (a missing interval stays missing:
/// `f64::max` would turn NaN into the bound).
fn clip(stats: &mut [Stat], (min, max): (f64, f64)) {
    for s in stats
        .iter_mut()
        .filter(|s| s.lo.is_finite() && s.hi.is_finite())
    {
        s.lo = s.lo.max(min);
        s.hi = s.hi.min(max);
    }
}

/// "duplicated effort (share of trials)" -> "Duplicated effort", for titles.
pub fn title_case(label: &str) -> String {
    let head = label.split(" (").next().unwrap_or(label);
    let mut c = head.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// At most 16 evenly spaced indices of `0..n`, and a note saying so.
pub fn pick_panels(n: usize) -> (Vec<usize>, String) {
    if n <= MAX_PANELS {
        return ((0..n).collect(), String::new());
    }
    let picked = (0..MAX_PANELS)
        .map(|i| (i * (n - 1) + (MAX_PANELS - 1) / 2) / (MAX_PANELS - 1))
        .collect();
    (picked, format!(" ({MAX_PANELS} of {n} shown)"))
}

/// A file-name-safe form of a parameter path.
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The charts to draw: the overview, the defaults unless the scenario replaces
/// them, then its `[[charts]]` (a scenario chart with a default's file name
/// replaces it). Entries that cannot be drawn become warnings.
pub fn plan(out: &Outputs) -> (Vec<Job>, Vec<String>) {
    let mut warnings = out.spec_errors.clone();
    let mut jobs = vec![Job {
        stem: "overview".into(),
        kind: JobKind::Overview,
        metric: String::new(),
        title: None,
    }];
    if out.mode == ChartsMode::Add {
        for m in CHART_METRICS.iter().filter(|m| out.has_series_metric(m)) {
            jobs.push(Job {
                stem: format!("timeseries_{m}"),
                kind: JobKind::Timeseries,
                metric: m.to_string(),
                title: None,
            });
        }
        if !out.params.is_empty() {
            for m in CHART_METRICS.iter().filter(|m| out.has_run_metric(m)) {
                jobs.push(Job {
                    stem: format!("sweep_{m}_by_{}", slug(&out.params[0].name)),
                    kind: JobKind::Sweep { x: 0, facet: None },
                    metric: m.to_string(),
                    title: None,
                });
            }
        }
    }
    let param = |name: &Option<String>| -> Result<Option<usize>, String> {
        match name {
            None => Ok(None),
            Some(n) => out
                .params
                .iter()
                .position(|p| &p.name == n)
                .map(Some)
                .ok_or_else(|| format!("`{n}` is not a swept parameter")),
        }
    };
    for (i, spec) in out.specs.iter().enumerate() {
        let m = &spec.metric;
        let job = match spec.kind {
            ChartKind::Timeseries if out.has_series_metric(m) => {
                Ok((format!("timeseries_{m}"), JobKind::Timeseries))
            }
            ChartKind::Timeseries => Err(format!("the time series have no metric `{m}`")),
            _ if !out.has_run_metric(m) => Err(format!("runs.parquet has no metric `{m}`")),
            ChartKind::Bars => Ok((format!("bars_{m}"), JobKind::Bars)),
            ChartKind::Sweep if out.params.is_empty() => Err("the scenario has no [sweep]".into()),
            ChartKind::Sweep => param(&spec.x).and_then(|x| {
                let x = x.unwrap_or(0);
                // Facets come first by default from the first other parameter:
                // asking for it explicitly draws the default chart.
                let first_other = (0..out.params.len()).find(|&i| i != x);
                let facet = param(&spec.facet)?.filter(|f| *f != x && Some(*f) != first_other);
                let mut stem = format!("sweep_{m}_by_{}", slug(&out.params[x].name));
                if let Some(f) = facet {
                    stem += &format!("_facet_{}", slug(&out.params[f].name));
                }
                Ok((stem, JobKind::Sweep { x, facet }))
            }),
        };
        match job {
            Ok((stem, kind)) => {
                let job = Job {
                    stem,
                    kind,
                    metric: m.clone(),
                    title: spec.title.clone(),
                };
                match jobs.iter_mut().find(|j| j.stem == job.stem) {
                    Some(old) => *old = job,
                    None => jobs.push(job),
                }
            }
            Err(e) => warnings.push(format!("[[charts]] entry {} skipped: {e}", i + 1)),
        }
    }
    (jobs, warnings)
}

/// A chart's numbers, computed once for both formats.
enum Prepared {
    Series(TimeSeries),
    Runs(Vec<Vec<Stat>>),
    Overview(Vec<(String, Vec<Vec<Stat>>)>),
}

fn prepare(out: &mut Outputs, job: &Job) -> Result<Prepared> {
    let runs = |out: &Outputs, m: &str| -> Result<Vec<Vec<Stat>>> {
        let mut stats = out.run_stats(m)?;
        stats.iter_mut().for_each(|r| clip(r, metric_bounds(m)));
        Ok(stats)
    };
    Ok(match job.kind {
        JobKind::Timeseries => {
            let mut ts = out.series(&job.metric, MAX_STEPS)?;
            for s in ts.stats.iter_mut().flatten() {
                clip(s, metric_bounds(&job.metric));
            }
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
    out: &Outputs,
    job: &Job,
    data: &Prepared,
    styles: &[RegimeStyle],
) -> Result<()> {
    match (&job.kind, data) {
        (JobKind::Overview, Prepared::Overview(m)) => overview::draw(root, out, m, styles)?,
        (JobKind::Timeseries, Prepared::Series(ts)) => {
            timeseries::draw(root, out, ts, job, styles)?
        }
        (JobKind::Sweep { x, facet }, Prepared::Runs(s)) => {
            sweep::draw(root, out, s, job, (*x, *facet), styles)?
        }
        (JobKind::Bars, Prepared::Runs(s)) => bars::draw(root, out, s, job, styles)?,
        _ => unreachable!("prepare() matches the job kind"),
    }
    root.present().map_err(err)
}

/// Moves a finished temporary file to its final name (no half-written chart
/// ever stands under that name).
fn publish(tmp: &Path, path: &Path) -> Result<()> {
    fs::rename(tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

fn write_png(
    path: &Path,
    tmp: &Path,
    draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> Result<()>,
) -> Result<()> {
    let result = draw(&BitMapBackend::new(tmp, (style::WIDTH, style::HEIGHT)).into_drawing_area());
    match result {
        Ok(()) => publish(tmp, path),
        Err(e) => {
            let _ = fs::remove_file(tmp);
            Err(e)
        }
    }
}

fn write_svg(
    path: &Path,
    tmp: &Path,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<()>,
) -> Result<()> {
    let mut svg = String::new();
    draw(&SVGBackend::with_string(&mut svg, (style::WIDTH, style::HEIGHT)).into_drawing_area())?;
    fs::write(tmp, svg).with_context(|| format!("cannot write {}", tmp.display()))?;
    publish(tmp, path)
}

/// Draws every chart of the output directory `dir` into `dir/charts/` and
/// returns the files written. Reads only `dir`'s files; the same directory
/// always gives byte-identical charts. Charts that a `[[charts]]` entry asks for
/// but the tables cannot support are reported on stderr (unless `quiet`) and skipped.
pub fn draw_all(dir: &Path, format: Format, quiet: bool) -> Result<Vec<PathBuf>> {
    style::register_fonts();
    let mut out = Outputs::load(dir)?;
    let (jobs, warnings) = plan(&out);
    if !quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    let styles = style::regime_styles(&out.regimes, &out.regime_presets);
    let charts = dir.join("charts");
    fs::create_dir_all(&charts).with_context(|| format!("cannot create {}", charts.display()))?;
    let mut written = Vec::new();
    for job in &jobs {
        let data = prepare(&mut out, job)?;
        let draw_error = || format!("cannot draw chart {}", job.stem);
        if format != Format::Svg {
            let path = charts.join(format!("{}.png", job.stem));
            let tmp = charts.join(format!(".{}.tmp.png", job.stem));
            write_png(&path, &tmp, |root| render(root, &out, job, &data, &styles))
                .with_context(draw_error)?;
            written.push(path);
        }
        if format != Format::Png {
            let path = charts.join(format!("{}.svg", job.stem));
            let tmp = charts.join(format!(".{}.tmp.svg", job.stem));
            write_svg(&path, &tmp, |root| render(root, &out, job, &data, &styles))
                .with_context(draw_error)?;
            written.push(path);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_panels() {
        assert_eq!(
            title_case("duplicated effort (share of trials)"),
            "Duplicated effort"
        );
        assert_eq!(
            metric_label("welfare"),
            "welfare per step (surplus + revenue - costs)"
        );
        assert_eq!(pick_panels(3).0, vec![0, 1, 2]);
        let (p, note) = pick_panels(100);
        assert_eq!(p.len(), MAX_PANELS);
        assert_eq!((p[0], p[15]), (0, 99));
        assert!(note.contains("16 of 100"));
        assert_eq!(slug("world.interactions"), "world-interactions");
    }

    #[test]
    fn clipping_keeps_missing_intervals_missing() {
        let nan = f64::NAN;
        let mut s = [
            Stat {
                n: 3,
                mean: 0.1,
                lo: -0.2,
                hi: 0.4,
            },
            Stat {
                n: 0,
                mean: nan,
                lo: nan,
                hi: nan,
            },
        ];
        clip(&mut s, metric_bounds("duplicated_share"));
        assert_eq!((s[0].lo, s[0].hi), (0.0, 0.4));
        assert!(s[1].lo.is_nan() && s[1].hi.is_nan());
        assert_eq!(metric_bounds("welfare"), (f64::NEG_INFINITY, f64::INFINITY));
    }
}
