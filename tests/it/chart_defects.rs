//! One test per chart defect an essayist reported (issue 16), each on a
//! synthetic output directory (see `support`): they fail on the old drawing code.

use std::fs;
use std::path::Path;

use crate::support::*;
use regimes::output::charts::{Format, draw_all};
use regimes::output::summary::screen_table;

/// The centres of the circles of an SVG (the enclosure's markers).
fn circle_centres(path: &Path) -> Vec<(f64, f64)> {
    let svg = fs::read_to_string(path).unwrap();
    let attr = |t: &str, name: &str| -> Option<f64> {
        let start = t.find(&format!(" {name}=\""))? + name.len() + 3;
        t[start..].split('"').next()?.parse().ok()
    };
    svg.split("<circle")
        .skip(1)
        .filter_map(|t| Some((attr(t, "cx")?, attr(t, "cy")?)))
        .collect()
}

/// The caption: the last text lines of a chart, joined.
fn all_text(path: &Path) -> String {
    svg_texts(path).join(" ")
}

#[test]
fn uneven_sweep_values_keep_the_overview_points_inside_their_panels() {
    // 25 ... 5000: the overview drew every point off the plot at the right.
    let dir = scratch("uneven");
    let sweep = [Sweep::Num(
        "world.problems",
        vec![25.0, 250.0, 1000.0, 2500.0, 5000.0],
    )];
    write_outputs(&dir, &THREE, &sweep, 3, 20, "");
    draw_all(&dir, Format::Svg, true).unwrap();
    let overview = dir.join("charts/overview.svg");
    let centres = circle_centres(&overview);
    // Nine panels x five values of enclosure (a circle marker), plus the legend's.
    assert!(centres.len() >= 45, "{} circles", centres.len());
    let legend_x = centres.iter().map(|c| c.0).fold(0.0, f64::max);
    let points: Vec<_> = centres.iter().filter(|c| c.0 < legend_x - 1.0).collect();
    assert!(points.len() >= 45, "points drawn off the plot: {centres:?}");
    assert!(
        points
            .iter()
            .all(|c| c.0 > 0.0 && c.1 > 0.0 && c.1 < 1000.0)
    );
    // The uneven values are on a log axis, and the axis says so.
    let text = all_text(&overview);
    assert!(text.contains("(log scale)"), "{text}");
    assert!(text.contains("number of problems (M)"), "{text}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn captions_name_the_window_the_runs_were_summarised_over() {
    let dir = scratch("window");
    write_outputs(&dir, &THREE, &[], 2, 10, "");
    // The window (10 recorded steps) covers the whole 10-step run.
    let toml = dir.join("scenario.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, text.replace("window = 10", "window = 50")).unwrap();
    draw_all(&dir, Format::Svg, true).unwrap();
    let caption = all_text(&dir.join("charts/overview.svg"));
    assert!(caption.contains("the whole run (10 steps)"), "{caption}");
    assert!(!caption.contains("last 50 steps"), "{caption}");

    // One recorded step in five: a window of 50 recorded steps spans 250 steps.
    let text = fs::read_to_string(&toml)
        .unwrap()
        .replace("steps = 10", "steps = 300");
    fs::write(&toml, text.replace("record_every = 1", "record_every = 5")).unwrap();
    draw_all(&dir, Format::Svg, true).unwrap();
    let caption = all_text(&dir.join("charts/overview.svg"));
    assert!(
        caption.contains("the last 50 recorded steps (one every 5: 250 steps)"),
        "{caption}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_chart_meant_to_show_a_difference_says_its_axis_leaves_zero_out() {
    let dir = scratch("zoom");
    // Cumulative welfare lies between 1000 and 3000: zoomed, the axis leaves zero out.
    let extra = "[[charts]]\nmetric = \"cumulative_welfare\"\nkind = \"sweep\"\ny_zero = false\n\
        [[charts]]\nmetric = \"cumulative_welfare\"\nkind = \"bars\"\n";
    let sweep = [Sweep::Num("world.interactions", vec![1.0, 3.0])];
    write_outputs(&dir, &THREE, &sweep, 3, 20, extra);
    draw_all(&dir, Format::Svg, true).unwrap();
    let zoomed = all_text(&dir.join("charts/sweep_cumulative_welfare_by_world-interactions.svg"));
    assert!(zoomed.contains("does not start at zero"), "{zoomed}");
    // By default value axes start at zero, and nothing needs saying.
    let bars = svg_texts(&dir.join("charts/bars_cumulative_welfare.svg"));
    assert!(bars.iter().any(|t| t == "0"), "{bars:?}");
    assert!(!has_text(&bars, "does not start at zero"), "{bars:?}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn whiskers_have_a_white_halo_so_they_show_on_a_black_bar() {
    let dir = scratch("halo");
    // A variant of no preset is drawn black.
    let extra = "[[charts]]\nmetric = \"welfare\"\nkind = \"bars\"\n";
    write_outputs(&dir, &["enclosure", "mine"], &[], 3, 20, extra);
    draw_all(&dir, Format::Svg, true).unwrap();
    let svg = fs::read_to_string(dir.join("charts/bars_welfare.svg")).unwrap();
    assert!(svg.contains("fill=\"#000000\""), "no black bar");
    // White strokes: a line each, or a subpath (`M`) each of a path of several.
    let halos: usize = svg
        .lines()
        .filter(|l| l.contains("stroke=\"#FFFFFF\""))
        .map(|l| {
            l.split(" d=\"")
                .nth(1)
                .map_or(1, |d| d.matches('M').count())
        })
        .sum();
    // Each whisker is a stem and two caps, each over a white stroke.
    assert!(halos >= 2 * 3, "{halos} white strokes");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_screen_table_never_pools_sweep_points() {
    let dir = scratch("screen");
    let sweep = [
        Sweep::Num("world.problems", vec![25.0, 250.0, 1000.0, 2500.0, 5000.0]),
        Sweep::Num("world.switch_rate", vec![0.01, 0.05]),
    ];
    write_outputs(&dir, &THREE, &sweep, 2, 12, "");
    let table = screen_table(&dir).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("regime") && lines[0].contains("world.problems"));
    // Five points along the first parameter x three regimes, then the note.
    assert_eq!(lines.len(), 1 + 15 + 1, "{table}");
    assert!(
        lines[1].contains("25") && lines[15].contains("5000"),
        "{table}"
    );
    assert!(table.contains("5 of 10 sweep points shown at world.switch_rate = 0.01"));
    assert!(!table.contains("pools"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_rerun_drawing_fewer_charts_leaves_no_stale_ones() {
    let dir = scratch("stale");
    let extra = "[[charts]]\nmetric = \"welfare\"\nkind = \"bars\"\n";
    write_outputs(&dir, &THREE, &[], 2, 12, extra);
    let first = draw_all(&dir, Format::Both, true).unwrap();
    assert_eq!(first.len(), 2 * (1 + 9 + 1));
    let toml = dir.join("scenario.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, format!("charts_mode = \"replace\"\n{text}")).unwrap();
    let second = draw_all(&dir, Format::Png, true).unwrap();
    let mut left: Vec<String> = fs::read_dir(dir.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["bars_welfare.png", "overview.png"]);
    assert_eq!(second.len(), 2);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn publisher_controls_change_the_chart() {
    let dir = scratch("look");
    let extra = "[[charts]]\nmetric = \"welfare\"\nkind = \"bars\"\ny_label = \"Welfare (money)\"\n\
        names = { enclosure = \"Private labs\" }\nwidth_cm = 8\nheight_cm = 6\ndpi = 300\n\
        show_title = false\nregimes = [\"commons\", \"enclosure\"]\ny_scale = \"log\"\n";
    write_outputs(&dir, &THREE, &[], 3, 20, extra);
    draw_all(&dir, Format::Both, true).unwrap();
    let texts = svg_texts(&dir.join("charts/bars_welfare.svg"));
    assert!(has_text(&texts, "Welfare (money)"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Private labs"), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "collectivist"), "{texts:?}");
    assert!(!has_text(&texts, "by regime"), "title shown: {texts:?}");
    assert!(has_text(&texts, "Logarithmic"), "{texts:?}");
    // Names apply to every chart of the scenario.
    assert!(has_text(
        &svg_texts(&dir.join("charts/overview.svg")),
        "Private labs"
    ));
    // 8 x 6 cm at 300 dpi.
    let png = fs::read(dir.join("charts/bars_welfare.png")).unwrap();
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (945, 709));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn long_panel_titles_wrap_and_are_never_cut() {
    // Long display names once ended panel titles (and metric labels in the
    // overview's small panels) with "…".
    let dir = scratch("long-titles");
    let extra = "[[charts]]\nmetric = \"welfare\"\nkind = \"bars\"\nnames = { \
        \"world.problems\" = \"number of distinct problems producers may work on\", \
        \"world.switch_rate\" = \"rate at which producers switch problems\", \
        enclosure = \"private laboratories that patent and keep secrets\" }\n";
    let sweep = [
        Sweep::Num("world.problems", vec![25.0, 250.0]),
        Sweep::Num("world.switch_rate", vec![0.01, 0.05]),
    ];
    write_outputs(&dir, &THREE, &sweep, 2, 10, extra);
    draw_all(&dir, Format::Both, true).unwrap();
    let whole = [
        "approach diversity (mean Hamming distance)",
        "number of distinct problems producers may work on = 250, rate at which producers \
         switch problems = 0.05",
    ];
    for chart in ["overview", "timeseries_welfare", "bars_welfare"] {
        let texts = svg_texts(&dir.join(format!("charts/{chart}.svg")));
        assert!(!has_text(&texts, "…"), "{chart}: {texts:?}");
        let joined = texts.join(" ");
        if chart == "overview" {
            assert!(joined.contains(whole[0]), "{chart}: {texts:?}");
        } else {
            // Too long for a panel, the titles give the values, and the axis
            // description names them once.
            let key = "panels: number of distinct problems producers may work on, rate at \
                which producers switch problems";
            let short = texts.iter().any(|t| t == "250, 0.05") && joined.contains(key);
            assert!(joined.contains(whole[1]) || short, "{chart}: {texts:?}");
        }
        // In the legend too, regime names wrap rather than shorten.
        let name = "private laboratories that patent and keep secrets";
        assert!(joined.contains(name), "{chart}: {texts:?}");
    }
}
