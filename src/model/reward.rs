//! Phase 7, reward (MODEL.md §2.7): who is paid. Revenue goes to the leader's
//! holder (a group splits it); a levy on consumer surplus plus last step's fines,
//! net of last step's monitoring costs, fill a pool paid out equally or by credit;
//! an optional pay cap compresses earnings keeping their total.

use super::config::{Split, Visibility};
use super::simulation::Simulation;

/// Credit below this counts as none.
const CREDIT_FLOOR: f64 = 1e-6;

pub(super) fn run(sim: &mut Simulation) {
    let w = &sim.config.world;
    let r = &sim.config.regime;
    let n = sim.producers.len();
    let p = &mut sim.producers;

    // Credit: moving average of the value added to the frontier.
    for i in 0..n {
        p.credit[i] = w.credit_decay * p.credit[i] + (1.0 - w.credit_decay) * p.new_credit[i];
    }
    let credit = |c: f64| if c < CREDIT_FLOOR { 0.0 } else { c };

    p.income.iter_mut().for_each(|x| *x = 0.0);
    let groups = r.visibility == Visibility::Groups;
    for (h, &rev) in sim.holder_revenue.iter().enumerate() {
        if rev <= 0.0 {
            continue;
        }
        if !groups {
            p.income[h] += rev;
            continue;
        }
        let members = group_members(h, n, w.groups);
        let total: f64 = members.clone().map(|i| credit(p.credit[i])).sum();
        for i in members.clone() {
            let share = match r.group_share {
                Split::Contribution if total > 0.0 => credit(p.credit[i]) / total,
                _ => 1.0 / members.len() as f64,
            };
            p.income[i] += rev * share;
        }
    }

    let levy = r.levy * sim.ledger.consumer_surplus;
    sim.ledger.levy = levy;
    let pool = levy + sim.ledger.fines_carried - sim.ledger.monitoring_carried;
    if pool != 0.0 {
        let total: f64 = p.credit.iter().map(|&c| credit(c)).sum();
        for i in 0..n {
            let share = match r.pool_rule {
                Split::Contribution if total > 0.0 => credit(p.credit[i]) / total,
                _ => 1.0 / n as f64,
            };
            p.income[i] += pool * share;
        }
    }

    // Outside option: unexerted trials of the base budget earn the outside wage.
    for i in 0..n {
        let idle = (p.budget[i] - p.exerted[i] as f64).clamp(0.0, w.base_budget);
        p.outside[i] = w.outside_wage * idle;
    }

    if let Some(cap) = r.pay_cap {
        let scratch = &mut sim.scratch;
        scratch.clear();
        scratch.extend((0..n).map(|i| p.income[i] + p.outside[i]));
        let capped = water_fill(scratch, cap, &mut sim.buffers.water);
        for (income, &y) in p.income.iter_mut().zip(scratch.iter()) {
            if y > 0.0 {
                *income += capped(y) - y;
            }
        }
    }
    sim.ledger.paid = p.income.iter().sum();
}

/// Producers of group `g` (groups are contiguous blocks: group(i) = i*G/N).
pub(crate) fn group_members(g: usize, n: usize, groups: usize) -> std::ops::Range<usize> {
    let first = |g: usize| (g * n).div_ceil(groups);
    first(g)..first(g + 1)
}

/// Water-filling of the positive values in `y` so that max/min <= `cap` with the
/// same total: finds `f` with `sum clamp(y, f, cap*f) = sum y` and returns the
/// map `y -> clamp(y, f, cap*f)` (non-positive values are left alone). `work` is
/// scratch space, kept by the caller so that a step does not allocate.
///
/// The result is, bit for bit, that of a plain bisection on `f` (summing the
/// clamped values in their order at every midpoint, then solving exactly on the
/// piece where the bisection ended; see the test oracle). Only which values sit
/// at the floor, the ceiling or in between at the end enters that result, so the
/// bisection stops once this pattern is the same over its whole interval; and
/// it sums only the values whose place is still open in the interval (a share
/// that about halves each step).
///
/// # Panics
/// If `cap` is below 1 or NaN and some value needs capping.
pub fn water_fill(y: &[f64], cap: f64, work: &mut Vec<f64>) -> impl Fn(f64) -> f64 + use<> {
    let (floor, ceiling) = match fill_floor(y, cap, work) {
        Some(f) => (f, cap * f),
        None => (f64::NEG_INFINITY, f64::INFINITY),
    };
    move |v: f64| v.clamp(floor, ceiling)
}

