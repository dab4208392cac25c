//! Charts drawn from synthetic output directories (see `support`), so these
//! tests do not depend on the engine. Here what every chart has; the
//! scenario's charts (sweeps, chart modes, crowded scenarios) in `scenario`,
//! files on disk (errors, a full disk, `plot` redrawing a run) in `files`.

use std::fs;

use crate::support::*;
use regimes::output::charts::{Format, draw_all};

mod files;
mod scenario;

#[test]
fn a_plain_run_gets_the_overview_and_a_time_series_per_headline_metric() {
    let dir = scratch("plain");
    write_outputs(&dir, &THREE, &[], 4, 60, "");
    let files = draw_all(&dir, Format::Both, true).unwrap();
    let names = names(&files);
    for m in [
        "duplicated_share",
        "approach_diversity",
        "welfare",
        "consumer_surplus",
        "deadweight_loss",
        "gini_wealth",
        "frontier_quality",
        "contribution",
        "tail_coverage",
    ] {
        for ext in ["png", "svg"] {
            assert!(
                names.contains(&format!("timeseries_{m}.{ext}")),
                "{m}.{ext} missing: {names:?}"
            );
        }
    }
    assert!(names.contains(&"overview.png".to_string()));
    assert!(names.contains(&"overview.svg".to_string()));
    assert!(!names.iter().any(|n| n.starts_with("sweep_")));
    for f in &files {
        assert!(f.starts_with(dir.join("charts")));
        assert!(
            fs::metadata(f).unwrap().len() > 1000,
            "{} is tiny",
            f.display()
        );
    }
    // Only finished files stand in charts/: no temporary left behind.
    let listed = fs::read_dir(dir.join("charts")).unwrap().count();
    assert_eq!(listed, files.len());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn svg_holds_title_axis_labels_legend_and_caption_as_text() {
    let dir = scratch("svgtext");
    write_outputs(&dir, &THREE, &[], 3, 40, "");
    draw_all(&dir, Format::Svg, true).unwrap();
    let texts = svg_texts(&dir.join("charts/timeseries_welfare.svg"));
    for text in [
        "Welfare per step over time",
        "welfare per step (surplus + revenue + intrinsic - costs)",
        "step",
        "enclosure",
        "commons",
        "collectivist",
    ] {
        assert!(
            texts.iter().any(|t| t == text),
            "timeseries_welfare.svg lacks the text {text:?}"
        );
    }
    for part in [
        "Scenario synthetic",
        "3 replicates",
        "40 steps",
        "95% confidence interval",
    ] {
        assert!(
            has_text(&texts, part),
            "timeseries_welfare.svg lacks {part:?}"
        );
    }
    let overview = svg_texts(&dir.join("charts/overview.svg"));
    for text in [
        "duplicated effort (share of trials)",
        "wealth inequality (Gini)",
        "whiskers",
    ] {
        assert!(has_text(&overview, text), "overview.svg lacks {text:?}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stretch_without_data_leaves_a_gap_in_line_and_band() {
    let dir = scratch("gap");
    write_outputs(&dir, &THREE, &[], 3, 60, "");
    draw_all(&dir, Format::Svg, true).unwrap();
    let svg = fs::read_to_string(dir.join("charts/timeseries_approach_diversity.svg")).unwrap();
    // Bands are translucent closed paths: commons (#009E73) has no data in
    // steps 20..30, so its band comes in two pieces; the others in one.
    let bands = |colour: &str| {
        svg.split("<path")
            .skip(1)
            .map(|p| &p[..p.find('>').unwrap()])
            .filter(|p| p.contains("opacity=\"0.15\"") && p.contains(&format!("fill=\"{colour}\"")))
            .count()
    };
    assert_eq!(bands("#009E73"), 2);
    assert_eq!(bands("#D55E00"), 1);
    assert_eq!(bands("#0072B2"), 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn png_has_the_print_size_and_is_not_blank() {
    let dir = scratch("png");
    write_outputs(&dir, &THREE, &[], 3, 40, "");
    draw_all(&dir, Format::Png, true).unwrap();
    assert!(
        !dir.join("charts/overview.svg").exists(),
        "--format png wrote an SVG"
    );
    for name in ["timeseries_duplicated_share.png", "overview.png"] {
        let img = image::open(dir.join("charts").join(name))
            .unwrap()
            .to_rgb8();
        assert_eq!(img.dimensions(), (1600, 1000), "{name}");
        let lum: Vec<f64> = img
            .pixels()
            .map(|p| (p[0] as f64 + p[1] as f64 + p[2] as f64) / 3.0)
            .collect();
        let mean = lum.iter().sum::<f64>() / lum.len() as f64;
        let var = lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64;
        assert!(var > 100.0, "{name} looks blank (variance {var})");
        // Each regime's colour (Okabe-Ito vermillion, bluish green, blue) is drawn.
        for rgb in [[213u8, 94, 0], [0, 158, 115], [0, 114, 178]] {
            let n = img.pixels().filter(|p| p.0 == rgb).count();
            assert!(n > 200, "{name}: colour {rgb:?} drawn on only {n} pixels");
        }
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn drawing_twice_gives_byte_identical_files() {
    let dir = scratch("determinism");
    write_outputs(
        &dir,
        &THREE,
        &[Sweep::Num("world.interactions", vec![1.0, 5.0])],
        3,
        30,
        "",
    );
    let first = draw_all(&dir, Format::Both, true).unwrap();
    let bytes: Vec<Vec<u8>> = first.iter().map(|f| fs::read(f).unwrap()).collect();
    let second = draw_all(&dir, Format::Both, true).unwrap();
    assert_eq!(first, second);
    for (f, b) in second.iter().zip(&bytes) {
        assert!(
            fs::read(f).unwrap() == *b,
            "{} changed on redraw",
            f.display()
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}
