//! One place for the statistics that tables and charts both show: a streaming
//! mean and variance, and the 95 % t-interval of the mean. `summary.csv` and
//! every chart compute their intervals here, so their digits always agree.

/// Streaming mean and variance (Welford), fed in a fixed order so results are
/// identical whatever the thread count.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accumulator {
    n: u32,
    mean: f64,
    m2: f64,
}

impl Accumulator {
    /// Adds one run's value; NaN is skipped.
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    pub fn stats(&self) -> Stats {
        let n = self.n;
        let mean = if n > 0 { self.mean } else { f64::NAN };
        let sd = if n > 1 {
            (self.m2 / (n - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        let half = if n > 1 {
            t975(n - 1) * sd / (n as f64).sqrt()
        } else {
            f64::NAN
        };
        Stats {
            n,
            mean,
            sd,
            ci_low: mean - half,
            ci_high: mean + half,
        }
    }
}

/// Summary of one metric over the runs of a group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// Runs counted (NaN values are not).
    pub n: u32,
    pub mean: f64,
    /// Sample standard deviation (NaN below two runs).
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Stats {
    /// A group without any value: drawn as a gap, printed as "-".
    pub const MISSING: Stats = Stats {
        n: 0,
        mean: f64::NAN,
        sd: f64::NAN,
        ci_low: f64::NAN,
        ci_high: f64::NAN,
    };

    /// Whether the group has an interval (two values or more).
    pub fn has_interval(&self) -> bool {
        self.ci_low.is_finite() && self.ci_high.is_finite()
    }

    pub fn of(values: &[f64]) -> Stats {
        let mut a = Accumulator::default();
        values.iter().for_each(|&x| a.push(x));
        a.stats()
    }
}

/// Two-sided 95 % quantile of Student's t with `df` degrees of freedom: exact
/// table values up to 30, then the Cornish-Fisher expansion (error below 1e-5).
pub fn t975(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_963_984_540_054;
            let n = df as f64;
            let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
            z + (z3 + z) / (4.0 * n)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_match_hand_computation() {
        let s = Stats::of(&[1.0, 2.0, 3.0, f64::NAN]);
        assert_eq!(s.n, 3);
        assert!((s.mean - 2.0).abs() < 1e-12);
        assert!((s.sd - 1.0).abs() < 1e-12);
        let half = 4.302_652_730 / 3f64.sqrt();
        assert!((s.ci_high - (2.0 + half)).abs() < 1e-9);
        assert!((s.ci_low - (2.0 - half)).abs() < 1e-9);
        let one = Stats::of(&[5.0]);
        assert_eq!((one.n, one.mean), (1, 5.0));
        assert!(one.sd.is_nan() && one.ci_low.is_nan());
        let none = Stats::of(&[f64::NAN]);
        assert_eq!(none.n, 0);
        assert!(none.mean.is_nan());
    }

    #[test]
    fn t_quantiles_join_smoothly() {
        // Reference values of the 97.5 % quantile for larger df.
        for (df, t) in [(40, 2.021_075_39), (60, 2.000_297_82), (120, 1.979_930_41)] {
            assert!((t975(df) - t).abs() < 1e-5, "df {df}: {}", t975(df));
        }
        assert!(t975(30) > t975(31) && t975(31) > t975(1000));
        assert!((t975(1_000_000) - 1.959_964).abs() < 1e-5);
    }
}
