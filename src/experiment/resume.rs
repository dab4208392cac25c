//! Resuming an interrupted run: the runs still to do, and the guarantee that a
//! directory is only resumed with the very scenario it was started with (runs
//! of another scenario would silently mix into the tables).

use std::collections::BTreeSet;
use std::path::Path;

use super::scenario::InputError;

/// The runs of `wanted` without a finished marker, in order.
pub fn pending(wanted: impl IntoIterator<Item = u32>, done: &BTreeSet<u32>) -> Vec<u32> {
    wanted.into_iter().filter(|r| !done.contains(r)).collect()
}

/// Refuses to resume when the resolved scenario in the directory (`existing`, read
/// from `path`) is not the one about to run.
pub fn same_scenario(existing: &str, resolved: &str, path: &Path) -> Result<(), InputError> {
    if existing == resolved {
        return Ok(());
    }
    let mut old = existing.lines();
    let mut new = resolved.lines();
    let mut line = 1;
    let (was, now) = loop {
        match (old.next(), new.next()) {
            (a, b) if a != b => break (a.unwrap_or("(end)"), b.unwrap_or("(end)")),
            _ => line += 1,
        }
    };
    Err(InputError::new(format!(
        "{}: line {line} = `{was}` but this scenario has `{now}`: resume only with the same \
         scenario and --set options, or run without --resume to start over",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_skips_done_runs() {
        let done: BTreeSet<u32> = [1, 3].into_iter().collect();
        assert_eq!(pending(0..5, &done), [0, 2, 4]);
    }

    #[test]
    fn refuses_another_scenario_naming_the_line() {
        let p = Path::new("out/scenario.toml");
        assert!(same_scenario("a = 1\nb = 2\n", "a = 1\nb = 2\n", p).is_ok());
        let e = same_scenario("a = 1\nb = 2\n", "a = 1\nb = 3\n", p).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("out/scenario.toml: line 2 = `b = 2`"),
            "{text}"
        );
        assert!(text.contains("`b = 3`"), "{text}");
    }
}
