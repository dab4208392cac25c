//! `regimes run`: validate, run in parallel, write the tables, print the
//! overview, draw the charts.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

use super::manifest::{Manifest, SHARD, ShardInfo, same_shard};
use super::{emit, interrupt, load_scenario};
use crate::experiment::chart_spec::Look;
use crate::experiment::runner::{self, Options};
use crate::experiment::shard::ShardChoice;
use crate::experiment::{InputError, Override, Scenario, resume};
use crate::output::charts::{self, Drawing, Format};
use crate::output::lock;
use crate::output::tables::{
    self, Assembled, Locate, MANIFEST, Parts, RUNS, SCENARIO, SUMMARY, TIMESERIES, write_atomic,
};
use crate::output::{report, summary};

/// Arguments of `regimes run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Scenario file, or the name of one under scenarios/ (default: the embedded default scenario).
    pub scenario: Option<String>,
    /// Output directory (default: output/<scenario name>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (0: every core). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Change a setting: steps=20, seed=7, world.producers=100, regime.monitoring=0.3 (every regime).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Run only the runs whose index is I mod N, and leave parts for `regimes merge`;
    /// `auto`: the shard of this SLURM array task (array 0..N-1 or 1..N, see docs/CLUSTER.md).
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<ShardChoice>,
    /// Continue an interrupted run in DIR, skipping the runs already finished.
    #[arg(long)]
    pub resume: bool,
    /// Replace the output of another scenario in DIR (refused without it).
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// No progress bar and no notes; errors and the final table only.
    #[arg(long)]
    pub quiet: bool,
    /// Image formats of the charts.
    #[arg(long, value_enum, default_value = "both")]
    pub format: Format,
    #[command(flatten)]
    pub limits: super::LimitArgs,
}

pub fn run(args: RunArgs) -> Result<()> {
    let scenario = load_scenario(args.scenario.as_deref(), &args.set, &args.limits.limits())?;
    run_scenario(scenario, &args)
}

/// Runs a scenario already loaded (with `args.set` applied), as `regimes run` does.
pub fn run_scenario(scenario: Scenario, args: &RunArgs) -> Result<()> {
    let shard = args
        .shard
        .map(|choice| choice.resolve(|name| std::env::var(name).ok()))
        .transpose()
        .map_err(InputError::new)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let name = match shard {
            Some(s) => format!("{}-shard-{}-of-{}", scenario.name, s.index, s.count),
            None => scenario.name.clone(),
        };
        Path::new("output").join(name)
    });
    let resolved = scenario.to_toml();
    let parts = Parts::of(&out);
    let total = scenario.runs() as u32;
    let wanted: Vec<u32> = match shard {
        Some(s) => s.runs(total).collect(),
        None => (0..total).collect(),
    };
    let note = |text: String| {
        if !args.quiet {
            eprintln!("{text}");
        }
    };

    // Nothing in the directory is touched before its lock is held.
    let _lock = open_out(&out)?;
    if args.resume {
        let path = out.join(SCENARIO);
        match std::fs::read_to_string(&path) {
            Ok(existing) => resume::same_scenario(&existing, &resolved, &path)?,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // Parts without their scenario cannot be trusted.
                clear(&out, &parts)?;
                note(format!(
                    "{}: nothing to resume, starting afresh",
                    out.display()
                ));
            }
            Err(e) => return Err(e).context(format!("cannot read {}", path.display())),
        }
        if let Some(shard) = shard {
            same_shard(&out, shard)?;
        }
        if shard.is_none() && out.join(MANIFEST).exists() && !parts.exist() {
            // A removal of the parts cut short may have left them aside.
            parts.retire()?;
            note(format!(
                "{}: already complete, nothing to resume",
                out.display()
            ));
            return Ok(());
        }
    } else {
        if !args.force {
            other_scenario(&out, &scenario.name)?;
        }
        clear(&out, &parts)?;
    }
    let done = parts.done()?;
    let pending = resume::pending(wanted.iter().copied(), &done);
    if args.resume && pending.len() < wanted.len() {
        note(format!(
            "resuming: {} of {} runs already finished",
            wanted.len() - pending.len(),
            wanted.len()
        ));
    }

    // The scenario goes first: parts only ever stand next to the scenario they belong to.
    write_atomic(&out.join(SCENARIO), |f| {
        std::io::Write::write_all(f, resolved.as_bytes())?;
        Ok(())
    })?;
    parts.create()?;
    let mut info = shard.map(|shard| ShardInfo {
        shard: shard.to_string(),
        scenario: scenario.name.clone(),
        runs: wanted.len(),
        finished: false,
        search_trials: None,
    });
    if let Some(info) = &info {
        info.write(&out)?;
    }
    let started = SystemTime::now();
    let threads = runner::thread_count(args.threads);
    if threads != args.threads {
        note(format!(
            "--threads {}: using {threads}, at most {} per core (results do not depend on it)",
            args.threads,
            runner::THREADS_PER_CORE
        ));
    }
    let options = Options {
        threads,
        quiet: args.quiet,
        ..Options::default()
    };
    let stopped = {
        let (parts, out, wanted) = (parts.clone(), out.clone(), wanted.clone());
        move || {
            let done = parts.done().unwrap_or_default();
            let kept = wanted.iter().filter(|r| done.contains(r)).count();
            format!(
                "interrupted: {kept} of {} runs are finished and kept in {}; to finish the \
                 others, run:\n  {}",
                wanted.len(),
                out.display(),
                interrupt::resume_command()
            )
        }
    };
    interrupt::on_stop(stopped).context("cannot watch for Ctrl-C")?;
    let report = runner::execute(&scenario, &pending, &options, &parts)?;

    if let (Some(shard), Some(info)) = (shard, info.as_mut()) {
        info.finished = true;
        info.search_trials = Some(report.trials);
        info.write(&out)?;
        note(format!(
            "shard {shard}: {} runs in {}; combine the shards with `regimes merge DIR... --out DIR`",
            wanted.len(),
            out.display()
        ));
        return Ok(());
    }

    let (assembled, drawing) = finish(&scenario, &parts, &out, args.format, args.quiet)?;
    let mut manifest = Manifest::new(&scenario, started, assembled.trials);
    manifest.runs_computed = report.runs;
    manifest.resumed = args.resume;
    manifest.threads = Some(report.threads);
    manifest.trials_per_second =
        (report.seconds > 0.0 && report.runs > 0).then(|| report.trials as f64 / report.seconds);
    manifest.write(&out)?;
    write_report(&out, &drawing, args.quiet)?;
    // A directory that held a shard and was resumed whole is a shard no more.
    remove(&out.join(SHARD))?;
    // The one step that ends the run: before it, a resume rebuilds the same
    // tables from the parts; after it, the directory is complete.
    parts.retire()
}

