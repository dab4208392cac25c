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

    // Credit: moving average of the value added to the frontier. (The loops
    // over producers zip their vectors: no bounds checks, so they vectorise.)
    for (credit, &new) in p.credit.iter_mut().zip(&p.new_credit) {
        *credit = w.credit_decay * *credit + (1.0 - w.credit_decay) * new;
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
        for (income, &c) in p.income.iter_mut().zip(&p.credit) {
            let share = match r.pool_rule {
                Split::Contribution if total > 0.0 => credit(c) / total,
                _ => 1.0 / n as f64,
            };
            *income += pool * share;
        }
    }

    // Outside option: unexerted trials of the base budget earn the outside wage.
    for ((outside, &budget), &exerted) in p.outside.iter_mut().zip(&p.budget).zip(&p.exerted) {
        let idle = (budget - exerted as f64).clamp(0.0, w.base_budget);
        *outside = w.outside_wage * idle;
    }

    if let Some(cap) = r.pay_cap {
        let scratch = &mut sim.scratch;
        scratch.clear();
        scratch.extend(
            p.income
                .iter()
                .zip(&p.outside)
                .map(|(income, outside)| income + outside),
        );
        let capped = water_fill(scratch, cap, &mut sim.buffers.water_fill);
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
/// map `y -> clamp(y, f, cap*f)` (non-positive values are left alone).
///
/// The result is, bit for bit, that of a plain bisection on `f` (summing the
/// clamped values in their order at every midpoint, then solving exactly on the
/// piece where the bisection ended; see the test oracle). The same bisection is
/// run, but each midpoint is decided from cheaper sums that are provably on the
/// right side of `sum y` (else the sum is taken in order): first from a
/// histogram of the values, then from the few values whose clamping is still
/// open in the bisection's interval. Only which values sit at the floor, the
/// ceiling or in between at the end enters the result, so it stops once none is
/// open (after ~10 of the ~60 steps).
///
/// # Panics
/// If `cap` is below 1 or NaN and some value needs capping.
pub fn water_fill(y: &[f64], cap: f64, space: &mut Workspace) -> impl Fn(f64) -> f64 + use<> {
    let (floor, ceiling) = match fill_floor(y, cap, space) {
        Some(f) => (f, cap * f),
        None => (f64::NEG_INFINITY, f64::INFINITY),
    };
    move |v: f64| v.clamp(floor, ceiling)
}

/// Space for [`water_fill`], kept by the caller so that a step does not allocate.
#[derive(Default)]
pub struct Workspace {
    values: Vec<f64>,
    open: Vec<f64>,
    buckets: Vec<(usize, f64)>,
}

/// The floor `f` of [`water_fill`], or `None` if no value needs capping.
fn fill_floor(y: &[f64], cap: f64, space: &mut Workspace) -> Option<f64> {
    let Workspace {
        values,
        open,
        buckets,
    } = space;
    // Sized once; entries past those written are stale and never read.
    for buffer in [&mut *values, &mut *open] {
        if buffer.len() < y.len() {
            buffer.resize(y.len(), 0.0);
        }
    }
    let (mut total, mut lo, mut hi, mut m) = (0.0, f64::INFINITY, 0.0f64, 0);
    for &v in y {
        if v > 0.0 {
            values[m] = v;
            m += 1;
            total += v;
            lo = if v < lo { v } else { lo };
            hi = if v > hi { v } else { hi };
        }
    }
    let values = &values[..m];
    if m == 0 || hi <= cap * lo {
        return None;
    }
    assert!(cap >= 1.0, "pay cap {cap} below 1");
    let histogram = Histogram::new(values, lo, hi, buckets);
    let mut search = Bisection {
        values,
        cap,
        total,
        a: lo,
        b: hi / cap,
        left: 200,
        open,
        opened: 0,
        at_floor: 0,
        between: 0.0,
        at_ceiling: 0,
        mid: 0.0,
        open_sum: 0.0,
    };
    search.coarse(&histogram);
    search.open(&histogram);
    search.run(true);
    // Solve exactly on the piece where the clamping pattern of `a` holds.
    let (f, ceiling) = (search.a, cap * search.a);
    let (mut n_low, mut n_inside, mut middle) = (0, 0, 0.0);
    for &v in values.iter() {
        let inside = (v > f) & (v < ceiling);
        n_low += usize::from(v <= f);
        n_inside += usize::from(inside);
        // Adds `v` or +0, without a branch (a value's place is hard to
        // predict). An infinite `v` gives NaN, but `total` is then infinite
        // and `exact` is not finite either way.
        middle += v * f64::from(u8::from(inside));
    }
    let n_high = m - n_low - n_inside;
    let exact = (total - middle) / (n_low as f64 + cap * n_high as f64);
    if exact.is_finite() && exact > 0.0 {
        return Some(exact);
    }
    // Only when sums overflow or underflow: fall back on where the bisection
    // ends.
    search.run(false);
    Some(search.a)
}

/// Counts and sums of the positive values by key: the top bits of their bit
/// patterns from `lo`'s, at most as many keys as values. Keys order as values
/// do, so a key below `f`'s is a value below `f`.
struct Histogram<'a> {
    base: u64,
    shift: u32,
    last: usize,
    hi: f64,
    /// Count and sum of the values with a key below `k`, at `k`.
    below: &'a [(usize, f64)],
}

