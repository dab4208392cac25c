//! Every model parameter is declared once, in the tables of `config.rs`, through the
//! `parameters!` macro: name, type, default, allowed range, symbol, unit and meaning.
//! The structs [`World`] and [`Regime`], their `Default`, the range checks of
//! [`Config::check`], `regimes explain`, the scenario reader and the parameter tables of
//! the docs all come from that one declaration, so they cannot disagree.
//!
//! Other code (a web form, a sweep builder) reads the catalogue through [`all`],
//! [`find`], [`Param`] and [`Config::get`]/[`Config::set`]; [`AXES`] groups the regime keys.
//! The macros that turn a declaration into code are in `declare.rs`:
//!
//! ```
//! use regimes::model::params::{self, Value};
//! use regimes::model::Config;
//! let loci = params::find("world.loci").unwrap();
//! assert_eq!(loci.default_value(), Value::Integer(20));
//! assert_eq!(loci.limits(&Config::default()), (Some(1.0), Some(64.0)));
//! let mut config = Config::default();
//! config.set("world.loci", Value::Integer(30)).unwrap();
//! assert!(config.check().is_empty());
//! ```

use std::fmt;

pub use super::config::{AXES, Axis};
use super::config::{Config, ConfigError, Regime, World};
pub use super::declare::ParamType;

/// The table of a scenario a parameter lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// `[world]`: the population, the problems and how people behave.
    World,
    /// A regime (institutions): one entry of `regimes`.
    Regime,
}

impl Table {
    /// `world` or `regime`, as in scenario paths.
    pub fn name(self) -> &'static str {
        match self {
            Table::World => "world",
            Table::Regime => "regime",
        }
    }
}

/// One side of an allowed range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// No limit on this side.
    Free,
    /// This value is allowed (`>=` as a minimum, `<=` as a maximum).
    Incl(f64),
    /// Only values strictly beyond this one (`>` as a minimum, `<` as a maximum).
    Excl(f64),
    /// Another parameter's value plus an offset, allowed (`interactions <= loci - 1`).
    Param(&'static str, f64),
}

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A whole number in `min..=max` (a slider with step 1).
    Integer { min: Bound, max: Bound },
    /// A finite real number between the bounds.
    Number { min: Bound, max: Bound },
    /// `true` or `false`.
    Boolean,
    /// One word of a list.
    Choice(&'static [&'static str]),
}

/// An integer in `min..=max`.
pub const fn integer(min: u64, max: u64) -> Kind {
    Kind::Integer {
        min: Bound::Incl(min as f64),
        max: Bound::Incl(max as f64),
    }
}

/// A number in [0, 1].
pub const SHARE: Kind = Kind::Number {
    min: Bound::Incl(0.0),
    max: Bound::Incl(1.0),
};

/// A finite number >= 0.
pub const NON_NEGATIVE: Kind = Kind::Number {
    min: Bound::Incl(0.0),
    max: Bound::Free,
};

/// A finite number > 0.
pub const POSITIVE: Kind = Kind::Number {
    min: Bound::Excl(0.0),
    max: Bound::Free,
};

/// The value of one parameter, whatever its Rust type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Integer(u64),
    Number(f64),
    Boolean(bool),
    Choice(&'static str),
    /// `"none"`: no patent term, no pay cap.
    None,
}

impl Value {
    /// The value as a scenario file writes it: `"market"`, `0.1`, `16.0`, `"none"`.
    pub fn literal(self) -> String {
        match self {
            Value::Choice(w) => format!("\"{w}\""),
            Value::None => "\"none\"".to_string(),
            Value::Number(x) if x.fract() == 0.0 && x.abs() < 1e16 => format!("{x:.1}"),
            other => other.to_string(),
        }
    }

    /// The value as a number, if it is one.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Integer(i) => Some(i as f64),
            Value::Number(x) => Some(x),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(i) => write!(f, "{i}"),
            Value::Number(x) => f.write_str(&number(*x)),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Choice(w) => f.write_str(w),
            Value::None => f.write_str("none"),
        }
    }
}