/// Creates the output directory `out` if needed and locks it. An `out` that is a
/// file is refused as bad input.
pub fn open_out(out: &Path) -> Result<lock::DirLock> {
    if out.exists() && !out.is_dir() {
        return Err(InputError::new(format!(
            "--out {}: this is a file, not a directory: give a directory for the tables",
            out.display()
        ))
        .into());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    lock::exclusive(out)
}

/// Refuses a directory holding the output of another scenario than `name` (its
/// tables would be replaced by surprise: issue 19); `--force` allows it.
pub fn other_scenario(out: &Path, name: &str) -> Result<(), InputError> {
    let path = out.join(SCENARIO);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let existing = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("name").and_then(|n| n.as_str()).map(str::to_string));
    let holds = match existing {
        Some(n) if n == name => return Ok(()),
        Some(n) => format!("the output of scenario `{n}`"),
        None => "a scenario.toml that regimes did not write".to_string(),
    };
    Err(InputError::new(format!(
        "{}: {} holds {holds}; writing `{name}` there would replace it: choose another \
         directory with --out, or add --force to replace it",
        path.display(),
        out.display()
    )))
}

/// Removes a file; a missing one is no error.
fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => {
            Err(e).context(format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Removes what an earlier run left in `out`, so a fresh run starts clean. The
/// manifest goes first and the parts in one step: killed half-way, the
/// directory is never taken for a complete one by `--resume`.
fn clear(out: &Path, parts: &Parts) -> Result<()> {
    remove(&out.join(MANIFEST))?;
    parts.retire()?;
    for name in [TIMESERIES, RUNS, SUMMARY, SHARD] {
        remove(&out.join(name))?;
    }
    Ok(())
}

/// Writes `out/report.html` (after the manifest, whose provenance it shows)
/// with the charts [`finish`] drew.
pub fn write_report(out: &Path, drawing: &Drawing, quiet: bool) -> Result<()> {
    let page = report::write(out, drawing)?;
    if !quiet {
        eprintln!("report: {}", page.display());
    }
    Ok(())
}

/// Builds the tables from the parts, prints the overview and draws the charts
/// (the files, and in the same pass the report's, for [`write_report`]).
pub fn finish(
    scenario: &Scenario,
    parts: &dyn Locate,
    out: &Path,
    format: Format,
    quiet: bool,
) -> Result<(Assembled, Drawing)> {
    let assembled = tables::assemble(scenario, parts, out)?;
    let regimes = scenario.regimes.len();
    let points = scenario.points();
    let grid = if points > 1 {
        format!("{points} sweep points x {regimes} regimes")
    } else {
        format!("{regimes} regimes")
    };
    let recorded = scenario.steps.div_ceil(scenario.record_every);
    emit(&format!(
        "{}: {} runs ({grid} x {} replicates) of {} steps; mean ±95% CI of the last {} recorded steps\n{}",
        scenario.name,
        scenario.runs(),
        scenario.replicates,
        scenario.steps,
        scenario.window.min(recorded),
        summary::screen_table(out)?
    ))?;
    let want = charts::Want {
        files: Some(format),
        report: true,
    };
    let drawing = charts::draw(out, want, &Look::default())?;
    charts::warn(&drawing, quiet);
    if !quiet {
        eprintln!(
            "tables in {}, {} chart files in {}",
            out.display(),
            drawing.files.len(),
            out.join("charts").display()
        );
    }
    Ok((assembled, drawing))
}
