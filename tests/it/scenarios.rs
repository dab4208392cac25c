//! Every scenario under `scenarios/` validates and runs end to end (few steps,
//! few replicates, a small population), leaving its tables and (SVG) charts. No test
//! here asks which regime wins.

use std::path::{Path, PathBuf};
use std::process::Command;

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn regimes() -> Command {
    Command::new(env!("CARGO_BIN_EXE_regimes"))
}

#[test]
fn every_scenario_file_validates() {
    let files = scenario_files();
    assert!(
        files.len() >= 11,
        "expected the default, the example and nine claims: {files:?}"
    );
    let out = regimes()
        .arg("validate")
        .args(&files)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "validate failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_scenario_runs_end_to_end_with_tables_and_charts() {
    let root = std::env::temp_dir().join(format!("regimes-scenarios-{}", std::process::id()));
    for file in scenario_files() {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let out_dir = root.join(&name);
        let out = regimes()
            .arg("run")
            .arg(&file)
            .args([
                "--set",
                "steps=12",
                "--set",
                "replicates=2",
                "--set",
                "world.producers=200",
            ])
            .args(["--format", "svg", "--quiet", "--out"])
            .arg(&out_dir)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for table in [
            "timeseries.parquet",
            "runs.parquet",
            "summary.csv",
            "scenario.toml",
            "manifest.json",
        ] {
            let path = out_dir.join(table);
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            assert!(size > 0, "{name}: {table} missing or empty");
        }
        let charts: Vec<_> = std::fs::read_dir(out_dir.join("charts"))
            .expect("charts/ exists")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "svg"))
            .collect();
        assert!(!charts.is_empty(), "{name}: no charts drawn");
    }
    let _ = std::fs::remove_dir_all(&root);
}
