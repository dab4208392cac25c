//! Phase 10, observation (MODEL.md §2.10): the step's metrics, computed from the
//! state the other phases left. Floating sums run sequentially in index order so
//! that results are bit-identical for any number of threads.

use rayon::prelude::*;

use super::metrics::Metrics;
use super::simulation::Simulation;
use super::state::{Producers, map_into};

/// Pairwise diversity looks at no more than this many producers per problem.
const DIVERSITY_SAMPLE: usize = 32;

/// Samples of at most this many genomes compare them pair by pair; larger ones
/// count ones locus by locus (see [`pairwise_distance`]), which costs less from
/// five genomes on at the default 20 loci.
const DIRECT_PAIRS: usize = 4;

/// From this many values on, the sorts for the Ginis run on rayon's pool (a
/// sorted array does not depend on how it was sorted).
const PARALLEL_SORT: usize = 1 << 16;

/// Below this many values the radix sort is not worth its passes.
const RADIX_SORT_MIN: usize = 64;

/// What one problem contributes to the diversity and effort metrics.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Team {
    members: usize,
    /// Mean pairwise normalised Hamming distance of the sample (two or more members).
    diversity: Option<f64>,
    distinct: usize,
    /// Exerted trials.
    effort: u64,
    /// `s ln s` of its share `s` of all exerted trials (0 without effort).
    entropy: f64,
}

/// The Ginis' values and the buffers of their sorts, kept between steps so that
/// observation does not allocate.
#[derive(Default)]
pub(crate) struct GiniBuffers {
    /// Wealth (at least 0), then sorted.
    wealth: Vec<f64>,
    /// Earnings (at least 0), then sorted; last, the revenues of the holders who earn.
    earnings: Vec<f64>,
    /// What the radix sort scatters into first.
    spare: Vec<f64>,
    /// The radix sort's counts of digits.
    counts: Vec<u32>,
}

