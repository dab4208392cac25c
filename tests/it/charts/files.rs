//! Chart files on disk: a directory without tables, a full disk, and `plot`
//! redrawing a real run's charts byte for byte.

use std::fs;
use std::path::Path;

use crate::support::*;
use regimes::output::charts::{Format, draw_all};

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
