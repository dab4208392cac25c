//! The command line: one file per command.

use std::process::ExitCode;

/// Parses the arguments, runs the command and maps errors to exit codes.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
