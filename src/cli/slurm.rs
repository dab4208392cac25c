//! `regimes slurm`: prepare (and with `--submit`, submit) a scenario as a SLURM
//! job array, one shard per task, and a merge job that runs once every task
//! succeeded. The job directory holds everything the jobs read (a copy of this
//! binary and the resolved scenario), so the jobs depend on nothing that may
//! change in the working tree while they wait in the queue.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::sbatch::{self, Job, Memory};
use super::{emit, load_scenario};
use crate::experiment::cost::{self, Estimate};
use crate::experiment::scenario::bytes;
use crate::experiment::{InputError, Override, Scenario};
use crate::output::tables::{SCENARIO, write_atomic};

/// What a task should last when `--tasks` is not given: long enough that
/// scheduling and start-up are a small share, short enough to backfill well
/// and to lose little to a failure.
const TARGET_TASK: Duration = Duration::from_secs(30 * 60);

/// SLURM's default `MaxArraySize` is 1001 (task ids 0 to 1000).
const MAX_TASKS: u32 = 1000;

/// Wall time of one thread spent timing a sample of runs.
const SAMPLE_BUDGET: Duration = Duration::from_secs(4);

/// Arguments of `regimes slurm`.
#[derive(clap::Args, Debug)]
pub struct SlurmArgs {
    /// Scenario file, or the name of one under scenarios/ (default: the embedded default scenario).
    pub scenario: Option<String>,
    /// Change a setting, as for `regimes run`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Array tasks, one shard each (default: suggested from the cost estimate).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub tasks: Option<u32>,
    /// Cores of each task; a task runs its shard's runs on that many threads.
    #[arg(long, default_value_t = 1, value_name = "C", value_parser = clap::value_parser!(u32).range(1..))]
    pub cpus_per_task: u32,
    /// Time limit of each task and of the merge job, in SLURM's form (2:00:00, 1-12)
    /// (default: twice the estimate plus 5 minutes, at least 10 minutes).
    #[arg(long, value_name = "T")]
    pub time: Option<String>,
    /// SLURM partition (default: the cluster's default partition).
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Job directory: scripts, scenario, binary, shards/, logs/, result/
    /// (default: output/<scenario name>-slurm/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Submit the array and the merge job with sbatch, and print their job ids.
    #[arg(long)]
    pub submit: bool,
    /// No notes; errors and the job ids or commands only.
    #[arg(long)]
    pub quiet: bool,
    /// Passed on to every task's `regimes run`.
    #[command(flatten)]
    pub limits: super::LimitArgs,
}

pub fn run(args: SlurmArgs) -> Result<()> {
    let scenario = load_scenario(args.scenario.as_deref(), &args.set, &args.limits.limits())?;
    let runs = scenario.runs();
    if let Some(tasks) = args.tasks.filter(|&t| u64::from(t) > runs) {
        return Err(InputError::new(format!(
            "--tasks {tasks}: the scenario has {runs} runs; allowed 1 to {runs} tasks (a task \
             without runs would only wait in the queue)"
        ))
        .into());
    }
    let limit = match &args.time {
        Some(t) => sbatch::parse_time(t).map_err(InputError::new)?,
        None => None,
    };
    if let Some(p) = &args.partition
        && (p.is_empty()
            || p.chars()
                .any(|c| !(c.is_alphanumeric() || "_-.,".contains(c))))
    {
        return Err(InputError::new(format!(
            "--partition `{p}`: allowed a partition name (letters, digits, _ - .) or a comma-separated list"
        ))
        .into());
    }
    let dir = job_dir(args.out.as_deref(), &scenario.name)?;
    let note = |text: String| {
        if !args.quiet {
            eprintln!("{text}");
        }
    };

    note(format!(
        "timing a sample of {} runs on one core...",
        scenario.name
    ));
    let estimate = cost::estimate(&scenario, SAMPLE_BUDGET)?;
    let suggested = estimate.suggested_tasks(args.cpus_per_task, TARGET_TASK, MAX_TASKS);
    let tasks = args.tasks.unwrap_or(suggested);
    let task_seconds = estimate.task_seconds(tasks, args.cpus_per_task);
    let time = match &args.time {
        Some(t) => t.trim().to_string(),
        None => sbatch::format_time((2.0 * task_seconds + 300.0).max(600.0)),
    };
    let mem = memory(&scenario, args.cpus_per_task);
    let mut notes = describe(
        &estimate,
        tasks,
        suggested,
        args.cpus_per_task,
        task_seconds,
    );
    notes.push(format!(
        "Memory: --mem {} per task ({} run{} at once of at most {} each, estimated), {} for \
         the merge job.",
        bytes(mem.task),
        args.cpus_per_task,
        if args.cpus_per_task == 1 { "" } else { "s" },
        bytes(scenario.memory_per_run().unwrap_or(u64::MAX)),
        bytes(mem.merge)
    ));
    for line in &notes {
        note(line.clone());
    }
    if let Some(limit) = limit.filter(|&l| (l as f64) < task_seconds) {
        note(format!(
            "warning: --time {} ({limit} s) is shorter than the estimated {task_seconds:.0} s \
             per task: tasks will be stopped before they finish (rerun them: they resume)",
            time
        ));
    }
    if tasks > MAX_TASKS {
        note(format!(
            "warning: {tasks} tasks: SLURM's default MaxArraySize allows {}; ask your cluster's limit",
            MAX_TASKS + 1
        ));
    }

    let job = Job {
        dir: &dir,
        scenario: &scenario.name,
        runs,
        tasks,
        cpus_per_task: args.cpus_per_task,
        time: &time,
        partition: args.partition.as_deref(),
        max_memory: args.limits.max_memory,
        mem,
        notes: &notes,
    };
    write_job(&job, &scenario.to_toml())?;
    note(format!(
        "wrote {}: array.sbatch, merge.sbatch, scenario.toml and a copy of this binary",
        dir.display()
    ));
    if !args.submit {
        return emit(&format!(
            "cd {} && sbatch --dependency=afterok:$(sbatch --parsable array.sbatch) merge.sbatch\n",
            dir.display()
        ))
        .map_err(Into::into);
    }
    let array = submit(&dir, &["array.sbatch"])?;
    let dependency = format!("--dependency=afterok:{array}");
    let merge = submit(&dir, &[&dependency, "merge.sbatch"]).with_context(|| {
        format!("array job {array} was submitted, but not the merge job that follows it")
    })?;
    emit(&format!(
        "array job {array} ({tasks} tasks), merge job {merge} (after every task succeeds); \
         tables in {}\n",
        dir.join("result").display()
    ))
    .map_err(Into::into)
}

