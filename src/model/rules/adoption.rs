//! Phase 3, adoption (spec §2.3, docs/MODEL.md §7.3): what a producer starts
//! from. Knowledge is non-rival, so copying a visible solution costs no trial;
//! what a producer may see is the regime's visibility rule ([`View`]). Lineages
//! record which random genome a solution descends from, so that forks
//! (pluralism) and monocultures can be told apart.
//!
//! - `best`: a newcomer starts from the best it sees (else a random genome); a
//!   stayer adopts it with probability `adopt_prob` if it is better.
//! - `fork`: a newcomer joins the least crowded lineage within `fork_tolerance`
//!   of the best; a stayer (with probability `adopt_prob`) moves to its
//!   lineage's best, and leaves its lineage only for a solution better by more
//!   than the tolerance.
//! - `plan`: member `k` of a team follows team lineage `k mod plan_lineages`.

use rand::RngExt;
use rand::distr::Bernoulli;

use super::Context;
use crate::model::config::{Adopt, Allocation};
use crate::model::flows::{ProblemFlows, ProducerFlows};
use crate::model::kernels::fork::fork_choice;
use crate::model::kernels::par::map_into;
use crate::model::kernels::view::{Seen, View};
use crate::model::landscape::Landscapes;
use crate::model::network::federation_links;
use crate::model::rng::{PROBLEM_ENTITY, Phase, Stream, Streams};
use crate::model::state::{Problems, Producers, Solution};

/// A new lineage id, unique per (step, entity).
#[inline]
pub fn lineage_id(t: u32, entity: u64) -> u64 {
    ((t as u64 + 1) << 42) + entity
}

/// What a producer ends adoption with.
#[derive(Clone, Copy)]
struct Start {
    solution: Solution,
    sees_frontier: bool,
    /// Started a planned team lineage from a random genome.
    new_team_lineage: bool,
    /// Took a visible solution other than its own.
    copied: bool,
}

/// Space for the producers' starts, kept between steps.
#[derive(Default)]
pub struct Workspace {
    starts: Vec<Start>,
}

/// Sets every producer's starting solution for this step's search.
pub fn adoption(
    cx: Context,
    landscapes: &Landscapes,
    producers: &mut Producers,
    problems: &mut Problems,
    producer_flows: &mut ProducerFlows,
    problem_flows: &mut ProblemFlows,
    space: &mut Workspace,
) {
    problem_flows
        .frontier_start
        .copy_from_slice(&problems.frontier);
    let (t, r, nk) = (cx.clock.time, cx.regime, &landscapes.nk);
    // Under `federated`, this step's one-way views between groups (spec §2.3).
    let links = &mut problem_flows.federation;
    federation_links(r, cx.world.groups, cx.clock.seed, t, links);
    let (p, q) = (&*producers, &*problems);
    let frontier_start = &problem_flows.frontier_start;
    let switched = &producer_flows.switched;
    let plan = r.allocation == Allocation::Plan;
    let k = r.plan_lineages as usize;
    let view = View {
        p,
        switched,
        q,
        sight: &cx.setting.sight,
        links: &problem_flows.federation,
        teams: &problem_flows.teams,
    };

    let streams = Streams::new(cx.clock.seed, t, Phase::Adoption);
    // Built once, drawn like `random_bool(adopt_prob)`.
    let adopts = Bernoulli::new(r.adopt_prob).expect("validated probability");
    map_into(p.len(), &mut space.starts, |i| {
        let j = p.target[i] as usize;
        let mut rng = streams.get(i as u64);
        let best = view.best(i, j);
        let sees_frontier = best.is_some_and(|b| b.quality >= frontier_start[j]);
        let current = p.solution(i);
        let switched = switched[i];
        let random = |rng: &mut Stream, entity: u64| {
            let genome = rng.random::<u64>() & nk.genome_mask();
            let fitness = landscapes.get(j, q.landscape[j]).fitness(genome);
            Solution {
                genome,
                fitness,
                quality: nk.quality(fitness),
                lineage: lineage_id(t, entity),
            }
        };
        let keep = |solution: Solution| Start {
            solution,
            sees_frontier,
            new_team_lineage: false,
            copied: solution.genome != current.genome || solution.lineage != current.lineage,
        };

        if plan {
            let slot = j * k + p.team_rank[i] as usize % k;
            let lineage = q.plan_lineage[slot];
            let lineage_best = if lineage != 0 {
                view.lineage_best(i, j, lineage, None)
            } else {
                None
            };
            return match lineage_best {
                // Newcomers and members of another lineage join the team's lineage.
                Some(b) if switched || current.lineage != lineage => keep(b),
                Some(b) => {
                    // As under `best`: both tests, then a select (no coin-flip branch).
                    let adopt = rng.sample(adopts) & (b.quality > current.quality);
                    keep(if adopt { b } else { current })
                }
                None if switched => {
                    // Every member of the slot draws the same genome from the slot's stream.
                    let entity = PROBLEM_ENTITY + slot as u64;
                    let mut slot_rng = streams.get(entity);
                    Start {
                        solution: random(&mut slot_rng, entity),
                        sees_frontier,
                        new_team_lineage: true,
                        copied: false,
                    }
                }
                _ => keep(current),
            };
        }

        let Some(best) = best else {
            return if switched {
                Start {
                    copied: false,
                    ..keep(random(&mut rng, i as u64))
                }
            } else {
                keep(current)
            };
        };
        match (r.adopt, switched) {
            (Adopt::Best, true) => keep(best),
            (Adopt::Best, false) => {
                // Both tests are evaluated (no short circuit): a coin flip is a
                // branch that mispredicts half the time.
                let adopt = rng.sample(adopts) & (best.quality > current.quality);
                keep(if adopt { best } else { current })
            }
            (Adopt::Fork, true) => keep(fork_choice(
                &Seen { view: &view, i, j },
                best,
                r.fork_tolerance,
            )),
            (Adopt::Fork, false) => {
                if !rng.sample(adopts) {
                    return keep(current);
                }
                let lineage_best = view
                    .lineage_best(i, j, current.lineage, Some(current))
                    .unwrap_or(current);
                if best.quality > lineage_best.quality + r.fork_tolerance {
                    keep(best)
                } else {
                    keep(lineage_best)
                }
            }
        }
    });

    let starts = &space.starts;
    let p = producers;
    // Arrays cut to `n`, so that the loop's indices need no bounds checks.
    let n = starts.len();
    let (genome, fitness, quality) = (&mut p.genome[..n], &mut p.fitness[..n], &mut p.quality[..n]);
    let lineage = &mut p.lineage[..n];
    let start_quality = &mut producer_flows.start_quality[..n];
    let sees = &mut producer_flows.sees_frontier[..n];
    let copied = &mut producer_flows.copied[..n];
    for (i, s) in starts.iter().enumerate() {
        genome[i] = s.solution.genome;
        fitness[i] = s.solution.fitness;
        quality[i] = s.solution.quality;
        lineage[i] = s.solution.lineage;
        start_quality[i] = s.solution.quality;
        sees[i] = s.sees_frontier;
        copied[i] = s.copied;
    }
    if plan {
        // A team lineage started this step is the slot's from now on.
        for (i, s) in starts.iter().enumerate() {
            let slot = p.target[i] as usize * k + p.team_rank[i] as usize % k;
            if s.new_team_lineage || problems.plan_lineage[slot] == 0 {
                problems.plan_lineage[slot] = s.solution.lineage;
            }
        }
    }
}
