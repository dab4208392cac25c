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

/// A row of docs/guide/claims.csv: mean and interval at seed A and at seed B, and
/// whether the mean has the same sign at both.
struct Claim {
    a: [f64; 3],
    b: [f64; 3],
    robust: bool,
}

fn claims() -> std::collections::HashMap<String, Claim> {
    let table = read("docs/guide/claims.csv");
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let three = |p: &str| {
                [
                    num(f[col(&format!("mean_{p}"))]),
                    num(f[col(&format!("ci_low_{p}"))]),
                    num(f[col(&format!("ci_high_{p}"))]),
                ]
            };
            let claim = Claim {
                a: three("a"),
                b: three("b"),
                robust: f[col("robust")] == "yes",
            };
            (f[col("id")].to_string(), claim)
        })
        .collect()
}

/// The number written at the end of `text` (with its sign, `−` or `-`), and its decimals.
fn trailing_number(text: &str) -> Option<(f64, usize)> {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | '-' | '−' | '+'))
        .last()?
        .0;
    let token = text[start..].replace('−', "-").replace('+', "");
    let decimals = token.split_once('.').map_or(0, |(_, d)| d.len());
    Some((token.parse().ok()?, decimals))
}

/// The figures a guide figure marker `<!--c ID-->` follows: `mean` or `mean [low, high]`.
fn quoted_figures(before: &str) -> Vec<(f64, usize)> {
    let before = before.trim_end();
    if let Some(open) = before.strip_suffix(']').and_then(|b| b.rfind('[')) {
        let (low, high) = before[open + 1..before.len() - 1]
            .split_once(", ")
            .expect("an interval is written [low, high]");
        let mean = trailing_number(&before[..open]).expect("a mean before its interval");
        let low = trailing_number(low).expect("a lower bound");
        let high = trailing_number(high).expect("an upper bound");
        return vec![mean, low, high];
    }
    vec![trailing_number(before).expect("a figure before its marker")]
}

/// Every figure of docs/GUIDE.md marked `<!--c ID-->` (`ID@B` for the second seed) is the
/// claims table's, to the digits quoted; the table is written by docs/guide/regenerate.sh
/// from the current engine. A claim whose sign differs between the seeds must be called
/// "not robust" in its paragraph.
#[test]
fn the_guide_quotes_the_claims_table() {
    let guide = read("docs/GUIDE.md");
    let table = claims();
    let mut checked = 0;
    for (at, _) in guide.match_indices("<!--c ") {
        let rest = &guide[at + 6..];
        let id = rest[..rest.find("-->").expect("a closed marker")].trim();
        let (key, seed_b) = match id.strip_suffix("@B") {
            Some(k) => (k, true),
            None => (id, false),
        };
        let claim = table
            .get(key)
            .unwrap_or_else(|| panic!("GUIDE.md quotes {id}, which docs/guide/claims.csv lacks"));
        let values = if seed_b { claim.b } else { claim.a };
        let line_start = guide[..at].rfind('\n').map_or(0, |i| i + 1);
        let para_start = guide[..at].rfind("\n\n").unwrap_or(0);
        let before = &guide[para_start..at];
        let quoted = quoted_figures(before);
        for ((q, decimals), v) in quoted.iter().zip(values) {
            let tolerance = 0.5 * 10f64.powi(-(*decimals as i32)) * (1.0 + 1e-6);
            assert!(
                (q - v).abs() <= tolerance,
                "GUIDE.md line {}: {id} is {v} in the claims table, the guide says {q}",
                guide[..line_start].lines().count() + 1
            );
        }
        if !claim.robust {
            let para_end = at + guide[at..].find("\n\n").unwrap_or(guide.len() - at);
            assert!(
                guide[para_start..para_end].contains("not robust"),
                "GUIDE.md quotes {id}, whose sign differs between the seeds, without \
                 saying it is not robust"
            );
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} marked figures in GUIDE.md");
}

/// docs/GUIDE.md is its template docs/guide/GUIDE.in.md with each `{{ID}}` replaced by a figure
/// and its marker `<!--c ID-->`: the guide is edited in the template, and regenerated.
#[test]
fn the_guide_is_its_template_filled_in() {
    let guide = read("docs/GUIDE.md");
    let template = read("docs/guide/GUIDE.in.md");
    let (mut at, mut rest) = (0, template.as_str());
    loop {
        let literal = rest.find("{{").map_or(rest, |open| &rest[..open]);
        assert!(
            guide[at..].starts_with(literal),
            "docs/GUIDE.md differs from its template after byte {at}: edit \
             docs/guide/GUIDE.in.md and rerun docs/guide/regenerate.sh (SKIP_RUN=1)"
        );
        at += literal.len();
        rest = &rest[literal.len()..];
        let Some(spec) = rest.strip_prefix("{{") else {
            break;
        };
        let close = spec.find("}}").expect("a closed placeholder");
        let id = spec[..close].split('|').next().expect("an id");
        rest = &spec[close + 2..];
        if id == "WALLTIME" {
            // The wall-time table: it ends where the template goes on.
            let next = rest.find("{{").map_or(rest, |open| &rest[..open]);
            at += guide[at..]
                .find(next)
                .expect("the template after the wall times");
            continue;
        }
        let marker = format!("<!--c {id}-->");
        let figure = guide[at..].find(&marker).expect("the placeholder's marker");
        assert!(
            figure < 40 && !guide[at..at + figure].contains('\n'),
            "docs/GUIDE.md byte {at}: {id} is not a figure"
        );
        at += figure + marker.len();
    }
    assert_eq!(at, guide.len(), "docs/GUIDE.md goes on after its template");
}
