//! The sorts of the Ginis (spec §2.10, docs/MODEL.md §7.10): non-negative
//! values ascending. The reference is the standard library's sort
//! ([`sort_naive`]); a sorted array does not depend on how it was sorted, so
//! the tests compare the fast sorts with it bit for bit.

use rayon::prelude::*;

/// From this many values on, the sorts for the Ginis run on rayon's pool (a
/// sorted array does not depend on how it was sorted).
pub const PARALLEL_SORT: usize = 1 << 16;

/// Below this many values the radix sort is not worth its passes.
pub const RADIX_SORT_MIN: usize = 64;

/// `max(x, 0)` as a float whose bits order like its value (no NaN, no -0.0).
#[inline]
pub fn non_negative(x: f64) -> f64 {
    x.max(0.0) + 0.0
}

/// Sorts values made by [`non_negative`] ascending. Their bit patterns order like
/// the values, and integer comparisons are cheaper than `f64::total_cmp`.
pub fn sort_non_negative(x: &mut [f64]) {
    if x.len() >= PARALLEL_SORT {
        x.par_sort_unstable_by_key(|v| v.to_bits());
    } else {
        x.sort_unstable_by_key(|v| v.to_bits());
    }
}

/// Sorts values made by [`non_negative`] ascending, as [`sort_non_negative`]
/// would (a sorted array does not depend on how it was sorted), but faster for
/// values spread like wealth; returns false, and leaves `x` as it was, if it
/// finds them too crowded for it.
///
/// A least-significant-digit radix sort on the top bits of the keys (the bit
/// patterns, which order like the values) above the smallest: two passes of
/// `b` bits, `2^b` about `x.len()`, leave about one value per key, in an order
/// that an insertion sort then finishes (values sharing a key). Unlike a
/// comparison sort, nothing here branches on the values but the insertion sort:
/// on values that change every step, branches are mispredicted.
///
/// Values sharing a key also share its low digit, so the sum of the squares of
/// the low digits' counts bounds the insertion sort's work. Above `4 x.len()`
/// (wealth under open access, whose values often differ in their last bits
/// only), a first pass on the last `b` bits of the keys orders those values
/// too; values it leaves unordered share those bits, whose counts then bound
/// the work in the same way, or this gives up before moving anything.
pub fn radix_sort(x: &mut Vec<f64>, spare: &mut Vec<f64>, counts: &mut Vec<u32>) -> bool {
    let n = x.len();
    if !(RADIX_SORT_MIN..PARALLEL_SORT).contains(&n) {
        return false;
    }
    // (As floats, for `minsd` and `maxsd`.)
    let (mut lo, mut hi) = (f64::INFINITY, 0.0);
    for &v in x.iter() {
        lo = if v < lo { v } else { lo };
        hi = if v > hi { v } else { hi };
    }
    let (lo, hi) = (lo.to_bits(), hi.to_bits());
    if lo == hi {
        return true;
    }
    let b = n.next_power_of_two().trailing_zeros();
    let shift = (u64::BITS - (hi - lo).leading_zeros()).saturating_sub(2 * b);
    let key = |v: &f64| (v.to_bits() - lo) >> shift; // below 2^(2b)
    let mask = (1 << b) - 1;
    let last = |v: &f64| (v.to_bits() & mask) as usize;
    let low = |v: &f64| (key(v) & mask) as usize;
    let high = |v: &f64| (key(v) >> b) as usize;
    let crowding = |counts: &[u32]| counts.iter().map(|&c| c as u64 * c as u64).sum::<u64>();
    let crowded = 4 * n as u64;

    counts.clear();
    counts.resize(3 << b, 0);
    let (by_low, rest) = counts.split_at_mut(1 << b);
    let (by_high, by_last) = rest.split_at_mut(1 << b);
    for v in x.iter() {
        by_low[low(v)] += 1;
        by_high[high(v)] += 1;
    }
    let by_last = (crowding(by_low) > crowded).then(|| {
        for v in x.iter() {
            by_last[last(v)] += 1;
        }
        by_last
    });
    if by_last.as_ref().is_some_and(|c| crowding(c) > crowded) {
        return false;
    }
    spare.resize(n, 0.0);
    if let Some(by_last) = by_last {
        scatter(x, spare, by_last, last);
        std::mem::swap(x, spare);
    }
    scatter(x, spare, by_low, low);
    scatter(spare, x, by_high, high);
    insertion_sort(x);
    true
}