/// A number for a message: plain digits at ordinary sizes, else scientific notation
/// (`1e308`, not 309 digits).
pub fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-5..1e16).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// One declared parameter.
#[derive(Debug)]
pub struct Param {
    pub table: Table,
    /// Key inside its table (`loci`, `levy`).
    pub key: &'static str,
    /// Scenario path, as in `[sweep]` and `--set` (`world.loci`, `regime.levy`).
    pub path: &'static str,
    /// Symbol in docs/MODEL.md (`L`, `lambda`), or empty.
    pub symbol: &'static str,
    /// Unit of its values, in words.
    pub unit: &'static str,
    pub kind: Kind,
    /// Whether `"none"` is allowed besides the range.
    pub or_none: bool,
    /// What it means, for a student.
    pub meaning: &'static str,
}

impl Param {
    /// Its value in `config`.
    pub fn get(&self, config: &Config) -> Value {
        let value = match self.table {
            Table::World => config.world.get(self.key),
            Table::Regime => config.regime.get(self.key),
        };
        value.expect("a declared key")
    }

    /// Its default value.
    pub fn default_value(&self) -> Value {
        self.get(&Config::default())
    }

    /// The bounds of a numeric parameter in `config` (other parameters' values filled in).
    pub fn limits(&self, config: &Config) -> (Option<f64>, Option<f64>) {
        let resolve = |b: Bound| match b {
            Bound::Free => None,
            Bound::Incl(x) | Bound::Excl(x) => Some(x),
            Bound::Param(path, offset) => find(path)
                .and_then(|p| p.get(config).as_f64())
                .map(|x| x + offset),
        };
        match self.kind {
            Kind::Integer { min, max } | Kind::Number { min, max } => (resolve(min), resolve(max)),
            _ => (None, None),
        }
    }