/// The floor `f` of [`water_fill`], or `None` if no value needs capping.
fn fill_floor(y: &[f64], cap: f64, work: &mut Vec<f64>) -> Option<f64> {
    let positive = || y.iter().copied().filter(|&v| v > 0.0);
    work.clear();
    let (mut total, mut lo, mut hi) = (0.0, f64::INFINITY, 0.0f64);
    for v in positive() {
        total += v;
        (lo, hi) = (lo.min(v), hi.max(v));
        work.push(v);
    }
    if work.is_empty() || hi <= cap * lo {
        return None;
    }
    assert!(cap >= 1.0, "pay cap {cap} below 1");
    let mut search = Bisection {
        y,
        cap,
        total,
        count: work.len(),
        a: lo,
        b: hi / cap,
        left: 200,
        open: work,
        at_floor: 0,
        between: 0.0,
        at_ceiling: 0,
    };
    search.narrow();
    search.run(true);
    // Solve exactly on the piece where the clamping pattern of `a` holds.
    let f = search.a;
    let (mut n_low, mut n_high, mut middle) = (0.0, 0.0, 0.0);
    for v in positive() {
        if v <= f {
            n_low += 1.0;
        } else if v >= cap * f {
            n_high += 1.0;
        } else {
            middle += v;
        }
    }
    let exact = (total - middle) / (n_low + cap * n_high);
    if exact.is_finite() && exact > 0.0 {
        return Some(exact);
    }
    // Only with non-finite sums: fall back on where the bisection ends.
    search.run(false);
    Some(search.a)
}

/// The bisection of the oracle, step for step, on floors in `[a, b]` (from
/// `lo`, `hi / cap`). The positive values that sit at the floor for every `f`
/// in it are counted in `at_floor`, those at the ceiling in `at_ceiling`, those
/// in between summed in `between`; `open` holds the rest.
struct Bisection<'a> {
    y: &'a [f64],
    cap: f64,
    total: f64,
    /// Positive values in all.
    count: usize,
    a: f64,
    b: f64,
    /// Iterations left of the oracle's 200.
    left: u32,
    open: &'a mut Vec<f64>,
    at_floor: usize,
    between: f64,
    at_ceiling: usize,
}

