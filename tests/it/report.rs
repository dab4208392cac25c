//! `DIR/report.html` from synthetic output directories (see `support`): one
//! self-contained page with every chart, the summary, paired differences,
//! provenance and a glossary. `screenshot_shows_every_chart` checks a browser's
//! screenshot of a real report; `.ci/e2e-report.sh` runs it.

use std::fs;

use crate::support::*;
use regimes::output::report;

#[test]
fn the_report_is_one_self_contained_page_with_every_part() {
    let dir = scratch("report");
    let extra = "baseline = \"enclosure\"\n[[charts]]\nmetric = \"welfare\"\nkind = \"bars\"\n\
        names = { commons = \"Open commons\" }\n";
    let sweep = [Sweep::Str("regime.patent_term", vec!["5", "150", "none"])];
    write_outputs(&dir, &THREE, &sweep, 3, 20, extra);
    let path = report::build(&dir).unwrap();
    assert_eq!(path, dir.join("report.html"));
    let html = fs::read_to_string(&path).unwrap();
    // No network, no script: it opens by double-clicking.
    for banned in ["<script", "<link", "src=\"http", "href=\"http", "url("] {
        assert!(!html.contains(banned), "found {banned}");
    }
    // Every chart inline, with its caption in words.
    let figures = html.matches("<figure").count();
    let svgs = html.matches("<svg").count();
    assert_eq!(figures, svgs);
    assert_eq!(figures, 1 + 9 + 9 + 1, "charts");
    // Each caption once: as text under its chart, not drawn in the chart too
    // (issue 16). The title is drawn in the chart and not repeated.
    for figure in html.split("<figure").skip(1) {
        let (image, caption) = figure.split_once("<figcaption>").unwrap();
        assert!(caption.contains("95% confidence interval"), "{caption}");
        assert!(!caption.starts_with("<b>"), "{caption}");
        // The chart is an image named by its title; the caption stays readable.
        assert!(
            image.contains("<svg role=\"img\" aria-label=\""),
            "{image:.200}"
        );
        let (figure, _) = image.split_once('>').unwrap();
        assert!(!figure.contains("role"), "{figure}");
        let start: String = caption.split(' ').take(3).collect::<Vec<_>>().join(" ");
        assert!(
            !image.contains(&start),
            "{start:?} is drawn in the chart too"
        );
    }
    assert!(html.contains("<text"), "charts keep their words as text");
    // The description, the summary with intervals, the paired differences.
    assert!(html.contains("<p>test</p>"));
    assert!(html.contains("<h2 id=\"summary\">"));
    assert!(html.contains("<th>regime.patent_term</th><th>enclosure</th><th>Open commons</th>"));
    assert!(html.contains("<td>none</td>"));
    assert!(html.contains("class=\"ci\">["));
    assert!(html.contains("<h2 id=\"paired\">Differences from enclosure</h2>"));
    // Provenance and glossary.
    assert!(html.contains("command to reproduce"));
    assert!(html.contains("<dt>duplicated_share"));
    // Rebuilt, the page is the same (drawn from the directory alone).
    report::build(&dir).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), html);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn regimes_report_rebuilds_the_page_and_refuses_a_directory_without_tables() {
    let dir = scratch("report-cli");
    write_outputs(&dir, &THREE, &[], 2, 12, "");
    let regimes = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_regimes"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = regimes(&["report", "--quiet", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    // Without a baseline there are no paired differences.
    assert!(!html.contains("id=\"paired\""));
    let empty = scratch("report-empty");
    let out = regimes(&["report", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("runs.parquet"), "{stderr}");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&empty).unwrap();
}

/// The SVG of the report's first figure (the overview).
fn first_figure(html: &str) -> &str {
    let figure = html.split("<figure").nth(1).unwrap();
    figure.split_once("</svg>").unwrap().0
}

