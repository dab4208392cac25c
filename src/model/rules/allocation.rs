//! Phase 2, allocation (spec §2.2, docs/MODEL.md §7.2): who works on what.
//! Under `market` and `registry` each producer compares its target with a few
//! candidates it knows about; under `plan` a planner assigns everyone from
//! noisy, stale estimates every `plan_interval` steps.

use rand::RngExt;
use rand::distr::Bernoulli;
use rand_distr::StandardNormal;

use super::{Context, matching};
use crate::model::config::{Allocation, Regime};
use crate::model::flows::{ProblemFlows, ProducerFlows};
use crate::model::kernels::par::map_into;
use crate::model::rng::{PROBLEM_ENTITY, Phase, Streams, gumbel};
use crate::model::state::{Problems, Producers};

mod plan;
mod sellers;

use plan::{plan, planner_sees, remember_values};
pub use plan::{plan_blocks, reset_team_lineages, team_sizes};
use sellers::count_sellers;

/// Space for the choices of a step, kept between steps.
#[derive(Default)]
pub struct Workspace {
    choices: Vec<u32>,
    /// The values market producers perceive through prices (market only).
    perceived: Vec<f64>,
    /// One team's holders, sorted (sellers in a mixed world).
    holders: Vec<u32>,
}

/// Sets every producer's target, who switched, and the teams (and in a
/// mixed world the circles' members by target).
pub fn allocation(
    cx: Context,
    producers: &mut Producers,
    problems: &mut Problems,
    producer_flows: &mut ProducerFlows,
    problem_flows: &mut ProblemFlows,
    space: &mut Workspace,
) {
    // Last step's teams are this step's registry claims and market sellers (none
    // before the first step).
    let uses = |a: Allocation| cx.any(|r| r.allocation == a);
    if uses(Allocation::Registry) && cx.clock.time > 0 {
        let ProblemFlows { teams, claims, .. } = problem_flows;
        for (j, claims) in claims.iter_mut().enumerate() {
            *claims = teams.size(j);
        }
    }
    if uses(Allocation::Market) && cx.clock.time > 0 {
        let ProblemFlows { teams, sellers, .. } = problem_flows;
        count_sellers(cx, &producers.group, teams, sellers, &mut space.holders);
    }
    let switched = &mut producer_flows.switched;
    // Each population allocates by its own rule (spec §5): producers choose
    // under `market` and `registry`, a planner assigns its own members.
    if uses(Allocation::Market) || uses(Allocation::Registry) {
        perceive_values(cx, &problems.value, &mut space.perceived);
        let crowds = (&problem_flows.claims[..], &problem_flows.sellers[..]);
        choose(
            cx,
            producers,
            problems,
            crowds,
            &space.perceived,
            &mut space.choices,
        );
        let p = &mut *producers;
        let changes = (switched.iter_mut()).zip(&mut p.target).zip(&mut p.fresh);
        let choosers = changes.zip(space.choices.iter()).enumerate();
        let single = cx.single().is_some();
        for (i, (((switched, target), fresh), &j)) in choosers {
            if single || cx.regime(p.population[i]).allocation != Allocation::Plan {
                *switched = *fresh || j != *target;
                *target = j;
                *fresh = false;
            }
        }
    }
    // Each planning population plans its own members (spec §5), with its own
    // stale values, noise, interval and team lineages.
    let (blocks, _) = plan_blocks(cx.regimes, problems.len());
    let keep = (cx.regimes.iter())
        .filter(|r| r.allocation == Allocation::Plan)
        .map(|r| r.plan_lag as usize + 1)
        .max();
    if let Some(keep) = keep {
        remember_values(keep, &problems.value, &mut problems.past_values);
    }
    let planners =
        (cx.regimes.iter().enumerate()).filter(|(_, r)| r.allocation == Allocation::Plan);
    for (rank, (planner, r)) in planners.enumerate() {
        let planner = planner as u8;
        if cx.clock.time.is_multiple_of(r.plan_interval) {
            // The values of `plan_lag` steps ago (the oldest kept before then).
            let past = &problems.past_values;
            let stale = past
                .get(past.len().saturating_sub(r.plan_lag as usize + 1))
                .unwrap_or(&problems.value);
            let (target, team_rank) = plan(cx, r, (planner, rank), producers, problems, stale);
            let p = &mut *producers;
            for i in 0..p.len() {
                if p.population[i] != planner {
                    continue;
                }
                switched[i] = p.fresh[i] || p.target[i] != target[i];
                p.fresh[i] = false;
                p.target[i] = target[i];
                p.team_rank[i] = team_rank[i];
            }
            let (start, k) = blocks[planner as usize];
            let sees = planner_sees(cx, planner);
            let m = problems.len();
            let lineages = &mut problems.plan_lineage[start..start + k * m];
            reset_team_lineages(k, sees, &problems.heads, lineages);
        } else {
            // Targets stay; entrants take over their slot's assignment as newcomers.
            let p = &mut *producers;
            let members = switched.iter_mut().zip(&mut p.fresh).zip(&p.population);
            for ((switched, fresh), &k) in members {
                if k == planner {
                    *switched = *fresh;
                    *fresh = false;
                }
            }
        }
    }
    problem_flows.teams.build(&producers.target, problems.len());
    if let Some(m) = cx.setting.sight.mixed.as_deref()
        && m.circles > 0
    {
        let keys = &mut problem_flows.circle_keys;
        let count = m.circle_keys(&producers.target, problems.len(), keys);
        problem_flows.circles.build(keys, count);
    }
}

