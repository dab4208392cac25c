//! A run request from the page, as JSON: a scenario without a sweep (the page
//! runs one point of a swept scenario). It is turned into scenario TOML and read
//! by the same reader as `regimes run`, so every value is checked by the same
//! rules and a refusal names the key, the value and what is allowed.

use serde_json::{Map, Value as Json};
use toml::{Table, Value};

use super::limits::Limits;
use crate::experiment::{Scenario, suggest};
use crate::model::{HEADLINE, METRICS};

/// Where request problems say they come from.
pub const ORIGIN: &str = "request";

/// Top-level keys a request may hold, besides the page's own `delay_ms` and `paused`.
const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "steps",
    "replicates",
    "seed",
    "record_every",
    "window",
    "world",
    "regimes",
    "populations",
];

/// What the page asked for: the scenario, and how to start stepping it.
#[derive(Debug)]
pub struct RunRequest {
    pub scenario: Scenario,
    /// Pause after each recorded step, so a class can follow.
    pub delay_ms: u64,
    /// Start paused (for the Step button).
    pub paused: bool,
    /// Positions in `METRICS` of the metrics streamed to the page.
    pub metrics: Vec<usize>,
}

/// Most metrics streamed at once (each is a chart on the page).
pub const MAX_METRICS: usize = 8;

/// Longest pause between recorded steps the page may ask for.
pub const MAX_DELAY_MS: u64 = 2_000;

/// Reads a request body; every problem is a line of the error.
pub fn parse(body: &[u8], limits: &Limits) -> Result<RunRequest, Vec<String>> {
    let doc: Json =
        serde_json::from_slice(body).map_err(|e| vec![format!("{ORIGIN}: malformed JSON: {e}")])?;
    let Json::Object(mut fields) = doc else {
        return Err(vec![format!("{ORIGIN}: expected a JSON object")]);
    };
    let delay_ms = match fields.remove("delay_ms") {
        None => 0,
        Some(Json::Number(n)) if n.as_u64().is_some_and(|d| d <= MAX_DELAY_MS) => {
            n.as_u64().unwrap_or(0)
        }
        Some(other) => {
            return Err(vec![format!(
                "{ORIGIN}: delay_ms = {other}: allowed an integer in 0..={MAX_DELAY_MS}"
            )]);
        }
    };
    let paused = match fields.remove("paused") {
        None => false,
        Some(Json::Bool(b)) => b,
        Some(other) => {
            return Err(vec![format!(
                "{ORIGIN}: paused = {other}: allowed true or false"
            )]);
        }
    };
    let metrics = match fields.remove("metrics") {
        None => HEADLINE.iter().map(|h| position(h).unwrap_or(0)).collect(),
        Some(value) => metric_list(&value)?,
    };
    let mut problems: Vec<String> = Vec::new();
    for key in fields.keys() {
        if !SCENARIO_KEYS.contains(&key.as_str()) {
            problems.push(format!(
                "{ORIGIN}: unknown key `{key}`; allowed: {}, metrics, delay_ms, paused (one sweep point: no sweep)",
                SCENARIO_KEYS.join(", ")
            ));
        }
    }
    let populations = fields.remove("populations");
    let table = to_toml_table(&fields, "", &mut problems);
    let mixed = populations.map_or_else(String::new, |p| populations_toml(&p, &mut problems));
    if !problems.is_empty() {
        return Err(problems);
    }
    let text = toml::to_string(&table).map_err(|e| vec![format!("{ORIGIN}: {e}")])? + &mixed;
    let scenario = Scenario::parse(&text, ORIGIN, "web", &[]).map_err(|e| e.problems)?;
    let over = limits.check(&scenario);
    if !over.is_empty() {
        return Err(over.into_iter().map(|l| format!("{ORIGIN}: {l}")).collect());
    }
    Ok(RunRequest {
        scenario,
        delay_ms,
        paused,
        metrics,
    })
}

fn position(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}

