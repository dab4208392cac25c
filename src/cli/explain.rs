//! `regimes explain NAME`: a preset, a regime axis, a parameter or a metric, in
//! plain words for a student.

use anyhow::Result;

use super::{emit, wrap};
use crate::experiment::scenario::CUMULATIVE_WELFARE;
use crate::experiment::{InputError, suggest};
use crate::model::params::{self, AXES, Axis, Param, Table};
use crate::model::{Config, METRICS, MetricInfo, PRESETS, Preset, Regime, Unit};

const WIDTH: usize = 88;

/// Arguments of `regimes explain`.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A preset (commons), an axis (allocation), a parameter (loci, regime.levy) or a metric
    /// (welfare). Without one: every name that can be explained.
    pub name: Option<String>,
}

pub fn run(args: ExplainArgs) -> Result<()> {
    match args.name {
        Some(name) => emit(&explain(&name)?)?,
        None => emit(&everything(&super::scenario_names()))?,
    }
    Ok(())
}

/// Every name `explain` knows, grouped, one line each: the newcomer's map.
fn everything(scenarios: &[String]) -> String {
    let mut out = String::from(
        "`regimes explain NAME` explains any of these in plain words.\n\nMetrics (columns of the tables):\n",
    );
    let rows = |out: &mut String, items: Vec<(String, String)>| {
        let width = items.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, line) in items {
            out.push_str(&format!("  {name:width$}  {line}\n"));
        }
    };
    let mut metrics: Vec<(String, String)> = METRICS
        .iter()
        .map(|m| (m.name.to_string(), m.label.to_string()))
        .collect();
    metrics.push((
        CUMULATIVE_WELFARE.to_string(),
        "welfare summed over the run (runs.parquet)".into(),
    ));
    rows(&mut out, metrics);
    for (title, table) in [
        (
            "World parameters ([world], world.KEY in [sweep] and --set)",
            Table::World,
        ),
        (
            "Regime parameters (regime tables, regime.KEY in [sweep] and --set)",
            Table::Regime,
        ),
    ] {
        out.push_str(&format!("\n{title}:\n"));
        let items = params::all()
            .filter(|p| p.table == table)
            .map(|p| {
                (
                    p.key.to_string(),
                    format!("{} (default {})", p.allowed(), p.default_value()),
                )
            })
            .collect();
        rows(&mut out, items);
    }
    out.push_str("\nRegime axes (groups of regime parameters):\n");
    rows(
        &mut out,
        AXES.iter()
            .map(|a| (a.name.to_string(), a.keys.join(", ")))
            .collect(),
    );
    out.push_str("\nPreset regimes:\n");
    rows(
        &mut out,
        PRESETS
            .iter()
            .map(|p| (p.name.to_string(), p.summary.to_string()))
            .collect(),
    );
    out.push_str("\nScenarios (`regimes run NAME`, `regimes list` describes them):\n");
    if scenarios.is_empty() {
        out.push_str("  default (embedded); no scenarios/ directory here\n");
    } else {
        out.push_str(&wrap(&scenarios.join(", "), WIDTH, "  "));
    }
    out
}

/// The explanation of `name`, or bad input suggesting the nearest known name.
fn explain(name: &str) -> Result<String, InputError> {
    if let Some(p) = PRESETS.iter().find(|p| p.name == name) {
        return Ok(preset(p));
    }
    if let Some(m) = METRICS.iter().find(|m| m.name == name) {
        return Ok(metric(m));
    }
    if name == CUMULATIVE_WELFARE {
        return Ok(cumulative_welfare());
    }
    if let Some(a) = AXES.iter().find(|a| a.name == name) {
        return Ok(axis(a));
    }
    let param = params::find(name).or_else(|| {
        params::find(&format!("world.{name}")).or_else(|| params::find(&format!("regime.{name}")))
    });
    if let Some(p) = param {
        return Ok(parameter(p));
    }
    let names: Vec<String> = PRESETS
        .iter()
        .map(|p| p.name.to_string())
        .chain(METRICS.iter().map(|m| m.name.to_string()))
        .chain(AXES.iter().map(|a| a.name.to_string()))
        .chain(params::all().map(|p| p.key.to_string()))
        .collect();
    let hint = suggest::hint(name, names.iter().map(String::as_str));
    Err(InputError::new(format!(
        "explain {name}: unknown name{hint}; allowed: a preset ({}), an axis ({}), a world or \
         regime parameter (docs/SCENARIOS.md) or a metric (e.g. welfare; `regimes list` for more)",
        PRESETS
            .iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", "),
        AXES.iter().map(|a| a.name).collect::<Vec<_>>().join(", "),
    )))
}

