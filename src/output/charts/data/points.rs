//! Swept parameters and sweep points: the values each parameter takes, in
//! display order, and a number per point so rows can be grouped without strings.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::DataFrame;

use super::columns::{f64_column, is_numeric, str_codes, str_column};

/// A swept parameter and its values in display order.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its scenario path, e.g. `world.interactions`.
    pub name: String,
    pub values: Values,
}

/// Values of a swept parameter: numbers (sorted) or strings (scenario order).
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Num(Vec<f64>),
    Str(Vec<String>),
}

impl Values {
    /// How many values there are.
    pub fn count(&self) -> usize {
        match self {
            Values::Num(v) => v.len(),
            Values::Str(v) => v.len(),
        }
    }

    /// The label of the `i`-th value.
    pub fn label(&self, i: usize) -> String {
        match self {
            Values::Num(v) => crate::output::charts::ticks::format_value(v[i]),
            Values::Str(v) => v[i].clone(),
        }
    }
}

/// The swept parameters `swept` with the values `runs` holds: numbers sorted,
/// strings in the order of the scenario's `[sweep]` lists (`lists`).
pub(super) fn params(
    runs: &DataFrame,
    swept: &[String],
    lists: &BTreeMap<String, Vec<toml::Value>>,
) -> Result<Vec<Param>> {
    let mut params = Vec::new();
    for p in swept {
        let values = if is_numeric(runs, p)? {
            let mut v: Vec<f64> = f64_column(runs, p)?
                .into_iter()
                .filter(|x| !x.is_nan())
                .collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            Values::Num(v)
        } else {
            let mut v: Vec<String> = lists
                .get(p)
                .map(|l| l.iter().map(toml_label).collect())
                .unwrap_or_default();
            for s in str_column(runs, p)? {
                if !v.contains(&s) {
                    v.push(s);
                }
            }
            let present = str_column(runs, p)?;
            v.retain(|s| present.contains(s));
            Values::Str(v)
        };
        params.push(Param {
            name: p.clone(),
            values,
        });
    }
    Ok(params)
}

/// Swept parameter paths and their listed values from `[sweep]`, flattening
/// nested tables (`world.interactions = [..]` parses as `[sweep.world]`).
pub(super) fn sweep_lists(sweep: Option<&toml::Value>) -> BTreeMap<String, Vec<toml::Value>> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, Vec<toml::Value>>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            toml::Value::Array(a) => {
                out.insert(prefix.to_string(), a.clone());
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    if let Some(v) = sweep {
        walk("", v, &mut out);
    }
    out
}

/// The label of a `[sweep]` list entry as the tables would write it.
fn toml_label(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A sweep point (value indices, first parameter most significant) as one number.
pub(super) fn encode(params: &[Param], point: &[usize]) -> usize {
    params
        .iter()
        .zip(point)
        .fold(0, |code, (p, &i)| code * p.values.count() + i)
}

/// The value indices of a point code.
pub(super) fn decode(params: &[Param], mut code: usize) -> Vec<usize> {
    let mut point = vec![0; params.len()];
    for (k, p) in params.iter().enumerate().rev() {
        point[k] = code % p.values.count();
        code /= p.values.count();
    }
    point
}

/// Per row, the code of its sweep point (`None` if a value is missing or not
/// among the parameter's values); every row is point 0 without a sweep.
pub(super) fn point_codes(df: &DataFrame, params: &[Param]) -> Result<Vec<Option<usize>>> {
    let mut codes = vec![Some(0usize); df.height()];
    for p in params {
        let idx: Vec<Option<usize>> = match &p.values {
            Values::Num(v) => f64_column(df, &p.name)?
                .iter()
                .map(|x| v.binary_search_by(|y| y.total_cmp(x)).ok())
                .collect(),
            Values::Str(v) => str_codes(df, &p.name, v)?,
        };
        let n = p.values.count();
        for (c, i) in codes.iter_mut().zip(idx) {
            *c = c.zip(i).map(|(c, i)| c * n + i);
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_sweep_tables_flatten_to_paths() {
        let t: toml::Table =
            toml::from_str("[sweep]\nworld.interactions = [1, 3]\n\"regime.levy\" = [0.1]\n")
                .unwrap();
        let l = sweep_lists(t.get("sweep"));
        assert_eq!(
            l.keys().cloned().collect::<Vec<_>>(),
            vec!["regime.levy", "world.interactions"]
        );
    }
}
