//! Observation per population (spec §5 "Observation", docs/MODEL.md §9 and
//! D52): every metric of a mixed world's step for each population, after the
//! world's. A producer counts in the population it worked in this step (before
//! migration). Money and effort come from the tallies the rules kept in each
//! population's pool, booked where the world's totals are, so that the sums
//! (trials, surplus, revenue, deadweight loss, costs, intrinsic utility,
//! welfare, innovation) add up to the world's; ratios are over the
//! population's members, its problems' teams and its holders. A population
//! without members reports NaN for its ratios.
//!
//! One pass buckets producers by population and one more the members of each
//! problem's team: no pass over every producer per population.

use super::{Gini, Sorted, quantile_sorted, team};
use crate::model::csr::Csr;
use crate::model::flows::Flows;
use crate::model::kernels::hamming::distinct;
use crate::model::metrics::Metrics;
use crate::model::network::MixedSight;
use crate::model::populations::MAX_POPULATIONS;
use crate::model::rules::Context;
use crate::model::state::{Problems, Producers};

/// One population's diversity and spread of effort over the problems.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Spread {
    /// Problems with a member of the population, and those with two or more.
    worked: usize,
    diverse: usize,
    diversity_sum: f64,
    distinct_sum: u64,
    /// Lineages with a member of the population, summed over problems.
    heads_sum: u64,
    /// The sum of `s ln s` over problems, `s` the problem's share of its effort.
    entropy: f64,
    effort: u64,
    tail_effort: u64,
    /// The value-weighted best quality it holds, summed over problems.
    frontier_sum: f64,
}

/// Space kept between steps, so that observing populations does not allocate.
#[derive(Default)]
pub struct Workspace {
    keys: Vec<u32>,
    /// Producers by population, in index order.
    members: Csr,
    /// Exerted trials of each population's members.
    exerted: Vec<u64>,
    /// Each problem's team by population (key `problem * populations + population`).
    parts: Csr,
    spread: Vec<Spread>,
    /// The holders earning revenue, by (population, holder).
    revenues: Vec<(u8, u32, f64)>,
}

/// Each population's metrics into `out` (one per population, in order).
/// `world` is the step's world-wide row: the freely usable quality is the same
/// for everyone (open work is open to all).
#[allow(clippy::too_many_arguments)]
pub fn observe_populations(
    cx: Context,
    loci: u32,
    p: &Producers,
    q: &Problems,
    flows: &Flows,
    world: &Metrics,
    sorted: &Sorted,
    space: &mut Workspace,
    out: &mut [Metrics],
) {
    let Some(sight) = cx.setting.sight.mixed.as_deref() else {
        return;
    };
    let (w, f, n, m) = (cx.world, &flows.producers, p.len(), q.len());
    let populations = out.len();
    let population = &f.population[..n];
    let Workspace {
        keys,
        members,
        exerted,
        parts,
        spread,
        revenues,
    } = space;
    keys.clear();
    keys.extend(population.iter().map(|&k| k as u32));
    members.build(keys, populations);
    exerted.clear();
    exerted.extend((0..populations).map(|k| {
        let mine = members.on(k).iter();
        mine.map(|&i| f.exerted[i as usize] as u64).sum::<u64>()
    }));

    spreads(loci, p, q, flows, sight, exerted, keys, parts, spread);
    let value_total: f64 = q.value.iter().sum();

    // Revenue by the holder's population, for each one's concentration.
    revenues.clear();
    let earning = flows.holder_revenue.iter().enumerate();
    revenues.extend(
        earning
            .filter(|&(_, &r)| r != 0.0)
            .map(|(h, &r)| (sight.holder_population(h as u32), h as u32, r)),
    );
    revenues.sort_unstable_by_key(|&(k, h, _)| (k, h));

    for (k, metrics) in out.iter_mut().enumerate() {
        let mine = members.on(k);
        let size = mine.len();
        let (pool, s) = (&flows.pools[k], &spread[k]);
        let tally = &pool.tally;
        let counted = |x: u64| x as f64;
        let trials = counted(tally.catchup + tally.race + tally.redundant)
            + counted(tally.exploration + tally.frontier);
        let share = |x: u64| x as f64 / trials;

        let (mut quality, mut propensity, mut invest, mut intrinsic) = (-0.0, -0.0, -0.0, -0.0);
        let (mut stuck, mut merges, mut misplaced) = (0u64, 0u64, 0usize);
        for &i in mine {
            let i = i as usize;
            quality += p.quality[i];
            propensity += p.propensity[i];
            invest += p.invest_share[i];
            intrinsic += p.intrinsic[i] * f.exerted[i] as f64;
            stuck += f.stuck[i] as u64;
            merges += f.merges[i] as u64;
            misplaced += (p.domain[i] != q.domain[p.target[i] as usize]) as usize;
        }
        let per_member = |x: f64| x / size as f64;

        let values = &sorted.wealth_of[k];
        let rich = gini(values);
        let top = size.div_ceil(100);
        let top1_share = values[size - top..].iter().sum::<f64>() / rich.total;
        let gini_wealth = rich.coefficient(size);

        let values = &sorted.earnings_of[k];
        let gini_income = gini(values).coefficient(size);
        let positive = &values[values.partition_point(|&x| x <= 0.0)..];
        let (pay_ratio, top_pay_ratio) = match positive.last() {
            None => (f64::NAN, f64::NAN),
            Some(&top) => (
                quantile_sorted(positive, 0.9) / quantile_sorted(positive, 0.1),
                top / quantile_sorted(positive, 0.5),
            ),
        };

        let from = revenues.partition_point(|r| (r.0 as usize) < k);
        let to = revenues.partition_point(|r| (r.0 as usize) <= k);
        let theirs = &revenues[from..to];
        let revenue_total: f64 = theirs.iter().map(|r| r.2).sum();
        let hhi_revenue = if revenue_total > 0.0 {
            theirs.iter().map(|r| (r.2 / revenue_total).powi(2)).sum()
        } else {
            f64::NAN
        };

        let effort_cost = w.outside_wage * exerted[k] as f64;
        let compute = tally.compute_spent + tally.credit_compute;
        let real_costs = effort_cost + compute + pool.monitoring_cost + w.upkeep * size as f64;
        let effort = s.effort as f64;
        *metrics = Metrics {
            trials,
            duplicated_share: share(tally.catchup + tally.race + tally.redundant),
            catchup_share: share(tally.catchup),
            race_share: share(tally.race),
            redundant_share: share(tally.redundant),
            exploration_share: share(tally.exploration),
            frontier_share: share(tally.frontier),
            stuck_share: stuck as f64 / (trials - merges as f64),
            new_lineages: tally.new_lineages as f64,
            frontier_quality: s.frontier_sum / value_total,
            access_quality: world.access_quality,
            mean_quality: per_member(quality),
            innovation: tally.innovation,
            approach_diversity: s.diversity_sum / s.diverse as f64,
            lineages: s.distinct_sum as f64 / s.worked as f64,
            heads: s.heads_sum as f64 / s.worked as f64,
            effort_entropy: if m > 1 && effort > 0.0 {
                s.entropy / (m as f64).ln()
            } else {
                f64::NAN
            },
            tail_coverage: s.tail_effort as f64 / effort / 0.8,
            potential_surplus: tally.potential_surplus,
            consumer_surplus: pool.surplus,
            producer_revenue: tally.revenue,
            deadweight_loss: tally.deadweight_loss,
            real_costs,
            intrinsic_utility: intrinsic,
            welfare: pool.surplus + tally.revenue + intrinsic - real_costs,
            gini_wealth,
            gini_income,
            pay_ratio,
            top_pay_ratio,
            hhi_revenue,
            top1_share,
            invest_share: per_member(invest),
            contribution: per_member(propensity),
            sanctions: per_member(tally.sanctions as f64),
            exits: per_member(tally.exits as f64),
            misallocation: per_member(misplaced as f64),
            population_share: size as f64 / n as f64,
        };
    }
}

