//! `DIR/report.html`: one self-contained page per run (inline SVG charts and
//! CSS, no network, no JavaScript) that a person opens by double-clicking. It
//! is built from the directory alone (tables, scenario, manifest), like the
//! charts, so `regimes report DIR` rebuilds the same page.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::charts::data::{By, Outputs, POPULATION_SHARE};
use super::charts::{self, CHART_METRICS, Drawing, metric_label};
use super::files::write_atomic;
use super::stats::Stats;
use crate::experiment::chart_spec::{CUMULATIVE_WELFARE, Look};
use crate::model::metric_info;

/// The report's file name in an output directory.
pub const REPORT: &str = "report.html";

/// The colour of the rule above each chart (a browser test finds the charts by it).
pub const FIGURE_RULE: [u8; 3] = [0x5f, 0x8f, 0xbf];

const STYLE: &str = "
body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1200px;margin:2em auto;padding:0 1.2em;color:#1e1e1e;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
.question{font-size:1.15em;font-weight:bold}.muted{color:#5a5a5a}
figure{margin:1.5em 0;border-top:4px solid #5f8fbf;padding-top:.5em}figure svg{width:100%;height:auto;display:block;border:1px solid #eee}
figcaption{color:#5a5a5a;font-size:.95em;margin-top:.4em}
table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:.92em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}
.ci{color:#5a5a5a;font-size:.9em}dt{font-weight:bold;margin-top:.6em}dd{margin-left:1.2em}
";

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Three significant digits, plain notation for everyday magnitudes.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..7).contains(&magnitude) {
        return format!("{x:.2e}");
    }
    format!("{x:.*}", (2 - magnitude).max(0) as usize)
}

/// "0.897 [0.881, 0.914]", the guide's way of writing a mean and its interval.
fn cell(s: &Stats) -> String {
    if !s.mean.is_finite() {
        return "<td>–</td>".to_string();
    }
    let ci = if s.has_interval() {
        format!(
            " <span class=\"ci\">[{}, {}]</span>",
            num(s.ci_low),
            num(s.ci_high)
        )
    } else {
        String::new()
    };
    format!("<td>{}{ci}</td>", num(s.mean))
}

/// Rows of a table of `stats[row][point]`: one row per sweep point (or one
/// row without a sweep), one column per regime (or, `by` population, per
/// population of the mixed world after the world's).
fn stats_table(
    out: &Outputs,
    look: &Look,
    stats: &[Vec<Stats>],
    skip: Option<usize>,
    by: By,
) -> String {
    let names = out.row_names(by);
    let shown: Vec<usize> = (0..names.len()).filter(|r| Some(*r) != skip).collect();
    let mut html = String::from("<table><tr>");
    let params: Vec<String> = out.params.iter().map(|p| esc(&p.name)).collect();
    let head = match (params.is_empty(), by) {
        (false, _) => params.join(", "),
        (true, By::Regime) => "regime →".to_string(),
        (true, By::Population) => "population →".to_string(),
    };
    let _ = write!(html, "<th>{head}</th>");
    for &r in &shown {
        let name = match by {
            By::Regime => charts::render::display_regime(look, &names[r]),
            By::Population => charts::render::display_population(look, out, &names[r]),
        };
        let _ = write!(html, "<th>{}</th>", esc(&name));
    }
    html.push_str("</tr>");
    for (p, point) in out.points.iter().enumerate() {
        let label: Vec<String> = out
            .params
            .iter()
            .enumerate()
            .map(|(i, param)| param.values.label(point[i]))
            .collect();
        let label = if label.is_empty() {
            "mean [95% CI]".to_string()
        } else {
            label.join(", ")
        };
        let _ = write!(html, "<tr><td>{}</td>", esc(&label));
        for &r in &shown {
            html.push_str(&cell(&stats[r][p]));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    html
}

/// The metrics the report tabulates: the headline measures, those of the
/// scenario's own charts, then cumulative welfare.
fn metrics(out: &Outputs) -> Vec<String> {
    let mut list: Vec<String> = CHART_METRICS.iter().map(|m| m.to_string()).collect();
    if out.has_populations() {
        list.insert(0, POPULATION_SHARE.to_string());
    }
    for spec in &out.specs {
        if !list.contains(&spec.metric) {
            list.push(spec.metric.clone());
        }
    }
    list.push(CUMULATIVE_WELFARE.to_string());
    list.retain(|m| out.has_run_metric(m));
    list
}

/// What the manifest says, as "key: value" lines (an empty list without one).
fn provenance(dir: &Path, out: &Outputs) -> Vec<(String, String)> {
    let manifest: serde_json::Value = fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let field = |k: &str| {
        manifest.get(k).filter(|v| !v.is_null()).map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let mut lines = vec![(
        "regimes version".to_string(),
        field("version").unwrap_or_else(|| "unknown (no manifest.json)".into()),
    )];
    if let Some(seed) = field("seed") {
        lines.push(("seed".into(), seed));
    }
    lines.push((
        "command to reproduce".into(),
        format!("regimes run {}", dir.join("scenario.toml").display()),
    ));
    for (key, label) in [
        ("runs", "runs"),
        ("threads", "threads"),
        ("started", "started"),
        ("finished", "finished"),
    ] {
        if let Some(v) = field(key) {
            lines.push((label.into(), v));
        }
    }
    if let Some(w) = manifest
        .get("wall_seconds")
        .and_then(serde_json::Value::as_f64)
    {
        lines.push(("wall time".into(), format!("{w:.1} s")));
    }
    if let Some(m) = field("merged_from") {
        lines.push(("merged from shards".into(), m));
    }
    lines.push((
        "window".into(),
        format!("each run summarised over {}", out.window_label()),
    ));
    lines
}

/// The page's HTML.
pub fn html(dir: &Path, drawing: &Drawing) -> Result<String> {
    let out = &drawing.outputs;
    // Display names given in any [[charts]] entry, or by `regimes plot`, name
    // regimes in the tables too.
    let mut look = Look::default();
    for spec in &out.specs {
        look.names.extend(spec.look.names.clone());
    }
    look.names.extend(drawing.look.names.clone());
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · regimes report</title><style>{STYLE}</style></head><body>",
        esc(&out.name)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&out.name));
    let description = out
        .description
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // The question is the description's first sentence when it asks one.
    match description.split_once("? ") {
        Some((question, rest)) => {
            let _ = writeln!(
                h,
                "<p class=\"question\">{}?</p><p>{}</p>",
                esc(question),
                esc(rest)
            );
        }
        None => {
            let _ = writeln!(h, "<p>{}</p>", esc(&description));
        }
    }
    // A mixed world is one regime of several populations.
    let compared = if out.has_populations() {
        format!(
            "a mixed world of {} populations ({})",
            out.populations.len(),
            esc(&out.populations.join(", "))
        )
    } else {
        format!("{} regimes", out.regimes.len())
    };
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} · {} · {compared}{}. Open <code>charts/</code> for the PNG and SVG files.</p>",
        esc(&out.replicates_label()),
        esc(&out.steps_label()),
        if out.points.len() > 1 {
            format!(" · {} sweep points", out.points.len())
        } else {
            String::new()
        }
    );

    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for chart in &drawing.charts {
        // Inline SVG in HTML takes no XML declaration. The image is named by its
        // title; the figure is no image itself, or its caption would be hidden
        // from screen readers (an image's children are presentational).
        let svg = match chart.svg.find("<svg") {
            Some(start) => &chart.svg[start..],
            None => chart.svg.as_str(),
        };
        let svg = svg.trim().replacen(
            "<svg ",
            &format!(
                "<svg role=\"img\" aria-label=\"{}\" ",
                esc(&chart.text.title)
            ),
            1,
        );
        // The image shows the title (unless its look leaves it out) and the
        // caption below it is text: each is on the page once.
        let title = if chart.titled {
            String::new()
        } else {
            format!("<b>{}.</b> ", esc(&chart.text.title))
        };
        let _ = writeln!(
            h,
            "<figure id=\"{}\">{svg}<figcaption>{title}{}</figcaption></figure>",
            esc(&chart.stem),
            esc(&chart.text.caption)
        );
    }

    h.push_str(
        "<h2 id=\"summary\">Summary</h2>\n<p>Each cell: the mean over the replicates of each run's summary, \
         and its 95% confidence interval (t-based), as in <code>summary.csv</code>.",
    );
    // A mixed world's tables give each population beside the world.
    let by = if out.has_populations() {
        h.push_str(" One column for all producers, then one per population.");
        By::Population
    } else {
        By::Regime
    };
    h.push_str("</p>\n");
    for m in metrics(out) {
        let stats = out.run_stats_by(&m, by)?;
        let _ = writeln!(h, "<h3>{}</h3>", esc(&metric_label(&m)));
        h.push_str(&stats_table(out, &look, &stats, None, by));
        h.push('\n');
    }

    if let Some(name) = &out.baseline
        && let Some(b) = out.regimes.iter().position(|r| r == name)
    {
        let _ = writeln!(
            h,
            "<h2 id=\"paired\">Differences from {}</h2>\n<p>Each cell: the mean over the replicates of \
             (regime − {}) in runs with the same seed (the same population and problems), and its \
             95% confidence interval. An interval that excludes 0 is a difference the randomness \
             of the runs alone is unlikely to explain.</p>",
            esc(name),
            esc(name)
        );
        for m in metrics(out) {
            let stats = out.paired_stats(&m, b)?;
            let _ = writeln!(h, "<h3>{}</h3>", esc(&metric_label(&m)));
            h.push_str(&stats_table(out, &look, &stats, Some(b), By::Regime));
            h.push('\n');
        }
    }

    h.push_str("<h2 id=\"provenance\">Provenance</h2>\n<table>");
    for (k, v) in provenance(dir, out) {
        let _ = write!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(&k), esc(&v));
    }
    h.push_str("</table>\n");

    h.push_str("<h2 id=\"glossary\">Glossary</h2>\n<dl>\n");
    for m in metrics(out) {
        let description = match metric_info(&m) {
            Some(info) => info.description.to_string(),
            None => "Welfare summed over every step of the run.".to_string(),
        };
        let _ = writeln!(
            h,
            "<dt>{} <span class=\"muted\">({})</span></dt><dd>{}</dd>",
            esc(&m),
            esc(&metric_label(&m)),
            esc(&description)
        );
    }
    h.push_str("</dl>\n</body></html>\n");
    Ok(h)
}

/// Writes `dir/report.html` from a drawing of `dir` (temporary file, sync,
/// rename, sync of the directory: `output::files`).
pub fn write(dir: &Path, drawing: &Drawing) -> Result<PathBuf> {
    let page = html(dir, drawing)?;
    let path = dir.join(REPORT);
    write_atomic(&path, |f| Ok(f.write_all(page.as_bytes())?))?;
    Ok(path)
}

/// Rebuilds `dir/report.html` from the directory alone: its charts drawn in
/// memory with the look `dir/charts/` was last drawn with (`regimes plot`'s
/// options, kept in `charts/look.json`); the chart files are left as they are.
pub fn build(dir: &Path) -> Result<PathBuf> {
    let look = charts::kept_look(dir)?;
    let want = charts::Want {
        files: None,
        report: true,
    };
    let drawing = charts::draw(dir, want, &look)?;
    write(dir, &drawing)
}
