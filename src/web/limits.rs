//! How large a run the page may ask for. A classroom shares one laptop: every
//! bound is stated on the page, and a request beyond one is refused with a 400
//! naming the setting, its value and the limit, before anything runs.

use serde::Serialize;

use crate::experiment::Scenario;

/// Bounds on one run request and on the server as a whole.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Limits {
    pub producers: usize,
    pub problems: usize,
    pub steps: u32,
    /// Regimes x replicates.
    pub runs: u64,
    pub regimes: usize,
    /// Producers x steps x runs: the work of a request, in producer-steps.
    pub work: u64,
    /// Runs stepping at once, over every tab.
    pub live: usize,
    /// Finished runs whose files are kept for download (the oldest go first).
    pub kept: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            producers: 5_000,
            // The duplication scenario sweeps up to 5,000 problems.
            problems: 10_000,
            steps: 3_000,
            runs: 120,
            regimes: 8,
            // The default scenario (1,000 x 500 x 30) is 15 million.
            work: 60_000_000,
            live: 4,
            kept: 16,
        }
    }
}

impl Limits {
    /// Every bound the scenario exceeds, one line each.
    pub fn check(&self, s: &Scenario) -> Vec<String> {
        let mut problems = Vec::new();
        let mut over = |what: &str, value: u64, limit: u64| {
            if value > limit {
                problems.push(format!(
                    "{what} = {value} is beyond this server's limit of {limit}"
                ));
            }
        };
        over(
            "world.producers",
            s.world.producers as u64,
            self.producers as u64,
        );
        over(
            "world.problems",
            s.world.problems as u64,
            self.problems as u64,
        );
        over("steps", u64::from(s.steps), u64::from(self.steps));
        over("regimes", s.regimes.len() as u64, self.regimes as u64);
        over("runs (regimes x replicates)", s.runs(), self.runs);
        let work = (s.world.producers as u64)
            .saturating_mul(u64::from(s.steps))
            .saturating_mul(s.runs());
        over("work (producers x steps x runs)", work, self.work);
        problems
    }
}