    /// The allowed values in words: "an integer in 1..=64", "a share in [0, 1]".
    pub fn allowed(&self) -> String {
        let mut text = match self.kind {
            Kind::Integer { min, max } => match (min, max) {
                (lo, Bound::Free) => format!("an integer >= {}", side(lo)),
                (lo, hi) => format!("an integer in {}..={}", side(lo), side(hi)),
            },
            Kind::Number { min, max } => interval(min, max),
            Kind::Boolean => "true or false".to_string(),
            Kind::Choice(words) => match words.split_last() {
                Some((last, [])) => last.to_string(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            },
        };
        if self.or_none {
            text.push_str(", or \"none\"");
        }
        text
    }

    /// [`Param::allowed`], with the values of the parameters it refers to in `config`.
    pub fn allowed_in(&self, config: &Config) -> String {
        let text = self.allowed();
        match (self.kind, self.limits(config)) {
            (Kind::Integer { min, max }, (Some(lo), Some(hi)))
                if matches!(min, Bound::Param(..)) || matches!(max, Bound::Param(..)) =>
            {
                format!("{text} ({lo}..={hi})")
            }
            (Kind::Number { min, .. }, (Some(lo), _)) if matches!(min, Bound::Param(..)) => {
                format!("{text} ({} = {})", side(min), number(lo))
            }
            _ => text,
        }
    }

    /// The problem with its value in `config`, if any.
    pub fn check(&self, config: &Config) -> Option<ConfigError> {
        let value = self.get(config);
        let ok = match (self.kind, value) {
            (_, Value::None) => self.or_none,
            (Kind::Integer { .. } | Kind::Number { .. }, v) => {
                let x = v.as_f64().unwrap_or(f64::NAN);
                let (lo, hi) = self.limits(config);
                let (min, max) = match self.kind {
                    Kind::Integer { min, max } | Kind::Number { min, max } => (min, max),
                    _ => unreachable!("matched above"),
                };
                x.is_finite() && above(x, min, lo) && below(x, max, hi)
            }
            (Kind::Boolean, Value::Boolean(_)) => true,
            (Kind::Choice(words), Value::Choice(w)) => words.contains(&w),
            _ => false,
        };
        (!ok).then(|| ConfigError {
            parameter: self.path.to_string(),
            value: value.to_string(),
            allowed: self.allowed_in(config),
        })
    }
}

fn above(x: f64, bound: Bound, at: Option<f64>) -> bool {
    match (bound, at) {
        (Bound::Excl(_), Some(b)) => x > b,
        (_, Some(b)) => x >= b,
        (_, None) => true,
    }
}

fn below(x: f64, bound: Bound, at: Option<f64>) -> bool {
    match (bound, at) {
        (Bound::Excl(_), Some(b)) => x < b,
        (_, Some(b)) => x <= b,
        (_, None) => true,
    }
}

/// A bound in words: `64`, `loci-1`, `base_budget`.
fn side(b: Bound) -> String {
    match b {
        Bound::Free => String::new(),
        Bound::Incl(x) | Bound::Excl(x) => number(x),
        Bound::Param(path, offset) => {
            let key = path.split_once('.').map_or(path, |(_, k)| k);
            match offset {
                0.0 => key.to_string(),
                o if o < 0.0 => format!("{key}-{}", number(-o)),
                o => format!("{key}+{}", number(o)),
            }
        }
    }
}

/// A real interval in words: "a share in [0, 1)", "a number > 0", "a number in (0, 1)".
fn interval(min: Bound, max: Bound) -> String {
    let open = |b: Bound| matches!(b, Bound::Excl(_));
    match (min, max) {
        (lo, Bound::Free) => {
            let op = if open(lo) { ">" } else { ">=" };
            format!("a number {op} {}", side(lo))
        }
        (lo, hi) => {
            let noun =
                if lo == Bound::Incl(0.0) && matches!(hi, Bound::Incl(1.0) | Bound::Excl(1.0)) {
                    "a share"
                } else {
                    "a number"
                };
            let left = if open(lo) { "(" } else { "[" };
            let right = if open(hi) { ")" } else { "]" };
            format!("{noun} in {left}{}, {}{right}", side(lo), side(hi))
        }
    }
}

/// Every parameter, world first, in declaration order.
pub fn all() -> impl Iterator<Item = &'static Param> {
    World::PARAMS.iter().chain(Regime::PARAMS)
}

/// The parameter at a scenario path (`world.loci`, `regime.levy`).
pub fn find(path: &str) -> Option<&'static Param> {
    all().find(|p| p.path == path)
}

/// A value that does not fit the parameter's type (e.g. a word for a number).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("`{path}` cannot take {value}: allowed {allowed}")]
pub struct TypeError {
    pub path: String,
    pub value: String,
    pub allowed: String,
}

impl Config {
    /// The value of the parameter at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<Value> {
        find(path).map(|p| p.get(self))
    }

    /// Sets the parameter at `path` (its range is checked by [`Config::check`]).
    pub fn set(&mut self, path: &str, value: Value) -> Result<(), TypeError> {
        let fail = |allowed: String| TypeError {
            path: path.to_string(),
            value: value.to_string(),
            allowed,
        };
        let param = find(path).ok_or_else(|| fail("a declared parameter path".into()))?;
        let done = match param.table {
            Table::World => self.world.set(param.key, value),
            Table::Regime => self.regime.set(param.key, value),
        };
        done.then_some(()).ok_or_else(|| fail(param.allowed()))
    }

    /// Every problem with this configuration: each parameter's declared range, then
    /// the size of its state (which must be countable in 64 bits).
    pub fn check(&self) -> Vec<ConfigError> {
        let mut errors: Vec<ConfigError> = all().filter_map(|p| p.check(self)).collect();
        errors.extend(super::populations::check(self));
        if errors.is_empty() && super::footprint::estimate(self).is_none() {
            errors.push(ConfigError {
                parameter: "world.producers".to_string(),
                value: self.world.producers.to_string(),
                allowed: "a world whose state can be counted in 64-bit bytes (fewer producers, \
                          problems, records or links)"
                    .to_string(),
            });
        }
        errors
    }
}
