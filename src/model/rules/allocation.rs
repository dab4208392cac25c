//! Phase 2, allocation (spec §2.2, docs/MODEL.md §7.2): who works on what.
//! Under `market` and `registry` each producer compares its target with a few
//! candidates it knows about; under `plan` a planner assigns everyone from
//! noisy, stale estimates every `plan_interval` steps.

use std::collections::VecDeque;

use rand::RngExt;
use rand::distr::Bernoulli;
use rand_distr::{Distribution, StandardNormal};

use super::{Context, matching};
use crate::model::config::Allocation;
use crate::model::csr::Csr;
use crate::model::flows::{ProblemFlows, ProducerFlows};
use crate::model::kernels::par::map_into;
use crate::model::rng::{PROBLEM_ENTITY, Phase, Streams, gumbel};
use crate::model::state::{Problems, Producers};

/// Space for the choices of a step, kept between steps.
#[derive(Default)]
pub struct Workspace {
    choices: Vec<u32>,
    /// The values market producers perceive through prices (market only).
    perceived: Vec<f64>,
}

/// Sets every producer's target, who switched, and the teams.
pub fn allocation(
    cx: Context,
    producers: &mut Producers,
    problems: &mut Problems,
    producer_flows: &mut ProducerFlows,
    problem_flows: &mut ProblemFlows,
    space: &mut Workspace,
) {
    let r = cx.regime;
    // Last step's teams are this step's registry claims and market sellers (none
    // before the first step).
    if r.allocation == Allocation::Registry && cx.clock.time > 0 {
        let ProblemFlows { teams, claims, .. } = problem_flows;
        for (j, claims) in claims.iter_mut().enumerate() {
            *claims = teams.size(j);
        }
    }
    if r.allocation == Allocation::Market && cx.clock.time > 0 {
        let ProblemFlows { teams, sellers, .. } = problem_flows;
        count_sellers(cx, &producers.group, teams, sellers);
    }
    let switched = &mut producer_flows.switched;
    match r.allocation {
        Allocation::Market | Allocation::Registry => {
            let crowd = match r.allocation {
                Allocation::Registry => &problem_flows.claims,
                _ => &problem_flows.sellers,
            };
            perceive_values(cx, &problems.value, &mut space.perceived);
            choose(
                cx,
                producers,
                problems,
                crowd,
                &space.perceived,
                &mut space.choices,
            );
            let p = &mut *producers;
            let changes = (switched.iter_mut()).zip(&mut p.target).zip(&mut p.fresh);
            for (((switched, target), fresh), &j) in changes.zip(space.choices.iter()) {
                *switched = *fresh || j != *target;
                *target = j;
                *fresh = false;
            }
        }
        Allocation::Plan => {
            remember_values(
                r.plan_lag as usize + 1,
                &problems.value,
                &mut problems.past_values,
            );
            if cx.clock.time.is_multiple_of(r.plan_interval) {
                let stale = problems.past_values.front().unwrap_or(&problems.value);
                let (target, rank) = plan(cx, producers, problems, stale);
                let p = &mut *producers;
                for i in 0..p.len() {
                    switched[i] = p.fresh[i] || p.target[i] != target[i];
                    p.fresh[i] = false;
                    p.target[i] = target[i];
                    p.team_rank[i] = rank[i];
                }
                reset_team_lineages(r.plan_lineages as usize, problems);
            } else {
                // Targets stay; entrants take over their slot's assignment as newcomers.
                for (switched, fresh) in switched.iter_mut().zip(&mut producers.fresh) {
                    *switched = *fresh;
                    *fresh = false;
                }
            }
        }
    }
    problem_flows.teams.build(&producers.target, problems.len());
}

/// The market's sellers on each problem (spec §2.2): the distinct holders (a
/// producer, or its group under group visibility) among last step's team. A
/// team is in slot order and groups are contiguous blocks of slots, so holders
/// come sorted and each new one starts a run. Not capped by `S`.
fn count_sellers(cx: Context, group: &[u32], teams: &Csr, sellers: &mut [u32]) {
    let sight = &cx.setting.sight;
    for (j, sellers) in sellers.iter_mut().enumerate() {
        let mut last = None;
        *sellers = 0;
        for &i in teams.on(j) {
            let holder = sight.holder(i as usize, group[i as usize]);
            *sellers += (last != Some(holder)) as u32;
            last = Some(holder);
        }
    }
}

