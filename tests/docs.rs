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

/// The parameter tables of the docs, as the declaration in `src/model/config.rs` makes
/// them: (document, marker, table text).
fn parameter_tables() -> Vec<(&'static str, &'static str, String)> {
    use regimes::model::params::Table;
    let scenarios = |table: Table| {
        let mut text = String::from("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for p in regimes::model::params::all().filter(|p| p.table == table) {
            text.push_str(&format!(
                "| `{}` | `{}` | {} | {} |\n",
                p.key,
                p.default_value().literal(),
                p.allowed(),
                p.meaning
            ));
        }
        text
    };
    let model = |table: Table| {
        let mut text = String::from(
            "| key | symbol | default | allowed | unit | meaning |\n|---|---|---|---|---|---|\n",
        );
        for p in regimes::model::params::all().filter(|p| p.table == table) {
            let symbol = match p.symbol {
                "" => String::new(),
                s => format!("`{s}`"),
            };
            text.push_str(&format!(
                "| `{}` | {symbol} | {} | {} | {} | {} |\n",
                p.path,
                p.default_value(),
                p.allowed(),
                p.unit,
                p.meaning
            ));
        }
        text
    };
    vec![
        ("docs/SCENARIOS.md", "world", scenarios(Table::World)),
        ("docs/SCENARIOS.md", "regime", scenarios(Table::Regime)),
        ("docs/MODEL.md", "world", model(Table::World)),
        ("docs/MODEL.md", "regime", model(Table::Regime)),
    ]
}

/// Every parameter table of the docs is the one the declaration generates (ranges,
/// defaults and meanings), so a documented range is the enforced one. With
/// `REGIMES_BLESS=1` the test rewrites the tables instead.
#[test]
fn the_parameter_tables_are_generated_from_the_declaration() {
    let bless = std::env::var_os("REGIMES_BLESS").is_some();
    for (doc, marker, expected) in parameter_tables() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
        let text = read(doc);
        let open = format!(
            "<!-- parameters:{marker} (generated: REGIMES_BLESS=1 cargo test --test docs) -->\n"
        );
        let close = format!("<!-- /parameters:{marker} -->");
        let start = text
            .find(&open)
            .unwrap_or_else(|| panic!("{doc} lacks the marker {open}"))
            + open.len();
        let end = start + text[start..].find(&close).expect("a closing marker");
        if &text[start..end] == expected.as_str() {
            continue;
        }
        if bless {
            let updated = format!("{}{expected}{}", &text[..start], &text[end..]);
            std::fs::write(&path, updated).expect("docs are writable");
        } else {
            panic!(
                "{doc}'s {marker} table differs from the declaration; rerun with \
                 REGIMES_BLESS=1 to regenerate it. Expected:\n{expected}"
            );
        }
    }
}

/// The checks are driven by the declaration: at each declared bound the value is
/// accepted, and just beyond it refused with the documented words.
#[test]
fn every_declared_bound_is_the_enforced_one() {
    use regimes::model::Config;
    use regimes::model::params::{self, Bound, Kind, Value};
    for p in params::all() {
        let (min, max) = match p.kind {
            Kind::Integer { min, max } | Kind::Number { min, max } => (min, max),
            _ => continue,
        };
        let integer = matches!(p.kind, Kind::Integer { .. });
        let base = Config::default();
        let (lo, hi) = p.limits(&base);
        let value = |x: f64| {
            if integer {
                Value::Integer(x as u64)
            } else {
                Value::Number(x)
            }
        };
        let try_value = |x: f64| {
            let mut c = base.clone();
            c.set(p.path, value(x)).ok()?;
            Some(c.check().into_iter().find(|e| e.parameter == p.path))
        };
        let step = if integer { 1.0 } else { 1e-9 };
        for (bound, at, outward) in [(min, lo, -step), (max, hi, step)] {
            let Some(at) = at else { continue };
            let inclusive = !matches!(bound, Bound::Excl(_));
            let inside = if inclusive { at } else { at - outward };
            assert_eq!(try_value(inside).flatten(), None, "{} = {inside}", p.path);
            let outside = if inclusive { at + outward } else { at };
            if outside < 0.0 && integer {
                continue;
            }
            if let Some(found) = try_value(outside) {
                let e = found.unwrap_or_else(|| panic!("{} = {outside} accepted", p.path));
                assert!(
                    e.allowed.starts_with(&p.allowed()),
                    "{}: {}",
                    p.path,
                    e.allowed
                );
            }
        }
    }
}
