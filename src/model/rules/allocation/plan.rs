//! The planner's part of allocation (spec §2.2, `plan`; docs/MODEL.md §7.2):
//! its stale view of values, the plan itself, team sizes, each planning
//! population's block of team lineages and their restart from the heads.

use std::collections::VecDeque;

use rand_distr::{Distribution, StandardNormal};

use super::super::Context;
use crate::model::config::{Allocation, Regime};
use crate::model::heads::{Heads, OPEN_HOLDER};
use crate::model::populations::MAX_POPULATIONS;
use crate::model::rng::{PROBLEM_ENTITY, Phase, Streams};
use crate::model::state::{Problems, Producers};

/// Keeps the values of the last `keep` steps for the planner's stale view.
pub(super) fn remember_values(keep: usize, values: &[f64], past: &mut VecDeque<Vec<f64>>) {
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
pub(super) fn plan(
    cx: Context,
    r: &Regime,
    (planner, rank): (u8, usize),
    p: &Producers,
    q: &Problems,
    stale: &[f64],
) -> (Vec<u32>, Vec<u32>) {
    let w = cx.world;
    let (n, m) = (p.len(), q.len());
    // A planner plans its own population only (spec §5).
    let members = p.population.iter().filter(|&&k| k == planner).count();
    let streams = Streams::new(cx.clock.seed, cx.clock.time, Phase::Plan);
    // Each planner draws its own errors on values: the first from the
    // problems' streams, the `rank`-th from the next `M` entities.
    let first = PROBLEM_ENTITY + (rank * m) as u64;
    let priority: Vec<f64> = (0..m)
        .map(|j| {
            let mut rng = streams.get(first + j as u64);
            let z: f64 = StandardNormal.sample(&mut rng);
            stale[j] * (r.plan_noise * z).exp() * (1.0 - q.open_quality(j))
        })
        .collect();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| priority[b].total_cmp(&priority[a]).then(a.cmp(&b)));
    let sizes = team_sizes(&priority, members);

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
    for i in (0..n).filter(|&i| p.population[i] == planner) {
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
    let mut rest: Vec<u32> = (0..n as u32)
        .filter(|&i| !taken[i as usize] && p.population[i as usize] == planner)
        .collect();
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

/// Where each population's planned team lineages lie in
/// `Problems::plan_lineage`: `(start, k)`, an `M x k` block per planning
/// population in population order (`k = plan_lineages`; `(start, 0)` for a
/// population that does not plan), and the length of them all.
pub fn plan_blocks(regimes: &[Regime], m: usize) -> ([(usize, usize); MAX_POPULATIONS], usize) {
    let mut blocks = [(0, 0); MAX_POPULATIONS];
    let mut start = 0;
    for (block, r) in blocks.iter_mut().zip(regimes) {
        let k = if r.allocation == Allocation::Plan {
            r.plan_lineages as usize
        } else {
            0
        };
        *block = (start, k);
        start += m * k;
    }
    (blocks, start)
}

/// Whose heads a planner sees (spec §5: everyone's open work): open heads,
/// and those of its own population's holders (all of them with one population).
pub(super) fn planner_sees(cx: Context, planner: u8) -> impl Fn(u32) -> bool {
    let mixed = cx.setting.sight.mixed.as_deref();
    move |holder| {
        holder == OPEN_HOLDER || mixed.is_none_or(|m| m.holder_population(holder) == planner)
    }
}

/// At each plan the `k` team lineages of each problem (`lineages`, `M x k`)
/// restart from the best distinct lineages among the heads the planner sees
/// (`sees` a head's holder; spec §2.3: a team adopts its lineage's head), best
/// first, ties by lineage id; slots left empty (0) will start from a random
/// genome.
pub fn reset_team_lineages(
    k: usize,
    sees: impl Fn(u32) -> bool,
    heads: &Heads,
    lineages: &mut [u64],
) {
    for (j, row) in lineages.chunks_exact_mut(k).enumerate() {
        row.fill(0);
        let mut used = 0;
        // Rows are sorted best first (then by lineage id, holder).
        for h in heads.row(j).iter().filter(|h| sees(h.holder)) {
            if used == k {
                break;
            }
            let lineage = h.solution.lineage;
            if !row[..used].contains(&lineage) {
                row[used] = lineage;
                used += 1;
            }
        }
    }
}
