//! The sorted wealth and earnings of the Ginis, quantiles and top shares (spec
//! §2.10, docs/MODEL.md §7.10). In a mixed world each population's values are
//! sorted and the world's merged from them: the populations' metrics need
//! theirs sorted anyway (spec §5 "Observation"), and a merge costs less than a
//! sort. A sorted array does not depend on how it was sorted, so the metrics are
//! the same bit for bit either way.

use crate::model::flows::ProducerFlows;
use crate::model::kernels::sort::{non_negative, radix_sort, sort_non_negative};
use crate::model::state::Producers;

/// Above this many populations the world's values are sorted rather than merged
/// (merging one population after the other costs `O(n)` each).
const MERGE_MAX: usize = 4;

/// Wealth and earnings (at least 0), sorted ascending: the world's, and in a
/// mixed world each population's. Kept between steps, so that observation does
/// not allocate.
#[derive(Default)]
pub struct Sorted {
    pub wealth: Vec<f64>,
    pub earnings: Vec<f64>,
    /// Each population's, empty in a single-regime world.
    pub wealth_of: Vec<Vec<f64>>,
    pub earnings_of: Vec<Vec<f64>>,
    /// What the radix sort scatters into first, and its counts of digits.
    spare: Vec<f64>,
    counts: Vec<u32>,
}

impl Sorted {
    /// Sorts this step's wealth and earnings of the producers; by population
    /// too if there are `populations` of them (more than one).
    pub fn sort(&mut self, p: &Producers, f: &ProducerFlows, populations: usize) {
        let n = p.len();
        let Sorted {
            wealth,
            earnings,
            wealth_of,
            earnings_of,
            spare,
            counts,
        } = self;
        let wealth_at = |i: usize| non_negative(p.wealth[i]);
        let earnings_at = |i: usize| non_negative(f.income[i] + f.outside[i] - f.fine[i]);
        if populations <= 1 {
            wealth_of.clear();
            earnings_of.clear();
            wealth.clear();
            wealth.extend((0..n).map(wealth_at));
            sort_wealth(wealth, spare, counts);
            earnings.clear();
            earnings.extend((0..n).map(earnings_at));
            // Earnings often repeat a few values (under collectivist or open
            // access pay), which suits the comparison sort (it sets keys equal
            // to a pivot aside) and not the radix sort (a value's count would be
            // incremented hundreds of times in a row, each waiting for the last).
            sort_non_negative(earnings);
            return;
        }
        wealth_of.resize_with(populations, Vec::new);
        earnings_of.resize_with(populations, Vec::new);
        for (w, e) in wealth_of.iter_mut().zip(earnings_of.iter_mut()) {
            w.clear();
            e.clear();
        }
        for (i, &k) in f.population[..n].iter().enumerate() {
            wealth_of[k as usize].push(wealth_at(i));
            earnings_of[k as usize].push(earnings_at(i));
        }
        for (w, e) in wealth_of.iter_mut().zip(earnings_of.iter_mut()) {
            sort_wealth(w, spare, counts);
            sort_non_negative(e);
        }
        if populations > MERGE_MAX {
            wealth.clear();
            wealth.extend(wealth_of.iter().flatten());
            sort_wealth(wealth, spare, counts);
            earnings.clear();
            earnings.extend(earnings_of.iter().flatten());
            sort_non_negative(earnings);
        } else {
            merge_all(wealth_of, wealth, spare);
            merge_all(earnings_of, earnings, spare);
        }
    }
}

/// Wealth is spread over many values, which suits the radix sort.
fn sort_wealth(x: &mut Vec<f64>, spare: &mut Vec<f64>, counts: &mut Vec<u32>) {
    if !radix_sort(x, spare, counts) {
        sort_non_negative(x);
    }
}

/// All of the sorted `parts` (at least one) into `out`, sorted, one part after the other.
fn merge_all(parts: &mut [Vec<f64>], out: &mut Vec<f64>, spare: &mut Vec<f64>) {
    out.clear();
    out.extend_from_slice(&parts[0]);
    for part in &mut parts[1..] {
        merge(out, part, spare);
        std::mem::swap(out, spare);
    }
}

/// Above every value made by [`non_negative`] (a NaN, compared by its bits).
const END: u64 = u64::MAX;

/// The sorted values `a` and `b` into `out`, sorted (values made by
/// [`non_negative`], whose bit patterns order like them). Branch-free: each
/// step writes the smaller head and moves on in the array it came from; an
/// end mark after each array keeps the other's values coming when one is done.
fn merge(a: &mut Vec<f64>, b: &mut Vec<f64>, out: &mut Vec<f64>) {
    out.clear();
    out.resize(a.len() + b.len(), 0.0);
    a.push(f64::from_bits(END));
    b.push(f64::from_bits(END));
    let (mut i, mut j) = (0, 0);
    for slot in out.iter_mut() {
        let (x, y) = (a[i], b[j]);
        let first = x.to_bits() <= y.to_bits();
        *slot = if first { x } else { y };
        i += first as usize;
        j += !first as usize;
    }
    a.pop();
    b.pop();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernels::sort::sort_naive;
    use proptest::prelude::*;

    fn sorted(mut x: Vec<f64>) -> Vec<f64> {
        sort_naive(&mut x);
        x
    }

    proptest! {
        #[test]
        fn merging_sorted_parts_sorts_them_all(
            parts in prop::collection::vec(prop::collection::vec(0u8..8, 0..40), 1..6),
        ) {
            // Few distinct values, so that equal ones meet across parts.
            let mut parts: Vec<Vec<f64>> = parts
                .iter()
                .map(|v| sorted(v.iter().map(|&x| if x == 7 { f64::INFINITY } else { x as f64 * 0.5 }).collect()))
                .collect();
            let (mut out, mut spare) = (Vec::new(), Vec::new());
            let all = sorted(parts.concat());
            merge_all(&mut parts, &mut out, &mut spare);
            prop_assert_eq!(
                out.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                all.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
        }
    }
}