/// Each population's diversity and spread of effort over the problems' teams,
/// and the best quality it holds on each problem, into `spread` (one per
/// population); `exerted` holds each population's exerted trials. One counting
/// sort of every producer by (problem, population) finds each population's part
/// of each team, in index order.
#[allow(clippy::too_many_arguments)]
fn spreads(
    loci: u32,
    p: &Producers,
    q: &Problems,
    flows: &Flows,
    sight: &MixedSight,
    exerted: &[u64],
    keys: &mut Vec<u32>,
    parts: &mut Csr,
    spread: &mut Vec<Spread>,
) {
    let (f, n, m, populations) = (&flows.producers, p.len(), q.len(), exerted.len());
    let population = &f.population[..n];
    // Teams are a partition of the producers.
    let teams = &flows.problems.teams;
    keys.clear();
    keys.resize(n, 0);
    for j in 0..m {
        for &i in teams.on(j) {
            keys[i as usize] = (j * populations) as u32 + population[i as usize] as u32;
        }
    }
    parts.build(keys, m * populations);

    // Problem by problem: each population's part of the team, and what it holds.
    spread.clear();
    spread.resize(populations, Spread::default());
    for j in 0..m {
        let mut held = [0.0f64; MAX_POPULATIONS];
        for r in q.records(j) {
            let k = sight.holder_population(r.holder) as usize;
            held[k] = held[k].max(r.solution.quality);
        }
        if q.open[j].is_some() {
            let k = q.open_population[j] as usize;
            held[k] = held[k].max(q.open_quality(j));
        }
        for (s, &h) in spread.iter_mut().zip(held.iter()) {
            s.frontier_sum += q.value[j] * h;
        }
        for (k, s) in spread.iter_mut().enumerate() {
            let mine = parts.on(j * populations + k);
            if mine.is_empty() {
                continue;
            }
            let t = team(p, f, mine, loci, exerted[k] as f64);
            let heads = distinct(mine.len(), mine.iter().map(|&i| p.lineage[i as usize]));
            s.worked += 1;
            s.diverse += t.diversity.is_some() as usize;
            s.diversity_sum += t.diversity.unwrap_or(0.0);
            s.distinct_sum += t.distinct as u64;
            s.heads_sum += heads as u64;
            s.entropy -= t.entropy;
            s.effort += t.effort;
            s.tail_effort += t.effort * q.in_tail[j] as u64;
        }
    }
}

/// The Gini sums of values sorted ascending.
fn gini(sorted: &[f64]) -> Gini {
    let (mut g, mut rank) = (Gini::default(), 0.0);
    for &v in sorted {
        rank += 1.0;
        g.add(rank, v);
    }
    g
}

#[cfg(test)]
mod tests;
