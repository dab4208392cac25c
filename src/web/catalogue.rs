//! What the page may offer: scenarios, presets, parameters with the control that
//! sets each, metrics and limits, as one JSON document. [`control`] is the only
//! place that reads the parameter declarations (`model::params`), so the
//! page's ranges follow them.

use std::path::Path;

use serde::Serialize;
use serde_json::{Value as Json, json};

use super::limits::Limits;
use crate::experiment::{InputError, Scenario};
use crate::model::params::{self, AXES, Bound, Kind, Param, Table, Value};
use crate::model::{HEADLINE, METRICS, PRESETS};

/// How the page sets a parameter, derived from its declared allowed values.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Control {
    /// A slider over a bounded range; `max_param` names a parameter the upper
    /// bound follows (`interactions` < `loci`), `max_offset` is added to it.
    Slider {
        min: f64,
        max: f64,
        step: f64,
        integer: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        max_param: Option<&'static str>,
        max_offset: f64,
    },
    /// A number without a declared upper bound (typed in); `none` allows "none".
    Number {
        min: f64,
        integer: bool,
        none: bool,
    },
    Toggle,
    Choice {
        options: Vec<&'static str>,
    },
}

/// The control of a parameter, from its declared kind and range; `limits` caps
/// the size parameters the server bounds.
pub fn control(p: &Param, limits: &Limits) -> Control {
    let (min, max) = match p.kind {
        Kind::Boolean => return Control::Toggle,
        Kind::Choice(words) => {
            return Control::Choice {
                options: words.to_vec(),
            };
        }
        Kind::Integer { min, max } | Kind::Number { min, max } => (min, max),
    };
    let integer = matches!(p.kind, Kind::Integer { .. });
    // An excluded bound is approached by one slider step.
    let nudge = if integer { 1.0 } else { 0.01 };
    let lo = match min {
        Bound::Incl(x) => x,
        Bound::Excl(x) => x + nudge,
        Bound::Free | Bound::Param(..) => 0.0,
    };
    let cap = match p.path {
        "world.producers" => Some(limits.producers as f64),
        "world.problems" => Some(limits.problems as f64),
        _ => None,
    };
    let (hi, max_param, max_offset) = match max {
        Bound::Incl(x) => (Some(cap.map_or(x, |c| c.min(x))), None, 0.0),
        Bound::Excl(x) => (Some(x - nudge), None, 0.0),
        Bound::Free => (cap, None, 0.0),
        // Follows another parameter: the slider's widest range is that one's.
        Bound::Param(path, offset) => {
            let other = params::find(path).map(|q| control(q, limits));
            let widest = match other {
                Some(Control::Slider { max, .. }) => Some(max + offset),
                _ => None,
            };
            let key = path.split_once('.').map_or(path, |(_, k)| k);
            (widest, Some(key), offset)
        }
    };
    match hi {
        // A slider over thousands of values cannot be set to one of them.
        Some(hi) if !p.or_none && (!integer || hi - lo <= 10_000.0) => Control::Slider {
            min: lo,
            max: hi,
            step: if integer { 1.0 } else { 0.01 },
            integer,
            max_param,
            max_offset,
        },
        _ => Control::Number {
            min: lo,
            integer,
            none: p.or_none,
        },
    }
}

/// The world parameters the page shows first; the rest are folded away.
const KEY_WORLD: &[&str] = &[
    "producers",
    "problems",
    "loci",
    "interactions",
    "domains",
    "skill_sigma",
    "value_tail",
    "intrinsic_share",
    "shock_rate",
];

/// A parameter's value as the page sends it back.
fn value_json(v: Value) -> Json {
    match v {
        Value::Integer(i) => json!(i),
        Value::Number(x) => json!(x),
        Value::Boolean(b) => json!(b),
        Value::Choice(w) => json!(w),
        Value::None => json!("none"),
    }
}

fn param_json(p: &Param, limits: &Limits) -> Json {
    json!({
        "key": p.key,
        "path": p.path,
        "meaning": p.meaning,
        "allowed": p.allowed(),
        "default": value_json(p.default_value()),
        "key_parameter": KEY_WORLD.contains(&p.key),
        "control": control(p, limits),
    })
}

fn as_json<T: Serialize>(value: &T) -> Json {
    serde_json::to_value(value).expect("model values serialise to JSON")
}

