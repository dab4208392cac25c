//! The mixed world of a scenario (spec §5): `[populations.NAME]` tables, each
//! a share of the producers under a regime written as a variant is, read into
//! one [`RegimeEntry`] named [`MIXED`]; and the `populations.NAME.KEY` paths
//! of sweeps.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Value;

use super::keys::Reader;
use super::{MIXED, PopulationEntry, RegimeEntry};
use crate::experiment::suggest;
use crate::model::{Regime, params};

/// Positions of the `[populations.NAME]` tables in the text: populations are
/// laid out in the file's order (spec §5 "Layout"), not alphabetically.
pub(super) fn population_order(text: &str) -> BTreeMap<String, usize> {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(default)]
        populations: BTreeMap<String, toml::Spanned<IgnoredAny>>,
    }
    toml::from_str::<Doc>(text)
        .map(|d| {
            (d.populations.into_iter())
                .map(|(k, v)| (k, v.span().start))
                .collect()
        })
        .unwrap_or_default()
}

/// The type of `populations.NAME.share` in sweeps and `--set`.
const POPULATION_SHARE: params::Param = params::Param {
    table: params::Table::Regime,
    key: "share",
    path: "populations.NAME.share",
    symbol: "",
    unit: "share",
    kind: params::SHARE,
    or_none: false,
    meaning: "A population's share of the producers.",
};

impl Reader {
    /// The mixed world of `[populations.NAME]` tables (spec §5), each written as
    /// a variant: `regime = "PRESET"`, `share`, and regime axes changed.
    pub(super) fn mixed(
        &mut self,
        value: &Value,
        order: &BTreeMap<String, usize>,
    ) -> Vec<RegimeEntry> {
        let allowed =
            "allowed tables like [populations.open] with regime = \"commons\" and share = 0.3";
        let Some(table) = self.table("populations", Some(value), allowed) else {
            return Vec::new();
        };
        let before = self.problems.len();
        let mut names: Vec<&String> = table.keys().collect();
        names.sort_by_key(|n| order.get(*n).copied().unwrap_or(usize::MAX));
        let mut populations = Vec::new();
        for name in names {
            let at = format!("populations.{name}");
            let Some(t) = self.table(&at, table.get(name), allowed) else {
                continue;
            };
            let preset = match t.get("regime") {
                None => None,
                Some(v @ Value::String(s)) => {
                    if self.preset(&format!("{at}.regime"), v, s).is_none() {
                        continue;
                    }
                    Some(s.clone())
                }
                Some(v) => {
                    self.fail(format!("{at}.regime"), Some(v), "allowed a preset name");
                    continue;
                }
            };
            let share = match t.get("share") {
                None => None,
                Some(v) => self
                    .setting(v, &POPULATION_SHARE, &format!("{at}.share"))
                    .and_then(params::Value::as_f64),
            };
            // The other keys are a variant's: read as one.
            let mut variant = t.clone();
            variant.remove("regime");
            variant.remove("share");
            variant.insert("name".into(), Value::String(name.clone()));
            if let Some(p) = &preset {
                variant.insert("preset".into(), Value::String(p.clone()));
            }
            let Some(entry) = self.regime_table(&at, &variant) else {
                continue;
            };
            populations.push(PopulationEntry {
                name: name.clone(),
                preset,
                share,
                regime: entry.regime,
            });
        }
        let rest = populations.iter().filter(|p| p.share.is_none()).count();
        if rest > 1 {
            self.fail(
                "populations",
                None,
                format!(
                    "{rest} populations without a `share`; allowed at most one (it takes the rest)"
                ),
            );
        }
        if populations.is_empty() || self.problems.len() > before {
            if populations.is_empty() {
                self.fail("populations", Some(value), allowed);
            }
            return Vec::new();
        }
        vec![RegimeEntry {
            name: MIXED.to_string(),
            preset: None,
            regime: Regime::default(),
            populations,
        }]
    }
}

