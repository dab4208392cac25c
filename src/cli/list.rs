//! `regimes list`: the scenarios under `scenarios/` and the preset regimes.

use std::path::Path;

use anyhow::Result;

use super::wrap;
use crate::experiment::Scenario;
use crate::model::PRESETS;

pub fn run() -> Result<()> {
    println!("Scenarios (`regimes run NAME`):");
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
        show("default", Scenario::default_with(&[]).ok(), "(embedded)");
    }
    for path in &files {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let note = path.display().to_string();
        show(&stem, Scenario::load(path, &[]).ok(), &note);
    }
    println!("\nPreset regimes (`regimes explain NAME`):");
    let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in PRESETS {
        println!("  {:width$}  {}", p.name, p.summary);
    }
    println!(
        "\nAxes, parameters and metrics: `regimes explain NAME` (e.g. visibility, loci, welfare)."
    );
    Ok(())
}

/// One scenario: its name, size and the first sentence of its description.
fn show(name: &str, scenario: Option<Scenario>, note: &str) {
    match scenario {
        Some(s) => {
            println!(
                "  {name}  ({}, {} runs of {} steps)",
                note,
                s.runs(),
                s.steps
            );
            let first = s.description.split(". ").next().unwrap_or("").trim();
            if !first.is_empty() {
                let sentence = first.trim_end_matches('.');
                print!("{}", wrap(&format!("{sentence}."), 100, "      "));
            }
        }
        None => println!(
            "  {name}  ({note}: invalid, see `regimes validate {}`)",
            Path::new(note).display()
        ),
    }
}
