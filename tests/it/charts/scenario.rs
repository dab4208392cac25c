//! Scenario charts: sweeps (faceted, categorical), the chart modes and their
//! titles, and a scenario with many regimes and sweep points.

use std::fs;

use crate::support::*;
use regimes::output::charts::{Format, draw_all};

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
