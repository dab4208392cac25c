//! Charts drawn from synthetic output directories (see `support`), so these
//! tests do not depend on the engine.

use std::fs;
use std::path::Path;

use crate::support::*;
use regimes::output::charts::{Format, draw_all};

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

#[test]
fn a_two_parameter_sweep_draws_faceted_sweep_charts() {
    let dir = scratch("sweep");
    let sweep = [
        Sweep::Num("world.interactions", vec![1.0, 3.0, 5.0]),
        Sweep::Str("regime.visibility", vec!["private", "open"]),
    ];
    write_outputs(&dir, &THREE, &sweep, 3, 30, "");
    let files = draw_all(&dir, Format::Svg, true).unwrap();
    let names = names(&files);
    assert!(
        names.contains(&"sweep_welfare_by_world-interactions.svg".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"timeseries_welfare.svg".to_string()));
    let texts = svg_texts(&dir.join("charts/sweep_welfare_by_world-interactions.svg"));
    for text in [
        "Welfare per step by epistatic neighbours per locus (K)",
        "visibility = private",
        "visibility = open",
        "epistatic neighbours per locus (K)",
        "1",
        "3",
        "5",
    ] {
        assert!(
            texts.iter().any(|t| t == text),
            "sweep chart lacks {text:?}"
        );
    }
    assert!(has_text(&texts, "whiskers"));
    // Time series: one panel per sweep point.
    let ts = svg_texts(&dir.join("charts/timeseries_welfare.svg"));
    assert!(
        ts.iter()
            .any(|t| t == "interactions = 5, visibility = open"),
        "{ts:?}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_string_sweep_gets_a_categorical_axis_in_scenario_order() {
    let dir = scratch("categorical");
    let sweep = [Sweep::Str(
        "regime.allocation",
        vec!["plan", "market", "registry"],
    )];
    write_outputs(&dir, &THREE, &sweep, 2, 20, "");
    draw_all(&dir, Format::Svg, true).unwrap();
    let texts = svg_texts(&dir.join("charts/sweep_contribution_by_regime-allocation.svg"));
    let at = |s: &str| {
        texts
            .iter()
            .position(|t| t == s)
            .unwrap_or_else(|| panic!("no tick {s}"))
    };
    assert!(at("plan") < at("market") && at("market") < at("registry"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn replace_mode_draws_only_the_scenario_charts_and_the_overview() {
    let dir = scratch("replace");
    let extra = "charts_mode = \"replace\"\n\
        [[charts]]\nmetric = \"welfare\"\nkind = \"bars\"\ntitle = \"Who gains?\"\n\
        [[charts]]\nmetric = \"gini_wealth\"\nkind = \"timeseries\"\n\
        [[charts]]\nmetric = \"welfare\"\nkind = \"sweep\"\n";
    write_outputs(&dir, &THREE, &[], 3, 30, extra);
    let files = draw_all(&dir, Format::Png, true).unwrap();
    // The sweep entry cannot be drawn without a sweep: skipped, not fatal.
    assert_eq!(
        names(&files),
        vec![
            "overview.png",
            "bars_welfare.png",
            "timeseries_gini_wealth.png"
        ]
    );
    draw_all(&dir, Format::Svg, true).unwrap();
    let texts = svg_texts(&dir.join("charts/bars_welfare.svg"));
    assert!(texts.iter().any(|t| t == "Who gains?"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn add_mode_keeps_the_defaults_and_a_custom_title_replaces_a_default_chart() {
    let dir = scratch("add");
    let extra = "[[charts]]\nmetric = \"welfare\"\nkind = \"timeseries\"\ntitle = \"Welfare, my way\"\n\
        [[charts]]\nmetric = \"cumulative_welfare\"\nkind = \"bars\"\n";
    write_outputs(&dir, &["enclosure", "my_variant"], &[], 2, 20, extra);
    let files = draw_all(&dir, Format::Svg, true).unwrap();
    let names = names(&files);
    assert_eq!(names.len(), 1 + 9 + 1, "{names:?}");
    assert!(names.contains(&"bars_cumulative_welfare.svg".to_string()));
    let texts = svg_texts(&dir.join("charts/timeseries_welfare.svg"));
    assert!(texts.iter().any(|t| t == "Welfare, my way"));
    assert!(texts.iter().any(|t| t == "my variant"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_without_tables_is_an_error_not_a_panic() {
    let dir = scratch("empty");
    let err = draw_all(&dir, Format::Both, true).unwrap_err();
    assert!(err.to_string().contains("runs.parquet"), "{err}");
    fs::remove_dir_all(&dir).unwrap();
}

/// A full disk while charts are written (issue 19): `/dev/full` stands in for
/// the disk under the overview's temporary file. The error is a sentence naming
/// the chart and the cause (it was plotters' debug dump), and nothing is left:
/// no half chart under its name, no temporary file.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_while_drawing_is_a_sentence_and_leaves_no_half_file() {
    let dir = scratch("full-disk");
    write_outputs(&dir, &THREE, &[], 2, 12, "");
    let charts = dir.join("charts");
    fs::create_dir_all(&charts).unwrap();
    std::os::unix::fs::symlink("/dev/full", charts.join(".overview.png.tmp")).unwrap();
    let o = run(&["plot", "--format", "png", path(&dir)]);
    let e = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains(&format!(
            "cannot write {}",
            charts.join("overview.png").display()
        )) && e.contains("No space left on device"),
        "{e}"
    );
    for dump in ["Os {", "DrawingError", "ImageError", "kind:"] {
        assert!(!e.contains(dump), "a debug dump: {e}");
    }
    let left: Vec<_> = fs::read_dir(&charts).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // With space back, the same command draws every chart.
    let o = run(&["plot", "--format", "png", "--quiet", path(&dir)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(charts.join("overview.png").is_file());
    fs::remove_dir_all(&dir).unwrap();
}

/// Every chart file of an output directory with its bytes, by name.
fn chart_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir.join("charts"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn plot_redraws_the_charts_of_a_real_run_byte_for_byte() {
    let dir = scratch("e2e");
    let regimes = |args: &[&str]| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_regimes"))
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "regimes {args:?} failed");
    };
    let out = dir.join("run");
    let out = out.to_str().unwrap();
    regimes(&[
        "run",
        "--quiet",
        "--out",
        out,
        "--set",
        "steps=20",
        "--set",
        "replicates=2",
        "--set",
        "world.producers=100",
        "--set",
        "world.problems=30",
    ]);
    let drawn = chart_files(Path::new(out));
    assert_eq!(
        drawn.len(),
        2 * (1 + 9),
        "{:?}",
        drawn.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    regimes(&["plot", "--quiet", out]);
    assert!(
        chart_files(Path::new(out)) == drawn,
        "plot did not reproduce the run's charts"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn many_regimes_one_replicate_and_many_sweep_points_still_draw() {
    let dir = scratch("crowded");
    let regimes = [
        "enclosure",
        "commons",
        "collectivist",
        "open_access",
        "cooperative",
        "patents",
        "a_variant_with_a_rather_long_name",
        "another",
        "and_a_ninth",
    ];
    let values: Vec<f64> = (0..20).map(|i| i as f64 * 0.05).collect();
    write_outputs(
        &dir,
        &regimes,
        &[Sweep::Num("regime.levy", values)],
        1,
        12,
        "",
    );
    let files = draw_all(&dir, Format::Svg, true).unwrap();
    assert_eq!(files.len(), 1 + 9 + 9);
    let texts = svg_texts(&dir.join("charts/timeseries_welfare.svg"));
    assert!(has_text(&texts, "(16 of 20 shown)"), "{texts:?}");
    assert!(has_text(&texts, "1 replicate"));
    let joined = texts.join(" ");
    for r in regimes {
        // Names too long for the legend column wrap onto more lines, whole.
        let shown = r.replace('_', " ");
        assert!(joined.contains(&shown), "legend lacks {shown}");
    }
    // One replicate: no interval, so no band is drawn.
    let svg = fs::read_to_string(dir.join("charts/timeseries_welfare.svg")).unwrap();
    assert!(!svg.contains("opacity=\"0.15\""));
    fs::remove_dir_all(&dir).unwrap();
}
