//! What `regimes run` says when it is stopped by Ctrl-C (SIGINT), by `kill`
//! (SIGTERM) or by a closed terminal (SIGHUP): how many runs are kept and the
//! command that finishes the others. Stopping at any moment is safe: every part
//! already written is whole (see `docs/RELIABILITY.md`), so the process just ends.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// On the first of those signals, prints `message()` and ends the process with
/// the shell's code for that signal (128 + its number, 130 for Ctrl-C).
pub fn on_stop(message: impl Fn() -> String + Send + 'static) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // A progress bar may hold the line: start a fresh one.
            eprintln!("\n{}", message());
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// The command line of this process with `--resume` added (once), quoted for a
/// POSIX shell where needed, starting with `regimes`.
pub fn resume_command() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut words = vec!["regimes".to_string()];
    words.extend(args.iter().map(|a| quote(a)));
    if !args.iter().any(|a| a == "--resume") {
        words.push("--resume".into());
    }
    words.join(" ")
}

/// `word` as the shell reads it back: bare when it is plain, else in single quotes.
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(quote("--set"), "--set");
        assert_eq!(quote("world.producers=60"), "world.producers=60");
        assert_eq!(quote("my runs/a b"), "'my runs/a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }
}