/// The step's metrics. Not inlined, so that profiles can tell it apart (callgrind's
/// `--toggle-collect`); one call a step costs nothing measurable.
#[inline(never)]
pub(super) fn run(sim: &mut Simulation) -> Metrics {
    let w = &sim.config.world;
    let (p, q, teams, l) = (&sim.producers, &sim.problems, &sim.teams, &sim.ledger);
    let n = p.len();
    let m = q.len();
    let loci = sim.nk.loci();

    let trials = l.catchup + l.race + l.exploration + l.frontier;
    let share = |x: f64| x / trials;

    // Integer-valued sums are exact in u64, and equal to the float sums.
    let exerted_total = p.exerted.iter().map(|&e| e as u64).sum::<u64>() as f64;
    let misplaced = (p.domain.iter().zip(&p.target))
        .filter(|&(&d, &t)| d != q.domain[t as usize])
        .count();

    // Diversity and the spread of effort, problem by problem (in parallel for
    // large worlds), then added up in problem order with the problems' sums.
    let stats = &mut sim.buffers.teams;
    map_into(m, stats, |j| team(p, teams.on(j), loci, exerted_total));
    let (mut value_total, mut frontier_sum, mut access_sum) = (-0.0, -0.0, -0.0);
    // Adding 0.0 leaves these two as they are (they start at +0.0), so problems
    // without members or without diversity may add it instead of branching.
    let (mut diversity_sum, mut entropy) = (0.0, 0.0);
    let (mut diverse_problems, mut worked, mut distinct_sum) = (0usize, 0usize, 0u64);
    let (mut effort_total, mut tail_effort) = (0u64, 0u64);
    for (j, s) in stats.iter().enumerate() {
        value_total += q.value[j];
        frontier_sum += q.value[j] * q.frontier[j];
        access_sum += q.value[j] * q.open_quality(j);
        worked += (s.members > 0) as usize;
        diverse_problems += s.diversity.is_some() as usize;
        diversity_sum += s.diversity.unwrap_or(0.0);
        distinct_sum += s.distinct as u64;
        entropy -= s.entropy;
        effort_total += s.effort;
        tail_effort += s.effort * q.in_tail[j] as u64;
    }
    let frontier_quality = frontier_sum / value_total;
    let access_quality = access_sum / value_total;
    let (effort_total, tail_effort) = (effort_total as f64, tail_effort as f64);

    let effort_cost = w.outside_wage * exerted_total;
    let real_costs = effort_cost + l.compute_spent + l.monitoring_cost + w.upkeep * n as f64;

    let GiniBuffers {
        wealth,
        earnings,
        spare,
        counts,
    } = &mut sim.buffers.gini;
    wealth.clear();
    wealth.extend(p.wealth.iter().map(|&x| non_negative(x)));
    if !radix_sort(wealth, spare, counts) {
        sort_non_negative(wealth);
    }
    earnings.clear();
    earnings.extend(p.earnings().map(non_negative));
    // Earnings repeat a few values, which suits the comparison sort (it sets
    // keys equal to a pivot aside) and not the radix sort (a value's count would
    // be incremented hundreds of times in a row, each increment waiting for the last).
    sort_non_negative(earnings);

    // The remaining float sums over producers share a loop so that their
    // additions (each latency bound) overlap: the Ginis' over the sorted values,
    // quality and contribution in producer order. Each adds in order from -0.0,
    // exactly as `Iterator::sum` does.
    let (wealth, earnings) = (&wealth[..n], &earnings[..n]);
    let (quality, propensity) = (&p.quality[..n], &p.propensity[..n]);
    let (mut rich, mut paid) = (Gini::default(), Gini::default());
    let (mut quality_sum, mut propensity_sum, mut rank) = (-0.0, -0.0, 0.0);
    for i in 0..n {
        rank += 1.0;
        rich.add(rank, wealth[i]);
        paid.add(rank, earnings[i]);
        quality_sum += quality[i];
        propensity_sum += propensity[i];
    }
    let (gini_wealth, gini_income) = (rich.coefficient(n), paid.coefficient(n));
    let mean_quality = quality_sum / n as f64;
    let top = n.div_ceil(100);
    let top1_share = wealth[n - top..].iter().sum::<f64>() / rich.total;
    let first_positive = earnings.partition_point(|&x| x <= 0.0);
    let positive = &earnings[first_positive..];
    let pay_ratio = if positive.is_empty() {
        f64::NAN
    } else {
        quantile_sorted(positive, 0.9) / quantile_sorted(positive, 0.1)
    };

    // Most holders earn nothing, and skipping their zeros leaves the sums as they
    // are; packing the others first keeps those zeros out of the sums' chains.
    let revenues = pack_nonzero(&sim.holder_revenue, &mut sim.buffers.gini.earnings);
    let revenue_total: f64 = revenues.iter().sum();
    let hhi_revenue = if revenue_total > 0.0 {
        revenues.iter().map(|r| (r / revenue_total).powi(2)).sum()
    } else {
        f64::NAN
    };

    Metrics {
        trials,
        duplicated_share: share(l.catchup + l.race),
        catchup_share: share(l.catchup),
        race_share: share(l.race),
        exploration_share: share(l.exploration),
        frontier_share: share(l.frontier),
        frontier_quality,
        access_quality,
        mean_quality,
        innovation: l.innovation,
        approach_diversity: diversity_sum / diverse_problems as f64,
        lineages: distinct_sum as f64 / worked as f64,
        effort_entropy: if m > 1 && effort_total > 0.0 {
            entropy / (m as f64).ln()
        } else {
            f64::NAN
        },
        tail_coverage: tail_effort / effort_total / 0.8,
        potential_surplus: l.potential_surplus,
        consumer_surplus: l.consumer_surplus,
        producer_revenue: l.revenue,
        deadweight_loss: l.deadweight_loss,
        real_costs,
        welfare: l.consumer_surplus + l.revenue - real_costs,
        gini_wealth,
        gini_income,
        pay_ratio,
        hhi_revenue,
        top1_share,
        contribution: propensity_sum / n as f64,
        sanctions: l.sanctions as f64 / n as f64,
        exits: l.exits as f64 / n as f64,
        misallocation: misplaced as f64 / n as f64,
    }
}

