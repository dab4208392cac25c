//! Against a real SLURM (`.ci/e2e-slurm.sh`): the tests are `#[ignore]`d, the
//! script runs them by the filter `slurm::`.

use super::{SMALL, local_run, regimes_with, succeeded};
use crate::support::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs a SLURM client command; its stdout.
fn slurm(command: &str, args: &[&str]) -> String {
    let o = Command::new(command).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{command} {args:?}: {}",
        text(&o.stderr)
    );
    text(&o.stdout)
}

/// Waits until job `id` (every task of an array) has left the queue.
fn wait_for(id: u64) {
    let start = Instant::now();
    loop {
        let o = Command::new("squeue")
            .args(["-h", "-j", &id.to_string()])
            .output()
            .unwrap();
        if !o.status.success() || o.stdout.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "job {id} still queued after 10 min"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The states of job `id` (one per array task), as `scontrol show job` says.
fn states(id: u64) -> Vec<String> {
    slurm("scontrol", &["show", "job", &id.to_string()])
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("JobState="))
        .map(str::to_string)
        .collect()
}

/// The job ids printed by `regimes slurm --submit`.
fn submitted(stdout: &str) -> (u64, u64) {
    let id = |after: &str| -> u64 {
        let rest =
            &stdout[stdout.find(after).unwrap_or_else(|| panic!("{stdout}")) + after.len()..];
        rest.split(' ').next().unwrap().parse().unwrap()
    };
    (id("array job "), id("merge job "))
}

fn submit_job(job: &Path, settings: &[&str]) -> (u64, u64) {
    let args = [
        "slurm",
        "--tasks",
        "3",
        "--submit",
        "--quiet",
        "--out",
        path(job),
    ];
    submitted(&text(
        &succeeded(regimes_with(&args, settings), "--submit").stdout,
    ))
}

#[test]
#[ignore = "needs a running SLURM: .ci/e2e-slurm.sh"]
fn a_submitted_sweep_equals_a_local_run() {
    let dir = scratch("e2e");
    let job = dir.join("job");
    let (array, merge) = submit_job(&job, SMALL);
    wait_for(array);
    wait_for(merge);
    assert_eq!(states(array), ["COMPLETED"; 3]);
    assert_eq!(states(merge), ["COMPLETED"]);
    same_tables(&local_run(&dir, SMALL), &job.join("result"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs a running SLURM: .ci/e2e-slurm.sh"]
fn a_killed_task_resubmitted_alone_ends_identical() {
    // Tasks of 8 runs long enough to be killed half-way.
    let settings = ["--set", "steps=400", "--set", "replicates=8"];
    let dir = scratch("e2e-kill");
    let job = dir.join("job");
    let (array, merge) = submit_job(&job, &settings);

    // Kill task 1 once it has finished a run or two, not all eight.
    let parts = job.join("shards/1/.parts");
    let start = Instant::now();
    while finished_runs(&parts) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "task 1 finished no run"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    slurm("scancel", &[&format!("{array}_1")]);
    wait_for(array);
    wait_for(merge);
    let done = finished_runs(&parts);
    assert!(done < 8, "task 1 ended before it was killed");
    assert_eq!(
        states(merge),
        ["CANCELLED"],
        "the merge job waits for every task"
    );
    assert!(!job.join("result").exists());

    // Resubmit task 1 alone, then the merge.
    let again = slurm(
        "sbatch",
        &["--parsable", "--array=1", path(&job.join("array.sbatch"))],
    );
    let again: u64 = again.trim().split(';').next().unwrap().parse().unwrap();
    let dependency = format!("--dependency=afterok:{again}");
    let merge = slurm(
        "sbatch",
        &["--parsable", &dependency, path(&job.join("merge.sbatch"))],
    );
    let merge: u64 = merge.trim().split(';').next().unwrap().parse().unwrap();
    wait_for(again);
    wait_for(merge);
    assert_eq!(states(merge), ["COMPLETED"]);
    let log = std::fs::read_to_string(job.join(format!("logs/task-1-job-{again}.out"))).unwrap();
    assert!(
        log.contains(&format!("resuming: {done} of 8 runs already finished")),
        "{log}"
    );
    same_tables(&local_run(&dir, &settings), &job.join("result"));
    let _ = std::fs::remove_dir_all(&dir);
}
