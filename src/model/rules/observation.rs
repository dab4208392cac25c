//! Phase 10, observation (spec §2.10, docs/MODEL.md §7.10 and §9): the step's
//! metrics, computed from the state and flows the other rules left. Floating
//! sums run sequentially in index order so that results are bit-identical for
//! any number of threads.

use super::Context;
use crate::model::flows::{Flows, ProducerFlows};
use crate::model::kernels::hamming::{distinct, pairs_direct, pairwise_distance};
use crate::model::kernels::par::map_into;
use crate::model::metrics::Metrics;
use crate::model::state::{Problems, Producers};

mod populations;
mod sorted;

pub use populations::{Workspace as PopulationsWorkspace, observe_populations};
pub use sorted::Sorted;

/// Pairwise diversity looks at no more than this many producers per problem.
const DIVERSITY_SAMPLE: usize = 32;

/// Samples of at most this many genomes compare them pair by pair; larger ones
/// count ones locus by locus (see [`pairwise_distance`]), which costs less from
/// five genomes on at the default 20 loci.
const DIRECT_PAIRS: usize = 4;

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
/// Space kept between steps so that observation does not allocate: the teams'
/// statistics, the sorted values of the Ginis and the holders' revenues.
#[derive(Default)]
pub struct Workspace {
    teams: Vec<Team>,
    /// Wealth and earnings sorted, world-wide and by population.
    sorted: Sorted,
    /// The revenues of the holders who earn.
    revenues: Vec<f64>,
}

impl Workspace {
    /// The last step's wealth and earnings, sorted.
    pub fn sorted(&self) -> &Sorted {
        &self.sorted
    }
}