/// The diversity and effort of the team `members` of one problem.
fn team(p: &Producers, members: &[u32], loci: u32, exerted_total: f64) -> Team {
    if members.is_empty() {
        return Team::default();
    }
    let sample = members.len().min(DIVERSITY_SAMPLE);
    let mut genomes = [0u64; DIVERSITY_SAMPLE];
    let mut effort = 0u64;
    for (g, &i) in genomes.iter_mut().zip(&members[..sample]) {
        *g = p.genome[i as usize];
        effort += p.exerted[i as usize] as u64;
    }
    for &i in &members[sample..] {
        effort += p.exerted[i as usize] as u64;
    }
    let sampled = &genomes[..sample];
    let (distance, distinct) = if sample <= DIRECT_PAIRS {
        // The whole team (`sample == members.len()`).
        pairs_direct(sampled, loci)
    } else {
        (
            pairwise_distance(sampled, loci),
            distinct_genomes(p, members),
        )
    };
    let diversity = (sample >= 2).then(|| {
        let pairs = (sample * (sample - 1) / 2) as f64;
        distance as f64 / pairs / loci as f64
    });
    let entropy = if effort > 0 {
        let s = effort as f64 / exerted_total;
        s * s.ln()
    } else {
        0.0
    };
    Team {
        members: members.len(),
        diversity,
        distinct,
        effort,
        entropy,
    }
}

/// The sum of the Hamming distances (on the first `loci` bits) of all pairs of a
/// few `genomes`, and how many distinct genomes there are, pair by pair.
fn pairs_direct(genomes: &[u64], loci: u32) -> (u64, usize) {
    let mask = u64::MAX >> (64 - loci);
    let (mut distance, mut distinct) = (0, 0);
    for (b, &g) in genomes.iter().enumerate() {
        let mut seen = false;
        for &h in &genomes[..b] {
            distance += ((g ^ h) & mask).count_ones() as u64;
            seen |= g == h;
        }
        distinct += !seen as usize;
    }
    (distance, distinct)
}

/// The sum of the Hamming distances (on the first `loci` bits) of all pairs of
/// `genomes` (fewer than 128).
///
/// The distances add up locus by locus: a locus where `c` of the `s` genomes carry
/// a one separates `c (s - c)` pairs. The counts `c` are kept seven to a word, one
/// per byte: multiplying seven bits by `SPREAD` moves bit `b` to bit `8b` (the
/// shifted copies never overlap, so nothing carries), and `LANES` keeps those.
/// Then `sum c (s - c) = s sum c - sum c^2` over a word's lanes, with the even and
/// the odd lanes spread to 16 bits: multiplying four such lanes `a` by the same
/// lanes reversed puts `sum a^2` in the top lane (the lower lanes' sums stay
/// below 2^16, so nothing carries into it).
fn pairwise_distance(genomes: &[u64], loci: u32) -> u64 {
    const SPREAD: u64 = 0x0000_0408_1020_4081; // bits 0, 7, 14, .., 42
    const LANES: u64 = 0x0001_0101_0101_0101; // bits 0, 8, 16, .., 48
    const WIDE: u64 = 0x00FF_00FF_00FF_00FF; // every other byte
    const WIDE_SUM: u64 = 0x0001_0001_0001_0001; // sums 16-bit lanes into the top one
    debug_assert!(genomes.len() < 128 && (1..=64).contains(&loci));
    let squares = |a: u64| a.wrapping_mul(a.swap_bytes() >> 8) >> 48;
    let s = genomes.len() as u64;
    let mut distance = 0;
    for first in (0..loci).step_by(7) {
        let mut count = 0;
        for &g in genomes {
            count += ((g >> first) & 0x7F).wrapping_mul(SPREAD) & LANES;
        }
        // The last word may hold fewer than seven loci.
        count &= (1 << (8 * (loci - first).min(7))) - 1;
        let (even, odd) = (count & WIDE, (count >> 8) & WIDE);
        let sum = (even + odd).wrapping_mul(WIDE_SUM) >> 48;
        distance += s * sum - squares(even) - squares(odd);
    }
    distance
}

