//! Phase 10, observation (MODEL.md §2.10): the step's metrics, computed from the
//! state the other phases left. Floating sums run sequentially in index order so
//! that results are bit-identical for any number of threads.

use rayon::prelude::*;

use super::metrics::Metrics;
use super::simulation::Simulation;
use super::state::{Producers, map_into};

/// Pairwise diversity looks at no more than this many producers per problem.
const DIVERSITY_SAMPLE: usize = 32;

/// From this many values on, the sorts for the Ginis run on rayon's pool (a
/// sorted array does not depend on how it was sorted).
const PARALLEL_SORT: usize = 1 << 16;

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

pub(super) fn run(sim: &mut Simulation) -> Metrics {
    let w = &sim.config.world;
    let (p, q, teams, l) = (&sim.producers, &sim.problems, &sim.teams, &sim.ledger);
    let n = p.len();
    let m = q.len();
    let loci = sim.nk.loci() as f64;

    let trials = l.catchup + l.race + l.exploration + l.frontier;
    let share = |x: f64| x / trials;

    // Independent sums share a loop so that their additions overlap; each still
    // adds in index order from -0.0, exactly as `Iterator::sum` does.
    let (mut value_total, mut frontier_sum, mut access_sum) = (-0.0, -0.0, -0.0);
    for j in 0..m {
        value_total += q.value[j];
        frontier_sum += q.value[j] * q.frontier[j];
        access_sum += q.value[j] * q.open_quality(j);
    }
    let frontier_quality = frontier_sum / value_total;
    let access_quality = access_sum / value_total;
    let (mut quality_sum, mut propensity_sum) = (-0.0, -0.0);
    // Integer-valued sums are exact in u64, and equal to the float sums.
    let (mut exerted_total, mut misplaced) = (0u64, 0usize);
    for i in 0..n {
        quality_sum += p.quality[i];
        propensity_sum += p.propensity[i];
        exerted_total += p.exerted[i] as u64;
        misplaced += (p.domain[i] != q.domain[p.target[i] as usize]) as usize;
    }
    let exerted_total = exerted_total as f64;
    let mean_quality = quality_sum / n as f64;

    // Diversity and the spread of effort, problem by problem (in parallel for
    // large worlds), then added up in problem order.
    let stats = &mut sim.buffers.teams;
    map_into(m, stats, |j| team(p, teams.on(j), loci, exerted_total));
    let (mut diversity_sum, mut diverse_problems) = (0.0, 0usize);
    let (mut distinct_sum, mut worked) = (0.0, 0usize);
    let (mut entropy, mut effort_total, mut tail_effort) = (0.0, 0.0, 0.0);
    for (j, s) in stats.iter().enumerate() {
        if s.members == 0 {
            continue;
        }
        worked += 1;
        if let Some(d) = s.diversity {
            diversity_sum += d;
            diverse_problems += 1;
        }
        distinct_sum += s.distinct as f64;
        entropy -= s.entropy;
        let effort = s.effort as f64;
        effort_total += effort;
        if q.in_tail[j] {
            tail_effort += effort;
        }
    }

    let effort_cost = w.outside_wage * exerted_total;
    let real_costs = effort_cost + l.compute_spent + l.monitoring_cost + w.upkeep * n as f64;

    let mut scratch = std::mem::take(&mut sim.scratch);
    scratch.clear();
    scratch.extend(p.wealth.iter().map(|&x| non_negative(x)));
    sort_non_negative(&mut scratch);
    let (gini_wealth, wealth_total) = gini_and_total(&scratch);
    let top = n.div_ceil(100);
    let top1_share = scratch[n - top..].iter().sum::<f64>() / wealth_total;

    scratch.clear();
    scratch.extend((0..n).map(|i| non_negative(p.earnings(i))));
    sort_non_negative(&mut scratch);
    let (gini_income, _) = gini_and_total(&scratch);
    let first_positive = scratch.partition_point(|&x| x <= 0.0);
    let positive = &scratch[first_positive..];
    let pay_ratio = if positive.is_empty() {
        f64::NAN
    } else {
        quantile_sorted(positive, 0.9) / quantile_sorted(positive, 0.1)
    };

    // Most holders earn nothing; skipping their zeros leaves the sums as they are.
    let earning = || sim.holder_revenue.iter().filter(|&&r| r != 0.0);
    let revenue_total: f64 = earning().sum();
    let hhi_revenue = if revenue_total > 0.0 {
        earning().map(|r| (r / revenue_total).powi(2)).sum()
    } else {
        f64::NAN
    };
    sim.scratch = scratch;

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
        lineages: distinct_sum / worked as f64,
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
fn team(p: &Producers, members: &[u32], loci: f64, exerted_total: f64) -> Team {
    if members.is_empty() {
        return Team::default();
    }
    let sample = members.len().min(DIVERSITY_SAMPLE);
    let mut genomes = [0u64; DIVERSITY_SAMPLE];
    for (k, &i) in members.iter().take(sample).enumerate() {
        genomes[k] = p.genome[i as usize];
    }
    let sampled = &genomes[..sample];
    let diversity = (sample >= 2).then(|| {
        let pairs = (sample * (sample - 1) / 2) as f64;
        pairwise_distance(sampled, loci as u32) as f64 / pairs / loci
    });
    let distinct = if members.len() <= DIVERSITY_SAMPLE {
        // Small teams: count the genomes not seen earlier in the sample.
        (0..sample)
            .filter(|&b| !sampled[..b].contains(&sampled[b]))
            .count()
    } else {
        distinct(members.iter().map(|&i| p.genome[i as usize]))
    };
    let effort: u64 = members.iter().map(|&i| p.exerted[i as usize] as u64).sum();
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

/// The sum of the Hamming distances of all pairs of `genomes` (at most 255).
///
/// The distances add up locus by locus: a locus where `c` of the `s` genomes carry
/// a one separates `c * (s - c)` pairs. The counts `c` are kept seven to a word, one
/// per byte: multiplying seven bits by `SPREAD` moves bit `b` to bit `8b` (the
/// shifted copies never overlap, so nothing carries), and `LANES` keeps those.
fn pairwise_distance(genomes: &[u64], loci: u32) -> u64 {
    const SPREAD: u64 = 0x0000_0408_1020_4081; // bits 0, 7, 14, .., 42
    const LANES: u64 = 0x0001_0101_0101_0101; // bits 0, 8, 16, .., 48
    debug_assert!(genomes.len() < 256 && loci <= 64);
    let words = loci.div_ceil(7) as usize;
    let mut counts = [0u64; 10];
    for &g in genomes {
        for (w, count) in counts[..words].iter_mut().enumerate() {
            *count += ((g >> (7 * w)) & 0x7F).wrapping_mul(SPREAD) & LANES;
        }
    }
    let s = genomes.len() as u64;
    let mut distance = 0;
    for (w, &count) in counts[..words].iter().enumerate() {
        for lane in 0..(loci as usize - 7 * w).min(7) {
            let c = (count >> (8 * lane)) & 0xFF;
            distance += c * (s - c);
        }
    }
    distance
}

/// Distinct values among `values`.
fn distinct(values: impl Iterator<Item = u64>) -> usize {
    let mut sorted: Vec<u64> = values.collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.len()
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

/// Gini coefficient of non-negative values sorted ascending (NaN if all are zero).
pub fn gini_sorted(x: &[f64]) -> f64 {
    gini_and_total(x).0
}

/// The Gini coefficient of [`gini_sorted`] and the values' sum, in one pass.
fn gini_and_total(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let (mut total, mut weighted, mut rank) = (-0.0, -0.0, 0.0);
    for v in x {
        // Ranks are whole numbers, exact in a float.
        rank += 1.0;
        total += v;
        weighted += rank * v;
    }
    let g = 2.0 * weighted / (n * total) - (n + 1.0) / n;
    let g = if g.is_nan() {
        g
    } else {
        g.clamp(0.0, 1.0 - 1.0 / n)
    };
    (g, total)
}

/// Nearest-rank quantile of values sorted ascending.
fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    let rank = ((p * x.len() as f64).ceil() as usize).clamp(1, x.len());
    x[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_of_known_distributions() {
        assert_eq!(gini_sorted(&[1.0, 1.0, 1.0, 1.0]), 0.0);
        // One of n holds everything: (n-1)/n.
        assert!((gini_sorted(&[0.0, 0.0, 0.0, 4.0]) - 0.75).abs() < 1e-12);
        assert!(gini_sorted(&[0.0, 0.0]).is_nan());
    }

    #[test]
    fn pairwise_distance_is_the_sum_over_pairs() {
        let mut x = 12345u64;
        let mut next = || {
            x = super::super::rng::mix64(x);
            x
        };
        for loci in [1, 6, 7, 8, 20, 33, 63, 64] {
            let mask = if loci == 64 {
                u64::MAX
            } else {
                (1 << loci) - 1
            };
            for s in [0, 1, 2, 5, 32] {
                let genomes: Vec<u64> = (0..s).map(|_| next() & mask).collect();
                let mut naive = 0u64;
                for a in 0..s {
                    for b in a + 1..s {
                        naive += (genomes[a] ^ genomes[b]).count_ones() as u64;
                    }
                }
                assert_eq!(pairwise_distance(&genomes, loci), naive, "{loci} {s}");
            }
        }
    }

    #[test]
    fn distinct_counts_each_value_once() {
        assert_eq!(distinct([3u64, 1, 3, 2].into_iter()), 3);
        assert_eq!(distinct([5u64, 5, 6, 7, 5, 8, 6].into_iter()), 4);
    }
}