/// The values market producers perceive through prices (spec §2.2):
/// `v_j exp(market_noise Z_j)`, one `Z_j` per problem and step. Without noise
/// (the default) they are the values themselves, and nothing is drawn.
pub(crate) fn perceive_values(cx: Context, value: &[f64], perceived: &mut Vec<f64>) {
    let noise = cx.regime.market_noise;
    perceived.clear();
    if cx.regime.allocation != Allocation::Market || noise == 0.0 {
        perceived.extend_from_slice(value);
        return;
    }
    let streams = Streams::new(cx.clock.seed, cx.clock.time, Phase::Allocation);
    perceived.extend(value.iter().enumerate().map(|(j, &v)| {
        let z: f64 = streams
            .get(PROBLEM_ENTITY + j as u64)
            .sample(StandardNormal);
        v * (noise * z).exp()
    }));
}

/// Market and registry: each producer compares its target with `consider`
/// candidates (of its domain with probability `domain_focus`), scored by value
/// (under the market as prices show it), match and open gap, divided by the
/// crowd it sees (sellers last step, or under the registry the claims), plus
/// Gumbel noise. Newcomers must choose.
fn choose(
    cx: Context,
    p: &Producers,
    q: &Problems,
    crowd: &[u32],
    value: &[f64],
    choices: &mut Vec<u32>,
) {
    let w = cx.world;
    let registry = cx.regime.allocation == Allocation::Registry;
    let by_domain = &cx.setting.domain_problems;
    let m = q.len();
    let score = |i: usize, j: usize| -> f64 {
        let fit = matching(p.skill[i], p.domain[i], q.domain[j], w.cross_domain);
        let s = if registry {
            value[j] * fit * (1.0 - q.open_quality(j)) / (1.0 + crowd[j] as f64)
        } else {
            value[j] * fit * (1.0 - q.frontier[j]) / (1.0 + crowd[j] as f64)
        };
        s.ln()
    };
    let streams = Streams::new(cx.clock.seed, cx.clock.time, Phase::Allocation);
    // Built once, drawn like `random_bool(p)`.
    let switches = Bernoulli::new(w.switch_rate).expect("validated rate");
    let focuses = Bernoulli::new(w.domain_focus).expect("validated probability");
    map_into(p.len(), choices, |i| {
        let mut rng = streams.get(i as u64);
        let current = p.target[i] as usize;
        let must = p.fresh[i];
        if !must && !rng.sample(switches) {
            return current as u32;
        }
        let mut best = current;
        let mut best_score = if must {
            f64::NEG_INFINITY
        } else {
            score(i, current) + w.choice_noise * gumbel(&mut rng)
        };
        for _ in 0..w.consider {
            let own = by_domain.on(p.domain[i] as usize);
            let j = if !own.is_empty() && rng.sample(focuses) {
                own[rng.random_range(0..own.len())] as usize
            } else {
                rng.random_range(0..m)
            };
            let s = score(i, j) + w.choice_noise * gumbel(&mut rng);
            if s > best_score || (must && best_score == f64::NEG_INFINITY) {
                best = j;
                best_score = s;
            }
        }
        best as u32
    });
}

/// Keeps the values of the last `keep` steps for the planner's stale view.
fn remember_values(keep: usize, values: &[f64], past: &mut VecDeque<Vec<f64>>) {
    let mut row = if past.len() >= keep {
        past.pop_front().unwrap_or_default()
    } else {
        Vec::new()
    };
    row.clear();
    row.extend_from_slice(values);
    past.push_back(row);
}