/// The values market producers perceive through prices (spec §2.2):
/// `v_j exp(market_noise Z_j)`, one `Z_j` per problem and step. Without noise
/// (the default) they are the values themselves, and nothing is drawn. In a
/// mixed world the draws `Z_j` are the same for every market population and
/// each scales them by its own noise: `perceived` holds `Z_j` then
/// (see [`perceived_value`]), and the values themselves if no market
/// population has noise.
pub(crate) fn perceive_values(cx: Context, value: &[f64], perceived: &mut Vec<f64>) {
    perceived.clear();
    let noisy = |r: &Regime| r.allocation == Allocation::Market && r.market_noise != 0.0;
    if !cx.any(noisy) {
        perceived.extend_from_slice(value);
        return;
    }
    let streams = Streams::new(cx.clock.seed, cx.clock.time, Phase::Allocation);
    let single = cx.single().map(|r| r.market_noise);
    perceived.extend(value.iter().enumerate().map(|(j, &v)| {
        let z: f64 = streams
            .get(PROBLEM_ENTITY + j as u64)
            .sample(StandardNormal);
        match single {
            Some(noise) => v * (noise * z).exp(),
            None => z,
        }
    }));
}

/// How a producer of regime `r` reads what [`perceive_values`] left: as the
/// values (`None`), or, in a mixed world with noisy prices, as the draws
/// `Z_j` to scale by its noise (0 if it does not see prices).
#[inline]
fn own_noise(cx: &Context, r: &Regime, draws: bool) -> Option<f64> {
    if cx.single().is_some() || !draws {
        None
    } else if r.allocation == Allocation::Market {
        Some(r.market_noise)
    } else {
        Some(0.0)
    }
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
    (claims, sellers): (&[u32], &[u32]),
    perceived: &[f64],
    choices: &mut Vec<u32>,
) {
    let w = cx.world;
    let by_domain = &cx.setting.domain_problems;
    let m = q.len();
    // In a mixed world with noisy prices `perceived` holds the draws `Z_j`.
    let draws = cx.any(|r| r.allocation == Allocation::Market && r.market_noise != 0.0);
    let score = |registry: bool, noise: Option<f64>, i: usize, j: usize| -> f64 {
        let fit = matching(p.skill[i], p.domain[i], q.domain[j], w.cross_domain);
        let value = match noise {
            None => perceived[j],
            Some(sigma) => q.value[j] * (sigma * perceived[j]).exp(),
        };
        let s = if registry {
            value * fit * (1.0 - q.open_quality(j)) / (1.0 + claims[j] as f64)
        } else {
            value * fit * (1.0 - q.frontier[j]) / (1.0 + sellers[j] as f64)
        };
        s.ln()
    };
    let streams = Streams::new(cx.clock.seed, cx.clock.time, Phase::Allocation);
    // Built once, drawn like `random_bool(p)`.
    let switches = Bernoulli::new(w.switch_rate).expect("validated rate");
    let focuses = Bernoulli::new(w.domain_focus).expect("validated probability");
    map_into(
        p.len(),
        choices,
        #[inline(always)]
        |i| {
            let mut rng = streams.get(i as u64);
            let current = p.target[i] as usize;
            let must = p.fresh[i];
            if !must && !rng.sample(switches) {
                return current as u32;
            }
            // The producer's own population's rule (spec §5).
            let r = cx.regime_of(&p.population, i);
            let registry = r.allocation == Allocation::Registry;
            let noise = own_noise(&cx, r, draws);
            let score = |i, j| score(registry, noise, i, j);
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
        },
    );
}