/// The TOML form of regime key `key` in `regime`.
fn regime_value(regime: &Regime, key: &str) -> String {
    regime.get(key).expect("a regime key").literal()
}

fn preset(p: &Preset) -> String {
    let mut out = format!("{} (preset regime): {}\n\n", p.name, p.summary);
    out.push_str(&wrap(p.description, WIDTH, ""));
    let mine = p.regime();
    let default = Regime::default();
    out.push_str("\nSettings that differ from the default regime:\n");
    let rows: Vec<(String, String)> = Regime::PARAMS
        .iter()
        .filter(|k| mine.get(k.key) != default.get(k.key))
        .map(|k| {
            (
                format!("{} = {}", k.key, regime_value(&mine, k.key)),
                format!("(default {})", regime_value(&default, k.key)),
            )
        })
        .collect();
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (setting, was) in rows {
        out.push_str(&format!("  {setting:width$}  {was}\n"));
    }
    out.push_str(&wrap(
        &format!(
            "Every other axis is at its default. In a scenario: regimes = [\"{0}\"], or a \
             variant such as {{ preset = \"{0}\", name = \"my_{0}\", levy = 0.2 }}. \
             `regimes explain AXIS` says what an axis means (visibility, allocation, reward, ...).",
            p.name
        ),
        WIDTH,
        "",
    ));
    out
}

fn unit(u: Unit) -> &'static str {
    match u {
        Unit::Share => "a share in [0, 1]",
        Unit::Quality => "an NK quality in [0, 1)",
        Unit::Money => "money or utility per step",
        Unit::Count => "a count",
        Unit::Index => "an index without unit",
    }
}

fn metric(m: &MetricInfo) -> String {
    let mut out = format!("{} (metric, {}): {}\n\n", m.name, unit(m.unit), m.label);
    out.push_str(&wrap(m.description, WIDTH, ""));
    out.push('\n');
    out.push_str(&wrap(
        &format!(
            "Column `{}` of timeseries.parquet (one value per recorded step) and of runs.parquet \
             (its mean over the last `window` recorded steps of a run); summary.csv gives its mean \
             and 95% interval over the replicates of each regime and sweep point. NaN means there \
             was nothing to measure (0/0), and summaries skip it.",
            m.name
        ),
        WIDTH,
        "",
    ));
    out
}

fn cumulative_welfare() -> String {
    let mut out = format!("{CUMULATIVE_WELFARE} (metric, money): welfare summed over the run\n\n");
    out.push_str(&wrap(
        "Welfare (consumer surplus plus producer revenue plus intrinsic utility minus real costs) \
         added up over every step of a run, recorded or not. Only in runs.parquet and summary.csv.",
        WIDTH,
        "",
    ));
    out
}

