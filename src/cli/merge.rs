//! `regimes merge`: combine the directories of `run --shard` into the tables of
//! the whole scenario, identical to those of an unsharded run.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;

use super::run::{Manifest, finish, open_out, other_scenario};
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

pub fn run(args: MergeArgs) -> Result<()> {
    let started = SystemTime::now();
    let (scenario, text) = common_scenario(&args.dirs)?;
    // The shards are read under shared locks (no run writes them meanwhile), the
    // result written under the exclusive lock of --out (which may be a shard).
    let _out_lock = open_out(&args.out)?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let mut _shard_locks = Vec::new();
    for dir in args.dirs.iter().filter(|d| !same(d, &args.out)) {
        _shard_locks.push(lock::shared(dir)?);
    }
    if !args.force {
        other_scenario(&args.out, &scenario.name)?;
    }
    let total = scenario.runs() as usize;
    let mut sources = Sources {
        parts: Vec::new(),
        owner: vec![None; total],
    };
    for (i, dir) in args.dirs.iter().enumerate() {
        let parts = Parts::of(dir);
        for run in parts.done()? {
            if let Some(slot) = sources.owner.get_mut(run as usize) {
                slot.get_or_insert(i);
            }
        }
        sources.parts.push(parts);
    }
    let missing: Vec<usize> = (0..total).filter(|&r| sources.owner[r].is_none()).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(|r| r.to_string()).collect();
        return Err(InputError::new(format!(
            "{} of {total} runs are missing from these directories (runs {}{}): merge every \
             finished shard (`run --shard I/N`, or `--resume` an interrupted one)",
            missing.len(),
            shown.join(", "),
            if missing.len() > 10 { ", ..." } else { "" }
        ))
        .into());
    }
    write_atomic(&args.out.join(SCENARIO), |f| {
        std::io::Write::write_all(f, text.as_bytes())?;
        Ok(())
    })?;
    let assembled = finish(&scenario, &sources, &args.out, args.format, args.quiet)?;
    let mut manifest = Manifest::new(&scenario, started, assembled.trials);
    manifest.merged_from = Some(args.dirs.iter().map(|d| d.display().to_string()).collect());
    manifest.write(&args.out)
}

/// The resolved scenario every directory was run with; they must all agree.
fn common_scenario(dirs: &[PathBuf]) -> Result<(Scenario, String), InputError> {
    let read = |dir: &Path| -> Result<String, InputError> {
        let path = dir.join(SCENARIO);
        std::fs::read_to_string(&path).map_err(|e| {
            InputError::new(format!(
                "{}: {e}: not a directory written by `regimes run --shard`",
                path.display()
            ))
        })
    };
    let first = read(&dirs[0])?;
    for dir in &dirs[1..] {
        if read(dir)? != first {
            return Err(InputError::new(format!(
                "{}: another scenario than {}: shards must come from the same scenario and --set options",
                dir.join(SCENARIO).display(),
                dirs[0].join(SCENARIO).display()
            )));
        }
    }
    let origin = dirs[0].join(SCENARIO).display().to_string();
    let scenario = Scenario::parse(&first, &origin, "merged", &[])?;
    Ok((scenario, first))
}
