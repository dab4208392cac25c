//! Reading one key of a scenario document: its type checked, its problem
//! recorded (key, value as written, what is allowed) rather than returned, so
//! that a file's every problem is reported at once. Shared by the reader of the
//! document (`reader.rs`) and of its chart entries (`charts.rs`).

use toml::{Table, Value};

use super::Problem;
use crate::experiment::suggest;
use crate::model::Config;
use crate::model::params::{self, Kind, Param};

/// Reads a document, collecting every problem rather than stopping at the first.
#[derive(Default)]
pub(super) struct Reader {
    pub(super) problems: Vec<Problem>,
}

impl Reader {
    pub(super) fn fail(
        &mut self,
        key: impl Into<String>,
        value: Option<&Value>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            key: key.into(),
            value: value.map(shown),
            message: message.into(),
            context: String::new(),
        });
    }

    /// An integer key in `min..=max`, or its default when absent.
    pub(super) fn int(&mut self, doc: &Table, key: &str, min: i64, max: i64, default: i64) -> i64 {
        let allowed = if max == i64::MAX || max == u32::MAX as i64 {
            format!("allowed an integer >= {min}")
        } else {
            format!("allowed an integer in {min}..={max}")
        };
        match doc.get(key) {
            None => default,
            Some(Value::Integer(i)) if (min..=max).contains(i) => *i,
            Some(v) => {
                self.fail(key, Some(v), allowed);
                default
            }
        }
    }

    pub(super) fn string(&mut self, doc: &Table, key: &str, default: &str) -> String {
        match doc.get(key) {
            None => default.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => {
                self.fail(key, Some(v), "allowed a string");
                default.to_string()
            }
        }
    }

    /// The list under `key`, `None` when absent; anything else is a problem
    /// saying what is `allowed`.
    pub(super) fn list<'a>(
        &mut self,
        key: &str,
        value: Option<&'a Value>,
        allowed: &str,
    ) -> Option<&'a Vec<Value>> {
        match value? {
            Value::Array(a) => Some(a),
            v => {
                self.fail(key, Some(v), allowed);
                None
            }
        }
    }

    /// The table under `key`, `None` when absent; anything else is a problem
    /// saying what is `allowed`.
    pub(super) fn table<'a>(
        &mut self,
        key: &str,
        value: Option<&'a Value>,
        allowed: &str,
    ) -> Option<&'a Table> {
        match value? {
            Value::Table(t) => Some(t),
            v => {
                self.fail(key, Some(v), allowed);
                None
            }
        }
    }

    /// Whether `value` names one of `names`; if not, a problem at `key` with the
    /// nearest name and the list (`what` says what the names are).
    pub(super) fn one_of(&mut self, key: &str, value: &Value, names: &[&str], what: &str) -> bool {
        let name = value.as_str().unwrap_or_default();
        if names.contains(&name) {
            return true;
        }
        let hint = suggest::hint(name, names.iter().copied());
        self.fail(
            key,
            Some(value),
            format!("unknown {what}{hint}; allowed: {}", names.join(", ")),
        );
        false
    }

    /// The typed value of a parameter, or a problem at `at` saying what is allowed.
    pub(super) fn setting(
        &mut self,
        value: &Value,
        param: &Param,
        at: &str,
    ) -> Option<params::Value> {
        let typed = setting(value, param);
        if typed.is_none() {
            self.fail(at, Some(value), format!("allowed {}", param.allowed()));
        }
        typed
    }
}

/// The typed value of a TOML value for a parameter, if it is of the parameter's type
/// (an integer, a number, a word of its list, `"none"` where allowed); ranges are
/// checked later, by the model, on whole configurations.
fn setting(value: &Value, param: &Param) -> Option<params::Value> {
    let typed = match (param.kind, value) {
        (_, Value::String(s)) if param.or_none && s == "none" => params::Value::None,
        (Kind::Integer { .. }, Value::Integer(i)) => {
            params::Value::Integer(u64::try_from(*i).ok()?)
        }
        (Kind::Number { .. }, Value::Integer(i)) => params::Value::Number(*i as f64),
        (Kind::Number { .. }, Value::Float(x)) => params::Value::Number(*x),
        (Kind::Boolean, Value::Boolean(b)) => params::Value::Boolean(*b),
        (Kind::Choice(words), Value::String(s)) => {
            params::Value::Choice(words.iter().find(|w| *w == s)?)
        }
        _ => return None,
    };
    // A population's share is not a `Config` path; its range is the model's check.
    if param.path.starts_with("populations.") {
        return Some(typed);
    }
    // The Rust type may be narrower than the declared range (u32 keys).
    Config::default()
        .set(param.path, typed)
        .ok()
        .map(|()| typed)
}

/// A TOML value for a message: numbers of any size in a few characters (`1e308`).
fn shown(value: &Value) -> String {
    match value {
        Value::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e16 => format!("{x:.1}"),
        Value::Float(x) => params::number(*x),
        Value::Array(a) if a.len() > 8 => format!("[{}, ... {} values]", shown(&a[0]), a.len()),
        Value::Array(a) => format!("[{}]", a.iter().map(shown).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}