/// Distinct genomes among `members`, in a hash set on the stack of at least
/// twice as many slots (a set on the heap for teams over 256, which are rare).
fn distinct_genomes(p: &Producers, members: &[u32]) -> usize {
    let genomes = members.iter().map(|&i| p.genome[i as usize]);
    match members.len() {
        0..=8 => distinct_hashed::<16>(genomes),
        9..=16 => distinct_hashed::<32>(genomes),
        17..=32 => distinct_hashed::<64>(genomes),
        33..=64 => distinct_hashed::<128>(genomes),
        65..=128 => distinct_hashed::<256>(genomes),
        129..=256 => distinct_hashed::<512>(genomes),
        _ => genomes.collect::<std::collections::HashSet<u64>>().len(),
    }
}

/// Distinct values among `values` (at most `N / 2` of them, `N` a power of two
/// up to 512), by open addressing in `N` slots. Which slots are used is kept
/// in bits, so that the slots need no sentinel.
fn distinct_hashed<const N: usize>(values: impl Iterator<Item = u64>) -> usize {
    debug_assert!(N.is_power_of_two() && N <= 512);
    let (mut slots, mut used) = ([0u64; N], [0u64; 8]);
    let mut distinct = 0;
    for v in values {
        // Fibonacci hashing: the top bits of the product.
        let mut h = (v.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - N.trailing_zeros())) as usize;
        loop {
            let (word, bit) = (h / 64, 1 << (h % 64));
            if used[word] & bit == 0 {
                used[word] |= bit;
                slots[h] = v;
                distinct += 1;
                break;
            }
            if slots[h] == v {
                break;
            }
            h = (h + 1) % N;
        }
    }
    distinct
}

/// Packs the nonzero `values` at the start of `out`, in order, and returns them.
/// Branch-free: each value is written, and the position moves on if it counts.
fn pack_nonzero<'a>(values: &[f64], out: &'a mut Vec<f64>) -> &'a [f64] {
    out.resize(values.len(), 0.0);
    let (out, mut k) = (&mut out[..], 0);
    for &v in values {
        out[k] = v;
        k += (v != 0.0) as usize;
    }
    &out[..k]
}

/// `max(x, 0)` as a float whose bits order like its value (no NaN, no -0.0).
#[inline]
fn non_negative(x: f64) -> f64 {
    x.max(0.0) + 0.0
}