/// The step's metrics. Not inlined, so that profiles can tell it apart (callgrind's
/// `--toggle-collect`); one call a step costs nothing measurable.
#[inline(never)]
pub fn observation(
    cx: Context,
    loci: u32,
    p: &Producers,
    q: &Problems,
    flows: &Flows,
    space: &mut Workspace,
) -> Metrics {
    let w = cx.world;
    let (f, teams, l) = (&flows.producers, &flows.problems.teams, &flows.ledger);
    let n = p.len();
    let m = q.len();

    let trials = l.catchup + l.race + l.redundant + l.exploration + l.frontier;
    let share = |x: f64| x / trials;

    // Integer-valued sums are exact in u64, and equal to the float sums.
    let exerted_total = f.exerted.iter().map(|&e| e as u64).sum::<u64>() as f64;
    let stuck_total = f.stuck.iter().map(|&e| e as u64).sum::<u64>() as f64;
    // Merges are never stuck: stuck_share is a share of the other trials (spec §2.10).
    let merges_total = f.merges.iter().map(|&e| e as u64).sum::<u64>() as f64;
    let misplaced = (p.domain.iter().zip(&p.target))
        .filter(|&(&d, &t)| d != q.domain[t as usize])
        .count();

    // Diversity and the spread of effort, problem by problem (in parallel for
    // large worlds), then added up in problem order with the problems' sums.
    let stats = &mut space.teams;
    map_into(m, stats, |j| team(p, f, teams.on(j), loci, exerted_total));
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
    let compute = l.compute_spent + l.credit_compute;
    let real_costs = effort_cost + compute + l.monitoring_cost + w.upkeep * n as f64;

    // The world's values, and each population's in a mixed world.
    space.sorted.sort(p, f, cx.regimes.len());

    // The remaining float sums over producers share a loop so that their
    // additions (each latency bound) overlap: the Ginis' over the sorted values,
    // quality, contribution, invest share and intrinsic utility in producer
    // order. Each adds in order from -0.0, exactly as `Iterator::sum` does.
    let (wealth, earnings) = (&space.sorted.wealth[..n], &space.sorted.earnings[..n]);
    let (quality, propensity) = (&p.quality[..n], &p.propensity[..n]);
    let (invest, intrinsic, exerted) = (&p.invest_share[..n], &p.intrinsic[..n], &f.exerted[..n]);
    let (mut rich, mut paid) = (Gini::default(), Gini::default());
    let (mut quality_sum, mut propensity_sum, mut rank) = (-0.0, -0.0, 0.0);
    let (mut invest_sum, mut intrinsic_utility) = (-0.0, -0.0);
    for i in 0..n {
        rank += 1.0;
        rich.add(rank, wealth[i]);
        paid.add(rank, earnings[i]);
        quality_sum += quality[i];
        propensity_sum += propensity[i];
        invest_sum += invest[i];
        intrinsic_utility += intrinsic[i] * exerted[i] as f64;
    }
    let (gini_wealth, gini_income) = (rich.coefficient(n), paid.coefficient(n));
    let mean_quality = quality_sum / n as f64;
    let top = n.div_ceil(100);
    let top1_share = wealth[n - top..].iter().sum::<f64>() / rich.total;
    let first_positive = earnings.partition_point(|&x| x <= 0.0);
    let positive = &earnings[first_positive..];
    let (pay_ratio, top_pay_ratio) = match positive.last() {
        None => (f64::NAN, f64::NAN),
        Some(&top) => (
            quantile_sorted(positive, 0.9) / quantile_sorted(positive, 0.1),
            top / quantile_sorted(positive, 0.5),
        ),
    };

    // Most holders earn nothing, and skipping their zeros leaves the sums as they
    // are; packing the others first keeps those zeros out of the sums' chains.
    let revenues = pack_nonzero(&flows.holder_revenue, &mut space.revenues);
    let revenue_total: f64 = revenues.iter().sum();
    let hhi_revenue = if revenue_total > 0.0 {
        revenues.iter().map(|r| (r / revenue_total).powi(2)).sum()
    } else {
        f64::NAN
    };

    Metrics {
        trials,
        duplicated_share: share(l.catchup + l.race + l.redundant),
        catchup_share: share(l.catchup),
        race_share: share(l.race),
        redundant_share: share(l.redundant),
        exploration_share: share(l.exploration),
        frontier_share: share(l.frontier),
        stuck_share: stuck_total / (trials - merges_total),
        new_lineages: l.new_lineages as f64,
        frontier_quality,
        access_quality,
        mean_quality,
        innovation: l.innovation,
        approach_diversity: diversity_sum / diverse_problems as f64,
        lineages: distinct_sum as f64 / worked as f64,
        heads: l.live_lineages as f64 / worked as f64,
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
        intrinsic_utility,
        welfare: l.consumer_surplus + l.revenue + intrinsic_utility - real_costs,
        gini_wealth,
        gini_income,
        pay_ratio,
        top_pay_ratio,
        hhi_revenue,
        top1_share,
        invest_share: invest_sum / n as f64,
        contribution: propensity_sum / n as f64,
        sanctions: l.sanctions as f64 / n as f64,
        exits: l.exits as f64 / n as f64,
        misallocation: misplaced as f64 / n as f64,
        population_share: 1.0,
    }
}

/// The diversity and effort of the team `members` of one problem.
fn team(p: &Producers, f: &ProducerFlows, members: &[u32], loci: u32, exerted_total: f64) -> Team {
    if members.is_empty() {
        return Team::default();
    }
    let sample = members.len().min(DIVERSITY_SAMPLE);
    let mut genomes = [0u64; DIVERSITY_SAMPLE];
    let mut effort = 0u64;
    for (g, &i) in genomes.iter_mut().zip(&members[..sample]) {
        *g = p.genome[i as usize];
        effort += f.exerted[i as usize] as u64;
    }
    for &i in &members[sample..] {
        effort += f.exerted[i as usize] as u64;
    }
    let sampled = &genomes[..sample];
    let (distance, distinct) = if sample <= DIRECT_PAIRS {
        // The whole team (`sample == members.len()`).
        pairs_direct(sampled, loci)
    } else {
        let genomes = members.iter().map(|&i| p.genome[i as usize]);
        (
            pairwise_distance(sampled, loci),
            distinct(members.len(), genomes),
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

    #[test]
    fn gini_of_known_distributions() {
        assert_eq!(gini_sorted(&[1.0, 1.0, 1.0, 1.0]), 0.0);
        // One of n holds everything: (n-1)/n.
        assert!((gini_sorted(&[0.0, 0.0, 0.0, 4.0]) - 0.75).abs() < 1e-12);
        assert!(gini_sorted(&[0.0, 0.0]).is_nan());
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
}
