//! `[[charts]]` entries and the report's `baseline`: each entry is checked by
//! [`chart_spec::check`] (the chart format's own rules), its problems reported
//! under `charts[i]`.

use toml::Value;

use super::keys::Reader;
use super::{RegimeEntry, SweepAxis};
use crate::experiment::chart_spec::{self, ChartSpec};

impl Reader {
    pub(super) fn charts(
        &mut self,
        value: Option<&Value>,
        sweep: &[SweepAxis],
        regimes: &[RegimeEntry],
    ) -> Vec<ChartSpec> {
        let Some(list) = self.list("charts", value, "allowed a list of [[charts]] tables") else {
            return Vec::new();
        };
        let swept: Vec<&str> = sweep.iter().map(|a| a.path.as_str()).collect();
        let names: Vec<&str> = regimes.iter().map(|r| r.name.as_str()).collect();
        let populations: Vec<&str> = (regimes.iter().flat_map(|r| &r.populations))
            .map(|p| p.name.as_str())
            .collect();
        let mut charts = Vec::new();
        for (i, item) in list.iter().enumerate() {
            match chart_spec::check_in(item, &swept, &names, &populations) {
                Ok(spec) => charts.push(spec),
                Err(problems) => {
                    for p in problems {
                        let key = match p.key.as_str() {
                            "" => format!("charts[{i}]"),
                            k => format!("charts[{i}].{k}"),
                        };
                        self.fail(key, p.value.as_ref(), p.message);
                    }
                }
            }
        }
        charts
    }

    /// The regime the report compares the others with: one of the scenario's.
    pub(super) fn baseline(
        &mut self,
        value: Option<&Value>,
        regimes: &[RegimeEntry],
    ) -> Option<String> {
        let v = value?;
        let names: Vec<&str> = regimes.iter().map(|r| r.name.as_str()).collect();
        self.one_of("baseline", v, &names, "regime of this scenario");
        Some(v.as_str().unwrap_or_default().to_string())
    }
}

#[cfg(test)]
mod tests {
    use crate::experiment::chart_spec::ChartsMode;
    use crate::experiment::{InputError, Scenario};

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
        let e = errors("baseline = \"comons\"\nregimes = [\"enclosure\", \"commons\"]");
        assert!(e.contains("baseline = \"comons\""), "{e}");
        assert!(e.contains("did you mean `commons`"), "{e}");
        let s = parse("baseline = \"commons\"\nregimes = [\"enclosure\", \"commons\"]").unwrap();
        assert_eq!(s.baseline.as_deref(), Some("commons"));
        assert!(s.to_toml().contains("baseline = \"commons\""));
        let s = parse("charts_mode = \"replace\"\n[[charts]]\nmetric = \"welfare\"\nkind = \"timeseries\"\ntitle = \"W\"").unwrap();
        assert_eq!(s.charts_mode, ChartsMode::Replace);
        assert_eq!(s.charts[0].title.as_deref(), Some("W"));
    }
}
