//! Fuzzing the scenario layer with proptest-driven generators (why not cargo-fuzz:
//! `docs/RELIABILITY.md`). Two targets, each fed from a corpus seeded with every
//! file under `scenarios/` plus `tests/corpus/` (cases found worth keeping):
//!
//! - `the_parser_and_validator_never_panic`: scenario text mutated line by line
//!   and byte by byte, with `--set` overrides, goes through `Scenario::parse`; it
//!   must return a scenario or an error, never panic, and a scenario it returns
//!   must read back from its own resolved TOML unchanged.
//! - `every_scenario_that_validates_runs_a_step`: the corpus with parameters set
//!   to the edges of their declared ranges and beyond; whatever validates is run
//!   by the real binary for one step, one replicate, under a memory cap and a
//!   time cap: it must end with exit 0 or a refusal (exit 2), never a panic, an
//!   abort, a kill by the cap, or a hang.
//!
//! By default each target runs a few seconds of cases. A campaign runs each for
//! N seconds: `REGIMES_FUZZ_SECONDS=600 cargo test --test it fuzz:: -- --nocapture` (the debug
//! build checks integer overflow, which found the campaign's one defect)
//! (`REGIMES_FUZZ_SEED` picks another sequence of cases).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use regimes::experiment::{Override, Scenario};
use regimes::model::params::{self, Bound, Kind};

/// Values that broke programs like this one: edges of integer types, huge and
/// tiny floats, empty and odd texts, wrong types.
const ODD_VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "255",
    "65536",
    "4294967295",
    "4294967296",
    "4611686018427387904",
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "0.5",
    "1.0000001",
    "\"\"",
    "\"none\"",
    "\"x\"",
    "true",
    "[]",
    "[0, 1e308]",
    "{}",
    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
];

/// The seed corpus: every shipped scenario and the kept cases, as (name, text).
fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = [
        "scenarios",
        "scenarios/classics",
        "scenarios/calibration",
        "tests/corpus",
    ]
    .iter()
    .flat_map(|d| std::fs::read_dir(root.join(d)).into_iter().flatten())
    .map(|e| e.expect("a readable entry").path())
    .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    .collect();
    files.sort();
    assert!(files.len() >= 11, "the corpus lost its seeds: {files:?}");
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a readable seed");
            (p.display().to_string(), text)
        })
        .collect()
}

/// One change to a scenario's text.
#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    /// Replaces the value of the `key = value` line with an odd value.
    OddValue(usize, usize),
    /// Adds `path = odd value` for a declared parameter, under its table.
    SetParam(usize, usize),
    FlipByte(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 0..ODD_VALUES.len()).prop_map(|(l, v)| Mutation::OddValue(l, v)),
        (any::<usize>(), 0..ODD_VALUES.len()).prop_map(|(p, v)| Mutation::SetParam(p, v)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match *m {
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Mutation::OddValue(i, v) if !lines.is_empty() => {
            let l = &mut lines[i % n];
            if let Some((key, _)) = l.split_once('=') {
                *l = format!("{key}= {}", ODD_VALUES[v]);
            }
        }
        Mutation::SetParam(p, v) => {
            let all: Vec<_> = params::all().collect();
            let param = all[p % all.len()];
            let (table, key) = param.path.split_once('.').expect("a table.key path");
            // A top-level key of the table, appended where TOML puts it.
            lines.push(format!("[{table}]\n{key} = {}", ODD_VALUES[v]));
        }
        Mutation::FlipByte(i, b) => {
            let mut bytes = lines.join("\n").into_bytes();
            if !bytes.is_empty() {
                let k = i % bytes.len();
                bytes[k] = b;
            }
            return String::from_utf8_lossy(&bytes).to_string();
        }
        Mutation::Truncate(i) => {
            let text = lines.join("\n");
            let mut k = i % (text.len() + 1);
            while !text.is_char_boundary(k) {
                k -= 1;
            }
            return text[..k].to_string();
        }
        _ => {}
    }
    lines.join("\n")
}

/// An override `path=value` for a declared parameter: an edge of its range, a
/// step beyond it, or an odd value.
fn overrides() -> impl Strategy<Value = Vec<String>> {
    let n = params::all().count();
    prop::collection::vec((0..n, 0..8usize, 0..ODD_VALUES.len()), 0..4).prop_map(|picks| {
        let all: Vec<_> = params::all().collect();
        picks
            .into_iter()
            .map(|(p, how, odd)| {
                let param = all[p];
                let value = match (param.kind, how) {
                    (Kind::Integer { min, .. } | Kind::Number { min, .. }, 0) => edge(min, -1.0),
                    (Kind::Integer { min, .. } | Kind::Number { min, .. }, 1) => edge(min, 0.0),
                    (Kind::Integer { max, .. } | Kind::Number { max, .. }, 2) => edge(max, 0.0),
                    (Kind::Integer { max, .. } | Kind::Number { max, .. }, 3) => edge(max, 1.0),
                    (Kind::Choice(words), k) => format!("\"{}\"", words[k % words.len()]),
                    (Kind::Boolean, k) => (k % 2 == 0).to_string(),
                    _ => ODD_VALUES[odd].to_string(),
                };
                format!("{}={value}", param.path)
            })
            .collect()
    })
}

/// A bound's value moved by `by` (an unbounded side gives a huge value).
fn edge(bound: Bound, by: f64) -> String {
    match bound {
        Bound::Incl(x) | Bound::Excl(x) => {
            let v = x + by;
            if v.fract() == 0.0 && v.abs() < 9e15 {
                format!("{}", v as i64)
            } else {
                format!("{v:?}")
            }
        }
        Bound::Param(_, offset) => format!("{}", (1.0 + offset + by).max(0.0) as i64),
        Bound::Free => "4294967295".to_string(),
    }
}