/// The job directory, absolute (the jobs run elsewhere), holding no earlier job's shards.
fn job_dir(out: Option<&Path>, name: &str) -> Result<PathBuf> {
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => Path::new("output").join(format!("{name}-slurm")),
    };
    let dir = std::path::absolute(&dir)
        .with_context(|| format!("cannot make {} absolute", dir.display()))?;
    let text = dir.display().to_string();
    if let Some(c) = sbatch::unsafe_char(&text) {
        return Err(InputError::new(format!(
            "--out {text}: `{c}` cannot stand in a #SBATCH line or a script unquoted: allowed \
             letters, digits and _ . / - + , = @ ~ : in the job directory's path"
        ))
        .into());
    }
    let shards = dir.join("shards");
    let started = std::fs::read_dir(&shards).is_ok_and(|mut d| d.next().is_some());
    if started {
        return Err(InputError::new(format!(
            "--out {text}: {} already holds a job's shards: rerun its tasks with `sbatch \
             --array=I {text}/array.sbatch`, or give another --out",
            shards.display()
        ))
        .into());
    }
    Ok(dir)
}

/// The memory of each task and of the merge job, from the estimate of the
/// heaviest run (the one `--max-memory` is checked against).
fn memory(scenario: &Scenario, cpus: u32) -> Memory {
    let per_run = scenario.memory_per_run().unwrap_or(u64::MAX);
    let recorded = u64::from(scenario.steps / scenario.record_every) + 1;
    let rows = scenario.runs().saturating_mul(recorded);
    Memory::estimate(per_run, cpus, scenario.runs(), rows)
}

/// What the estimate says, as comment lines for the script and notes for the user.
fn describe(e: &Estimate, tasks: u32, suggested: u32, cpus: u32, task_seconds: f64) -> Vec<String> {
    vec![
        format!(
            "Cost estimate: {:.0} core-seconds ({:.2} core-hours) for {} runs, from the CPU \
             time of {} runs timed in {:.1} s ({} stopped early and extrapolated).",
            e.core_seconds(),
            e.core_seconds() / 3600.0,
            e.runs,
            e.sampled,
            e.sample_seconds,
            e.extrapolated
        ),
        format!(
            "{tasks} tasks x {cpus} core{} (suggested: {suggested}, for about {} min per \
             task): about {:.0} s per task.",
            if cpus == 1 { "" } else { "s" },
            TARGET_TASK.as_secs() / 60,
            task_seconds
        ),
    ]
}

/// Writes the scripts, the resolved scenario and a copy of this binary into the job directory.
fn write_job(job: &Job, scenario: &str) -> Result<()> {
    let dir = job.dir;
    for sub in [dir.to_path_buf(), dir.join("logs")] {
        std::fs::create_dir_all(&sub)
            .with_context(|| format!("cannot create {}", sub.display()))?;
    }
    let (array, merge) = sbatch::scripts(job);
    for (name, text) in [
        (SCENARIO, scenario),
        ("array.sbatch", &array),
        ("merge.sbatch", &merge),
    ] {
        write_atomic(&dir.join(name), |f| {
            std::io::Write::write_all(f, text.as_bytes())?;
            Ok(())
        })?;
    }
    copy_binary(&dir.join("regimes"))
}

/// Copies the running binary to `to` (under a temporary name, then renamed), unless it is `to`.
fn copy_binary(to: &Path) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the running binary to copy")?;
    let same = match (exe.canonicalize(), to.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Ok(());
    }
    let temp = to.with_file_name(".regimes.tmp");
    let copied = std::fs::copy(&exe, &temp).and_then(|_| std::fs::rename(&temp, to));
    if copied.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    copied.with_context(|| format!("cannot copy {} to {}", exe.display(), to.display()))
}

/// Runs `sbatch --parsable ARGS` in `dir`; the job id.
fn submit(dir: &Path, args: &[&str]) -> Result<u64> {
    let output = Command::new("sbatch")
        .arg("--parsable")
        .args(args)
        .current_dir(dir)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) if e.kind() == ErrorKind::NotFound => bail!(
            "sbatch not found: submit from a SLURM login node, or submit the scripts in {} \
             by hand (see docs/CLUSTER.md)",
            dir.display()
        ),
        Err(e) => return Err(e).context("cannot start sbatch"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "sbatch {} failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    // `--parsable` prints `ID` or `ID;CLUSTER`.
    stdout
        .trim()
        .split(';')
        .next()
        .and_then(|id| id.parse().ok())
        .with_context(|| format!("sbatch printed `{}`, not a job id", stdout.trim()))
}
