//! What a scenario may ask for: the model's own checks on every configuration it
//! runs, a run count within [`MAX_RUNS`] (counted without overflow), and runs whose
//! memory fits a limit, so that a scenario that validates also runs.

use super::keys::Reader;
use super::{Problem, Scenario};
use crate::model::params::number;
use crate::model::{METRIC_COUNT, footprint};

/// Most runs in one scenario: beyond it a sweep is a mistake or a job for several
/// scenarios (a million default runs take weeks on a laptop).
pub const MAX_RUNS: u64 = 1_000_000;

/// Longest scenario name: it names the output directory and is part of chart file names.
pub const MAX_NAME: usize = 100;

/// Default ceiling on the estimated memory of one run (4 GiB).
pub const DEFAULT_MAX_MEMORY: u64 = 4 << 30;

/// Most recorded rows a run buffers before writing them (a chunk of the runner).
const CHUNK_ROWS: u64 = 100_000;

/// Limits a scenario must keep within to be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most estimated bytes of one run (state, workspaces and buffered rows).
    pub max_memory: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

/// Bytes in words: `12.3 MB`, `4.0 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = n as f64;
    let mut unit = 0;
    while x >= 1024.0 && unit + 1 < UNITS.len() {
        x /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{x:.1} {}", UNITS[unit])
    }
}

impl Scenario {
    /// The estimated peak bytes of the largest run, `None` beyond 2^64.
    pub fn memory_per_run(&self) -> Option<u64> {
        let mut most = 0u64;
        for point in 0..self.points() {
            for regime in 0..self.regimes.len() {
                let config = self.config(point, regime).ok()?;
                most = most.max(self.run_memory(&config)?);
            }
        }
        Some(most)
    }

    /// A run's model state plus the rows it buffers.
    fn run_memory(&self, config: &crate::model::Config) -> Option<u64> {
        let recorded = u64::from(self.steps / self.record_every) + 1;
        let rows = recorded.min(CHUNK_ROWS) * (METRIC_COUNT as u64 + 1) * 8;
        footprint::estimate(config)?.checked_add(rows)
    }
}

impl Reader {
    /// Refuses a scenario with more than [`MAX_RUNS`] runs, counting without overflow.
    pub(super) fn count_runs(&mut self, s: &Scenario) -> Option<()> {
        let points = s
            .sweep
            .iter()
            .try_fold(1u64, |n, a| n.checked_mul(a.values.len() as u64));
        let runs = points
            .and_then(|p| p.checked_mul(s.regimes.len() as u64))
            .and_then(|p| p.checked_mul(u64::from(s.replicates)));
        match runs {
            Some(n) if n <= MAX_RUNS => Some(()),
            _ => {
                let sizes: Vec<String> =
                    s.sweep.iter().map(|a| a.values.len().to_string()).collect();
                let points = match points {
                    Some(p) => format!("{p} sweep points ({})", sizes.join(" x ")),
                    None => format!("more than 2^64 sweep points ({})", sizes.join(" x ")),
                };
                let total = runs.map_or("more than 2^64".to_string(), |n| n.to_string());
                self.fail(
                    "sweep",
                    None,
                    format!(
                        "{points} x {} regimes x {} replicates = {total} runs; allowed at most \
                         {MAX_RUNS} (split the sweep into several scenarios, or sweep fewer values)",
                        s.regimes.len(),
                        s.replicates
                    ),
                );
                None
            }
        }
    }

    /// The model's own range checks on every regime at every sweep point, and the
    /// memory of each run against the limit.
    pub(super) fn model_checks(&mut self, s: &Scenario, limits: &Limits) {
        let swept: Vec<&str> = s.sweep.iter().map(|a| a.path.as_str()).collect();
        let mut heaviest: Option<(u64, usize, usize)> = None;
        for point in 0..s.points() {
            for (r, entry) in s.regimes.iter().enumerate() {
                let config = match s.config(point, r) {
                    Ok(c) => c,
                    Err(e) => {
                        self.fail("sweep", None, e);
                        continue;
                    }
                };
                let errors = config.check();
                if errors.is_empty() {
                    let bytes = s.run_memory(&config).unwrap_or(u64::MAX);
                    if heaviest.is_none_or(|(b, _, _)| bytes > b) {
                        heaviest = Some((bytes, point, r));
                    }
                }
                for e in errors {
                    let (key, context) = if swept.contains(&e.parameter.as_str()) {
                        (format!("sweep.{:?}", e.parameter), String::new())
                    } else if let Some(k) = e.parameter.strip_prefix("regime.") {
                        (
                            format!("regimes[{r}].{k}"),
                            format!(" (regime {})", entry.name),
                        )
                    } else {
                        (e.parameter.clone(), String::new())
                    };
                    self.problems.push(Problem {
                        key,
                        value: Some(e.value),
                        message: format!("allowed {}", e.allowed),
                        context,
                    });
                }
            }
        }
        if let Some((need, point, r)) = heaviest
            && need > limits.max_memory
        {
            self.memory_problem(s, need, point, r, limits);
        }
    }