/// The planner (spec §2.2, `plan`): ranks problems by estimated priority (the
/// `stale` values with noise, times the open gap), sizes teams in proportion to
/// it, and fills each team with the best-estimated free producers of the
/// problem's domain first, then with the rest. Returns each producer's target
/// and rank in its team. `O(N log N + M log M)`: producers are sorted once per
/// domain, never per problem.
fn plan(cx: Context, p: &Producers, q: &Problems, stale: &[f64]) -> (Vec<u32>, Vec<u32>) {
    let (r, w) = (cx.regime, cx.world);
    let (n, m) = (p.len(), q.len());
    let streams = Streams::new(cx.clock.seed, cx.clock.time, Phase::Plan);
    let priority: Vec<f64> = (0..m)
        .map(|j| {
            let mut rng = streams.get(PROBLEM_ENTITY + j as u64);
            let z: f64 = StandardNormal.sample(&mut rng);
            stale[j] * (r.plan_noise * z).exp() * (1.0 - q.open_quality(j))
        })
        .collect();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| priority[b].total_cmp(&priority[a]).then(a.cmp(&b)));
    let sizes = team_sizes(&priority, n);

    // Estimated skills: the planner sees each producer's skill with noise.
    let estimate: Vec<f64> = (0..n)
        .map(|i| {
            let mut rng = streams.get(i as u64);
            let z: f64 = StandardNormal.sample(&mut rng);
            p.skill[i] * (r.plan_noise * z).exp()
        })
        .collect();
    let by_estimate = |a: &u32, b: &u32| {
        estimate[*b as usize]
            .total_cmp(&estimate[*a as usize])
            .then(a.cmp(b))
    };
    // Free producers of each domain, best estimate first (popped from the front).
    let mut pools: Vec<Vec<u32>> = vec![Vec::new(); w.domains as usize];
    for i in 0..n {
        pools[p.domain[i] as usize].push(i as u32);
    }
    for pool in &mut pools {
        pool.sort_by(by_estimate);
    }
    let mut taken = vec![false; n];
    let mut cursor = vec![0usize; w.domains as usize];
    let mut target = vec![0u32; n];
    let mut rank = vec![0u32; n];
    let mut filled = vec![0u32; m];
    // Pass 1: every team takes producers of its own domain while there are any.
    for &j in &order {
        let d = q.domain[j] as usize;
        while filled[j] < sizes[j] && cursor[d] < pools[d].len() {
            let i = pools[d][cursor[d]] as usize;
            cursor[d] += 1;
            taken[i] = true;
            target[i] = j as u32;
            rank[i] = filled[j];
            filled[j] += 1;
        }
    }
    // Pass 2: the remaining places go to the remaining producers, best estimate first.
    let mut rest: Vec<u32> = (0..n as u32).filter(|&i| !taken[i as usize]).collect();
    rest.sort_by(by_estimate);
    let mut next = rest.into_iter();
    for &j in &order {
        while filled[j] < sizes[j] {
            let Some(i) = next.next() else { break };
            let i = i as usize;
            target[i] = j as u32;
            rank[i] = filled[j];
            filled[j] += 1;
        }
    }
    (target, rank)
}

/// Team sizes proportional to priority, summing to `n` (largest remainders).
pub fn team_sizes(priority: &[f64], n: usize) -> Vec<u32> {
    let m = priority.len();
    let total: f64 = priority.iter().sum();
    let quota: Vec<f64> = if total > 0.0 {
        priority.iter().map(|p| p / total * n as f64).collect()
    } else {
        vec![n as f64 / m as f64; m]
    };
    let mut sizes: Vec<u32> = quota.iter().map(|q| q.floor() as u32).collect();
    let assigned: usize = sizes.iter().map(|&s| s as usize).sum();
    let mut by_remainder: Vec<usize> = (0..m).collect();
    by_remainder.sort_by(|&a, &b| {
        (quota[b] - quota[b].floor())
            .total_cmp(&(quota[a] - quota[a].floor()))
            .then(a.cmp(&b))
    });
    for &j in by_remainder.iter().take(n.saturating_sub(assigned)) {
        sizes[j] += 1;
    }
    sizes
}

/// At each plan the `k` team lineages of a problem restart from its best
/// distinct lineages known (open or held, best first); slots left empty (0)
/// will start from a random genome.
pub fn reset_team_lineages(k: usize, q: &mut Problems) {
    let mut known: Vec<(f64, u64)> = Vec::with_capacity(q.max_records + 1);
    for j in 0..q.len() {
        known.clear();
        known.extend(q.open[j].iter().map(|s| (s.quality, s.lineage)));
        known.extend(
            q.records(j)
                .iter()
                .map(|r| (r.solution.quality, r.solution.lineage)),
        );
        // Stable: on equal quality the open solution, then earlier records, come first.
        known.sort_by(|a, b| b.0.total_cmp(&a.0));
        let row = &mut q.plan_lineage[j * k..(j + 1) * k];
        row.fill(0);
        let mut used = 0;
        for &(_, lineage) in &known {
            if used == k {
                break;
            }
            if !row[..used].contains(&lineage) {
                row[used] = lineage;
                used += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_sizes_are_proportional_and_sum_to_n() {
        let s = team_sizes(&[3.0, 1.0, 0.0, 6.0], 10);
        assert_eq!(s, vec![3, 1, 0, 6]);
        let s = team_sizes(&[1.0, 1.0, 1.0], 10);
        assert_eq!(s.iter().sum::<u32>(), 10);
        assert_eq!(team_sizes(&[0.0, 0.0], 3).iter().sum::<u32>(), 3);
    }
}
