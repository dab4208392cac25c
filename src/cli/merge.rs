//! `regimes merge`: combine the directories of `run --shard` into the tables of
//! the whole scenario, identical to those of an unsharded run. When runs are
//! missing it names each shard that is incomplete or absent, and how to finish it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

use super::manifest::{Manifest, recorded_shard};
use super::run::{finish, open_out, other_scenario};
use crate::experiment::shard::Shard;
use crate::experiment::{InputError, Scenario};
use crate::output::charts::Format;
use crate::output::lock;
use crate::output::tables::{Locate, Parts, SCENARIO, write_atomic};

/// Arguments of `regimes merge`.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Shard directories written by `regimes run --shard I/N` (all of them).
    #[arg(required = true, num_args = 1.., value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Directory of the combined tables.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No notes; errors and the final table only.
    #[arg(long)]
    pub quiet: bool,
    /// Replace the output of another scenario in the --out directory (refused without it).
    #[arg(long)]
    pub force: bool,
    /// Image formats of the charts.
    #[arg(long, value_enum, default_value = "both")]
    pub format: Format,
}

/// Which shard directory holds each run.
struct Sources {
    parts: Vec<Parts>,
    owner: Vec<Option<usize>>,
}

impl Locate for Sources {
    fn parts(&self, run: u32) -> Option<&Parts> {
        let i = (*self.owner.get(run as usize)?)?;
        self.parts.get(i)
    }
}

/// What one directory given to `merge` holds.
struct ShardDir {
    dir: PathBuf,
    /// Its resolved scenario; `None` if it has none (never started, or not a shard).
    scenario: Option<String>,
    /// The shard it was started as (from `shard.json`, written when a shard starts).
    shard: Option<Shard>,
    /// Runs finished in it (read under its lock).
    done: BTreeSet<u32>,
}

pub fn run(args: MergeArgs) -> Result<()> {
    let started = SystemTime::now();
    let mut dirs = args
        .dirs
        .iter()
        .map(|d| read_dir(d))
        .collect::<Result<Vec<_>>>()?;
    let (scenario, text) = common_scenario(&dirs)?;
    // The shards are read under shared locks (no run writes them meanwhile), the
    // result written under the exclusive lock of --out. When --out is one of the
    // shards, it exists and its exclusive lock is taken first; otherwise --out is
    // created and locked only once every run is found, so a merge refused for
    // missing shards creates nothing.
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let out_is_shard = args.dirs.iter().any(|d| same(d, &args.out));
    let early_lock = out_is_shard.then(|| open_out(&args.out)).transpose()?;
    let mut _shard_locks = Vec::new();
    for dir in args.dirs.iter().filter(|d| !same(d, &args.out)) {
        _shard_locks.push(lock::shared(dir)?);
    }
    for d in dirs.iter_mut().filter(|d| d.scenario.is_some()) {
        d.done = Parts::of(&d.dir).done()?;
    }
    let total = scenario.runs() as usize;
    let mut sources = Sources {
        parts: Vec::new(),
        owner: vec![None; total],
    };
    for (i, d) in dirs.iter().enumerate() {
        for &run in &d.done {
            if let Some(slot) = sources.owner.get_mut(run as usize) {
                slot.get_or_insert(i);
            }
        }
        sources.parts.push(Parts::of(&d.dir));
    }
    let missing: BTreeSet<u32> = (0..total as u32)
        .filter(|&r| sources.owner[r as usize].is_none())
        .collect();
    if !missing.is_empty() || dirs.iter().any(|d| d.scenario.is_none()) {
        return Err(missing_report(&dirs, &missing, total as u32).into());
    }
    let _out_lock = match early_lock {
        Some(held) => held,
        None => open_out(&args.out)?,
    };
    if !args.force {
        other_scenario(&args.out, &scenario.name)?;
    }
    write_atomic(&args.out.join(SCENARIO), |f| {
        std::io::Write::write_all(f, text.as_bytes())?;
        Ok(())
    })?;
    let (assembled, drawing) = finish(&scenario, &sources, &args.out, args.format, args.quiet)?;
    let mut manifest = Manifest::new(&scenario, started, assembled.trials);
    manifest.merged_from = Some(args.dirs.iter().map(|d| d.display().to_string()).collect());
    manifest.write(&args.out)?;
    super::run::write_report(&args.out, &drawing, args.quiet)
}

/// Reads the scenario and shard of `dir` (its finished runs are read later, under
/// its lock); a directory that does not exist holds nothing.
fn read_dir(dir: &Path) -> Result<ShardDir> {
    let scenario = match std::fs::read_to_string(dir.join(SCENARIO)) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).context(format!("cannot read {}", dir.join(SCENARIO).display())),
    };
    Ok(ShardDir {
        dir: dir.to_path_buf(),
        scenario,
        shard: recorded_shard(dir)?,
        done: BTreeSet::new(),
    })
}