/// A scenario as the page edits it: its resolved settings and sweep.
pub fn scenario_json(key: &str, s: &Scenario) -> Json {
    json!({
        "key": key,
        "name": s.name,
        "description": s.description,
        "steps": s.steps,
        "replicates": s.replicates,
        "seed": s.seed,
        "record_every": s.record_every,
        "window": s.window,
        "world": as_json(&s.world),
        "regimes": s.regimes.iter().map(|r| json!({
            "name": r.name,
            "preset": r.preset,
            "settings": as_json(&r.regime),
            // A mixed world's populations (spec §5), in order; a share of
            // null takes what the others leave.
            "populations": r.populations.iter().map(|p| json!({
                "name": p.name,
                "preset": p.preset,
                "share": p.share,
                "settings": as_json(&p.regime),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "sweep": s.sweep.iter().map(|a| json!({
            "path": a.path,
            "values": as_json(&a.values),
        })).collect::<Vec<_>>(),
    })
}

/// The scenarios the page offers: the embedded default, every readable file
/// under `dir`, and the one named on the command line. Unreadable files are
/// left out with a note on stderr.
pub fn scenarios(dir: &Path, extra: Option<&Path>) -> Result<Vec<(String, Scenario)>, InputError> {
    let mut found = vec![("default".to_string(), Scenario::default_with(&[])?)];
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for path in files {
        let key = path.file_stem().unwrap_or_default().to_string_lossy();
        match Scenario::load(&path, &[]) {
            Ok(s) => {
                found.retain(|(k, _)| *k != key);
                found.push((key.to_string(), s));
            }
            Err(e) => eprintln!("note: {} left out of the page: {e}", path.display()),
        }
    }
    if let Some(path) = extra {
        let key = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let s = Scenario::load(path, &[])?;
        found.retain(|(k, _)| *k != key);
        found.push((key, s));
    }
    Ok(found)
}

/// The whole catalogue the page starts from.
pub fn catalogue(scenarios: &[(String, Scenario)], initial: &str, limits: &Limits) -> Json {
    let table = |t: Table| -> Vec<Json> {
        params::all()
            .filter(|p| p.table == t)
            .map(|p| param_json(p, limits))
            .collect()
    };
    json!({
        "initial": initial,
        "limits": limits,
        "scenarios": scenarios.iter().map(|(k, s)| scenario_json(k, s)).collect::<Vec<_>>(),
        "presets": PRESETS.iter().map(|p| json!({
            "name": p.name,
            "summary": p.summary,
            "description": p.description,
            "settings": as_json(&p.regime()),
        })).collect::<Vec<_>>(),
        "world": table(Table::World),
        "regime": table(Table::Regime),
        "axes": AXES.iter().map(|a| json!({
            "name": a.name, "meaning": a.meaning, "keys": a.keys,
        })).collect::<Vec<_>>(),
        "metrics": METRICS.iter().map(|m| json!({
            "name": m.name,
            "label": m.label,
            "description": m.description,
            "headline": HEADLINE.contains(&m.name),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(path: &str) -> Control {
        control(params::find(path).expect("a parameter"), &Limits::default())
    }

    fn slider(c: &Control) -> (f64, f64, bool, Option<&'static str>) {
        match c {
            Control::Slider {
                min,
                max,
                integer,
                max_param,
                ..
            } => (*min, *max, *integer, *max_param),
            other => panic!("not a slider: {other:?}"),
        }
    }

    #[test]
    fn controls_follow_the_declared_ranges() {
        assert_eq!(slider(&of("world.loci")), (1.0, 64.0, true, None));
        assert_eq!(slider(&of("world.interactions")).3, Some("loci"));
        assert_eq!(slider(&of("world.groups")).3, Some("producers"));
        assert_eq!(slider(&of("regime.levy")), (0.0, 1.0, false, None));
        assert_eq!(slider(&of("world.producers")).1, 5000.0);
        assert_eq!(of("regime.exclusive"), Control::Toggle);
        assert_eq!(
            of("regime.visibility"),
            Control::Choice {
                options: vec!["private", "groups", "federated", "network", "open"]
            }
        );
        let number = |min, integer, none| Control::Number { min, integer, none };
        assert_eq!(of("regime.patent_term"), number(1.0, true, true));
        assert_eq!(of("world.domains"), number(1.0, true, false));
        assert_eq!(of("world.value_tail"), number(1.01, false, false));
    }

    #[test]
    fn every_parameter_has_a_control_and_every_choice_is_accepted() {
        let limits = Limits::default();
        for p in params::all() {
            if let Control::Choice { options } = control(p, &limits) {
                for o in options {
                    let set = format!("{}={o}", p.path).parse().unwrap();
                    assert!(Scenario::default_with(&[set]).is_ok(), "{} = {o}", p.path);
                }
            }
        }
    }
}
