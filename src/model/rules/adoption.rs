//! Phase 3, adoption (spec §2.3, docs/MODEL.md §7.3): what a producer starts
//! from. Knowledge is non-rival, so copying a visible solution costs no trial;
//! what a producer may see is the regime's visibility rule ([`View`], and the
//! lineage heads it may see, [`HeadsSeen`]). Copying a head copies what is
//! known to fail from it, so a copied dead end is known to be one.
//!
//! - `best`: a newcomer starts from the best it sees (else a random genome); a
//!   stayer adopts it with probability `adopt_prob` if it is better.
//! - `fork`: a newcomer joins the least crowded lineage whose head is within
//!   `fork_tolerance` of the best; a stayer (with probability `adopt_prob`)
//!   moves to its lineage's head, and leaves its lineage only for a head better
//!   by more than the tolerance once its own head has not improved for
//!   `fork_patience` steps.
//! - `plan`: member `k` of a team follows team lineage `k mod plan_lineages`.
//! - New approaches (every regime): a newcomer starts a new lineage with
//!   probability `explore_rate` instead of adopting, and so does, each step, a
//!   producer whose genome is a known dead end; under `plan` an exhausted team
//!   lineage restarts as often as its `n` members would, `1 - (1 - rate)^n`.

use rand::RngExt;
use rand::distr::Bernoulli;

use super::allocation::plan_blocks;
use super::{Context, per_population};
use crate::model::config::{Adopt, Allocation, CreditRule};
use crate::model::flows::{Ledger, Pool, ProblemFlows, ProducerFlows};
use crate::model::heads::{Head, exhausted, merge_tried};
use crate::model::kernels::fork::fork_choice;
use crate::model::kernels::par::map_into;
use crate::model::kernels::view::{HeadsSeen, OwnHeads, View};
use crate::model::landscape::Landscapes;
use crate::model::network::{federation_links, federation_links_mixed};
use crate::model::rng::{PROBLEM_ENTITY, Phase, Stream, Streams};
use crate::model::state::{Problems, Producers, Solution};

mod crowds;

use crowds::Crowds;

/// A new lineage id, unique per (step, entity).
#[inline]
pub fn lineage_id(t: u32, entity: u64) -> u64 {
    ((t as u64 + 1) << 42) + entity
}

/// What a producer ends adoption with.
#[derive(Clone, Copy)]
struct Start {
    solution: Solution,
    /// What it knows to fail from the solution's genome.
    tried: u64,
    sees_frontier: bool,
    /// Started a planned team lineage from a random genome.
    new_team_lineage: bool,
    /// Started a new lineage of its own from a random genome.
    new_lineage: bool,
    /// Took a visible solution other than its own.
    copied: bool,
    /// The head of its lineage as it sees it, at least its start's quality
    /// (for those credited by lineage, else 0): found here, with the heads
    /// it saw, rather than by a second look at them after the loop.
    lineage_head: f64,
}

/// Space kept between steps: the producers' starts, the fork rule's crowds
/// and the planned slots' sizes.
#[derive(Default)]
pub struct Workspace {
    starts: Vec<Start>,
    /// The fork rule's stayers per lineage and problem.
    crowds: Crowds,
    /// Members of each planned team slot (`M x plan_lineages`).
    slot_members: Vec<u32>,
    /// Each population's draw of `adopt_prob`.
    adopts: Vec<Bernoulli>,
    /// Where each producer's own heads are on its row (private visibility).
    own: OwnHeads,
}

/// The better of a visible solution and a visible head (the head on ties: it
/// carries what is known to fail).
#[inline]
fn better(seen: Option<Solution>, head: Option<&Head>) -> Option<Solution> {
    match (seen, head) {
        (Some(s), Some(h)) if s.quality > h.solution.quality => Some(s),
        (_, Some(h)) => Some(h.solution),
        (s, None) => s,
    }
}