fn parse_overrides(texts: &[String]) -> Vec<Override> {
    texts.iter().filter_map(|t| t.parse().ok()).collect()
}

/// Runs `cases` cases of `strategy` through `test`, or, with
/// `REGIMES_FUZZ_SECONDS`, as many as fit in that time; returns the case count.
fn campaign<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64
where
    S::Value: std::fmt::Debug,
{
    let seconds: Option<u64> = std::env::var("REGIMES_FUZZ_SECONDS").ok().map(|s| {
        s.parse()
            .expect("REGIMES_FUZZ_SECONDS is a number of seconds")
    });
    let seed: u64 = std::env::var("REGIMES_FUZZ_SEED").map_or(19, |s| s.parse().unwrap());
    let start = Instant::now();
    let (mut done, mut round) = (0u64, 0u64);
    loop {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..16].copy_from_slice(&round.to_le_bytes());
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        let mut runner = TestRunner::new_with_rng(config, rng);
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{name}: {e}");
        }
        done += u64::from(cases);
        round += 1;
        match seconds {
            Some(s) if start.elapsed() < Duration::from_secs(s) => {}
            _ => break,
        }
    }
    eprintln!(
        "{name}: {done} cases in {:.1} s, none failed",
        start.elapsed().as_secs_f64()
    );
    done
}

#[test]
fn the_parser_and_validator_never_panic() {
    let seeds = corpus();
    let strategy = (
        0..seeds.len(),
        prop::collection::vec(mutation(), 0..6),
        overrides(),
    );
    campaign("parser", 1000, strategy, |(seed, mutations, sets)| {
        let (origin, text) = &seeds[seed];
        let text = mutations.iter().fold(text.clone(), |t, m| apply(&t, m));
        let sets = parse_overrides(&sets);
        if let Ok(s) = Scenario::parse(&text, origin, "fuzz", &sets) {
            // What validates reads back from its own resolved text unchanged.
            let resolved = s.to_toml();
            let again = Scenario::parse(&resolved, "resolved", "fuzz", &[])
                .map_err(|e| TestCaseError::fail(format!("the resolved text is refused: {e}")))?;
            prop_assert_eq!(again.to_toml(), resolved);
        }
        Ok(())
    });
}

/// The binary, run under a cap on its address space (GiB) through the shell's
/// ulimit, its errors into `log` (a pipe could fill and stall it).
fn capped_run(args: &[String], gib: u64, log: &Path) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", gib << 20))
        .arg(env!("CARGO_BIN_EXE_regimes"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("a log file"));
    c
}

#[cfg(unix)]
#[test]
fn every_scenario_that_validates_runs_a_step() {
    let seeds = corpus();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-run");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // One step, one replicate, at most 2 sweep points per axis: a tiny run of
    // every regime. Runs the estimate allows (at most 256 MiB each, 2 at a time)
    // must fit in 3 GiB of address space and end within the time cap.
    let tiny = ["steps=1", "replicates=1", "record_every=1", "window=1"];
    let cap = Duration::from_secs(120);
    let counter = std::cell::Cell::new(0u32);
    let strategy = (0..seeds.len(), overrides());
    campaign("run a step", 12, strategy, |(seed, sets)| {
        let (origin, text) = &seeds[seed];
        let mut all: Vec<String> = sets.clone();
        all.extend(tiny.iter().map(|s| s.to_string()));
        let text = shrink_sweep(text);
        if Scenario::parse(&text, origin, "fuzz", &parse_overrides(&all)).is_err() {
            return Ok(());
        }
        counter.set(counter.get() + 1);
        let file = dir.join(format!("case{}.toml", counter.get()));
        std::fs::write(&file, &text).unwrap();
        let mut args = vec![
            "run".to_string(),
            file.display().to_string(),
            "--out".into(),
            dir.join("out").display().to_string(),
            "--force".into(),
            "--quiet".into(),
            "--format".into(),
            "svg".into(),
            "--threads".into(),
            "2".into(),
            "--max-memory".into(),
            "256MiB".into(),
        ];
        for s in &all {
            args.extend(["--set".to_string(), s.clone()]);
        }
        let log = dir.join("stderr.txt");
        let mut child = capped_run(&args, 3, &log).spawn().unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if start.elapsed() > cap {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = std::fs::read_to_string(&log).unwrap_or_default();
        let stderr = stderr.lines().take(12).collect::<Vec<_>>().join("\n");
        let what = format!("{origin} with --set {}", all.join(" --set "));
        let Some(status) = status else {
            return Err(TestCaseError::fail(format!(
                "{what}: still running after {cap:?}"
            )));
        };
        prop_assert!(
            matches!(status.code(), Some(0 | 2)),
            "{}: ended with {:?}: {}",
            what,
            status,
            stderr
        );
        Ok(())
    });
}

/// The scenario with every sweep list cut to its first two values.
fn shrink_sweep(text: &str) -> String {
    let Ok(mut doc) = text.parse::<toml::Table>() else {
        return text.to_string();
    };
    if let Some(toml::Value::Table(sweep)) = doc.get_mut("sweep") {
        for (_, v) in sweep.iter_mut() {
            if let toml::Value::Array(a) = v {
                a.truncate(2);
            }
        }
    }
    toml::to_string(&doc).unwrap_or_else(|_| text.to_string())
}
