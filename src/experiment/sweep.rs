//! The grid of a scenario: sweep points (the cartesian product of the `[sweep]`
//! axes), and runs numbered in a fixed order, sweep point x regime x replicate,
//! so that a run's index, seed and configuration never depend on how runs are
//! scheduled, split into shards or resumed.

use toml::Value;

use super::scenario::Scenario;
use super::seeds::run_seed;

/// Where one run sits in the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSpec {
    /// Position in the fixed order: `(point * regimes + regime) * replicates + replicate`.
    pub index: u32,
    pub point: usize,
    pub regime: usize,
    pub replicate: u32,
    /// Shared by the regimes at the same point and replicate (common random numbers).
    pub seed: u64,
}

impl Scenario {
    /// Sweep points: the product of the axes' lengths (1 without a sweep).
    pub fn points(&self) -> usize {
        self.sweep.iter().map(|a| a.values.len()).product()
    }

    /// Total runs: sweep points x regimes x replicates.
    pub fn runs(&self) -> u64 {
        self.points() as u64 * self.regimes.len() as u64 * self.replicates as u64
    }

    /// The value of every sweep axis at sweep point `point` (the first axis varies slowest).
    pub fn point(&self, point: usize) -> Vec<&Value> {
        let mut rest = point;
        let mut values: Vec<&Value> = self
            .sweep
            .iter()
            .rev()
            .map(|axis| {
                let v = &axis.values[rest % axis.values.len()];
                rest /= axis.values.len();
                v
            })
            .collect();
        values.reverse();
        values
    }

    /// The run at `index` in the fixed order.
    pub fn run_spec(&self, index: u32) -> RunSpec {
        let replicates = self.replicates as usize;
        let regimes = self.regimes.len();
        let i = index as usize;
        let replicate = (i % replicates) as u32;
        let regime = (i / replicates) % regimes;
        let point = i / replicates / regimes;
        RunSpec {
            index,
            point,
            regime,
            replicate,
            seed: run_seed(self.seed, point as u64, replicate as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_enumerate_point_regime_replicate() {
        let s = Scenario::parse(
            "replicates = 2\nregimes = [\"enclosure\", \"commons\"]\n[sweep]\n\"world.loci\" = [10, 20, 30]",
            "t",
            "t",
            &[],
        )
        .unwrap();
        assert_eq!(s.runs(), 12);
        let specs: Vec<RunSpec> = (0..12).map(|i| s.run_spec(i)).collect();
        assert_eq!(
            (specs[0].point, specs[0].regime, specs[0].replicate),
            (0, 0, 0)
        );
        assert_eq!(
            (specs[1].point, specs[1].regime, specs[1].replicate),
            (0, 0, 1)
        );
        assert_eq!(
            (specs[2].point, specs[2].regime, specs[2].replicate),
            (0, 1, 0)
        );
        assert_eq!(
            (specs[11].point, specs[11].regime, specs[11].replicate),
            (2, 1, 1)
        );
        // Regimes share seeds at the same point and replicate; points and replicates do not.
        assert_eq!(specs[0].seed, specs[2].seed);
        assert_ne!(specs[0].seed, specs[1].seed);
        assert_ne!(specs[0].seed, specs[4].seed);
        assert_eq!(s.config(specs[11].point, 1).unwrap().world.loci, 30);
    }
}