impl<'a> Histogram<'a> {
    fn new(values: &[f64], lo: f64, hi: f64, below: &'a mut Vec<(usize, f64)>) -> Self {
        let base = lo.to_bits();
        let span = hi.to_bits() - base;
        let shift = (u64::BITS - span.leading_zeros()).saturating_sub(values.len().ilog2());
        let last = (span >> shift) as usize;
        below.clear();
        below.resize(last + 2, (0, 0.0));
        for &v in values {
            let bucket = &mut below[Self::key_of(v, base, shift) + 1];
            bucket.0 += 1;
            bucket.1 += v;
        }
        let (mut count, mut sum) = (0, 0.0);
        for bucket in below.iter_mut() {
            (count, sum) = (count + bucket.0, sum + bucket.1);
            *bucket = (count, sum);
        }
        Histogram {
            base,
            shift,
            last,
            hi,
            below,
        }
    }

    /// The key of a value (`lo <= v <= hi`).
    fn key_of(v: f64, base: u64, shift: u32) -> usize {
        ((v.to_bits() - base) >> shift) as usize
    }

    /// The key of any `v >= 0`: that of the nearest value in `[lo, hi]`.
    fn key(&self, v: f64) -> usize {
        ((v.to_bits().saturating_sub(self.base) >> self.shift) as usize).min(self.last)
    }

    /// Bounds on `sum clamp(v, f, ceiling)`: exact but for the values that
    /// share a key with `f` or `ceiling`, bounded by their key's range.
    fn bounds(&self, f: f64, ceiling: f64) -> (f64, f64) {
        let (kf, kc) = (self.key(f), self.key(ceiling));
        let below = self.below;
        let above = below[self.last + 1].0 - below[kc + 1].0;
        let mut sure = below[kf].0 as f64 * f + above as f64 * ceiling;
        if kc > kf + 1 {
            sure += below[kc].1 - below[kf + 1].1;
        }
        let (mut lower, mut upper) = (sure, sure);
        let mut edge = |k: usize| {
            let n = (below[k + 1].0 - below[k].0) as f64;
            let least = f64::from_bits(self.base + ((k as u64) << self.shift));
            let most = if k == self.last {
                self.hi
            } else {
                f64::from_bits(self.base + (((k + 1) as u64) << self.shift) - 1)
            };
            lower += n * least.clamp(f, ceiling);
            upper += n * most.clamp(f, ceiling);
        };
        edge(kf);
        if kc != kf {
            edge(kc);
        }
        (lower, upper)
    }
}