/// `metrics`: one to `MAX_METRICS` metric names.
fn metric_list(value: &Json) -> Result<Vec<usize>, Vec<String>> {
    let names: Vec<&str> = match value {
        Json::Array(items) => items.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    let count_ok = (1..=MAX_METRICS).contains(&names.len());
    if !count_ok || value.as_array().is_some_and(|a| a.len() != names.len()) {
        return Err(vec![format!(
            "{ORIGIN}: metrics = {value}: allowed a list of 1 to {MAX_METRICS} metric names"
        )]);
    }
    let mut out = Vec::new();
    for name in names {
        match position(name) {
            Some(k) if !out.contains(&k) => out.push(k),
            Some(_) => {}
            None => {
                let hint = suggest::hint(name, METRICS.iter().map(|m| m.name));
                return Err(vec![format!(
                    "{ORIGIN}: metrics: unknown metric `{name}`{hint}; `regimes explain` lists them"
                )]);
            }
        }
    }
    Ok(out)
}

/// `populations`, a mixed world (spec §5) as a list in its order (producers
/// are laid out in it): `{"name": "open", "regime": "commons", "share": 0.3,
/// ...axes}` each, written as the file's `[populations.NAME]` tables in that
/// order (a TOML table would sort them). The scenario reader checks the rest.
fn populations_toml(value: &Json, problems: &mut Vec<String>) -> String {
    let allowed = "allowed a list of {\"name\": ..., \"regime\": PRESET, \"share\": ..., axes}";
    let Some(items) = value.as_array().filter(|a| !a.is_empty()) else {
        problems.push(format!("{ORIGIN}: populations = {value}: {allowed}"));
        return String::new();
    };
    let mut text = String::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("populations[{i}]");
        let Some(mut fields) = item.as_object().cloned() else {
            problems.push(format!("{ORIGIN}: {at} = {item}: {allowed}"));
            continue;
        };
        // The name becomes a key of the TOML text: only the characters a
        // population's name may have.
        let name = match fields.remove("name") {
            Some(Json::String(n))
                if !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                n
            }
            other => {
                let shown = other.map_or("nothing".to_string(), |v| v.to_string());
                problems.push(format!(
                    "{ORIGIN}: {at}.name = {shown}: allowed letters, digits, _ or -"
                ));
                continue;
            }
        };
        let table = to_toml_table(&fields, &format!("populations.{name}"), problems);
        match toml::to_string(&table) {
            Ok(body) => text.push_str(&format!("\n[populations.{name}]\n{body}")),
            Err(e) => problems.push(format!("{ORIGIN}: {at}: {e}")),
        }
    }
    text
}

/// A JSON object as a TOML table; `null` and nested arrays are refused by path.
fn to_toml_table(map: &Map<String, Json>, at: &str, problems: &mut Vec<String>) -> Table {
    let mut table = Table::new();
    for (key, value) in map {
        let path = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        if let Some(v) = to_toml(value, &path, problems) {
            table.insert(key.clone(), v);
        }
    }
    table
}

