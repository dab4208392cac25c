//! The batch scripts `regimes slurm` writes, and SLURM's time limits. Pure text:
//! nothing here touches files or SLURM.

use std::fmt::Write;
use std::path::Path;

/// Everything the scripts say.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// The job directory, absolute; it holds the binary, the scenario, shards, logs, result.
    pub dir: &'a Path,
    pub scenario: &'a str,
    pub runs: u64,
    pub tasks: u32,
    pub cpus_per_task: u32,
    /// A SLURM time limit (`1:30:00`), for each array task and for the merge job.
    pub time: &'a str,
    pub partition: Option<&'a str>,
    /// `--max-memory` for every task's `regimes run`, in bytes, if given.
    pub max_memory: Option<u64>,
    /// `#SBATCH --mem` of each array task and of the merge job, in bytes.
    pub mem: Memory,
    /// Comment lines about the estimate, without `# `.
    pub notes: &'a [String],
}

/// The job array script (one task per shard) and the merge script.
pub fn scripts(job: &Job) -> (String, String) {
    let dir = job.dir.display();
    let last = job.tasks - 1;
    let name = job_name(job.scenario);
    let mut array = String::new();
    let _ = writeln!(array, "#!/bin/bash");
    let _ = writeln!(
        array,
        "# Written by regimes {} (`regimes slurm`): scenario `{}`, {} runs in {} shards,",
        env!("CARGO_PKG_VERSION"),
        job.scenario,
        job.runs,
        job.tasks
    );
    let _ = writeln!(
        array,
        "# one per array task. Each task resumes what an earlier attempt of its shard finished,"
    );
    let _ = writeln!(
        array,
        "# so a failed or pre-empted task reruns alone: `sbatch --array=I array.sbatch`."
    );
    for note in job.notes {
        let _ = writeln!(array, "# {note}");
    }
    header(
        &mut array,
        job,
        &name,
        &format!("{dir}/logs/task-%a-job-%A.out"),
        job.mem.task,
    );
    let _ = writeln!(array, "#SBATCH --array=0-{last}");
    let _ = writeln!(array, "#SBATCH --requeue");
    let _ = writeln!(array, "set -euo pipefail");
    let _ = writeln!(array, "cd '{dir}'");
    let max_memory = job
        .max_memory
        .map(|bytes| format!(" --max-memory {bytes}"))
        .unwrap_or_default();
    let _ = writeln!(
        array,
        "exec ./regimes run scenario.toml --shard \"$SLURM_ARRAY_TASK_ID/{}\" \\\n    \
         --out \"shards/$SLURM_ARRAY_TASK_ID\" --threads \"${{SLURM_CPUS_PER_TASK:-{}}}\" \
         --resume{max_memory}",
        job.tasks, job.cpus_per_task
    );

    let mut merge = String::new();
    let _ = writeln!(merge, "#!/bin/bash");
    let _ = writeln!(
        merge,
        "# Written by regimes {} (`regimes slurm`): merges the {} shards of array.sbatch into",
        env!("CARGO_PKG_VERSION"),
        job.tasks
    );
    let _ = writeln!(
        merge,
        "# result/, once every array task succeeded (submitted with --dependency=afterok:ARRAY)."
    );
    let _ = writeln!(
        merge,
        "# If a task failed, this job is cancelled: rerun the task, then submit this script again."
    );
    let merge_name = format!("{name}-merge");
    header(
        &mut merge,
        job,
        &merge_name,
        &format!("{dir}/logs/merge-job-%j.out"),
        job.mem.merge,
    );
    let _ = writeln!(merge, "#SBATCH --kill-on-invalid-dep=yes");
    let _ = writeln!(merge, "set -euo pipefail");
    let _ = writeln!(merge, "cd '{dir}'");
    let _ = writeln!(
        merge,
        "exec ./regimes merge shards/{{0..{last}}} --out result"
    );
    (array, merge)
}

/// The `#SBATCH` lines both scripts share, with the job's memory (`mem` bytes).
fn header(script: &mut String, job: &Job, name: &str, output: &str, mem: u64) {
    let _ = writeln!(script, "#SBATCH --job-name={name}");
    let _ = writeln!(script, "#SBATCH --ntasks=1");
    let _ = writeln!(script, "#SBATCH --cpus-per-task={}", job.cpus_per_task);
    let _ = writeln!(script, "#SBATCH --mem={}M", mem.div_ceil(1 << 20));
    let _ = writeln!(script, "#SBATCH --time={}", job.time);
    if let Some(p) = job.partition {
        let _ = writeln!(script, "#SBATCH --partition={p}");
    }
    let _ = writeln!(script, "#SBATCH --chdir={}", job.dir.display());
    let _ = writeln!(script, "#SBATCH --output={output}");
}

/// Memory SLURM grants each job, in bytes (`#SBATCH --mem`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    pub task: u64,
    pub merge: u64,
}