impl Bisection<'_> {
    /// Bisects until done or, with `settle`, until no value is open: the
    /// clamping pattern is then the same wherever `a` ends.
    fn run(&mut self, settle: bool) {
        while self.left > 0 && !(settle && self.open.is_empty()) {
            self.left -= 1;
            let mid = 0.5 * (self.a + self.b);
            let stuck = mid == self.a || mid == self.b;
            if self.short(mid) {
                self.a = mid;
            } else {
                self.b = mid;
            }
            self.narrow();
            // Once the midpoint is an end of the interval, no later iteration
            // can change `a`.
            if stuck {
                self.left = 0;
            }
        }
    }

    /// Settles the open values whose place is the same for every `f` in
    /// `[a, b]`: at the floor (`v <= f`), else at the ceiling (`v >= cap*f`),
    /// else in between.
    fn narrow(&mut self) {
        let (a, b) = (self.a, self.b);
        let (ceiling_a, ceiling_b) = (self.cap * a, self.cap * b);
        self.open.retain(|&v| {
            if v <= a {
                self.at_floor += 1;
            } else if v > b && v >= ceiling_b {
                self.at_ceiling += 1;
            } else if v > b && v < ceiling_a {
                self.between += v;
            } else {
                return true;
            }
            false
        });
    }

    /// Whether `sum clamp(v, f, cap*f)` over the positive values, summed in the
    /// order of `y`, falls short of `total`, for `f` in `[a, b]`. The same sum
    /// from the settled values is within `slack` of it (either rounds at most
    /// ~n ulps of the sum); only when that is too close to call is the sum taken
    /// in order.
    fn short(&self, f: f64) -> bool {
        let ceiling = self.cap * f;
        let open: f64 = self.open.iter().map(|&v| v.clamp(f, ceiling)).sum();
        let approx =
            self.at_floor as f64 * f + self.between + open + self.at_ceiling as f64 * ceiling;
        let slack =
            (4 * self.count + 16) as f64 * f64::EPSILON * (self.total + approx) + f64::MIN_POSITIVE;
        if approx + slack < self.total {
            return true;
        }
        if approx - slack > self.total {
            return false;
        }
        let filled: f64 = self
            .y
            .iter()
            .filter(|&&v| v > 0.0)
            .map(|&v| v.clamp(f, ceiling))
            .sum();
        filled < self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn group_members_partition_the_producers() {
        let (n, g) = (103, 10);
        let mut seen = vec![0; n];
        for k in 0..g {
            for i in group_members(k, n, g) {
                assert_eq!(i * g / n, k);
                seen[i] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }

    /// The water fill as first written, kept as the oracle: a bisection summing
    /// the clamped values at every midpoint, then an exact solve on its piece.
    fn water_fill_bisection(y: &[f64], cap: f64) -> impl Fn(f64) -> f64 + use<> {
        let positive: Vec<f64> = y.iter().copied().filter(|&v| v > 0.0).collect();
        let total: f64 = positive.iter().sum();
        let (lo, hi) = positive
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        if positive.is_empty() || hi <= cap * lo {
            return Box::new(|v: f64| v) as Box<dyn Fn(f64) -> f64>;
        }
        let filled = |f: f64| positive.iter().map(|&v| v.clamp(f, cap * f)).sum::<f64>();
        let (mut a, mut b) = (lo, hi / cap);
        for _ in 0..200 {
            let mid = 0.5 * (a + b);
            let stuck = mid == a || mid == b;
            if filled(mid) < total {
                a = mid;
            } else {
                b = mid;
            }
            if stuck {
                break;
            }
        }
        let f = a;
        let (mut n_low, mut n_high, mut middle) = (0.0, 0.0, 0.0);
        for &v in &positive {
            if v <= f {
                n_low += 1.0;
            } else if v >= cap * f {
                n_high += 1.0;
            } else {
                middle += v;
            }
        }
        let exact = (total - middle) / (n_low + cap * n_high);
        let f = if exact.is_finite() && exact > 0.0 {
            exact
        } else {
            f
        };
        Box::new(move |v: f64| v.clamp(f, cap * f))
    }

    /// Checks `water_fill` against the oracle, bit for bit, on `y` and on
    /// values that expose the floor and the ceiling themselves.
    fn same_as_bisection(y: &[f64], cap: f64, work: &mut Vec<f64>) -> Result<(), String> {
        let (new, old) = (water_fill(y, cap, work), water_fill_bisection(y, cap));
        let probes = [
            f64::from_bits(1),
            1e-300,
            1.0,
            1e300,
            f64::MAX,
            f64::INFINITY,
        ];
        for &v in y.iter().filter(|&&v| v > 0.0).chain(&probes) {
            if new(v).to_bits() != old(v).to_bits() {
                return Err(format!(
                    "y {y:?} cap {cap}: {v} -> {} not {}",
                    new(v),
                    old(v)
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn water_fill_matches_the_bisection_on_edge_cases() {
        let mut work = Vec::new();
        let cases: &[(&[f64], f64)] = &[
            (&[], 2.0),
            (&[-1.0, 0.0, -0.0, f64::NAN], 2.0),
            (&[3.0], 2.0),
            (&[3.0, 3.0, 3.0], 1.0),
            (&[1.0, 2.0], 2.0),
            (&[1.0, 2.0, 5.0], 2.0),
            (&[1.0, 1.0, 4.0, 4.0], 1.0),
            (&[1.0, 3.0, 3.0, 9.0, 0.0, -2.0], 1.5),
            (&[1.0, f64::INFINITY], 2.0),
            (&[1e-310, 5e-324, 1.0], 3.0),
            (&[f64::MAX, f64::MAX, 1.0], 6.0),
            (&[1.0, 1e300], f64::INFINITY),
        ];
        for &(y, cap) in cases {
            same_as_bisection(y, cap, &mut work).unwrap();
        }
    }

    /// A value: mostly from a few round numbers (ties, roots on a breakpoint),
    /// else any in a range, or an extreme.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => (0..8u8).prop_map(|k| f64::from(k) * 0.5),
            4 => -1.0f64..100.0,
            1 => prop_oneof![
                Just(0.0),
                Just(-0.0),
                Just(f64::INFINITY),
                Just(f64::NAN),
                Just(f64::MAX),
                Just(1e-310),
                Just(1e-20),
            ],
        ]
    }

    proptest! {
        #[test]
        fn water_fill_matches_the_bisection(
            y in proptest::collection::vec(value(), 0..80),
            cap in prop_oneof![1.0f64..20.0, (2..13u8).prop_map(|k| f64::from(k) * 0.5)],
        ) {
            same_as_bisection(&y, cap, &mut Vec::new()).map_err(TestCaseError::fail)?;
        }

        #[test]
        fn pay_cap_bounds_the_ratio_and_keeps_the_total(
            y in proptest::collection::vec(-1.0f64..100.0, 1..60),
            cap in 1.0f64..20.0,
        ) {
            let capped = water_fill(&y, cap, &mut Vec::new());
            let after: Vec<f64> = y.iter().map(|&v| if v > 0.0 { capped(v) } else { v }).collect();
            let before_total: f64 = y.iter().filter(|&&v| v > 0.0).sum();
            let after_total: f64 = after.iter().zip(&y).filter(|(_, v)| **v > 0.0).map(|(a, _)| a).sum();
            prop_assert!((before_total - after_total).abs() <= 1e-9 * before_total.max(1.0));
            let pos: Vec<f64> = after.iter().zip(&y).filter(|(_, v)| **v > 0.0).map(|(a, _)| *a).collect();
            if !pos.is_empty() {
                let max = pos.iter().cloned().fold(f64::MIN, f64::max);
                let min = pos.iter().cloned().fold(f64::MAX, f64::min);
                prop_assert!(max <= cap * min * (1.0 + 1e-9), "max {} min {} cap {}", max, min, cap);
            }
        }
    }
}
