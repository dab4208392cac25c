//! The resolved scenario as TOML, rerunnable as is (written to `scenario.toml`).

use serde::Serialize;
use toml::Value;

use super::Scenario;
use crate::experiment::chart_spec::{ChartSpec, ChartsMode};
use crate::model::{Regime, World};

impl Scenario {
    /// The resolved scenario as TOML: every default filled in, rerunnable as is,
    /// and identical when read and written again.
    pub fn to_toml(&self) -> String {
        #[derive(Serialize)]
        struct Entry<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            preset: Option<&'a str>,
            #[serde(flatten)]
            regime: &'a Regime,
        }
        #[derive(Serialize)]
        struct Resolved<'a> {
            name: &'a str,
            description: &'a str,
            steps: u32,
            replicates: u32,
            seed: u64,
            record_every: u32,
            window: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            baseline: Option<&'a str>,
            charts_mode: ChartsMode,
            world: &'a World,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            regimes: Vec<Entry<'a>>,
            charts: &'a [ChartSpec],
        }
        let resolved = Resolved {
            name: &self.name,
            description: &self.description,
            steps: self.steps,
            replicates: self.replicates,
            seed: self.seed,
            record_every: self.record_every,
            window: self.window,
            baseline: self.baseline.as_deref(),
            charts_mode: self.charts_mode,
            world: &self.world,
            regimes: self
                .regimes
                .iter()
                .filter(|r| r.populations.is_empty())
                .map(|r| Entry {
                    name: &r.name,
                    preset: r.preset.as_deref(),
                    regime: &r.regime,
                })
                .collect(),
            charts: &self.charts,
        };
        let mut text = toml::to_string(&resolved).expect("a scenario serialises to TOML");
        // A mixed world's populations, in their order (a TOML table would sort them).
        #[derive(Serialize)]
        struct Population<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            regime: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            share: Option<f64>,
            #[serde(flatten)]
            axes: &'a Regime,
        }
        for p in self.regimes.iter().flat_map(|r| &r.populations) {
            let table = Population {
                regime: p.preset.as_deref(),
                share: p.share,
                axes: &p.regime,
            };
            let body = toml::to_string(&table).expect("a population serialises to TOML");
            text.push_str(&format!("\n[populations.{}]\n{body}", p.name));
        }
        // The sweep is written by hand: a TOML table would sort its keys, and their
        // order is the order of the sweep points.
        text.push_str("\n[sweep]\n");
        for axis in &self.sweep {
            let values = Value::Array(axis.values.clone());
            text.push_str(&format!("{:?} = {values}\n", axis.path));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::InputError;

    fn parse(text: &str) -> Result<Scenario, InputError> {
        Scenario::parse(text, "test.toml", "test", &[])
    }

    #[test]
    fn resolved_text_round_trips() {
        let text = r#"
name = "trip"
regimes = ["patents", { preset = "cooperative", name = "coop2", pay_cap = "none" }]
[world]
producers = 50
groups = 5
[sweep]
"world.interactions" = [0, 5]
"regime.visibility" = ["open", "private"]
"regime.levy" = [0.1, 0.25]
[[charts]]
metric = "welfare"
kind = "sweep"
x = "world.interactions"
"#;
        let s = parse(text).unwrap();
        let resolved = s.to_toml();
        let again = parse(&resolved).unwrap();
        assert_eq!(again, s);
        assert_eq!(again.to_toml(), resolved);
        // File order of the sweep survives (not alphabetical).
        let paths: Vec<&str> = again.sweep.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(
            paths,
            ["world.interactions", "regime.visibility", "regime.levy"]
        );
    }
}