/// Resident memory of a `regimes` process beyond its runs' state: the binary,
/// its libraries, thread stacks, polars' buffers and a run's chunk of rows
/// being written, its charts and report (measured: 55 MB peak for a tiny run,
/// 68 MB for the default job on two threads; rounded up).
pub const PROCESS_BYTES: u64 = 128 << 20;

/// Bytes of the merge job per recorded row of `timeseries.parquet`: charts and
/// the report read its key columns (regime, swept values, step) and one metric
/// at a time, about 40 bytes a row with polars' copies.
pub const MERGE_ROW_BYTES: u64 = 64;

/// Bytes of the merge job per run: `runs.parquet` read whole, a value per metric.
pub const MERGE_RUN_BYTES: u64 = 1024;

/// Bytes of the table assembly, whatever the number of runs (see
/// docs/RELIABILITY.md: a row group of at most 200,000 rows, twice while encoded).
pub const ASSEMBLY_BYTES: u64 = 128 << 20;

impl Memory {
    /// Memory of each array task, which runs `cpus` runs at once, each at most
    /// `per_run` bytes (the estimate `--max-memory` is checked against), and of
    /// the merge job, which reads `rows` recorded rows of `runs` runs: each with
    /// half as much again for the estimate's error and the allocator's slack.
    pub fn estimate(per_run: u64, cpus: u32, runs: u64, rows: u64) -> Memory {
        let margin = |bytes: u64| bytes.saturating_add(bytes / 2);
        let task = per_run.saturating_mul(u64::from(cpus));
        let merge = ASSEMBLY_BYTES
            .saturating_add(rows.saturating_mul(MERGE_ROW_BYTES))
            .saturating_add(runs.saturating_mul(MERGE_RUN_BYTES));
        Memory {
            task: margin(task).saturating_add(PROCESS_BYTES),
            merge: margin(merge).saturating_add(PROCESS_BYTES),
        }
    }
}

/// `regimes-NAME`, with anything but letters, digits, `-`, `_` and `.` replaced by `_`.
fn job_name(scenario: &str) -> String {
    let clean: String = scenario
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("regimes-{clean}")
}

/// The first character of `path` that a `#SBATCH` line or the scripts cannot
/// hold unquoted (`#SBATCH` lines take no quotes, and `%` starts a file name pattern).
pub fn unsafe_char(path: &str) -> Option<char> {
    path.chars()
        .find(|&c| !(c.is_alphanumeric() || "_./-+,=@~:".contains(c)))
}

/// Seconds of a SLURM time limit (`MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`,
/// `D-HH:MM:SS`); `None` for `UNLIMITED` or `INFINITE`.
pub fn parse_time(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("unlimited") || t.eq_ignore_ascii_case("infinite") {
        return Ok(None);
    }
    let invalid = || {
        format!(
            "--time `{text}`: allowed a SLURM time limit: MM, MM:SS, HH:MM:SS, D-HH, \
             D-HH:MM or D-HH:MM:SS (e.g. 2:00:00 or 1-12), or UNLIMITED"
        )
    };
    let (days, clock) = match t.split_once('-') {
        Some((d, rest)) => (Some(d), rest),
        None => (None, t),
    };
    let numbers = clock
        .split(':')
        .map(|n| n.parse::<u64>().map_err(|_| invalid()))
        .collect::<Result<Vec<u64>, String>>()?;
    let (d, h, m, s) = match (days, numbers.as_slice()) {
        (None, [m]) => (0, 0, *m, 0),
        (None, [m, s]) => (0, 0, *m, *s),
        (None, [h, m, s]) => (0, *h, *m, *s),
        (Some(d), [h]) => (d.parse().map_err(|_| invalid())?, *h, 0, 0),
        (Some(d), [h, m]) => (d.parse().map_err(|_| invalid())?, *h, *m, 0),
        (Some(d), [h, m, s]) => (d.parse().map_err(|_| invalid())?, *h, *m, *s),
        _ => return Err(invalid()),
    };
    let seconds = ((d * 24 + h) * 60 + m) * 60 + s;
    if seconds == 0 {
        return Err(invalid());
    }
    Ok(Some(seconds))
}