fn to_toml(value: &Json, path: &str, problems: &mut Vec<String>) -> Option<Value> {
    match value {
        Json::Null => {
            problems.push(format!("{ORIGIN}: {path} = null: a value is needed"));
            None
        }
        Json::Bool(b) => Some(Value::Boolean(*b)),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Some(Value::Integer(i)),
            (None, Some(x)) if n.is_f64() => Some(Value::Float(x)),
            _ => {
                problems.push(format!(
                    "{ORIGIN}: {path} = {n}: beyond the range of a number"
                ));
                None
            }
        },
        Json::String(s) => Some(Value::String(s.clone())),
        Json::Array(items) => Some(Value::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| to_toml(v, &format!("{path}[{i}]"), problems))
                .collect(),
        )),
        Json::Object(map) => Some(Value::Table(to_toml_table(map, path, problems))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(body: &str) -> String {
        parse(body.as_bytes(), &Limits::default())
            .unwrap_err()
            .join("\n")
    }

    #[test]
    fn a_request_is_a_scenario_without_sweep() {
        let body = r#"{"name": "lesson", "steps": 20, "replicates": 2, "seed": 7,
            "world": {"producers": 50, "problems": 10, "skill_sigma": 0.5},
            "regimes": ["enclosure", {"preset": "commons", "name": "commons_levy", "levy": 0.3}],
            "delay_ms": 5, "paused": true}"#;
        let r = parse(body.as_bytes(), &Limits::default()).unwrap();
        assert_eq!((r.delay_ms, r.paused), (5, true));
        let s = r.scenario;
        assert_eq!(
            (s.name.as_str(), s.steps, s.replicates, s.seed),
            ("lesson", 20, 2, 7)
        );
        assert_eq!(s.world.skill_sigma, 0.5);
        assert_eq!(s.regimes[1].name, "commons_levy");
        assert_eq!(s.regimes[1].regime.levy, 0.3);
        assert!(s.sweep.is_empty());
    }

    #[test]
    fn a_mixed_world_keeps_its_populations_in_their_order() {
        let body = r#"{"steps": 10, "populations": [
            {"name": "zeta", "regime": "commons", "share": 0.3, "levy": 0.2},
            {"name": "alpha", "regime": "enclosure"}]}"#;
        let s = parse(body.as_bytes(), &Limits::default()).unwrap().scenario;
        let names: Vec<&str> = s.regimes[0]
            .populations
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["zeta", "alpha"]);
        assert_eq!(s.regimes[0].populations[0].share, Some(0.3));
        assert_eq!(s.regimes[0].populations[0].regime.levy, 0.2);
        let e = errors(r#"{"populations": [{"name": "a]\nx", "regime": "commons"}]}"#);
        assert!(e.contains("populations[0].name"), "{e}");
        let e = errors(r#"{"populations": [{"name": "a", "regime": "commons", "share": 1.5}]}"#);
        assert!(e.contains("share"), "{e}");
        assert!(errors(r#"{"populations": []}"#).contains("allowed a list"));
        // A complete network population is a mixed world's circle (D48).
        let body = r#"{"steps": 10, "populations": [
            {"name": "circle", "regime": "commons", "share": 0.5,
             "visibility": "network", "network": "complete"},
            {"name": "closed", "regime": "enclosure"}]}"#;
        let s = parse(body.as_bytes(), &Limits::default()).unwrap().scenario;
        let complete = crate::model::NetworkKind::Complete;
        assert_eq!(s.regimes[0].populations[0].regime.network, complete);
    }

    #[test]
    fn bad_requests_name_the_key_the_value_and_what_is_allowed() {
        assert!(errors("{").contains("malformed JSON"));
        assert!(errors("[1]").contains("expected a JSON object"));
        let e = errors(r#"{"world": {"loci": 65}}"#);
        assert!(e.contains("world.loci = 65") && e.contains("1..=64"), "{e}");
        let e = errors(r#"{"sweep": {"world.loci": [1, 2]}}"#);
        assert!(e.contains("unknown key `sweep`"), "{e}");
        let e = errors(r#"{"regimes": ["enclosur"]}"#);
        assert!(e.contains("enclosure"), "{e}");
        let e = errors(r#"{"steps": "many"}"#);
        assert!(e.contains("steps"), "{e}");
        let e = errors(r#"{"world": {"producers": null}}"#);
        assert!(e.contains("world.producers = null"), "{e}");
        let e = errors(r#"{"metrics": ["welfair"]}"#);
        assert!(
            e.contains("unknown metric `welfair`") && e.contains("welfare"),
            "{e}"
        );
        assert!(errors(r#"{"metrics": []}"#).contains("1 to 8 metric names"));
        let e = errors(r#"{"delay_ms": -1}"#);
        assert!(e.contains("delay_ms = -1"), "{e}");
    }

    #[test]
    fn requests_beyond_the_limits_are_refused() {
        let e = errors(r#"{"steps": 100000}"#);
        assert!(
            e.contains("steps = 100000 is beyond this server's limit of 3000"),
            "{e}"
        );
        let e = errors(r#"{"replicates": 100, "world": {"producers": 3000}}"#);
        assert!(e.contains("runs (regimes x replicates) = 300"), "{e}");
        assert!(e.contains("work (producers x steps x runs)"), "{e}");
    }
}
