//! The promises of `docs/RELIABILITY.md`, checked on the real binary: one writer
//! per output directory, a run killed at any moment resumes to byte-identical
//! tables, refusals of bad directories exit 2, a full disk is a sentence, Ctrl-C
//! says how to resume. Worlds are tiny so the suite stays fast in debug builds;
//! `REGIMES_KILLS=N` runs a longer kill campaign (see `docs/RELIABILITY.md`).

use crate::support::*;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A tiny world; the runs are many enough to leave time for kills.
const SMALL: &[&str] = &[
    "--set",
    "world.producers=60",
    "--set",
    "world.problems=20",
    "--format",
    "svg",
    "--quiet",
];

/// `regimes run` with the small world, `extra` and `--out out`.
fn run_args<'a>(out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run"];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", path(out)]);
    args
}

fn spawn(args: &[&str]) -> Child {
    regimes()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

fn run_ok(out: &Path, extra: &[&str]) {
    let o = run(&run_args(out, extra));
    assert!(o.status.success(), "run {extra:?}: {}", text(&o.stderr));
}

/// Waits (at most a minute) until `ready` holds.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn two_writers_never_share_a_directory() {
    let dir = scratch("two-writers");
    let (shared, alone) = (dir.join("shared"), dir.join("alone"));
    let longer = [
        "--set",
        "steps=200",
        "--set",
        "replicates=4",
        "--threads",
        "1",
    ];
    let mut first = spawn(&run_args(&shared, &longer));
    wait_for("the first run finishes a run", || {
        finished_runs(&shared.join(".parts")) >= 1
    });
    let pid = format!("pid {}", first.id());

    // Another seed into the same directory, a resume, a plot and a merge: all refused.
    let second = run(&run_args(&shared, &["--set", "seed=78"]));
    let resume = run(&run_args(&shared, &[&longer[..], &["--resume"]].concat()));
    let plot = run(&["plot", path(&shared)]);
    let merge = run(&["merge", path(&shared), "--out", path(&shared)]);
    for (what, o) in [
        ("second run", &second),
        ("resume", &resume),
        ("plot", &plot),
        ("merge", &merge),
    ] {
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what}: {e}");
        assert!(
            e.contains("in use by another regimes process") && e.contains(&pid),
            "{what}: {e}"
        );
    }
    assert!(first.try_wait().unwrap().is_none(), "the first run went on");
    let status = first.wait().unwrap();
    assert!(status.success());

    // The first run's tables are exactly those of the same run made alone.
    run_ok(&alone, &longer);
    same_tables(&shared, &alone);
}

#[test]
fn directories_that_are_not_output_directories_are_bad_input() {
    let dir = scratch("not-output");
    let file = dir.join("a_file");
    std::fs::write(&file, "not a directory").unwrap();
    let o = run(&run_args(&file, &["--set", "steps=2"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("is a file"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&file).unwrap(), b"not a directory");

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    for args in [
        vec!["plot", path(&empty)],
        vec!["plot", path(&file)],
        vec!["merge", path(&empty), "--out", path(&dir)],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(path(&empty)) || args[1] == path(&file));
    }
}

#[test]
fn another_scenarios_directory_is_refused_unless_forced() {
    let dir = scratch("other-scenario");
    let out = dir.join("out");
    run_ok(&out, &["--set", "steps=3", "--set", "replicates=1"]);
    let before: Vec<Vec<u8>> = TABLES
        .iter()
        .map(|t| std::fs::read(out.join(t)).unwrap())
        .collect();
    let other = dir.join("other.toml");
    std::fs::write(&other, "name = \"other\"\nsteps = 3\nreplicates = 1\n").unwrap();

    let o = run(&run_args(&out, &[path(&other)]));
    let e = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("scenario `default`") && e.contains("--force"),
        "{e}"
    );
    let after: Vec<Vec<u8>> = TABLES
        .iter()
        .map(|t| std::fs::read(out.join(t)).unwrap())
        .collect();
    assert!(before == after, "the refused run touched the tables");

    run_ok(&out, &[path(&other), "--force"]);
    let resolved = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(resolved.starts_with("name = \"other\""), "{resolved}");
    // The same scenario again, with other settings, simply replaces its tables.
    run_ok(&out, &[path(&other), "--set", "seed=5"]);
}

