//! The fast bisection behind [`super::water_fill`]: the reference's bisection
//! step for step, each midpoint decided from cheap sums that are provably on the
//! right side of the total (a histogram of the values, then the few values still
//! open), else summed in order as the reference does.

/// Counts and sums of the positive values by key: the top bits of their bit
/// patterns from `lo`'s, at most as many keys as values. Keys order as values
/// do, so a key below `f`'s is a value below `f`.
pub(super) struct Histogram<'a> {
    base: u64,
    shift: u32,
    last: usize,
    hi: f64,
    /// Count and sum of the values with a key below `k`, at `k`.
    below: &'a [(usize, f64)],
}

impl<'a> Histogram<'a> {
    pub(super) fn new(values: &[f64], lo: f64, hi: f64, below: &'a mut Vec<(usize, f64)>) -> Self {
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
pub(super) struct Bisection<'a> {
    /// The positive values, in their order.
    pub(super) values: &'a [f64],
    pub(super) cap: f64,
    pub(super) total: f64,
    pub(super) a: f64,
    pub(super) b: f64,
    /// Iterations left of the oracle's 200.
    pub(super) left: u32,
    /// The open values are `open[..opened]`.
    pub(super) open: &'a mut [f64],
    pub(super) opened: usize,
    pub(super) at_floor: usize,
    pub(super) between: f64,
    pub(super) at_ceiling: usize,
    /// The next midpoint, `(a + b) / 2`, and the open values clamped there.
    pub(super) mid: f64,
    pub(super) open_sum: f64,
}

impl Bisection<'_> {
    /// Bisects while the histogram tells which side of `total` the clamped sum
    /// at the midpoint is on.
    pub(super) fn coarse(&mut self, histogram: &Histogram) {
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
    pub(super) fn run(&mut self, settle: bool) {
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
    pub(super) fn open(&mut self, histogram: &Histogram) {
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
