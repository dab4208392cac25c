//! `[[charts]]` entries: each key checked against the metrics and the sweep, then
//! read as a [`ChartSpec`].

use toml::Value;

use super::SweepAxis;
use super::reader::Reader;
use crate::experiment::suggest;
use crate::model::METRICS;
use crate::output::chart_spec::ChartSpec;

/// Keys of a `[[charts]]` entry.
const CHART_KEYS: &[&str] = &["metric", "kind", "x", "facet", "title"];

/// A metric only `runs.parquet` has, which per-run charts may use.
pub const CUMULATIVE_WELFARE: &str = "cumulative_welfare";

impl Reader {
    pub(super) fn charts(&mut self, value: Option<&Value>, sweep: &[SweepAxis]) -> Vec<ChartSpec> {
        let list = match value {
            None => return Vec::new(),
            Some(Value::Array(a)) => a,
            Some(v) => {
                self.fail("charts", Some(v), "allowed a list of [[charts]] tables");
                return Vec::new();
            }
        };
        let swept: Vec<&str> = sweep.iter().map(|a| a.path.as_str()).collect();
        let mut charts = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let at = format!("charts[{i}]");
            let Some(t) = item.as_table() else {
                self.fail(&at, Some(item), "allowed a table with metric and kind");
                continue;
            };
            let before = self.problems.len();
            for (key, v) in t {
                if !CHART_KEYS.contains(&key.as_str()) {
                    let hint = suggest::hint(key, CHART_KEYS.iter().copied());
                    self.fail(
                        format!("{at}.{key}"),
                        Some(v),
                        format!(
                            "unknown chart key{hint}; allowed: {}",
                            CHART_KEYS.join(", ")
                        ),
                    );
                }
            }
            let kind = t.get("kind");
            let kind_ok = matches!(kind, Some(Value::String(k)) if ["timeseries", "sweep", "bars"].contains(&k.as_str()));
            if !kind_ok {
                self.fail(
                    format!("{at}.kind"),
                    kind,
                    "allowed \"timeseries\", \"sweep\" or \"bars\"",
                );
            }
            let timeseries = matches!(kind, Some(Value::String(k)) if k == "timeseries");
            match t.get("metric") {
                Some(Value::String(m))
                    if METRICS.iter().any(|x| x.name == m)
                        || (m == CUMULATIVE_WELFARE && !timeseries) => {}
                other => {
                    let name = other.and_then(Value::as_str).unwrap_or("");
                    let names = METRICS.iter().map(|m| m.name).chain([CUMULATIVE_WELFARE]);
                    let hint = suggest::hint(name, names);
                    self.fail(
                        format!("{at}.metric"),
                        other,
                        format!("allowed a metric name{hint} (`regimes explain` lists them; cumulative_welfare only for sweep and bars charts)"),
                    );
                }
            }
            if let Some(v) = t.get("title").filter(|v| !v.is_str()) {
                self.fail(
                    format!("{at}.title"),
                    Some(v),
                    "allowed a string (text in quotes)",
                );
            }
            for key in ["x", "facet"] {
                match t.get(key) {
                    None => {}
                    Some(Value::String(p)) if swept.contains(&p.as_str()) => {}
                    Some(v) => {
                        let name = v.as_str().unwrap_or("");
                        let hint = suggest::hint(name, swept.iter().copied());
                        let allowed = if swept.is_empty() {
                            "nothing: the scenario has no [sweep]".to_string()
                        } else {
                            format!("a swept parameter{hint}: {}", swept.join(", "))
                        };
                        self.fail(format!("{at}.{key}"), Some(v), format!("allowed {allowed}"));
                    }
                }
            }
            if matches!(kind, Some(Value::String(k)) if k == "sweep") && sweep.is_empty() {
                self.fail(
                    format!("{at}.kind"),
                    kind,
                    "a sweep chart needs a [sweep]; allowed here: \"timeseries\" or \"bars\"",
                );
            }
            if self.problems.len() > before {
                continue;
            }
            match item.clone().try_into::<ChartSpec>() {
                Ok(spec) => charts.push(spec),
                Err(e) => self.fail(&at, Some(item), format!("not a chart: {}", e.message())),
            }
        }
        charts
    }
}

#[cfg(test)]
mod tests {
    use crate::experiment::{InputError, Scenario};
    use crate::output::chart_spec::ChartsMode;

    fn parse(text: &str) -> Result<Scenario, InputError> {
        Scenario::parse(text, "test.toml", "test", &[])
    }

    fn errors(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn charts_are_checked() {
        let e = errors("[[charts]]\nmetric = \"welfre\"\nkind = \"bars\"");
        assert!(e.contains("charts[0].metric = \"welfre\""), "{e}");
        assert!(e.contains("did you mean `welfare`"), "{e}");
        let e = errors("[[charts]]\nmetric = \"welfare\"\nkind = \"sweep\"");
        assert!(e.contains("needs a [sweep]"), "{e}");
        let e = errors(
            "[sweep]\n\"world.loci\" = [10]\n[[charts]]\nmetric = \"welfare\"\nkind = \"sweep\"\nx = \"world.lo\"",
        );
        assert!(e.contains("charts[0].x = \"world.lo\""), "{e}");
        let e = errors("[[charts]]\nmetric = \"welfare\"\nkind = \"bars\"\ntitle = 64");
        assert!(e.contains("charts[0].title = 64: allowed a string"), "{e}");
        let s = parse("charts_mode = \"replace\"\n[[charts]]\nmetric = \"welfare\"\nkind = \"timeseries\"\ntitle = \"W\"").unwrap();
        assert_eq!(s.charts_mode, ChartsMode::Replace);
        assert_eq!(s.charts[0].title.as_deref(), Some("W"));
    }
}
