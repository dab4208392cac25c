//! Summary statistics over runs (mean, sd, 95 % t-based confidence interval,
//! NaN skipped) and the compact table printed at the end of `regimes run`.

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

/// The compact table shown on stdout after a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overview {
    /// Headers of the label columns (`regime`, then swept parameters if shown).
    pub labels: Vec<String>,
    /// Metric headers.
    pub metrics: Vec<String>,
    pub rows: Vec<(Vec<String>, Vec<Stats>)>,
    /// Sweep points pooled into each row, when there were too many to show.
    pub pooled_points: Option<usize>,
}

impl Overview {
    /// Text table: each metric as `mean ±half-width` of the 95 % interval.
    pub fn render(&self) -> String {
        let mut table: Vec<Vec<String>> = Vec::new();
        let header: Vec<String> = self.labels.iter().chain(&self.metrics).cloned().collect();
        table.push(header);
        for (labels, stats) in &self.rows {
            let mut row = labels.clone();
            row.extend(stats.iter().map(cell));
            table.push(row);
        }
        let columns = table[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &table {
            let line: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    if c < self.labels.len() {
                        format!("{s:<w$}", w = widths[c])
                    } else {
                        format!("{s:>w$}", w = widths[c])
                    }
                })
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        if let Some(points) = self.pooled_points {
            out.push_str(&format!(
                "(each row pools {points} sweep points; summary.csv has every point)\n"
            ));
        }
        out
    }
}

/// `mean ±half` with 3 significant digits.
fn cell(s: &Stats) -> String {
    if s.mean.is_nan() {
        return "-".to_string();
    }
    let half = (s.ci_high - s.mean).abs();
    if half.is_nan() {
        sig(s.mean)
    } else {
        format!("{} ±{}", sig(s.mean), sig(half))
    }
}

/// A number with 3 significant digits, without exponent for everyday magnitudes.
fn sig(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        return format!("{x:.2e}");
    }
    let decimals = (2 - magnitude).max(0) as usize;
    format!("{x:.decimals$}")
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

    #[test]
    fn overview_renders_aligned() {
        let o = Overview {
            labels: vec!["regime".into()],
            metrics: vec!["welfare".into(), "gini_wealth".into()],
            rows: vec![
                (
                    vec!["enclosure".into()],
                    vec![Stats::of(&[10.0, 12.0]), Stats::of(&[0.5])],
                ),
                (
                    vec!["commons".into()],
                    vec![Stats::of(&[1234.5, 1300.0]), Stats::of(&[f64::NAN])],
                ),
            ],
            pooled_points: Some(12),
        };
        let text = o.render();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("regime"));
        assert!(lines[1].contains("11.0 ±12.7"), "{text}");
        assert!(lines[1].ends_with("0.500"), "{text}");
        assert!(lines[2].ends_with('-'), "{text}");
        assert!(lines[3].contains("12 sweep points"));
        assert_eq!(sig(0.000123), "0.000123");
        assert_eq!(sig(-2.5), "-2.50");
        assert_eq!(sig(1.0e7), "1.00e7");
    }
}