/// Values of a regime key in every preset, e.g. `enclosure "market", commons "registry"`.
fn preset_values(key: &str) -> String {
    PRESETS
        .iter()
        .map(|p| format!("{} {}", p.name, regime_value(&p.regime(), key)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn axis(a: &Axis) -> String {
    let mut out = format!("{} (regime axis)\n\n", a.name);
    out.push_str(&wrap(a.meaning, WIDTH, ""));
    out.push_str("\nKeys (in a regime table, or regime.KEY in [sweep] and --set):\n");
    let default = Regime::default();
    for key in a.keys {
        let p = params::find(&format!("regime.{key}")).expect("axis keys are regime keys");
        out.push_str(&format!(
            "  {key} = {}   allowed {}\n",
            regime_value(&default, key),
            p.allowed()
        ));
        out.push_str(&wrap(p.meaning, WIDTH, "      "));
        out.push_str(&wrap(
            &format!("presets: {}", preset_values(key)),
            WIDTH,
            "      ",
        ));
    }
    out
}

fn parameter(p: &Param) -> String {
    let default = p.default_value().literal();
    let kind = match p.table {
        Table::World => "world parameter",
        Table::Regime => "regime axis",
    };
    let mut out = format!("{} ({kind})\n\n", p.path);
    out.push_str(&wrap(p.meaning, WIDTH, ""));
    let symbol = match p.symbol {
        "" => String::new(),
        s => format!("symbol: {s} (docs/MODEL.md §8)\n"),
    };
    let unit = match p.unit {
        "" => String::new(),
        u => format!("unit: {u}\n"),
    };
    out.push_str(&format!(
        "\nallowed: {}\ndefault: {default}\n{unit}{symbol}",
        p.allowed_in(&Config::default())
    ));
    if p.table == Table::Regime {
        out.push_str(&wrap(
            &format!("presets: {}", preset_values(p.key)),
            WIDTH,
            "",
        ));
        out.push_str(&format!(
            "In a scenario: a regime table key ({{ preset = \"commons\", {} = ... }}), or \
             \"{}\" in [sweep] and --set (applies to every regime).\n",
            p.key, p.path
        ));
    } else {
        out.push_str(&format!(
            "In a scenario: {} = ... under [world], or \"{}\" in [sweep] and --set.\n",
            p.key, p.path
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_every_kind_of_name() {
        let commons = explain("commons").unwrap();
        let line = commons
            .lines()
            .find(|l| l.contains("allocation = \"registry\""))
            .unwrap_or_default();
        assert!(line.ends_with("(default \"market\")"), "{commons}");
        assert!(!commons.contains("plan_lag"), "{commons}");
        assert!(
            explain("welfare")
                .unwrap()
                .contains("Consumer surplus plus producer revenue")
        );
        assert!(explain("allocation").unwrap().contains("plan_interval"));
        assert!(
            explain("loci")
                .unwrap()
                .contains("allowed: an integer in 1..=64")
        );
        assert!(explain("regime.levy").unwrap().contains("commons 0.1"));
        // What explain states is what the check enforces (it once said >= 0 and refused 0).
        let consider = explain("consider").unwrap();
        assert!(
            consider.contains("allowed: an integer in 1..=1000"),
            "{consider}"
        );
        let mut config = Config::default();
        config.world.consider = 0;
        let refused = config.check();
        assert_eq!(refused[0].allowed, "an integer in 1..=1000");
        assert!(
            explain("interactions")
                .unwrap()
                .contains("0..=loci-1 (0..=19)")
        );
        assert!(explain(CUMULATIVE_WELFARE).is_ok());
        let e = explain("welfair").unwrap_err().to_string();
        assert!(e.contains("did you mean `welfare`"), "{e}");
    }

    #[test]
    fn without_a_name_every_name_is_listed() {
        let all = everything(&["default".to_string(), "rent".to_string()]);
        let names = METRICS
            .iter()
            .map(|m| m.name)
            .chain(params::all().map(|p| p.key))
            .chain(AXES.iter().map(|a| a.name))
            .chain(PRESETS.iter().map(|p| p.name))
            .chain([CUMULATIVE_WELFARE, "default, rent"]);
        for name in names {
            assert!(
                all.contains(&format!("{name} ")) || all.contains(name),
                "{name} missing"
            );
            assert!(
                all.lines().any(|l| l.trim_start().starts_with(name)),
                "{name} not a row"
            );
        }
        // The ranges listed are the enforced ones.
        assert!(
            all.contains("consider            an integer in 1..=1000 (default 3)"),
            "{all}"
        );
    }

    #[test]
    fn every_axis_and_parameter_explains() {
        for a in AXES {
            assert!(explain(a.name).is_ok());
        }
        for p in params::all() {
            assert!(explain(p.path).is_ok(), "{}", p.path);
        }
    }
}
