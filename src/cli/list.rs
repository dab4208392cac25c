//! `regimes list`: the scenarios under `scenarios/` and the preset regimes.

use std::path::Path;

use anyhow::Result;

use super::{emit, wrap};
use crate::experiment::Scenario;
use crate::model::PRESETS;

pub fn run() -> Result<()> {
    let mut out = String::from("Scenarios (`regimes run NAME`):\n");
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if !files
        .iter()
        .any(|p| p.file_stem().is_some_and(|s| s == "default"))
    {
        show(
            &mut out,
            "default",
            Scenario::default_with(&[]).ok(),
            "embedded",
        );
    }
    for path in &files {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let note = path.display().to_string();
        show(&mut out, &stem, Scenario::load(path, &[]).ok(), &note);
    }
    out.push_str("\nPreset regimes (`regimes explain NAME`):\n");
    let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in PRESETS {
        out.push_str(&format!("  {:width$}  {}\n", p.name, p.summary));
    }
    out.push_str(
        "\nAxes, parameters and metrics: `regimes explain NAME` (e.g. visibility, loci, welfare).\n",
    );
    emit(&out)?;
    Ok(())
}

/// One scenario: its name, size and the first sentence of its description.
fn show(out: &mut String, name: &str, scenario: Option<Scenario>, note: &str) {
    match scenario {
        Some(s) => {
            out.push_str(&format!(
                "  {name}  ({note}, {} runs of {} steps)\n",
                s.runs(),
                s.steps
            ));
            out.push_str(&wrap(first_sentence(&s.description), 100, "      "));
        }
        None => out.push_str(&format!(
            "  {name}  ({note}: invalid, see `regimes validate {}`)\n",
            Path::new(note).display()
        )),
    }
}

/// Text up to the end of its first sentence (`.`, `?` or `!` followed by a space).
fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    let end = text
        .char_indices()
        .zip(text.chars().skip(1))
        .find(|((_, c), next)| ".?!".contains(*c) && next.is_whitespace())
        .map(|((i, _), _)| i + 1)
        .unwrap_or(text.len());
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentences() {
        assert_eq!(first_sentence(" Does it? Yes. "), "Does it?");
        assert_eq!(first_sentence("One (e.g.x). Two."), "One (e.g.x).");
        assert_eq!(first_sentence("No stop"), "No stop");
    }
}
