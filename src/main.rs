use std::process::ExitCode;

fn main() -> ExitCode {
    regimes::cli::main()
}