/// The parameter of a `populations.NAME.KEY` path (`None` for other paths), or
/// what is wrong with it.
pub(super) fn population_param(
    path: &str,
    regimes: &[RegimeEntry],
) -> Option<Result<&'static params::Param, String>> {
    let rest = path.strip_prefix("populations.")?;
    let names: Vec<&str> = (regimes.iter())
        .flat_map(|r| r.populations.iter().map(|p| p.name.as_str()))
        .collect();
    let Some((name, key)) = rest.split_once('.') else {
        return Some(Err("allowed populations.NAME.KEY".into()));
    };
    if !names.contains(&name) {
        let hint = suggest::hint(name, names.iter().copied());
        return Some(Err(format!(
            "no population `{name}`{hint}; allowed: {}",
            names.join(", ")
        )));
    }
    if key == "share" {
        return Some(Ok(&POPULATION_SHARE));
    }
    Some(
        params::find(&format!("regime.{key}")).ok_or_else(|| {
            format!("unknown regime key `{key}`; allowed: share and the regime axes")
        }),
    )
}

#[cfg(test)]
mod tests {
    use crate::experiment::{InputError, Scenario};
    use crate::model::Regime;

    fn parse(text: &str) -> Result<Scenario, InputError> {
        Scenario::parse(text, "test.toml", "test", &[])
    }

    fn errors(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    const MIXED_TEXT: &str = r#"
    name = "mix"
    [world]
    producers = 60
    groups = 6
    [populations.open]
    regime = "commons"
    share = 0.3
    levy = 0.2
    [populations.closed]
    regime = "enclosure"
    [sweep]
    "populations.open.share" = [0.1, 0.5]
    "populations.closed.exclusive" = [true, false]
    "#;

    #[test]
    fn populations_make_one_mixed_world_in_file_order() {
        let s = parse(MIXED_TEXT).unwrap();
        assert!(s.is_mixed());
        assert_eq!(s.regimes.len(), 1);
        assert_eq!(s.regimes[0].name, "mixed");
        let names: Vec<&str> = (s.regimes[0].populations.iter())
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["open", "closed"]);
        // Point 1: open share 0.1, closed not exclusive; closed takes the rest.
        let c = s.config(1, 0).unwrap();
        assert_eq!(c.populations[0].share, 0.1);
        assert_eq!(c.populations[1].share, 0.9);
        assert!(!c.populations[1].regime.exclusive);
        assert_eq!(c.populations[0].regime.levy, 0.2);
        let mut commons = Regime::preset("commons").unwrap();
        commons.levy = 0.2;
        assert_eq!(c.populations[0].regime, commons);
        assert!(c.check().is_empty(), "{:?}", c.check());
        // The resolved file reads back as the same scenario.
        let again = parse(&s.to_toml()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn population_errors_name_the_key_and_what_is_allowed() {
        let e = errors(
            "[populations.a]\nregime = \"commonz\"\nshare = 0.5\n[populations.b]\nregime = \"enclosure\"\nshare = 0.4",
        );
        assert!(
            e.contains("populations.a.regime = \"commonz\": unknown preset"),
            "{e}"
        );
        let e = errors(
            "[populations.a]\nregime = \"commons\"\nshare = 0.5\n[populations.b]\nregime = \"enclosure\"\nshare = 0.4",
        );
        assert!(e.contains("populations.*.share"), "{e}");
        assert!(e.contains("shares that sum to 1"), "{e}");
        let e = errors("regimes = [\"commons\"]\n[populations.a]\nregime = \"commons\"");
        assert!(e.contains("remove `regimes`"), "{e}");
        let e = errors("[populations.a]\nregime = \"commons\"\nlevvy = 0.1");
        assert!(e.contains("populations.a.levvy"), "{e}");
        let e = errors("[populations.a]\nregime = \"commons\"\nshare = 1.5");
        assert!(
            e.contains("populations.a.share = 1.5: allowed a share in [0, 1]"),
            "{e}"
        );
        let e = errors(
            "[populations.a]\nregime = \"commons\"\n[sweep]\n\"populations.b.share\" = [0.1]",
        );
        assert!(e.contains("no population `b`"), "{e}");
        let e = errors(
            "[populations.a]\nregime = \"commons\"\n[populations.b]\nregime = \"enclosure\"",
        );
        assert!(e.contains("allowed at most one"), "{e}");
    }
}