/// The resolved scenario every directory that has one was run with; they must all agree.
fn common_scenario(dirs: &[ShardDir]) -> Result<(Scenario, String), InputError> {
    let mut started = dirs.iter().filter(|d| d.scenario.is_some());
    let Some(first) = started.next() else {
        let names: Vec<String> = dirs.iter().map(|d| d.dir.display().to_string()).collect();
        return Err(InputError::new(format!(
            "{}: no {SCENARIO} in any of them: not directories written by `regimes run --shard`",
            names.join(", ")
        )));
    };
    let text = first.scenario.clone().unwrap_or_default();
    for d in started {
        if d.scenario.as_ref() != Some(&text) {
            return Err(InputError::new(format!(
                "{}: another scenario than {}: shards must come from the same scenario and --set options",
                d.dir.join(SCENARIO).display(),
                first.dir.join(SCENARIO).display()
            )));
        }
    }
    let origin = first.dir.join(SCENARIO).display().to_string();
    let scenario = Scenario::parse(&text, &origin, "merged", &[])?;
    Ok((scenario, text))
}

/// Names every directory and shard that misses runs, and how to finish each.
fn missing_report(dirs: &[ShardDir], missing: &BTreeSet<u32>, total: u32) -> InputError {
    let mut lines = vec![if missing.is_empty() {
        "not every directory holds a shard:".to_string()
    } else {
        format!(
            "{} of {total} runs are missing from these directories; every run is needed:",
            missing.len()
        )
    }];
    let mut explained = BTreeSet::new();
    let scenario_file = dirs
        .iter()
        .find(|d| d.scenario.is_some())
        .map(|d| d.dir.join(SCENARIO).display().to_string())
        .unwrap_or_else(|| "SCENARIO".into());
    for d in dirs {
        let dir = d.dir.display();
        match (&d.scenario, d.shard) {
            (None, _) if !d.dir.exists() => {
                lines.push(format!("  {dir} does not exist: its shard never started"))
            }
            (None, _) => lines.push(format!(
                "  {dir} has no {SCENARIO}: its shard never started, or it is not a directory \
                 of `regimes run --shard`"
            )),
            (Some(_), Some(shard)) => {
                let absent: Vec<u32> = shard.runs(total).filter(|r| missing.contains(r)).collect();
                if absent.is_empty() {
                    continue;
                }
                explained.extend(absent.iter().copied());
                let expected = shard.runs(total).count();
                lines.push(format!(
                    "  {dir} holds shard {shard} with {} of {expected} runs finished ({} \
                     missing): it was interrupted or is still running; finish it with \
                     `regimes run {} --shard {shard} --out {dir} --resume`",
                    expected - absent.len(),
                    runs_list(&absent),
                    d.dir.join(SCENARIO).display(),
                ));
            }
            (Some(_), None) => {}
        }
    }
    // Shards of the split every described directory agrees on that no directory was given for.
    let counts: BTreeSet<u32> = dirs
        .iter()
        .filter_map(|d| d.shard.map(|s| s.count))
        .collect();
    let all_described = dirs
        .iter()
        .all(|d| d.shard.is_some() || d.scenario.is_none());
    if let (Some(&count), 1, true) = (counts.first(), counts.len(), all_described) {
        let given: BTreeSet<u32> = dirs
            .iter()
            .filter_map(|d| d.shard.map(|s| s.index))
            .collect();
        for index in (0..count).filter(|i| !given.contains(i)) {
            let shard = Shard { index, count };
            let absent: Vec<u32> = shard.runs(total).filter(|r| missing.contains(r)).collect();
            if absent.is_empty() {
                continue;
            }
            explained.extend(absent.iter().copied());
            lines.push(format!(
                "  shard {shard} ({}) is in none of these directories: add its directory, or run \
                 it with `regimes run {scenario_file} --shard {shard} --out DIR`",
                runs_list(&absent)
            ));
        }
    }
    let rest: Vec<u32> = missing.difference(&explained).copied().collect();
    if !rest.is_empty() {
        lines.push(format!(
            "  {} in none of these directories: merge every shard (`run --shard I/N`, or \
             `--resume` an interrupted one)",
            runs_list(&rest)
        ));
    }
    InputError { problems: lines }
}

/// "run 3" or "runs 3, 11, 19", at most ten of them.
fn runs_list(runs: &[u32]) -> String {
    let shown: Vec<String> = runs.iter().take(10).map(|r| r.to_string()).collect();
    format!(
        "run{} {}{}",
        if runs.len() == 1 { "" } else { "s" },
        shown.join(", "),
        if runs.len() > 10 { ", ..." } else { "" }
    )
}
