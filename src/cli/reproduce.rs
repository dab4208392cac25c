//! `regimes reproduce [NAME|all]`: runs classic results through the engine, as `regimes run`
//! would (tables and charts in `output/classics/NAME/`), and prints each published figure
//! beside the measured one with its 95 % CI and a verdict. Exit 0 only if every check passes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};

use super::run::{RunArgs, run_scenario};
use super::{emit, wrap};
use crate::experiment::calibration::CALIBRATION;
use crate::experiment::classics::{CLASSICS, Classic};
use crate::experiment::suggest::hint;
use crate::experiment::{InputError, Override, Scenario};
use crate::output::charts::Format;
use crate::output::verdict::{Verdict, describe, verdicts};

/// Arguments of `regimes reproduce`.
#[derive(clap::Args, Debug)]
pub struct ReproduceArgs {
    /// A check set's name (a reproduction, or a half of the calibration), or `all` (the default).
    #[arg(default_value = "all")]
    pub name: String,
    /// Parent of the output directories (default: output/classics/ or output/calibration/), one per check set.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (0: every core). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Change a setting of every reproduction run (e.g. replicates=20 for a quick look).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// No progress bar and no notes; the verdicts only.
    #[arg(long)]
    pub quiet: bool,
    /// Image formats of the charts.
    #[arg(long, value_enum, default_value = "both")]
    pub format: Format,
    #[command(flatten)]
    pub limits: super::LimitArgs,
}

pub fn run(args: ReproduceArgs) -> Result<()> {
    judge_all(CLASSICS, "reproduce", "classics", &args)
}

/// `regimes calibrate [NAME|all]`: the calibration target of the world's defaults (spec §4),
/// run and judged as the reproductions are.
pub fn calibrate(args: ReproduceArgs) -> Result<()> {
    judge_all(CALIBRATION, "calibrate", "calibration", &args)
}

/// Runs the chosen entries of `catalogue` (embedded from `scenarios/FOLDER/`) into
/// `output/FOLDER/NAME/` and prints each check's verdict.
fn judge_all(
    catalogue: &'static [Classic],
    command: &str,
    folder: &str,
    args: &ReproduceArgs,
) -> Result<()> {
    let chosen: Vec<&Classic> = if args.name == "all" {
        catalogue.iter().collect()
    } else {
        match catalogue.iter().find(|c| c.name == args.name) {
            Some(c) => vec![c],
            None => {
                let names = catalogue.iter().map(|c| c.name).chain(["all"]);
                return Err(InputError::new(format!(
                    "{command}: no check set called {:?}; {}",
                    args.name,
                    hint(&args.name, names)
                ))
                .into());
            }
        }
    };
    let parent = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(folder));
    let (mut passed, mut total) = (0, 0);
    for classic in chosen {
        let origin = format!("scenarios/{folder}/{}.toml (built in)", classic.name);
        let scenario = Scenario::parse_within(
            classic.scenario,
            &origin,
            classic.name,
            &args.set,
            &args.limits.limits(),
        )?;
        let out = parent.join(classic.name);
        let run_args = RunArgs {
            scenario: None,
            out: Some(out.clone()),
            threads: args.threads,
            set: Vec::new(),
            shard: None,
            resume: false,
            // The directory is this reproduction's own: a rerun (with other --set values) replaces it.
            force: true,
            quiet: true,
            format: args.format,
            limits: super::LimitArgs {
                max_memory: args.limits.max_memory,
            },
        };
        if !args.quiet {
            eprintln!("{}: running {} runs ...", classic.name, scenario.runs());
        }
        let start = Instant::now();
        run_scenario(scenario.clone(), &run_args)?;
        let judged = verdicts(classic, &scenario, &out)?;
        let seconds = start.elapsed().as_secs_f64();
        passed += judged.iter().filter(|v| v.pass).count();
        total += judged.len();
        emit(&report(classic, &scenario, &judged, seconds, &out))?;
    }
    emit(&format!("{passed} of {total} checks passed\n"))?;
    if passed < total {
        bail!("{} of {total} checks failed", total - passed);
    }
    Ok(())
}

/// The printed verdicts of one reproduction.
fn report(
    classic: &Classic,
    scenario: &Scenario,
    judged: &[Verdict],
    seconds: f64,
    out: &Path,
) -> String {
    let mut text = format!("\n== {}: {}\n", classic.name, classic.source);
    text.push_str(&wrap(
        &format!(
            "setup: {} ({} runs, {seconds:.1} s wall; tables and charts in {})",
            classic.setup,
            scenario.runs(),
            out.display()
        ),
        100,
        "   ",
    ));
    for v in judged {
        let e = &v.estimate;
        text.push_str(&format!(
            "   {} {}\n      published: {}\n      measured:  {} [{}, {}] over n = {}\n      rule:      {}\n",
            if v.pass { "PASS" } else { "FAIL" },
            v.check.claim,
            v.check.published,
            figure(e.mean),
            figure(e.ci_low),
            figure(e.ci_high),
            e.n,
            describe(v.check.rule),
        ));
    }
    text
}

/// A number at a precision that shows the checks' tolerances.
fn figure(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.abs() >= 1000.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.4}")
    }
}
