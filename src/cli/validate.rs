//! `regimes validate`: check scenario files without running them.

use anyhow::Result;

use super::{LimitArgs, emit, load_scenario, scenario_path};
use crate::experiment::scenario::bytes;
use crate::experiment::{InputError, Override};

/// Arguments of `regimes validate`.
#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files (or names of files under scenarios/).
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<String>,
    /// Change a setting before checking, as `regimes run --set` would.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

pub fn run(args: ValidateArgs) -> Result<()> {
    let limits = args.limits.limits();
    let mut problems = Vec::new();
    let mut out = String::new();
    for arg in &args.scenarios {
        match load_scenario(Some(arg), &args.set, &limits) {
            Ok(s) => {
                let points = match s.points() {
                    1 => String::new(),
                    n => format!("{n} sweep points x "),
                };
                let memory = s
                    .memory_per_run()
                    .map_or(String::new(), |b| format!(", about {} per run", bytes(b)));
                out.push_str(&format!(
                    "ok: {}: `{}`, {} runs ({points}{} regimes x {} replicates) of {} steps{memory}\n",
                    scenario_path(arg).display(),
                    s.name,
                    s.runs(),
                    s.regimes.len(),
                    s.replicates,
                    s.steps
                ));
            }
            Err(e) => problems.extend(e.problems),
        }
    }
    // A closed pipe (`validate ... | head -1`) ends the listing, not the program.
    emit(&out)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError { problems }.into())
    }
}