/// Issue 16: `regimes plot`'s options once reached the chart files only (the
/// report redrew its charts with the default look). The report now shows the
/// charts of the same drawing, and `regimes report` keeps the last look.
#[test]
fn plot_options_reach_the_report_and_regimes_report_keeps_them() {
    let dir = scratch("report-look");
    write_outputs(&dir, &THREE, &[], 2, 12, "");
    let d = path(&dir);
    let out = run(&[
        "plot",
        "--quiet",
        "--format",
        "png",
        "--no-title",
        "--width-cm",
        "12",
        "--name",
        "enclosure=Private labs",
    ]
    .iter()
    .copied()
    .chain([d])
    .collect::<Vec<_>>());
    assert!(out.status.success(), "{out:?}");
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let svg = first_figure(&html);
    assert!(svg.contains("Private labs"), "{svg:.300}");
    // 12 cm at 254 dpi; no title in the image, so the caption names the chart.
    assert!(svg.contains("width=\"1200\""), "{svg:.300}");
    assert!(html.contains("<figcaption><b>"));
    // The table heads name the regime as the charts do.
    assert!(html.contains("<th>Private labs</th>"), "tables");
    // Rebuilt alone, the report keeps the look the files were drawn with.
    assert!(dir.join("charts/look.json").is_file());
    let out = run(&["report", "--quiet", d]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(fs::read_to_string(dir.join("report.html")).unwrap(), html);
    // `plot` without options draws the default look again, everywhere.
    let out = run(&["plot", "--quiet", "--format", "svg", d]);
    assert!(out.status.success(), "{out:?}");
    assert!(!dir.join("charts/look.json").exists());
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let svg = first_figure(&html);
    assert!(!svg.contains("Private labs") && svg.contains("width=\"1600\""));
    fs::remove_dir_all(&dir).unwrap();
}

/// Rows of a screenshot that are the rule above a chart: most pixels the rule's colour.
fn rule_rows(img: &image::RgbImage) -> Vec<u32> {
    let [r, g, b] = report::FIGURE_RULE;
    let mut rows: Vec<u32> = Vec::new();
    for y in 0..img.height() {
        let hits = (0..img.width())
            .filter(|&x| {
                let p = img.get_pixel(x, y).0;
                p[0].abs_diff(r) <= 3 && p[1].abs_diff(g) <= 3 && p[2].abs_diff(b) <= 3
            })
            .count();
        if hits as u32 > img.width() / 2 && rows.last().is_none_or(|&last| y > last + 20) {
            rows.push(y);
        }
    }
    rows
}

/// Run by `.ci/e2e-report.sh` on a headless Chromium screenshot of a report:
/// every chart (below its rule) holds drawn, coloured pixels.
#[test]
#[ignore = "needs a browser's screenshot: run by .ci/e2e-report.sh"]
fn screenshot_shows_every_chart() {
    let shot = std::env::var("REGIMES_SHOT").expect("REGIMES_SHOT: the screenshot");
    let figures: usize = std::env::var("REGIMES_FIGURES").unwrap().parse().unwrap();
    let img = image::open(&shot).unwrap().to_rgb8();
    assert_eq!(img.width(), 1280, "the screenshot is 1280 px wide");
    let rows = rule_rows(&img);
    assert_eq!(rows.len(), figures, "charts found at rows {rows:?}");
    for (i, &top) in rows.iter().enumerate() {
        let bottom = rows
            .get(i + 1)
            .copied()
            .unwrap_or(img.height())
            .min(top + 700);
        let (mut ink, mut colour) = (0u64, 0u64);
        for y in top + 5..bottom {
            for x in 0..img.width() {
                let [r, g, b] = img.get_pixel(x, y).0;
                if r.min(g).min(b) < 200 {
                    ink += 1;
                }
                if r.max(g).max(b) - r.min(g).min(b) > 80 {
                    colour += 1;
                }
            }
        }
        let area = u64::from(img.width()) * u64::from(bottom - top);
        assert!(
            ink * 100 > area,
            "chart {i} at row {top} is blank ({ink} px)"
        );
        assert!(
            colour > 500,
            "chart {i} at row {top} has no coloured lines ({colour} px)"
        );
    }
}
