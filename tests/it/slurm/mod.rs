//! `regimes slurm`, `--shard auto` and `merge`'s account of missing shards.
//!
//! The first tests need no SLURM: they run the written batch scripts with bash,
//! as SLURM would (it sets `SLURM_ARRAY_TASK_ID`; `#SBATCH` lines are comments),
//! and submit through a stand-in `sbatch`. The tests marked `#[ignore]` submit to
//! a real SLURM (in `real`): `.ci/e2e-slurm.sh` starts a single-node one and
//! runs them.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod real;

/// A tiny sweep: 3 regimes x 4 replicates of a small world.
const SMALL: &[&str] = &[
    "--set",
    "steps=8",
    "--set",
    "replicates=4",
    "--set",
    "world.producers=60",
    "--set",
    "world.problems=20",
];

fn succeeded(o: Output, what: &str) -> Output {
    assert!(o.status.success(), "{what} failed:\n{}", text(&o.stderr));
    o
}

/// `regimes ARGS... SETTINGS`.
fn regimes_with(args: &[&str], settings: &[&str]) -> Output {
    regimes().args(args).args(settings).output().unwrap()
}

/// A plain local run of the sweep, the reference every cluster run must equal.
fn local_run(dir: &Path, settings: &[&str]) -> PathBuf {
    let out = dir.join("local");
    let args = ["run", "--quiet", "--format", "svg", "--out", path(&out)];
    succeeded(regimes_with(&args, settings), "the local run");
    out
}

/// Runs a written batch script with bash, as SLURM would run array task `task`.
fn bash(script: &Path, task: Option<u32>) -> Output {
    let mut c = Command::new("bash");
    c.arg(script);
    for var in ["SLURM_ARRAY_TASK_ID", "SLURM_CPUS_PER_TASK"] {
        c.env_remove(var);
    }
    if let Some(t) = task {
        c.env("SLURM_ARRAY_TASK_ID", t.to_string());
    }
    c.output().unwrap()
}

/// Writes a job for the small sweep in 3 tasks into `job`.
fn write_job(job: &Path) -> Output {
    let args = ["slurm", "--tasks", "3", "--out", path(job)];
    succeeded(regimes_with(&args, SMALL), "regimes slurm")
}

