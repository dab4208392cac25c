//! The command line refuses, with exit code 2 and a message naming what to change,
//! every scenario that would crash, hang or exhaust memory once running, and what it
//! accepts runs (issue 19's validation defects).

use std::io::Read;
use std::process::{Command, Output, Stdio};

fn regimes() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_regimes"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    regimes().args(args).output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn sizes_that_crashed_a_run_are_refused_by_validate_and_run() {
    let out = std::env::temp_dir().join(format!("regimes-validation-{}", std::process::id()));
    for sets in [
        &[
            "world.problems=4",
            "world.max_solutions=4611686018427387904",
        ][..],
        &["world.max_solutions=100000000"],
        &["regime.patent_term=4294967295"],
        &["world.consider=4294967295"],
        &["world.problems=2000000000"],
    ] {
        let mut args = vec!["run", "--quiet", "--out", out.to_str().unwrap()];
        for s in sets {
            args.extend(["--set", s]);
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{sets:?}: {}", stderr(&o));
        let key = sets.last().unwrap().split('=').next().unwrap();
        assert!(stderr(&o).contains(key), "{sets:?}: {}", stderr(&o));
        assert!(!out.exists(), "{sets:?} wrote output");
    }
}

#[test]
fn the_memory_limit_is_stated_and_can_be_raised() {
    let big = [
        "--set",
        "world.problems=3000000",
        "--set",
        "world.max_solutions=1000",
    ];
    let o = run(&[&["validate", "default"][..], &big].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    // 3 million problems with 1000 records each, plus L = 20 per-locus landscape seeds
    // per problem (shock_correlation, 161 bytes each: 0.45 GiB), plus 32 lineage heads
    // of 48 bytes per problem (4.29 GiB; 140.4 in all).
    assert!(
        e.contains("would need about 140.4") && e.contains("GiB"),
        "{e}"
    );
    assert!(e.contains("allowed at most 4.0 GiB per run"), "{e}");
    let o = run(&[&["validate", "default", "--max-memory", "200GiB"][..], &big].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("about 140.4 GiB per run"), "{text}");
    let o = run(&["validate", "default", "--max-memory", "lots"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_sweep_of_16_keys_by_16_values_is_refused_at_once() {
    let dir = std::env::temp_dir().join(format!("regimes-sweep16-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("replicates = 16\n[sweep]\n");
    let values: Vec<String> = (0..16).map(|v| format!("0.{v:02}")).collect();
    for k in [
        "cross_domain",
        "intrinsic_share",
        "switch_rate",
        "domain_focus",
        "shock_rate",
        "shock_size",
        "credit_decay",
        "payoff_decay",
        "learning_rate",
    ] {
        text.push_str(&format!("\"world.{k}\" = [{}]\n", values.join(", ")));
    }
    for k in [
        "network_p",
        "fork_tolerance",
        "adopt_prob",
        "levy",
        "monitoring",
        "norm",
        "sanction",
    ] {
        text.push_str(&format!("\"regime.{k}\" = [{}]\n", values.join(", ")));
    }
    let file = dir.join("huge.toml");
    std::fs::write(&file, text).unwrap();
    let o = run(&["validate", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("allowed at most 1000000"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_into_a_closed_pipe_does_not_panic() {
    let mut child = regimes()
        .args([
            "validate", "default", "rent", "shocks", "tragedy", "example", "default", "rent",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing: close the pipe at once, as `| head -0` would.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0), "{err}");
}

#[test]
fn an_unknown_scenario_names_the_file_and_the_nearest_names() {
    let o = run(&["validate", "rnet"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no scenario file at `rnet` or `scenarios/rnet.toml`"),
        "{e}"
    );
    assert!(e.contains("did you mean `rent`"), "{e}");
    // An empty directory of its own: the temp dir may hold anything, even a `rent`.
    let elsewhere = std::env::temp_dir().join(format!("regimes-elsewhere-{}", std::process::id()));
    std::fs::create_dir_all(&elsewhere).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_regimes"))
        .current_dir(&elsewhere)
        .args(["run", "rent", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no scenarios/ directory in"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir(&elsewhere);
}
