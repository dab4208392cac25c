//! `regimes validate`: check scenario files without running them.

use anyhow::Result;

use super::{load_scenario, scenario_path};
use crate::experiment::InputError;

/// Arguments of `regimes validate`.
#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files (or names of files under scenarios/).
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<String>,
}

pub fn run(args: ValidateArgs) -> Result<()> {
    let mut problems = Vec::new();
    for arg in &args.scenarios {
        match load_scenario(Some(arg), &[]) {
            Ok(s) => {
                let points = match s.points() {
                    1 => String::new(),
                    n => format!("{n} sweep points x "),
                };
                println!(
                    "ok: {}: `{}`, {} runs ({points}{} regimes x {} replicates) of {} steps",
                    scenario_path(arg).display(),
                    s.name,
                    s.runs(),
                    s.regimes.len(),
                    s.replicates,
                    s.steps
                );
            }
            Err(e) => problems.extend(e.problems),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError { problems }.into())
    }
}