/// Sorts values made by [`non_negative`] ascending. Their bit patterns order like
/// the values, and integer comparisons are cheaper than `f64::total_cmp`.
fn sort_non_negative(x: &mut [f64]) {
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
fn radix_sort(x: &mut Vec<f64>, spare: &mut Vec<f64>, counts: &mut Vec<u32>) -> bool {
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

/// Gini coefficient of non-negative values sorted ascending (NaN if all are zero).
pub fn gini_sorted(x: &[f64]) -> f64 {
    let (mut gini, mut rank) = (Gini::default(), 0.0);
    for &v in x {
        rank += 1.0;
        gini.add(rank, v);
    }
    gini.coefficient(x.len())
}

/// The running sums of a Gini coefficient over values sorted ascending.
struct Gini {
    total: f64,
    /// The sum of rank times value.
    weighted: f64,
}

impl Default for Gini {
    fn default() -> Self {
        Gini {
            total: -0.0,
            weighted: -0.0,
        }
    }
}

impl Gini {
    /// Adds the value `v` of rank `rank` (1, 2, ..: whole numbers, exact in a float).
    #[inline]
    fn add(&mut self, rank: f64, v: f64) {
        self.total += v;
        self.weighted += rank * v;
    }

    /// The coefficient of the `n` values added (NaN if all are zero).
    fn coefficient(&self, n: usize) -> f64 {
        let n = n as f64;
        let g = 2.0 * self.weighted / (n * self.total) - (n + 1.0) / n;
        if g.is_nan() {
            g
        } else {
            g.clamp(0.0, 1.0 - 1.0 / n)
        }
    }
}

/// Nearest-rank quantile of values sorted ascending.
fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    let rank = ((p * x.len() as f64).ceil() as usize).clamp(1, x.len());
    x[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gini_of_known_distributions() {
        assert_eq!(gini_sorted(&[1.0, 1.0, 1.0, 1.0]), 0.0);
        // One of n holds everything: (n-1)/n.
        assert!((gini_sorted(&[0.0, 0.0, 0.0, 4.0]) - 0.75).abs() < 1e-12);
        assert!(gini_sorted(&[0.0, 0.0]).is_nan());
    }

    /// Sums of the Hamming distances of all pairs and distinct values, one by one.
    fn naive_pairs(genomes: &[u64], loci: u32) -> (u64, usize) {
        let mask = u64::MAX >> (64 - loci);
        let mut distance = 0;
        for a in 0..genomes.len() {
            for b in a + 1..genomes.len() {
                distance += ((genomes[a] ^ genomes[b]) & mask).count_ones() as u64;
            }
        }
        let distinct = std::collections::HashSet::<&u64>::from_iter(genomes).len();
        (distance, distinct)
    }

    #[test]
    fn pairwise_distance_is_the_sum_over_pairs() {
        let mut x = 12345u64;
        let mut next = || {
            x = super::super::rng::mix64(x);
            x
        };
        for loci in [1, 6, 7, 8, 20, 33, 63, 64] {
            for s in [0, 1, 2, 3, 4, 5, 31, 32, 100, 127] {
                // Bits beyond `loci` must not count; three distinct genomes
                // for some samples, to count equal ones.
                let pool = [next(), next(), next()];
                let genomes: Vec<u64> = (0..s)
                    .map(|_| {
                        if s % 2 == 0 {
                            pool[next() as usize % 3]
                        } else {
                            next()
                        }
                    })
                    .collect();
                let (distance, distinct) = naive_pairs(&genomes, loci);
                assert_eq!(pairwise_distance(&genomes, loci), distance, "{loci} {s}");
                if s <= DIRECT_PAIRS {
                    assert_eq!(pairs_direct(&genomes, loci), (distance, distinct));
                }
            }
        }
    }

    #[test]
    fn distinct_counts_each_value_once() {
        let distinct = |v: &[u64]| distinct_hashed::<64>(v.iter().copied());
        assert_eq!(distinct(&[3, 1, 3, 2]), 3);
        assert_eq!(distinct(&[5, 5, 6, 7, 5, 8, 6]), 4);
        assert_eq!(distinct(&[]), 0);
        // Values that hash to the same slot, and a full half of the slots.
        let same_slot: Vec<u64> = (0..32).map(|k| k << 58).collect();
        assert_eq!(distinct(&same_slot), 32);
        assert_eq!(distinct_hashed::<512>(same_slot.iter().map(|&v| v % 3)), 3);
    }

    #[test]
    fn pack_nonzero_keeps_the_order() {
        let mut out = Vec::new();
        let values = [0.0, 1.5, -0.0, 0.0, -2.0, f64::NAN, 3.0, 0.0];
        let packed = pack_nonzero(&values, &mut out);
        assert_eq!(packed.len(), 4);
        assert_eq!((packed[0], packed[1], packed[3]), (1.5, -2.0, 3.0));
        assert!(packed[2].is_nan());
    }

    /// Runs [`radix_sort`] on `values` (made non-negative first), checks it
    /// against `sort_unstable` (or that it left them alone) and says if it sorted.
    fn radix_sorts(values: &[f64]) -> bool {
        let mut x: Vec<f64> = values.iter().map(|&v| non_negative(v)).collect();
        let before = x.clone();
        let mut sorted = x.clone();
        sorted.sort_unstable_by(f64::total_cmp);
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
            x = super::super::rng::mix64(x);
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