/// The bisection of the oracle, step for step, on floors in `[a, b]` (from
/// `lo`, `hi / cap`). Once `open` has run, the positive values that sit at the
/// floor for every `f` in it are counted in `at_floor`, those at the ceiling in
/// `at_ceiling`, those in between summed in `between`; the rest are open.
struct Bisection<'a> {
    /// The positive values, in their order.
    values: &'a [f64],
    cap: f64,
    total: f64,
    a: f64,
    b: f64,
    /// Iterations left of the oracle's 200.
    left: u32,
    /// The open values are `open[..opened]`.
    open: &'a mut [f64],
    opened: usize,
    at_floor: usize,
    between: f64,
    at_ceiling: usize,
    /// The next midpoint, `(a + b) / 2`, and the open values clamped there.
    mid: f64,
    open_sum: f64,
}

impl Bisection<'_> {
    /// Bisects while the histogram tells which side of `total` the clamped sum
    /// at the midpoint is on.
    fn coarse(&mut self, histogram: &Histogram) {
        while self.left > 0 {
            let mid = 0.5 * (self.a + self.b);
            let (lower, upper) = histogram.bounds(mid, self.cap * mid);
            let short = match self.side(lower, upper) {
                Some(short) => short,
                None => return,
            };
            self.step(mid, short);
        }
    }

    /// Bisects until done or, with `settle`, until no value is open: the
    /// clamping pattern is then the same wherever `a` ends.
    fn run(&mut self, settle: bool) {
        while self.left > 0 && !(settle && self.opened == 0) {
            let mid = self.mid;
            let short = self.short();
            self.step(mid, short);
            self.narrow();
        }
    }

    /// One step of the oracle: `short` tells whether the clamped sum at `mid`
    /// falls short of `total`.
    fn step(&mut self, mid: f64, short: bool) {
        self.left -= 1;
        let stuck = mid == self.a || mid == self.b;
        if short {
            self.a = mid;
        } else {
            self.b = mid;
        }
        // Once the midpoint is an end of the interval, no later iteration can
        // change `a`.
        if stuck {
            self.left = 0;
        }
    }

    /// Whether a sum within `[lower, upper]` (up to rounding) falls short of
    /// `total` once summed in the oracle's order, if that is certain. All terms
    /// are positive, so the oracle's sum, `total` and ours (through histogram
    /// and settled sums) each round by at most ~n ulps of the sums: the slack
    /// is well over twice all that.
    fn side(&self, lower: f64, upper: f64) -> Option<bool> {
        let slack = |s: f64| {
            (8 * self.values.len() + 32) as f64 * f64::EPSILON * (self.total + s)
                + f64::MIN_POSITIVE
        };
        if upper + slack(upper) < self.total {
            Some(true)
        } else if lower - slack(lower) > self.total {
            Some(false)
        } else {
            None
        }
    }

    /// Whether the clamped sum at `mid`, in the values' order, falls short of
    /// `total`: from the settled and open values, else summed in order.
    fn short(&self) -> bool {
        let (f, ceiling) = (self.mid, self.cap * self.mid);
        let approx = self.at_floor as f64 * f
            + self.between
            + self.open_sum
            + self.at_ceiling as f64 * ceiling;
        self.side(approx, approx).unwrap_or_else(|| {
            let filled: f64 = self.values.iter().map(|&v| v.clamp(f, ceiling)).sum();
            filled < self.total
        })
    }

    /// Settles, from the histogram, the values whose key is not that of a
    /// floor or a ceiling in `[a, b]`, opens the others, and narrows them.
    fn open(&mut self, histogram: &Histogram) {
        let (a, b, cap) = (self.a, self.b, self.cap);
        let [floor_a, floor_b, ceiling_a, ceiling_b] =
            [a, b, cap * a, cap * b].map(|v| histogram.key(v));
        let below = histogram.below;
        self.at_floor = below[floor_a].0;
        self.at_ceiling = below[histogram.last + 1].0 - below[ceiling_b + 1].0;
        self.between = if ceiling_a > floor_b + 1 {
            below[ceiling_a].1 - below[floor_b + 1].1
        } else {
            0.0
        };
        let (floors, ceilings) = (floor_b - floor_a, ceiling_b - ceiling_a);
        let mut opened = 0;
        for &v in self.values {
            let k = Histogram::key_of(v, histogram.base, histogram.shift);
            let open =
                (k.wrapping_sub(floor_a) <= floors) | (k.wrapping_sub(ceiling_a) <= ceilings);
            // Without a branch, as which values are open is hard to predict.
            self.open[opened] = v;
            opened += usize::from(open);
        }
        self.opened = opened;
        self.narrow();
    }

    /// Settles the open values whose place is the same for every `f` in
    /// `[a, b]`: at the floor (`v <= f`), else at the ceiling (`v >= cap*f`),
    /// else in between; then sums the others clamped at the next midpoint.
    fn narrow(&mut self) {
        let (a, b, cap) = (self.a, self.b, self.cap);
        let (ceiling_a, ceiling_b) = (cap * a, cap * b);
        let (mut at_floor, mut at_ceiling, mut between, mut kept) = (0, 0, 0.0, 0);
        let open = &mut self.open[..self.opened];
        // Without branches, as a value's place is hard to predict.
        for k in 0..open.len() {
            let v = open[k];
            let floor = v <= a;
            let ceiling = (v > b) & (v >= ceiling_b);
            let inside = (v > b) & (v < ceiling_a);
            at_floor += usize::from(floor);
            at_ceiling += usize::from(ceiling);
            // (An infinite `v` makes this NaN: every midpoint is then summed
            // in order.)
            between += v * f64::from(u8::from(inside));
            open[kept] = v;
            kept += usize::from(!(floor | ceiling | inside));
        }
        self.opened = kept;
        self.at_floor += at_floor;
        self.at_ceiling += at_ceiling;
        self.between += between;
        self.mid = 0.5 * (a + b);
        let (mid, ceiling_mid) = (self.mid, cap * self.mid);
        self.open_sum = self.open[..kept]
            .iter()
            .map(|&v| v.clamp(mid, ceiling_mid))
            .sum();
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
    fn same_as_bisection(y: &[f64], cap: f64, space: &mut Workspace) -> Result<(), String> {
        let (new, old) = (water_fill(y, cap, space), water_fill_bisection(y, cap));
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
        let mut space = Workspace::default();
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
            same_as_bisection(y, cap, &mut space).unwrap();
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
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Earnings as in a run: a pool share plus a wage for idle trials, and
        /// for some a revenue; one workspace for several calls.
        #[test]
        fn water_fill_matches_the_bisection_on_runs(
            share in 0.0f64..0.01,
            wage in 1e-4f64..1e-2,
            earnings in proptest::collection::vec(
                (0..8u8, proptest::option::weighted(0.1, 0.0f64..1.0)),
                300..1500,
            ),
            cap in prop_oneof![Just(6.0), 1.0f64..20.0],
        ) {
            let y: Vec<f64> = earnings
                .iter()
                .map(|&(idle, revenue)| share + wage * f64::from(idle) + revenue.map_or(0.0, |r| r.powi(4)))
                .collect();
            let mut space = Workspace::default();
            for part in [&y[..], &y[..y.len() / 3], &y[..]] {
                same_as_bisection(part, cap, &mut space).map_err(TestCaseError::fail)?;
            }
        }
    }

    proptest! {
        #[test]
        fn water_fill_matches_the_bisection(
            y in proptest::collection::vec(value(), 0..80),
            cap in prop_oneof![1.0f64..20.0, (2..13u8).prop_map(|k| f64::from(k) * 0.5)],
        ) {
            same_as_bisection(&y, cap, &mut Workspace::default()).map_err(TestCaseError::fail)?;
        }

        #[test]
        fn pay_cap_bounds_the_ratio_and_keeps_the_total(
            y in proptest::collection::vec(-1.0f64..100.0, 1..60),
            cap in 1.0f64..20.0,
        ) {
            let capped = water_fill(&y, cap, &mut Workspace::default());
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
