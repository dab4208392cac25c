//! The documentation stays true to the code: every metric is defined in the
//! model doc, and the guide's glossary uses the words of `regimes explain`.

use regimes::model::{METRICS, PRESETS};

fn read(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

#[test]
fn the_guide_glossary_matches_the_metric_catalogue() {
    let guide = read("docs/GUIDE.md");
    for m in METRICS {
        let row = format!("| `{}` | {} |", m.name, m.label);
        assert!(
            guide.contains(&row),
            "GUIDE.md glossary lacks the row of `{}`",
            m.name
        );
        assert!(
            guide.contains(m.description),
            "GUIDE.md describes `{}` in other words than `regimes explain`",
            m.name
        );
    }
}

#[test]
fn the_model_doc_defines_every_metric_and_preset() {
    let model = read("docs/MODEL.md");
    for m in METRICS {
        assert!(
            model.contains(&format!("`{}`", m.name)),
            "MODEL.md lacks `{}`",
            m.name
        );
    }
    for p in PRESETS {
        assert!(
            model.contains(&format!("`{}`", p.name)),
            "MODEL.md lacks preset `{}`",
            p.name
        );
    }
}