#[test]
fn threads_beyond_the_cores_are_capped_with_a_note() {
    let dir = scratch("threads");
    let out = dir.join("out");
    let mut args = run_args(&out, &["--set", "steps=2", "--set", "replicates=1"]);
    args.retain(|a| *a != "--quiet");
    args.extend(["--threads", "100000"]);
    let o = run(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let cores = std::thread::available_parallelism().unwrap().get();
    let used = 4 * cores;
    assert!(
        text(&o.stderr).contains(&format!("--threads 100000: using {used}")),
        "{}",
        text(&o.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains(&format!("\"threads\": {used}")),
        "{manifest}"
    );
}

/// A full disk while the tables are written: `/dev/full` stands in for the
/// temporary file. The error is a sentence naming the file, nothing stands
/// half-written under a final name, and the finished runs stay resumable.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_sentence_and_the_runs_stay_resumable() {
    let dir = scratch("full-disk");
    let (out, whole) = (dir.join("out"), dir.join("whole"));
    let settings = ["--set", "steps=4", "--set", "replicates=2"];
    run_ok(&whole, &settings);
    std::fs::create_dir_all(&out).unwrap();
    let temp = out.join(".timeseries.parquet.tmp");
    std::os::unix::fs::symlink("/dev/full", &temp).unwrap();
    let o = run(&run_args(&out, &settings));
    let e = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("timeseries.parquet") && e.contains("No space left on device"),
        "{e}"
    );
    assert!(!e.contains("Os {"), "a debug dump: {e}");
    assert!(!out.join("timeseries.parquet").exists());
    assert!(!out.join("runs.parquet").exists());
    // Space is back: the resume computes nothing and writes the same tables.
    let _ = std::fs::remove_file(&temp);
    run_ok(&out, &[&settings[..], &["--resume"]].concat());
    same_tables(&out, &whole);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"runs_computed\": 0"), "{manifest}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_says_how_to_resume() {
    let dir = scratch("ctrl-c");
    let (out, whole) = (dir.join("out"), dir.join("whole"));
    let settings = [
        "--set",
        "steps=300",
        "--set",
        "replicates=10",
        "--threads",
        "1",
    ];
    let child = spawn(&run_args(&out, &settings));
    wait_for("a run finishes", || finished_runs(&out.join(".parts")) >= 1);
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let o = child.wait_with_output().unwrap();
    let e = text(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{e}");
    assert!(
        e.contains("interrupted:") && e.contains("runs are finished and kept in"),
        "{e}"
    );
    // The command it prints finishes the run.
    let line = e
        .lines()
        .find(|l| l.trim_start().starts_with("regimes run"))
        .unwrap_or_else(|| panic!("no command in: {e}"));
    let words: Vec<&str> = line.split_whitespace().skip(1).collect();
    assert_eq!(words.last(), Some(&"--resume"), "{line}");
    let o = run(&words);
    assert!(o.status.success(), "{line}: {}", text(&o.stderr));
    run_ok(&whole, &settings);
    same_tables(&out, &whole);
}

/// Where a killed run was, from what it left.
fn phase(out: &Path) -> &'static str {
    let has = |name: &str| out.join(name).exists();
    if has(".parts.old") {
        "clean-up"
    } else if has("manifest.json") && has(".parts") {
        "before clean-up"
    } else if has("manifest.json") {
        "finished"
    } else if has(".timeseries.parquet.tmp") || has(".summary.csv.tmp") {
        "table assembly"
    } else if has("timeseries.parquet") {
        "charts"
    } else if has(".parts") {
        "runs"
    } else {
        "start"
    }
}

/// A small deterministic generator for the kill moments (SplitMix64).
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Kills `regimes run` at random moments and at the moments its table assembly
/// and its clean-up start, then resumes: the tables must equal those of the
/// uninterrupted run, byte for byte. `REGIMES_KILLS` sets the number of kills
/// (default 6) and `REGIMES_KILL_SEED` the moments.
#[test]
fn resume_after_a_kill_at_any_moment_gives_identical_tables() {
    let kills: usize = std::env::var("REGIMES_KILLS").map_or(6, |v| v.parse().unwrap());
    let seed: u64 = std::env::var("REGIMES_KILL_SEED").map_or(19, |v| v.parse().unwrap());
    let dir = scratch("kills");
    let whole = dir.join("whole");
    let settings = ["--set", "steps=20", "--set", "replicates=12"];
    let start = Instant::now();
    run_ok(&whole, &settings);
    let took = start.elapsed();
    let mut moments = Moments(seed);
    let mut seen: Vec<&str> = Vec::new();
    for k in 0..kills {
        let out = dir.join(format!("cut{k}"));
        let mut child = spawn(&run_args(&out, &settings));
        // One kill in three at a random moment, the others when the assembly or the
        // clean-up is first seen (the windows a random moment rarely hits).
        let deadline = Instant::now() + took * 2;
        let aim = match k % 3 {
            0 => None,
            1 => Some(".timeseries.parquet.tmp"),
            _ => Some(".parts.old"),
        };
        let at = Instant::now() + took.mul_f64((moments.next() % 1000) as f64 / 1000.0);
        loop {
            let now = Instant::now();
            let hit = match aim {
                None => now >= at,
                Some(name) => out.join(name).exists(),
            };
            if hit || now >= deadline || child.try_wait().unwrap().is_some() {
                break;
            }
            std::hint::spin_loop();
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        seen.push(if status.success() {
            "after the end"
        } else {
            phase(&out)
        });
        let o = run(&run_args(&out, &[&settings[..], &["--resume"]].concat()));
        assert!(
            o.status.success(),
            "resume after a kill in {}: {}",
            seen[k],
            text(&o.stderr)
        );
        same_tables(&out, &whole);
        assert!(!out.join(".parts").exists() && !out.join(".parts.old").exists());
        let _ = std::fs::remove_dir_all(&out);
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for s in &seen {
        match counts.iter_mut().find(|c| c.0 == *s) {
            Some(c) => c.1 += 1,
            None => counts.push((s, 1)),
        }
    }
    eprintln!("{kills} kills, each resumed to identical tables; killed in: {counts:?}");
}
