//! The command line: one file per command. Exit codes: 0 done, 2 bad input (a
//! scenario, an option or a directory refused, with a message naming the file,
//! the key, the value and what is allowed), 1 anything else.

mod explain;
mod interrupt;
mod list;
mod manifest;
mod merge;
mod plot;
mod report;
mod reproduce;
mod run;
mod sbatch;
mod serve;
mod slurm;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};

use crate::experiment::scenario::{DEFAULT_MAX_MEMORY, Limits};
use crate::experiment::{InputError, Override, Scenario};

/// Compare institutions of knowledge production (enclosure, governed commons,
/// planning) on duplicated effort, diversity and welfare.
#[derive(Parser, Debug)]
#[command(name = "regimes", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario (the embedded default if none is given) and write its tables and charts.
    Run(run::RunArgs),
    /// Check scenario files without running them.
    Validate(validate::ValidateArgs),
    /// List the scenarios under scenarios/ and the preset regimes.
    List,
    /// Explain a preset, a regime axis, a parameter or a metric in plain words.
    Explain(explain::ExplainArgs),
    /// Combine the output directories of `run --shard` into the tables of the whole scenario.
    Merge(merge::MergeArgs),
    /// Redraw the charts (and the report) of an output directory from its tables.
    Plot(plot::PlotArgs),
    /// Reproduce classic results (NK analytics, monopoly, ...) and judge them against the literature.
    Reproduce(reproduce::ReproduceArgs),
    /// Check the calibration target of the world's defaults (spec §4): every preset's search stays alive.
    Calibrate(reproduce::ReproduceArgs),
    /// Write a SLURM job array (one shard per task) and a merge job for a scenario; --submit submits them.
    Slurm(slurm::SlurmArgs),
    /// Serve a live page to run and compare regimes in a browser (a classroom on one laptop).
    Serve(serve::ServeArgs),
    /// Rebuild DIR/report.html, the self-contained page of a run, from its tables.
    Report(report::ReportArgs),
}

/// Parses the arguments, runs the command and maps errors to exit codes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::run(args),
        Command::List => list::run(),
        Command::Explain(args) => explain::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Plot(args) => plot::run(args),
        Command::Reproduce(args) => reproduce::run(args),
        Command::Calibrate(args) => reproduce::calibrate(args),
        Command::Slurm(args) => slurm::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Report(args) => report::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match e.downcast_ref::<InputError>() {
            Some(input) => {
                for line in &input.problems {
                    eprintln!("error: {line}");
                }
                ExitCode::from(2)
            }
            None => {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        },
    }
}

/// The file a scenario argument names: a path, else `scenarios/NAME.toml`.
fn scenario_path(arg: &str) -> PathBuf {
    let path = Path::new(arg);
    let named = Path::new("scenarios").join(format!("{arg}.toml"));
    if !path.exists() && named.exists() {
        named
    } else {
        path.to_path_buf()
    }
}

/// Options that raise the limits a scenario is checked against.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LimitArgs {
    /// Most memory one run may need, as estimated before it starts (e.g. 512MiB, 16GiB;
    /// default 4GiB). Parallel runs each need their own.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_memory: self.max_memory.unwrap_or(DEFAULT_MAX_MEMORY),
        }
    }
}

/// A size in bytes: a number with an optional binary unit (`B`, `KiB`, `MiB`, `GiB`,
/// `TiB`; `K`, `KB`, `M`, `MB`, ... mean the same).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => {
            return Err(format!(
                "`{text}`: allowed a size such as 512MiB, 16GiB or 1TiB"
            ));
        }
    };
    let x: f64 = digits
        .parse()
        .map_err(|_| format!("`{text}`: allowed a size such as 512MiB, 16GiB or 1TiB"))?;
    let bytes = x * (1u64 << shift) as f64;
    if bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64 {
        Ok(bytes as u64)
    } else {
        Err(format!("`{text}`: allowed a size from 1 byte to 16 EiB"))
    }
}

/// Loads a scenario argument with overrides; none, or `default` without such a
/// file, is the embedded default. A name that is neither a file nor under
/// `scenarios/` is refused naming the file looked for and the nearest names.
fn load_scenario(
    arg: Option<&str>,
    overrides: &[Override],
    limits: &Limits,
) -> Result<Scenario, InputError> {
    match arg {
        None => Scenario::default_within(overrides, limits),
        Some(a) => {
            let path = scenario_path(a);
            if a == "default" && !path.exists() {
                Scenario::default_within(overrides, limits)
            } else if !path.exists() {
                Err(missing_scenario(a, &path))
            } else {
                Scenario::load_within(&path, overrides, limits)
            }
        }
    }
}

/// The names of the scenario files under `scenarios/`, sorted.
fn scenario_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("scenarios")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .filter_map(|p| Some(p.file_stem()?.to_string_lossy().to_string()))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The message for a scenario that is not there: where it was looked for, and the
/// shipped scenarios with the nearest names.
fn missing_scenario(arg: &str, path: &Path) -> InputError {
    let named = Path::new("scenarios").join(format!("{arg}.toml"));
    let names = scenario_names();
    let stem = Path::new(arg)
        .file_stem()
        .map_or(arg.to_string(), |s| s.to_string_lossy().to_string());
    let hint = crate::experiment::suggest::hint(&stem, names.iter().map(String::as_str));
    let looked = if path == named {
        format!("`{}`", path.display())
    } else {
        format!("`{}` or `{}`", path.display(), named.display())
    };
    let known = if names.is_empty() {
        format!(
            "there is no scenarios/ directory in {} (run from the repository root, or give a path)",
            std::env::current_dir()
                .map_or("this directory".to_string(), |d| d.display().to_string())
        )
    } else {
        format!("scenarios here: {}", names.join(", "))
    };
    InputError::new(format!(
        "{arg}: no scenario file at {looked}{hint}; {known}"
    ))
}

/// A time as RFC 3339 in UTC, to the second (`2026-11-21T19:30:58Z`).
fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// Prints to stdout; a closed pipe (`regimes list | head`) is not an error.
fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Wraps text to `width` columns, each line indented by `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_rfc3339() {
        let at = |s: u64| timestamp(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(at(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn wraps_words() {
        assert_eq!(wrap("aa bb cc", 7, "  "), "  aa bb\n  cc\n");
        assert_eq!(wrap("", 10, ""), "");
    }

    #[test]
    fn command_line_parses() {
        let cli = Cli::try_parse_from([
            "regimes",
            "run",
            "x.toml",
            "--set",
            "steps=3",
            "--set",
            "world.loci=10",
            "--shard",
            "1/2",
            "--threads",
            "2",
            "--resume",
            "--quiet",
            "--format",
            "svg",
        ])
        .unwrap();
        assert!(matches!(cli.command, Command::Run(_)));
        assert!(Cli::try_parse_from(["regimes", "run", "--set", "steps"]).is_err());
        assert!(Cli::try_parse_from(["regimes", "run", "--shard", "2/2"]).is_err());
        assert!(Cli::try_parse_from(["regimes", "merge", "a", "b", "--out", "c"]).is_ok());
        assert!(Cli::try_parse_from(["regimes", "merge", "a"]).is_err());
    }
}