/// Sets every producer's starting solution for this step's search.
#[allow(clippy::too_many_arguments)]
pub fn adoption(
    cx: Context,
    landscapes: &Landscapes,
    producers: &mut Producers,
    problems: &mut Problems,
    producer_flows: &mut ProducerFlows,
    problem_flows: &mut ProblemFlows,
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) {
    problem_flows
        .frontier_start
        .copy_from_slice(&problems.frontier);
    let (t, w, nk) = (cx.clock.time, cx.world, &landscapes.nk);
    // Under `federated`, this step's one-way views between groups (spec §2.3).
    let links = &mut problem_flows.federation;
    match cx.single() {
        Some(r) => federation_links(r, cx.world.groups, cx.clock.seed, t, links),
        None => {
            let blocks = &cx.setting.layout.group_blocks;
            federation_links_mixed(cx.regimes, blocks, cx.clock.seed, t, links);
        }
    }
    let (p, q) = (&*producers, &*problems);
    let frontier_start = &problem_flows.frontier_start;
    let switched = &producer_flows.switched;
    // Each planning population's block of team slots (spec §5: each planner
    // its own); `slot(i)` is producer `i`'s, if its population plans.
    let (blocks, slots) = plan_blocks(cx.regimes, q.len());
    let planning = slots > 0;
    let slot = |i: usize| {
        let (start, k) = *per_population(&blocks[..cx.regimes.len()], &p.population, i);
        (k > 0).then(|| start + p.target[i] as usize * k + p.team_rank[i] as usize % k)
    };
    let (sight, teams) = (&cx.setting.sight, &problem_flows.teams);
    let links = &problem_flows.federation[..];
    let view = View {
        p,
        switched,
        q,
        sight,
        links,
        teams,
        circles: &problem_flows.circles,
    };
    let (loci, flip_bits) = (nk.loci(), w.flip_bits);
    if cx.any(|r| r.adopt == Adopt::Fork && r.allocation != Allocation::Plan) {
        space.crowds.count(p, q.len(), switched, teams);
    }
    if planning {
        let sizes = &mut space.slot_members;
        sizes.clear();
        sizes.resize(slots, 0);
        for slot in (0..p.len()).filter_map(slot) {
            sizes[slot] += 1;
        }
    }
    // Built once per population, drawn like `random_bool(adopt_prob)`.
    space.adopts.clear();
    space.adopts.extend(
        (cx.regimes.iter()).map(|r| Bernoulli::new(r.adopt_prob).expect("validated probability")),
    );
    space.own.build(&q.heads, q.len(), &p.target, sight);
    let Workspace {
        starts,
        crowds,
        slot_members,
        adopts,
        own,
        ..
    } = &mut *space;
    let own = &*own;
    let (crowds, slot_members) = (&*crowds, &*slot_members);
    let adopts = &adopts[..];

    let streams = Streams::new(cx.clock.seed, t, Phase::Adoption);
    let explore_streams = Streams::new(cx.clock.seed, t, Phase::Explore);
    // Built once, drawn like `random_bool(p)`.
    let explores = Bernoulli::new(w.explore_rate).expect("validated probability");
    let explore = |rng: &mut Stream| w.explore_rate > 0.0 && rng.sample(explores);
    map_into(p.len(), starts, |i| {
        let j = p.target[i] as usize;
        // The producer's own population's rule (spec §5).
        let r = cx.regime_of(&p.population, i);
        let adopts = *per_population(adopts, &p.population, i);
        let mut rng = streams.get(i as u64);
        let heads = HeadsSeen::new(q, sight, links, p, i, j).with_own(own.of(i));
        let best = better(view.best(i, j), heads.best());
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
        // What the producer knows to fail from a solution: its own trials, if
        // it stays on its genome, and the visible heads on that genome.
        let keep = |solution: Solution| {
            let own = if !switched && solution.genome == current.genome {
                p.tried[i]
            } else {
                0
            };
            Start {
                solution,
                tried: merge_tried(own, heads.tried(&solution, flip_bits), flip_bits),
                sees_frontier,
                new_team_lineage: false,
                new_lineage: false,
                copied: solution.genome != current.genome || solution.lineage != current.lineage,
                lineage_head: 0.0,
            }
        };
        let fresh = |solution: Solution| Start {
            solution,
            tried: 0,
            sees_frontier,
            new_team_lineage: false,
            new_lineage: true,
            copied: false,
            lineage_head: 0.0,
        };

        let credit = r.credit_rule == CreditRule::Lineage;
        let start = 'start: {
            if let Some(slot) = slot(i) {
                let lineage = q.plan_lineage[slot];
                let lineage_best = if lineage != 0 {
                    better(
                        view.lineage_best(i, j, lineage, None),
                        heads.lineage(lineage),
                    )
                } else {
                    None
                };
                let entity = PROBLEM_ENTITY + slot as u64;
                // An exhausted team lineage restarts as often as its members would
                // if free: every member draws the same chance and genome from the
                // slot's stream.
                if let Some(b) = lineage_best
                    && w.explore_rate > 0.0
                    && exhausted(heads.tried(&b, flip_bits), loci, flip_bits)
                {
                    let mut slot_rng = explore_streams.get(entity);
                    let members = slot_members[slot] as i32;
                    let chance = 1.0 - (1.0 - w.explore_rate).powi(members);
                    if slot_rng.random::<f64>() < chance {
                        break 'start Start {
                            new_team_lineage: true,
                            ..fresh(random(&mut slot_rng, entity))
                        };
                    }
                }
                break 'start match lineage_best {
                    // Newcomers and members of another lineage join the team's lineage.
                    Some(b) if switched || current.lineage != lineage => keep(b),
                    Some(b) => {
                        // As under `best`: both tests, then a select (no coin-flip branch).
                        let adopt = rng.sample(adopts) & (b.quality > current.quality);
                        keep(if adopt { b } else { current })
                    }
                    None if switched => {
                        // Every member of the slot draws the same genome from the slot's stream.
                        let mut slot_rng = streams.get(entity);
                        Start {
                            new_team_lineage: true,
                            ..fresh(random(&mut slot_rng, entity))
                        }
                    }
                    _ => keep(current),
                };
            }

            let mut xrng = explore_streams.get(i as u64);
            if switched && explore(&mut xrng) {
                // A new approach instead of adopting.
                break 'start fresh(random(&mut xrng, i as u64));
            }
            let start = match (best, r.adopt, switched) {
                (None, _, true) => fresh(random(&mut rng, i as u64)),
                (None, _, false) => keep(current),
                (Some(best), Adopt::Best, true) => keep(best),
                (Some(best), Adopt::Best, false) => {
                    // Both tests are evaluated (no short circuit): a coin flip is a
                    // branch that mispredicts half the time.
                    let adopt = rng.sample(adopts) & (best.quality > current.quality);
                    keep(if adopt { best } else { current })
                }
                (Some(best), Adopt::Fork, true) => {
                    let chosen = fork_choice(heads.visible(), &best, r.fork_tolerance, |l| {
                        crowds.of(j, l)
                    });
                    keep(chosen.map_or(best, |h| h.solution))
                }
                (Some(best), Adopt::Fork, false) => {
                    if !rng.sample(adopts) {
                        keep(current)
                    } else {
                        let own_head = heads.lineage(current.lineage);
                        let seen = view.lineage_best(i, j, current.lineage, Some(current));
                        let lineage_best = better(seen, own_head).unwrap_or(current);
                        // Patience: one's head improved within the last `fork_patience` steps.
                        let patient = own_head
                            .is_some_and(|h| t.saturating_sub(h.last_improved) < r.fork_patience);
                        if best.quality > lineage_best.quality + r.fork_tolerance && !patient {
                            keep(best)
                        } else {
                            keep(lineage_best)
                        }
                    }
                }
            };
            if exhausted(start.tried, loci, flip_bits) && explore(&mut xrng) {
                // A known dead end: a new approach.
                break 'start fresh(random(&mut xrng, i as u64));
            }
            start
        };
        if !credit {
            return start;
        }
        let quality = start.solution.quality;
        let head = heads.lineage(start.solution.lineage);
        let head = head.map_or(quality, |h| h.solution.quality);
        Start {
            lineage_head: head.max(quality),
            ..start
        }
    });

    let lineage_credit = |k: u8| cx.regime(k).credit_rule == CreditRule::Lineage;
    let starts = &space.starts;
    let p = producers;
    // Arrays cut to `n`, so that the loop's indices need no bounds checks.
    let n = starts.len();
    let (genome, fitness, quality) = (&mut p.genome[..n], &mut p.fitness[..n], &mut p.quality[..n]);
    let (lineage, tried) = (&mut p.lineage[..n], &mut p.tried[..n]);
    let start_quality = &mut producer_flows.start_quality[..n];
    let sees = &mut producer_flows.sees_frontier[..n];
    let copied = &mut producer_flows.copied[..n];
    let mut new_lineages = 0;
    for (i, s) in starts.iter().enumerate() {
        genome[i] = s.solution.genome;
        fitness[i] = s.solution.fitness;
        quality[i] = s.solution.quality;
        lineage[i] = s.solution.lineage;
        tried[i] = s.tried;
        start_quality[i] = s.solution.quality;
        sees[i] = s.sees_frontier;
        copied[i] = s.copied;
        new_lineages += (s.new_lineage & !s.new_team_lineage) as u32;
    }
    let mixed = cx.single().is_none();
    if cx.any(|r| r.credit_rule == CreditRule::Lineage) {
        // The head of the lineage each producer starts in, as it saw it (its
        // start for a lineage started this step); for those credited by lineage.
        let heads_start = &mut producer_flows.lineage_head[..n];
        for (i, s) in starts.iter().enumerate() {
            if mixed && !lineage_credit(p.population[i]) {
                continue;
            }
            heads_start[i] = s.lineage_head;
        }
    }
    if mixed {
        // Each population's part of the count (spec §5 "Observation").
        for (i, s) in starts.iter().enumerate() {
            let started = (s.new_lineage & !s.new_team_lineage) as u32;
            pools[p.population[i] as usize].tally.new_lineages += started;
        }
    }
    if planning {
        // A team lineage started this step is the slot's from now on.
        for (i, s) in starts.iter().enumerate() {
            let (start, k) = *per_population(&blocks[..cx.regimes.len()], &p.population, i);
            if k == 0 {
                continue;
            }
            let slot = start + p.target[i] as usize * k + p.team_rank[i] as usize % k;
            let row = &mut problems.plan_lineage;
            // Counted once per slot, on its first member, for the world and
            // for the planner's population.
            let started = (s.new_team_lineage && row[slot] != s.solution.lineage) as u32;
            new_lineages += started;
            if mixed {
                pools[p.population[i] as usize].tally.new_lineages += started;
            }
            if s.new_team_lineage || row[slot] == 0 {
                row[slot] = s.solution.lineage;
            }
        }
    }
    ledger.new_lineages = new_lineages;
}