/// Moves `from` to `to` ordered by `digit`, keeping the order of values with the
/// same digit, given how many values have each digit in `counts` (then changed).
fn scatter(from: &[f64], to: &mut [f64], counts: &mut [u32], digit: impl Fn(&f64) -> usize) {
    let mut start = 0;
    for c in counts.iter_mut() {
        (*c, start) = (start, start + *c);
    }
    for v in from {
        let at = &mut counts[digit(v)];
        to[*at as usize] = *v;
        *at += 1;
    }
}

/// Sorts values made by [`non_negative`] ascending by insertion (fast when nearly
/// sorted; the first test is true for values already in place).
fn insertion_sort(x: &mut [f64]) {
    let key = |v: f64| v.to_bits();
    for i in 1..x.len() {
        let v = x[i];
        if key(x[i - 1]) <= key(v) {
            continue;
        }
        let mut j = i;
        while j > 0 && key(x[j - 1]) > key(v) {
            x[j] = x[j - 1];
            j -= 1;
        }
        x[j] = v;
    }
}

/// The reference: the standard library's sort by `f64::total_cmp`.
pub fn sort_naive(x: &mut [f64]) {
    x.sort_unstable_by(f64::total_cmp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::mix64;
    use proptest::prelude::*;

    #[test]
    fn the_comparison_sort_equals_the_reference() {
        let mut x = 5u64;
        for n in [0, 3, 1000, PARALLEL_SORT + 5] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    x = mix64(x);
                    non_negative((x >> 11) as f64 / 1e12 - 1e3)
                })
                .collect();
            let (mut fast, mut reference) = (values.clone(), values);
            sort_non_negative(&mut fast);
            sort_naive(&mut reference);
            assert_eq!(fast, reference, "{n} values");
        }
    }

    /// Runs [`radix_sort`] on `values` (made non-negative first), checks it
    /// against `sort_unstable` (or that it left them alone) and says if it sorted.
    fn radix_sorts(values: &[f64]) -> bool {
        let mut x: Vec<f64> = values.iter().map(|&v| non_negative(v)).collect();
        let before = x.clone();
        let mut sorted = x.clone();
        sort_naive(&mut sorted);
        let (mut spare, mut counts) = (vec![1.0; 7], vec![5; 3]);
        let done = radix_sort(&mut x, &mut spare, &mut counts);
        let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&x), bits(if done { &sorted } else { &before }));
        done
    }

    #[test]
    fn radix_sort_takes_wealth_and_crowded_values() {
        let mut x = 99u64;
        let mut uniform = || {
            x = mix64(x);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        // Spread like wealth (two passes), and heavy-tailed.
        let wealth: Vec<f64> = (0..1000).map(|_| 0.1 + 900.0 * uniform().powi(4)).collect();
        assert!(radix_sorts(&wealth));
        let tailed: Vec<f64> = (0..3000).map(|_| 1.0 / (uniform() + 1e-9)).collect();
        assert!(radix_sorts(&tailed));
        // Values a few units in the last place apart (three passes).
        let bases: Vec<u64> = (0..200).map(|_| (2.0 + uniform()).to_bits()).collect();
        let close: Vec<f64> = (0..1000)
            .map(|_| bases[(uniform() * 200.0) as usize] + (uniform() * 4.0) as u64)
            .map(f64::from_bits)
            .collect();
        assert!(radix_sorts(&close));
        // Few distinct values, or many zeros: given up.
        let repeated: Vec<f64> = (0..1000).map(|_| (uniform() * 5.0).floor()).collect();
        assert!(!radix_sorts(&repeated));
        let zeros: Vec<f64> = wealth.iter().map(|&w| w - 1.0).collect();
        assert!(!radix_sorts(&zeros));
        // All equal, too few, and outliers.
        assert!(radix_sorts(&[7.0; 100]));
        assert!(!radix_sorts(&wealth[..RADIX_SORT_MIN - 1]));
        let mut outliers = wealth.clone();
        outliers[3] = 1e300;
        outliers[500] = 1e-300;
        radix_sorts(&outliers);
    }

    proptest! {
        #[test]
        fn radix_sort_sorts_or_gives_up(
            values in proptest::collection::vec(
                prop_oneof![
                    -10.0f64..1e6,
                    Just(0.0),
                    Just(1.25),
                    (0u64..8).prop_map(|u| f64::from_bits(3.0f64.to_bits() + u)),
                    proptest::num::f64::POSITIVE | proptest::num::f64::NEGATIVE,
                ],
                0..2000,
            ),
        ) {
            radix_sorts(&values);
        }
    }
}
