//! End-to-end tests of the command line: they run the real binary on tiny
//! worlds (few producers, few steps, SVG charts) so the suite stays fast in the
//! debug profile.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use polars::prelude::{ParquetReader, SerReader};

/// Keeps runs small: a few steps, a tiny world, SVG charts (fast to draw).
const SMALL: &[&str] = &[
    "--set",
    "steps=6",
    "--set",
    "replicates=2",
    "--set",
    "world.producers=60",
    "--set",
    "world.problems=20",
    "--format",
    "svg",
    "--quiet",
];

/// Runs `regimes run` with the small settings plus `extra`, into `out`, and checks success.
fn run_small(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run"];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", path(out)]);
    let o = run(&args);
    assert!(
        o.status.success(),
        "run {extra:?} failed:\n{}",
        text(&o.stderr)
    );
    o
}

fn read_parquet(p: &Path) -> polars::prelude::DataFrame {
    ParquetReader::new(File::open(p).unwrap()).finish().unwrap()
}

#[test]
fn default_run_writes_every_table_and_an_overview() {
    let dir = scratch("default");
    let out = dir.join("out");
    let o = run_small(&out, &[]);
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("default: 6 runs (3 regimes x 2 replicates) of 6 steps"),
        "{stdout}"
    );
    for regime in ["enclosure", "commons", "collectivist"] {
        assert!(stdout.contains(regime), "{stdout}");
    }
    assert!(stdout.contains("duplicated_share") && stdout.contains("contribution"));
    for t in TABLES.iter().chain(&["manifest.json"]) {
        assert!(out.join(t).metadata().unwrap().len() > 0, "{t} missing");
    }
    assert!(
        !out.join(".parts").exists(),
        "parts are removed once the tables stand"
    );
    assert!(out.join("charts").is_dir());

    let ts = read_parquet(&out.join("timeseries.parquet"));
    assert_eq!(ts.height(), 6 * 6);
    let names: Vec<String> = ts
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &names[..6],
        ["run", "regime", "population", "replicate", "seed", "step"]
    );
    let runs = read_parquet(&out.join("runs.parquet"));
    assert_eq!(runs.height(), 6);
    assert!(runs.column("cumulative_welfare").is_ok());
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        csv.starts_with("regime,population,metric,n,mean,sd,ci_low,ci_high\n"),
        "{csv}"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runs"], 6);
    assert_eq!(manifest["seed"], 1);
    assert!(manifest["trials_per_second"].as_f64().unwrap() > 0.0);
    assert!(manifest["started"].as_str().unwrap().ends_with('Z'));

    // The resolved scenario reruns as is.
    let v = run(&["validate", path(&out.join("scenario.toml"))]);
    assert!(v.status.success(), "{}", text(&v.stderr));
}

#[test]
fn set_changes_the_resolved_scenario() {
    let dir = scratch("set");
    let out = dir.join("out");
    run_small(
        &out,
        &[
            "--set",
            "seed=7",
            "--set",
            "regime.monitoring=0.3",
            "--set",
            "name=tiny",
        ],
    );
    let resolved = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(resolved.contains("name = \"tiny\""));
    assert!(resolved.contains("steps = 6\n") && resolved.contains("seed = 7\n"));
    assert!(resolved.contains("producers = 60\n"));
    assert_eq!(
        resolved.matches("monitoring = 0.3\n").count(),
        3,
        "{resolved}"
    );

    let bad = run(&[
        "run",
        "--set",
        "regime.levy=2",
        "--out",
        path(&dir.join("refused")),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let err = text(&bad.stderr);
    assert!(
        err.contains("--set regime.levy=2") && err.contains("allowed a share"),
        "{err}"
    );
    assert!(
        !dir.join("refused").exists(),
        "a refused scenario leaves no directory"
    );
}

#[test]
fn validate_accepts_the_shipped_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let o = run(&[
        "validate",
        path(&root.join("default.toml")),
        path(&root.join("example.toml")),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).matches("ok: ").count(), 2);
}

#[test]
fn validate_names_file_key_value_and_what_is_allowed() {
    let dir = scratch("validate");
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "unknown_key.toml",
            "[world]\ninteraction = 3\n",
            &["world.interaction = 3", "did you mean `interactions`"],
        ),
        (
            "range.toml",
            "[world]\nloci = 70\n",
            &["world.loci = 70", "allowed an integer in 1..=64"],
        ),
        (
            "preset.toml",
            "regimes = [\"enclosure\", \"comons\"]\n",
            &[
                "regimes[1] = \"comons\"",
                "did you mean `commons`",
                "cooperative, patents",
            ],
        ),
        (
            "sweep.toml",
            "[sweep]\n\"world.interactionz\" = [1, 2]\n",
            &[
                "sweep.\"world.interactionz\"",
                "did you mean `world.interactions`",
            ],
        ),
        (
            "malformed.toml",
            "steps = [1,\n",
            &["malformed TOML", "line 1"],
        ),
        (
            "sweep_range.toml",
            "[sweep]\n\"regime.levy\" = [0.1, 1.5]\n",
            &["sweep.\"regime.levy\" = 1.5", "allowed a share in [0, 1]"],
        ),
    ];
    for (file, content, expected) in cases {
        let p = dir.join(file);
        std::fs::write(&p, content).unwrap();
        let o = run(&["validate", path(&p)]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = text(&o.stderr);
        assert!(err.contains(path(&p)), "{file}: no file name in {err}");
        for e in *expected {
            assert!(err.contains(e), "{file}: `{e}` not in {err}");
        }
        // Running it is refused the same way, before anything is written.
        let out = dir.join(format!("{file}.out"));
        let r = run(&["run", path(&p), "--out", path(&out)]);
        assert_eq!(r.status.code(), Some(2), "{file}");
        assert!(!out.exists(), "{file}: output directory left behind");
    }
    let missing = run(&["validate", path(&dir.join("nowhere.toml"))]);
    assert_eq!(missing.status.code(), Some(2));
}