#[test]
fn the_scripts_run_as_slurm_would_equal_a_local_run() {
    let dir = scratch("by-hand");
    let job = dir.join("job");
    let o = write_job(&job);
    let stdout = text(&o.stdout);
    assert!(
        stdout
            .contains("sbatch --dependency=afterok:$(sbatch --parsable array.sbatch) merge.sbatch"),
        "{stdout}"
    );
    let notes = text(&o.stderr);
    assert!(
        notes.contains("Cost estimate: ") && notes.contains("core-seconds"),
        "{notes}"
    );
    // Both jobs ask for memory, from the estimate of a run (noted with it).
    assert!(notes.contains("Memory: --mem "), "{notes}");
    for script in ["array.sbatch", "merge.sbatch"] {
        let text = std::fs::read_to_string(job.join(script)).unwrap();
        let mem = text
            .lines()
            .find_map(|l| l.strip_prefix("#SBATCH --mem="))
            .unwrap_or_else(|| panic!("no --mem in {script}:\n{text}"));
        let mib: u64 = mem.strip_suffix('M').unwrap().parse().unwrap();
        assert!((128..4096).contains(&mib), "{script}: --mem={mem}");
    }
    for task in 0..3 {
        let o = succeeded(bash(&job.join("array.sbatch"), Some(task)), "an array task");
        // Plain progress lines for the log file, no bar.
        let log = text(&o.stderr);
        assert!(log.contains("progress: 4/4 runs in "), "{log}");
        assert!(!log.contains('\r'), "{log:?}");
    }
    succeeded(bash(&job.join("merge.sbatch"), None), "the merge job");
    same_tables(&local_run(&dir, SMALL), &job.join("result"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_task_reruns_alone_and_merge_names_what_is_missing() {
    let dir = scratch("rerun");
    let job = dir.join("job");
    write_job(&job);
    for task in 0..3 {
        succeeded(bash(&job.join("array.sbatch"), Some(task)), "an array task");
    }
    // Task 1 stopped after some of its runs (runs 1, 4, 7, 10): run 7 never finished.
    std::fs::remove_file(job.join("shards/1/.parts/run-000007.done")).unwrap();
    // Task 2 never started.
    std::fs::remove_dir_all(job.join("shards/2")).unwrap();

    let o = bash(&job.join("merge.sbatch"), None);
    assert_eq!(o.status.code(), Some(2));
    let message = text(&o.stderr);
    for expected in [
        "5 of 12 runs are missing",
        "shards/1 holds shard 1/3 with 3 of 4 runs finished (run 7 missing)",
        "--shard 1/3 --out shards/1 --resume",
        "shards/2 does not exist: its shard never started",
        "shard 2/3 (runs 2, 5, 8, 11) is in none of these directories",
    ] {
        assert!(message.contains(expected), "{expected:?} not in\n{message}");
    }
    assert!(!job.join("result/timeseries.parquet").exists());

    // Rerun the two tasks alone: task 1 resumes, task 2 starts.
    let o = succeeded(bash(&job.join("array.sbatch"), Some(1)), "task 1 again");
    assert!(text(&o.stderr).contains("resuming: 3 of 4 runs already finished"));
    succeeded(bash(&job.join("array.sbatch"), Some(2)), "task 2 again");
    succeeded(bash(&job.join("merge.sbatch"), None), "the merge job");
    same_tables(&local_run(&dir, SMALL), &job.join("result"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merge_names_shards_no_directory_was_given_for() {
    let dir = scratch("unclaimed");
    let shard = |i: u32| {
        let out = dir.join(format!("s{i}"));
        let args = [
            "run",
            "--quiet",
            "--shard",
            &format!("{i}/4"),
            "--out",
            path(&out),
        ];
        succeeded(regimes_with(&args, SMALL), "a shard");
        out
    };
    let (s0, s2) = (shard(0), shard(2));
    let o = regimes()
        .args(["merge", path(&s0), path(&s2), "--out", path(&dir.join("m"))])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let message = text(&o.stderr);
    for expected in [
        "6 of 12 runs are missing",
        "shard 1/4 (runs 1, 5, 9) is in none of these directories",
        "shard 3/4 (runs 3, 7, 11) is in none of these directories",
    ] {
        assert!(message.contains(expected), "{expected:?} not in\n{message}");
    }
}

#[test]
fn shard_auto_takes_the_array_task_and_refuses_elsewhere() {
    let dir = scratch("auto");
    let out = dir.join("s");
    let auto = |vars: &[(&str, &str)]| {
        let mut c = regimes();
        c.args(["run", "--quiet", "--shard", "auto", "--out", path(&out)])
            .args(SMALL);
        for var in [
            "SLURM_ARRAY_TASK_ID",
            "SLURM_ARRAY_TASK_COUNT",
            "SLURM_ARRAY_TASK_MIN",
            "SLURM_ARRAY_TASK_MAX",
            "SLURM_ARRAY_TASK_STEP",
        ] {
            c.env_remove(var);
        }
        c.envs(vars.iter().copied()).output().unwrap()
    };
    let outside = auto(&[]);
    assert_eq!(outside.status.code(), Some(2));
    assert!(text(&outside.stderr).contains("SLURM_ARRAY_TASK_ID is not set"));
    assert!(!out.exists(), "nothing is written outside SLURM");

    // Task 2 of `--array=1-3` is shard 1/3.
    let array = [
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_MAX", "3"),
    ];
    succeeded(auto(&array), "--shard auto");
    let info = std::fs::read_to_string(out.join("shard.json")).unwrap();
    assert!(info.contains("\"shard\": \"1/3\""), "{info}");

    // Resuming the directory as another shard is refused, naming the one it holds.
    let o = regimes_with(
        &[
            "run",
            "--quiet",
            "--resume",
            "--shard",
            "0/3",
            "--out",
            path(&out),
        ],
        SMALL,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("holds shard 1/3, not 0/3"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn bad_job_options_are_refused_before_anything_is_written() {
    let dir = scratch("bad");
    let job = dir.join("job");
    let refused = |extra: &[&str], expected: &str| {
        let mut args = vec!["slurm", "--out", path(&job)];
        args.extend_from_slice(extra);
        let o = regimes_with(&args, SMALL);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(expected),
            "{extra:?}: {}",
            text(&o.stderr)
        );
        assert!(!job.exists(), "{extra:?} wrote {}", job.display());
    };
    refused(&["--tasks", "13"], "--tasks 13: the scenario has 12 runs");
    refused(&["--tasks", "0"], "--tasks");
    refused(&["--time", "2h"], "allowed a SLURM time limit");
    refused(&["--partition", "a b"], "--partition `a b`");
    let spaced = dir.join("my job");
    let o = regimes_with(&["slurm", "--out", path(&spaced)], SMALL);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("` ` cannot stand in a #SBATCH line"));

    // A job directory whose shards have started is not overwritten.
    write_job(&job);
    succeeded(bash(&job.join("array.sbatch"), Some(0)), "task 0");
    let o = regimes_with(&["slurm", "--tasks", "3", "--out", path(&job)], SMALL);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("already holds a job's shards"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn submit_hands_both_scripts_to_sbatch_with_the_dependency() {
    let dir = scratch("submit");
    let job = dir.join("job");
    // A stand-in sbatch that logs its arguments and answers with job ids.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("sbatch.log");
    let fake = format!(
        "#!/bin/sh\necho \"$PWD $*\" >> '{}'\n\
         case \"$*\" in *merge.sbatch) echo 42 ;; *) echo '41;cluster' ;; esac\n",
        log.display()
    );
    std::fs::write(bin.join("sbatch"), fake).unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(bin.join("sbatch"))
        .status()
        .unwrap();
    let submit = |path_var: &Path| {
        regimes()
            .args([
                "slurm",
                "--tasks",
                "3",
                "--submit",
                "--quiet",
                "--out",
                path(&job),
            ])
            .args(SMALL)
            .env("PATH", path_var)
            .output()
            .unwrap()
    };
    let o = succeeded(submit(&bin), "--submit");
    assert!(
        text(&o.stdout).starts_with("array job 41 (3 tasks), merge job 42"),
        "{}",
        text(&o.stdout)
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    let dir_text = job.display().to_string();
    assert_eq!(
        calls,
        format!(
            "{dir_text} --parsable array.sbatch\n\
             {dir_text} --parsable --dependency=afterok:41 merge.sbatch\n"
        )
    );
    // Without sbatch the scripts are still written, and the error says what to do.
    let o = submit(&dir.join("nowhere"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("sbatch not found"),
        "{}",
        text(&o.stderr)
    );
    assert!(job.join("array.sbatch").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
