//! `regimes reproduce` end to end, each reproduction at a small size (the full sizes are a
//! release check: `cargo run --release -- reproduce all`, see docs/VALIDATION.md).

use std::path::PathBuf;
use std::process::{Command, Output};

use regimes::experiment::Scenario;
use regimes::experiment::classics::CLASSICS;

fn reproduce(args: &[&str]) -> (Output, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "regimes-classics-{}-{}",
        std::process::id(),
        args.join("_").replace(['/', '=', '.'], "-")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_regimes"))
        .arg("reproduce")
        .args(args)
        .args(["--out", dir.to_str().unwrap(), "--format", "svg", "--quiet"])
        .output()
        .expect("the binary runs");
    (out, dir)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Reproduces `name` with `settings` (`PATH=VALUE` each), checks that every one
/// of its `checks` passed and the command succeeded, and returns its output
/// directory (the caller removes it).
fn passes(name: &str, settings: &[&str], checks: usize) -> PathBuf {
    let mut args = vec![name];
    for s in settings {
        args.extend(["--set", s]);
    }
    let (out, dir) = reproduce(&args);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.matches("PASS").count(), checks, "{text}");
    assert!(
        text.contains(&format!("{checks} of {checks} checks passed")),
        "{text}"
    );
    dir
}

#[test]
fn every_classic_is_a_valid_scenario_file_of_the_same_name() {
    for c in CLASSICS {
        let path = format!("scenarios/classics/{}.toml", c.name);
        let on_disk = std::fs::read_to_string(&path).expect("the file exists");
        assert_eq!(on_disk, c.scenario, "{path} is the embedded text");
        let s = Scenario::parse(c.scenario, &path, c.name, &[]).expect("it validates");
        assert_eq!(s.name, c.name);
        assert!(!c.checks.is_empty());
    }
}

#[test]
fn a_smooth_landscape_small_passes_and_writes_tables_and_charts() {
    let dir = passes(
        "nk_smooth",
        &["world.loci=10", "replicates=100", "steps=150"],
        2,
    );
    assert!(dir.join("nk_smooth/timeseries.parquet").exists());
    assert!(dir.join("nk_smooth/charts").is_dir());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_rugged_landscape_small_counts_local_optima_as_analysed() {
    // L = 10, K = 9: 2^10 / 11 = 93.1 local optima expected.
    let settings = [
        "world.loci=10",
        "world.interactions=9",
        "replicates=30",
        "steps=150",
    ];
    let _ = std::fs::remove_dir_all(passes("nk_rugged", &settings, 3));
}

#[test]
fn a_failed_check_fails_the_command() {
    // Ten steps are too few for a lone climber to finish on 20 loci: the "reaches the
    // global optimum" check must fail, and the exit code must say so.
    let (out, dir) = reproduce(&["nk_smooth", "--set", "replicates=5", "--set", "steps=2"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL a lone one-bit climber"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_monopoly_split_is_exact() {
    let _ = std::fs::remove_dir_all(passes("monopoly", &["steps=20", "replicates=3"], 3));
}

#[test]
fn identical_products_price_at_zero_unless_the_rival_may_not_sell() {
    let _ = std::fs::remove_dir_all(passes("bertrand", &["steps=120", "replicates=8"], 3));
}

#[test]
fn a_complete_network_is_ahead_early_and_a_ring_late() {
    let settings = ["replicates=30", "steps=120"];
    let _ = std::fs::remove_dir_all(passes("lazer_friedman", &settings, 3));
}

#[test]
fn an_unknown_reproduction_is_bad_input_with_a_hint() {
    let (out, _) = reproduce(&["monopolly"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("monopolly") && err.contains("monopoly"),
        "{err}"
    );
}