/// A directory that cannot be created (the kernel's /proc takes no new entries)
/// is a failure of the system, not of the input.
#[cfg(target_os = "linux")]
#[test]
fn other_failures_exit_with_1() {
    let o = run(&[
        "run",
        "--set",
        "steps=2",
        "--quiet",
        "--out",
        "/proc/regimes-test",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("cannot create /proc/regimes-test"));
}

#[test]
fn tables_do_not_depend_on_the_thread_count() {
    let dir = scratch("threads");
    let sweep = dir.join("sweep.toml");
    std::fs::write(
        &sweep,
        "regimes = [\"enclosure\", { preset = \"commons\", name = \"c2\", levy = 0.2 }]\n\
         [sweep]\n\"world.interactions\" = [0, 4]\n\"regime.visibility\" = [\"open\", \"private\"]\n",
    )
    .unwrap();
    let (one, two) = (dir.join("one"), dir.join("two"));
    run_small(&one, &[path(&sweep), "--threads", "1"]);
    run_small(&two, &[path(&sweep), "--threads", "2"]);
    same_tables(&one, &two);
    let ts = read_parquet(&one.join("timeseries.parquet"));
    assert_eq!(ts.height(), 4 * 2 * 2 * 6);
    let f = ts.column("world.interactions").unwrap();
    assert!(
        f.f64().is_ok(),
        "numeric sweep values make a numeric column"
    );
    assert!(ts.column("regime.visibility").unwrap().str().is_ok());
}

#[test]
fn shards_merged_equal_an_unsharded_run() {
    let dir = scratch("shards");
    let whole = dir.join("whole");
    run_small(&whole, &[]);
    let shards: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("shard{i}"))).collect();
    for (i, s) in shards.iter().enumerate() {
        run_small(s, &["--shard", &format!("{i}/3")]);
        assert!(s.join("shard.json").exists() && !s.join("timeseries.parquet").exists());
    }
    let merged = dir.join("merged");
    let incomplete = run(&[
        "merge",
        path(&shards[0]),
        path(&shards[1]),
        "--out",
        path(&merged),
    ]);
    assert_eq!(incomplete.status.code(), Some(2));
    assert!(text(&incomplete.stderr).contains("runs are missing"));
    assert!(
        !merged.exists(),
        "a merge refused for missing runs creates nothing"
    );
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|s| path(s)));
    args.extend(["--out", path(&merged), "--format", "svg", "--quiet"]);
    let o = run(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    same_tables(&whole, &merged);

    let other = dir.join("other");
    run_small(&other, &["--shard", "0/3", "--set", "seed=9"]);
    let o = run(&[
        "merge",
        path(&other),
        path(&shards[1]),
        path(&shards[2]),
        "--out",
        path(&merged),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "shards of another scenario are refused"
    );
}

#[test]
fn resume_after_a_kill_equals_an_uninterrupted_run() {
    let dir = scratch("resume");
    let longer = ["--set", "steps=600", "--set", "replicates=6"];
    let whole = dir.join("whole");
    run_small(&whole, &longer);

    // Kill a one-thread run as soon as its first runs are finished.
    let cut = dir.join("cut");
    let mut args = vec!["run"];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(&longer);
    args.extend_from_slice(&["--threads", "1", "--out", path(&cut)]);
    let mut child = regimes()
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let parts = cut.join(".parts");
    let start = Instant::now();
    while finished_runs(&parts) < 2 {
        assert!(start.elapsed() < Duration::from_secs(60), "no run finished");
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before it could be killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!cut.join("timeseries.parquet").exists());
    let done = finished_runs(&parts);
    assert!(done < 18, "some runs were left to do");

    // Resuming with another scenario is refused; with the same one it completes.
    let mut other = vec!["run", "--resume", "--out", path(&cut)];
    other.extend_from_slice(SMALL);
    let o = run(&other);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("resume only with the same scenario"));
    run_small(&cut, &[&longer[..], &["--resume"][..]].concat());
    same_tables(&whole, &cut);
    let manifest = std::fs::read_to_string(cut.join("manifest.json")).unwrap();
    assert!(
        manifest.contains(&format!("\"runs_computed\": {}", 18 - done)),
        "{manifest}"
    );

    // A finished directory has nothing left to resume.
    run_small(&cut, &[&longer[..], &["--resume"][..]].concat());
    same_tables(&whole, &cut);
}

#[test]
fn list_and_explain_speak_plain_words() {
    let o = regimes()
        .arg("list")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let list = text(&o.stdout);
    for name in [
        "default",
        "example",
        "enclosure",
        "commons",
        "collectivist",
        "patents",
    ] {
        assert!(list.contains(name), "{name} not listed:\n{list}");
    }

    let commons = text(&run(&["explain", "commons"]).stdout);
    assert!(commons.contains("allocation = \"registry\""), "{commons}");
    assert!(commons.contains("(default \"market\")"), "{commons}");
    let metric = run(&["explain", "duplicated_share"]);
    assert!(text(&metric.stdout).contains("central measure of waste"));
    let axis = text(&run(&["explain", "governance"]).stdout);
    assert!(
        axis.contains("monitoring") && axis.contains("sanction"),
        "{axis}"
    );
    let param = text(&run(&["explain", "world.interactions"]).stdout);
    assert!(param.contains("default: 5"), "{param}");

    let unknown = run(&["explain", "comons"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("did you mean `commons`"));
}