/// A SLURM time limit of at least `seconds`, in whole minutes: `H:MM:00` or `D-HH:MM:00`.
pub fn format_time(seconds: f64) -> String {
    let minutes = (seconds / 60.0).ceil().max(1.0) as u64;
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if d > 0 {
        format!("{d}-{h:02}:{m:02}:00")
    } else {
        format!("{h}:{m:02}:00")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(partition: Option<&str>, max_memory: Option<u64>) -> (String, String) {
        let notes = ["Cost: about 7200 core-seconds".to_string()];
        scripts(&Job {
            dir: Path::new("/scratch/me/tragedy-slurm"),
            scenario: "tragedy sweep",
            runs: 3000,
            tasks: 8,
            cpus_per_task: 2,
            time: "1:05:00",
            partition,
            max_memory,
            mem: Memory {
                task: 3 << 30,
                merge: 700 << 20,
            },
            notes: &notes,
        })
    }

    #[test]
    fn the_array_runs_one_resumable_shard_per_task() {
        let (array, _) = job(Some("short"), Some(8 << 30));
        for line in [
            "#!/bin/bash\n",
            "# Cost: about 7200 core-seconds\n",
            "\n#SBATCH --job-name=regimes-tragedy_sweep\n",
            "\n#SBATCH --array=0-7\n",
            "\n#SBATCH --cpus-per-task=2\n",
            "\n#SBATCH --mem=3072M\n",
            "\n#SBATCH --time=1:05:00\n",
            "\n#SBATCH --partition=short\n",
            "\n#SBATCH --chdir=/scratch/me/tragedy-slurm\n",
            "\n#SBATCH --output=/scratch/me/tragedy-slurm/logs/task-%a-job-%A.out\n",
            "\ncd '/scratch/me/tragedy-slurm'\n",
            "exec ./regimes run scenario.toml --shard \"$SLURM_ARRAY_TASK_ID/8\"",
            "--out \"shards/$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-2}\" \
             --resume --max-memory 8589934592\n",
        ] {
            assert!(array.contains(line), "{line:?} not in\n{array}");
        }
        assert!(
            job(None, None).0.contains("--resume\n"),
            "no --max-memory unless given"
        );
        // Every #SBATCH line comes before the first command (sbatch stops reading there).
        let first_command = array.find("\nset ").unwrap();
        assert!(array.rfind("#SBATCH").unwrap() < first_command);
        assert!(!job(None, None).0.contains("--partition"));
    }

    #[test]
    fn the_merge_job_combines_every_shard() {
        let (_, merge) = job(None, None);
        for line in [
            "\n#SBATCH --job-name=regimes-tragedy_sweep-merge\n",
            "\n#SBATCH --kill-on-invalid-dep=yes\n",
            "\n#SBATCH --mem=700M\n",
            "\n#SBATCH --output=/scratch/me/tragedy-slurm/logs/merge-job-%j.out\n",
            "\nexec ./regimes merge shards/{0..7} --out result\n",
        ] {
            assert!(merge.contains(line), "{line:?} not in\n{merge}");
        }
        assert!(!merge.contains("--array"));
    }

    #[test]
    fn memory_covers_the_runs_at_once_the_process_and_a_margin() {
        let one = Memory::estimate(100 << 20, 1, 10, 5_000);
        let four = Memory::estimate(100 << 20, 4, 10, 5_000);
        assert_eq!(one.task, 150 * (1 << 20) + PROCESS_BYTES);
        assert_eq!(four.task - PROCESS_BYTES, 4 * (one.task - PROCESS_BYTES));
        assert_eq!(one.merge, four.merge, "the merge runs on its own");
        // The merge grows with the rows charts read, not with the tasks.
        let big = Memory::estimate(100 << 20, 1, 10, 50_000_000);
        assert!(big.merge > one.merge + (4 << 30), "{}", big.merge);
        // No overflow on absurd inputs (validation refuses them earlier).
        let absurd = Memory::estimate(u64::MAX, u32::MAX, u64::MAX, u64::MAX);
        assert_eq!(absurd.task, u64::MAX);
    }

    #[test]
    fn paths_that_sbatch_lines_cannot_hold() {
        assert_eq!(unsafe_char("/scratch/me/run-1.2_x"), None);
        assert_eq!(unsafe_char("/home/me/my runs"), Some(' '));
        assert_eq!(unsafe_char("/tmp/100%"), Some('%'));
        assert_eq!(unsafe_char("/tmp/a'b"), Some('\''));
    }

    #[test]
    fn time_limits_in_every_slurm_form() {
        let ok = |t: &str| parse_time(t).unwrap();
        assert_eq!(ok("90"), Some(5400));
        assert_eq!(ok("10:30"), Some(630));
        assert_eq!(ok("2:00:00"), Some(7200));
        assert_eq!(ok("1-12"), Some(129_600));
        assert_eq!(ok("1-0:30"), Some(88_200));
        assert_eq!(ok("2-01:00:05"), Some(176_405));
        assert_eq!(ok("UNLIMITED"), None);
        for bad in ["", "1h", "1:2:3:4", "-5", "a-1", "0", "1-2-3"] {
            let e = parse_time(bad).unwrap_err();
            assert!(e.contains("allowed a SLURM time limit"), "{bad}: {e}");
        }
        assert_eq!(format_time(1.0), "0:01:00");
        assert_eq!(format_time(3900.0), "1:05:00");
        assert_eq!(format_time(90_061.0), "1-01:02:00");
        assert_eq!(parse_time(&format_time(3900.0)), Ok(Some(3900)));
    }
}