    fn memory_problem(&mut self, s: &Scenario, need: u64, point: usize, r: usize, limits: &Limits) {
        let config = s.config(point, r).expect("checked above");
        let w = &config.world;
        let at = if s.sweep.is_empty() {
            String::new()
        } else {
            let values: Vec<String> = (s.sweep.iter())
                .zip(s.point(point))
                .map(|(a, v)| format!("{} = {v}", a.path))
                .collect();
            format!(" at {}", values.join(", "))
        };
        let estimate = if need == u64::MAX {
            "more than 2^64 bytes".to_string()
        } else {
            format!("about {}", bytes(need))
        };
        let mut sizes = vec![
            format!("world.producers = {}", w.producers),
            format!("world.problems = {}", w.problems),
            format!("world.max_solutions = {}", w.max_solutions),
        ];
        let g = &config.regime;
        if let Some(p) = g.patent_term {
            sizes.push(format!("regime.patent_term = {p}"));
        }
        if g.visibility == crate::model::Visibility::Network {
            sizes.push(format!("regime.network = {:?}", g.network));
            sizes.push(format!("regime.network_k = {}", g.network_k));
            sizes.push(format!("regime.network_p = {}", number(g.network_p)));
        }
        self.fail(
            "world",
            None,
            format!(
                "one run of regime {}{at} would need {estimate} ({}); allowed at most {} per run: \
                 make the world smaller, or raise the limit with --max-memory",
                s.regimes[r].name,
                sizes.join(", "),
                bytes(limits.max_memory)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{InputError, Override};

    fn with(sets: &[&str]) -> Result<Scenario, InputError> {
        let sets: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
        Scenario::default_with(&sets)
    }

    fn refusal(sets: &[&str]) -> String {
        with(sets).unwrap_err().to_string()
    }

    #[test]
    fn sizes_that_would_crash_a_run_are_refused() {
        // problems x max_solutions overflowed the record index (issue 19, 2).
        let e = refusal(&[
            "world.problems=4",
            "world.max_solutions=4611686018427387904",
        ]);
        assert!(
            e.contains("world.max_solutions = 4611686018427387904: allowed an integer in 1..=1000"),
            "{e}"
        );
        let e = refusal(&["regime.patent_term=4294967295"]);
        assert!(
            e.contains("allowed an integer in 1..=10000, or \"none\""),
            "{e}"
        );
        let e = refusal(&["world.consider=4294967295"]);
        assert!(
            e.contains("world.consider = 4294967295: allowed an integer in 1..=1000"),
            "{e}"
        );
        let e = refusal(&["world.consider=0"]);
        assert!(e.contains("allowed an integer in 1..=1000"), "{e}");
    }

    #[test]
    fn a_run_beyond_the_memory_limit_names_its_sizes_and_estimate() {
        let e = refusal(&["world.problems=2000000000", "world.max_solutions=1000"]);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("would need about"), "{e}");
        assert!(e.contains("TiB"), "{e}");
        assert!(e.contains("world.problems = 2000000000"), "{e}");
        assert!(e.contains("world.max_solutions = 1000"), "{e}");
        assert!(e.contains("--max-memory"), "{e}");
        // Below the default limit it validates; an explicit, lower limit refuses it.
        let sets: Vec<Override> = ["world.problems=20000", "world.max_solutions=1000"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert!(Scenario::default_with(&sets).is_ok());
        let tight = Limits {
            max_memory: 1 << 20,
        };
        let e = Scenario::default_within(&sets, &tight)
            .unwrap_err()
            .to_string();
        assert!(e.contains("allowed at most 1.0 MiB per run"), "{e}");
    }

    #[test]
    fn huge_sweeps_are_refused_without_counting_them() {
        let keys = [
            "cross_domain",
            "intrinsic_share",
            "switch_rate",
            "domain_focus",
            "shock_rate",
            "shock_size",
            "credit_decay",
            "payoff_decay",
            "learning_rate",
        ];
        let regime = [
            "network_p",
            "fork_tolerance",
            "adopt_prob",
            "levy",
            "monitoring",
            "norm",
            "sanction",
        ];
        let mut text = String::from("[sweep]\n");
        let values: Vec<String> = (0..16).map(|v| format!("0.{v:02}")).collect();
        for k in keys {
            text.push_str(&format!("\"world.{k}\" = [{}]\n", values.join(", ")));
        }
        for k in regime {
            text.push_str(&format!("\"regime.{k}\" = [{}]\n", values.join(", ")));
        }
        let e = Scenario::parse(&text, "big.toml", "big", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than 2^64 sweep points"), "{e}");
        assert!(e.contains("allowed at most 1000000"), "{e}");
        let e = Scenario::parse(&text.replace("\"regime.sanction\"", "#"), "b", "b", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("1152921504606846976 sweep points"), "{e}");
    }

    #[test]
    fn many_invalid_sweep_values_give_one_line_each() {
        let values: Vec<String> = (0..20_000).map(|v| format!("{}.5", v + 2)).collect();
        let text = format!(
            "replicates = 1\n[sweep]\n\"regime.levy\" = [{}]",
            values.join(", ")
        );
        let e = Scenario::parse(&text, "t", "t", &[]).unwrap_err();
        assert_eq!(e.problems.len(), 20_000);
        assert!(e.problems[0].contains("sweep.\"regime.levy\" = 2.5: allowed a share"));
    }

    #[test]
    fn names_and_numbers_in_messages_stay_short() {
        let long = "a".repeat(300);
        let e = refusal(&[&format!("name={long}")]);
        assert!(e.contains("at most 100"), "{e}");
        let e = refusal(&["world.debt_limit=1e308", "world.producers=1e308"]);
        assert!(e.contains("world.producers = 1e308"), "{e}");
        assert!(e.len() < 400, "{e}");
        let e = refusal(&["world.value_tail=1e-300"]);
        assert!(
            e.contains("world.value_tail = 1e-300: allowed a number > 1"),
            "{e}"
        );
    }
}
