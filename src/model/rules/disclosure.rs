//! Phase 5, disclosure, frontier and the accounting of effort (spec §2.5,
//! docs/MODEL.md §7.5). Each producer's result updates its holder's record and
//! its lineage's head for that holder (with what it learned to fail); open
//! regimes publish at once and patents publish after their term. Every
//! effective trial of the step is then classified as catch-up, race,
//! redundant, exploration or frontier work, against the world frontier W at the
//! step's start, and only value added above W earns credit (the priority rule),
//! or with `credit_rule = lineage` value added above one's lineage head by the
//! best result of each lineage.

use std::hint::select_unpredictable;

use super::Context;
use crate::model::config::{CreditRule, Visibility};
use crate::model::flows::{Ledger, Pool, ProblemFlows, ProducerFlows};
use crate::model::heads::head_holder;
use crate::model::kernels::par::map_into;
use crate::model::kernels::redundancy::{Evaluation, Shared, redundant};
use crate::model::rng::Originals;
use crate::model::state::{NONE, Problems, Producers};

mod mixed;
use mixed::publish_mixed;

/// How a producer's effective trials of the step count (its redundant trials
/// aside, when it is neither catching up nor racing).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Effort {
    /// Below the frontier without seeing it: re-discovering what others know.
    CatchUp,
    /// Lost a race to a winner it could not see.
    Race,
    /// Below the frontier, seeing it: a different route.
    Exploration,
    /// From the frontier.
    Frontier,
}

/// Space for the accounts of a step, kept between steps.
#[derive(Default)]
pub struct Workspace {
    accounts: Vec<(Effort, f64)>,
    /// Each producer's redundant trials this step.
    redundant: Vec<u32>,
    /// The producer ended on a genome another producer evaluated first (the
    /// original): it earns no credit for it.
    unoriginal_end: Vec<bool>,
    /// Finds the problems whose producers share no genome (no sort needed).
    shared: Shared,
    /// One problem's evaluations, sorted by the redundancy kernel.
    evaluations: Vec<Evaluation>,
    /// The lineages worked on one problem, sorted (a head's crowd is 0 if its
    /// lineage is not among them).
    live: Vec<u64>,
    /// One problem's producers by (lineage, quality desc, genome draw, priority).
    ranked: Vec<(u64, u64, u64, u64, u32)>,
    /// Has the best result of its lineage on its problem (`credit_rule = lineage`).
    lineage_best: Vec<bool>,
}

/// Publishes the step's results, then accounts for its effort; in a mixed
/// world also each population's part of both (its `pools` tally).
#[allow(clippy::too_many_arguments)]
pub fn disclosure(
    cx: Context,
    producers: &Producers,
    problems: &mut Problems,
    producer_flows: &mut ProducerFlows,
    problem_flows: &mut ProblemFlows,
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) {
    ledger.innovation = publish(
        cx,
        producers,
        problems,
        producer_flows,
        problem_flows,
        ledger,
        pools,
        space,
    );
    redundancy(cx, producers, producer_flows, problem_flows, space);
    account(
        cx,
        producers,
        problems,
        producer_flows,
        problem_flows,
        ledger,
        pools,
        space,
    );
}

/// Records, open solutions, patents, the new frontier and the race winners.
/// Returns the step's innovation: value-weighted gains of the frontier (in a
/// mixed world each gain is also tallied to the race winner's population).
#[allow(clippy::too_many_arguments)]
fn publish(
    cx: Context,
    p: &Producers,
    q: &mut Problems,
    producer_flows: &ProducerFlows,
    problem_flows: &mut ProblemFlows,
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) -> f64 {
    let (t, flip_bits) = (cx.clock.time, cx.world.flip_bits);
    let originals = Originals::new(cx.clock.seed, t);
    let lineage_credit = cx.any(|r| r.credit_rule == CreditRule::Lineage);
    let Workspace {
        live,
        ranked,
        lineage_best,
        ..
    } = space;
    if lineage_credit {
        lineage_best.clear();
        lineage_best.resize(p.len(), false);
    }
    let mut live_total = 0u64;
    let sight = &cx.setting.sight;
    let open_at_once = sight.visibility == Visibility::Open;
    // A single regime's one term (a mixed world's rings are in `publish_mixed`).
    let term = cx.single().and_then(|r| r.patent_term).map(|p| p as usize);
    let mixed = sight.mixed.as_deref();
    let start_quality = &producer_flows.start_quality;
    let ProblemFlows {
        teams,
        frontier_start,
        winner: winners,
        ..
    } = problem_flows;
    let mut innovation = 0.0;
    for j in 0..q.len() {
        let members = teams.on(j);
        let w_old = frontier_start[j];
        live.clear();
        live.extend(members.iter().map(|&i| p.lineage[i as usize]));
        live.sort_unstable();
        live.dedup();
        live_total += live.len() as u64;
        let tie = |genome: u64| originals.draw(j, genome);
        // The best improver and the race winner are kept by selects, not
        // branches: who they are is data. Ties go to the lower index (members
        // are in index order).
        let (mut improver, mut improver_quality) = (NONE, f64::NEG_INFINITY);
        let (mut winner, mut winner_quality) = (NONE, w_old);
        for &i in members {
            let (s, group) = (p.solution(i as usize), p.group[i as usize]);
            q.offer(j, sight.holder(i as usize, group), s, t);
            let holder = head_holder(sight, i as usize, group);
            let tried = p.tried[i as usize];
            let is_live = |l: u64| live.binary_search(&l).is_ok();
            q.heads
                .offer(j, holder, s, tried, t, flip_bits, tie, is_live);
            let improves = (s.quality > start_quality[i as usize]) & (s.quality > improver_quality);
            improver = select_unpredictable(improves, i, improver);
            improver_quality = select_unpredictable(improves, s.quality, improver_quality);
            let wins = s.quality > winner_quality;
            winner = select_unpredictable(wins, i, winner);
            winner_quality = select_unpredictable(wins, s.quality, winner_quality);
        }
        if lineage_credit {
            // The best result of each lineage on `j` earns its credit (ties: the
            // genome's draw, then the original of a shared genome).
            ranked.clear();
            ranked.extend(members.iter().map(|&i| {
                let s = p.solution(i as usize);
                let worse = u64::MAX - s.quality.to_bits();
                let original = originals.priority(j, s.genome, i);
                (s.lineage, worse, tie(s.genome), original, i)
            }));
            ranked.sort_unstable();
            for (k, r) in ranked.iter().enumerate() {
                lineage_best[r.4 as usize] = k == 0 || ranked[k - 1].0 != r.0;
            }
        }
        let improvement = (improver != NONE).then(|| p.solution(improver as usize));
        winners[j] = winner;
        if let Some(m) = mixed {
            publish_mixed(cx, m, p, q, members, start_quality, j);
        } else if open_at_once {
            if let Some(best) = q.records(j).first().map(|r| r.solution)
                && best.quality > q.open_quality(j)
            {
                q.open[j] = Some(best);
            }
        } else if let Some(term) = term {
            // The best private improvement of P steps ago enters the public domain.
            let slot = j * term + t as usize % term;
            if let Some(expired) = q.patent_ring[slot]
                && expired.quality > q.open_quality(j)
            {
                q.open[j] = Some(expired);
            }
            q.patent_ring[slot] = improvement;
        }
        q.recompute_frontier(j);
        let gain = q.value[j] * (q.frontier[j] - w_old).max(0.0);
        innovation += gain;
        if mixed.is_some() {
            // Only a member's result can raise the frontier: the winner's.
            let k = if winner == NONE {
                q.open_population[j]
            } else {
                p.population[winner as usize]
            };
            pools[k as usize].tally.innovation += gain;
        }
    }
    ledger.live_lineages = live_total;
    innovation
}

/// Finds, problem by problem, the genomes evaluated by more than one producer
/// this step: every evaluation but the original's is redundant (spec §2.5).
/// Also marks the producers whose end genome is someone else's original.
fn redundancy(
    cx: Context,
    p: &Producers,
    producer_flows: &ProducerFlows,
    problem_flows: &ProblemFlows,
    space: &mut Workspace,
) {
    let n = p.len();
    let Workspace {
        redundant: counts,
        unoriginal_end,
        shared,
        evaluations,
        ..
    } = space;
    counts.clear();
    counts.resize(n, 0);
    unoriginal_end.clear();
    unoriginal_end.resize(n, false);
    let evaluated = &producer_flows.evaluations;
    let originals = Originals::new(cx.clock.seed, cx.clock.time);
    let teams = &problem_flows.teams;
    for j in 0..teams.start.len().saturating_sub(1) {
        let members = teams.on(j);
        // Redundancy needs two producers who evaluated a common genome.
        let (mut evaluators, mut total) = (0, 0);
        for &i in members {
            let count = evaluated.count[i as usize] as usize;
            evaluators += (count > 0) as usize;
            total += count;
        }
        let genomes = members.iter().map(|&i| (i, evaluated.of(i as usize)));
        if evaluators < 2 || !shared.any(total, genomes) {
            continue;
        }
        evaluations.clear();
        for &i in members {
            let genomes = evaluated.of(i as usize).iter();
            evaluations.extend(genomes.map(|&genome| Evaluation {
                genome,
                producer: i,
            }));
        }
        let priority = |genome, i| originals.priority(j, genome, i);
        redundant(evaluations, priority, |i, genome, count| {
            counts[i as usize] += count;
            if p.genome[i as usize] == genome {
                unoriginal_end[i as usize] = true;
            }
        });
    }
}

/// Classifies every effective trial and computes this step's credit (in a
/// mixed world also tallies each population's trials by class).
#[allow(clippy::too_many_arguments)]
fn account(
    cx: Context,
    p: &Producers,
    q: &Problems,
    producer_flows: &mut ProducerFlows,
    problem_flows: &ProblemFlows,
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) {
    let mixed = cx.setting.sight.mixed.is_some();
    let sight = &cx.setting.sight;
    let population = &p.population[..p.len()];
    let lineage_credit = |i: usize| cx.regime_of(population, i).credit_rule == CreditRule::Lineage;
    let (frontier_start, winners) = (&problem_flows.frontier_start, &problem_flows.winner);
    let links = &problem_flows.federation[..];
    let ProducerFlows {
        start_quality,
        sees_frontier,
        effective,
        new_credit,
        lineage_head,
        ..
    } = producer_flows;
    let (lineage_head, lineage_best) = (&*lineage_head, &space.lineage_best);
    // Arrays cut to `n`, so that indices below `n` need no bounds checks.
    let n = p.len();
    let (target, group, quality) = (&p.target[..n], &p.group[..n], &p.quality[..n]);
    let (start_quality, effective) = (&start_quality[..n], &effective[..n]);
    let (sees_frontier, new_credit) = (&sees_frontier[..n], &mut new_credit[..n]);
    let (redundant, unoriginal_end) = (&space.redundant[..n], &space.unoriginal_end[..n]);
    let classify = |i: usize| {
        let j = target[i] as usize;
        let w = frontier_start[j];
        let (start, end) = (start_quality[i], quality[i]);
        let winner = winners[j];
        let lost_race = end > w
            && winner != i as u32
            && !sight.sees_producer(i, group[i], winner as usize, group[winner as usize], links);
        // Precedence (spec §2.5): catch-up, race, then redundant trials (counted
        // apart), and the rest is exploration or frontier work.
        let effort = if start < w && !sees_frontier[i] {
            Effort::CatchUp
        } else if lost_race {
            Effort::Race
        } else if start < w {
            Effort::Exploration
        } else {
            Effort::Frontier
        };
        // Priority rule: only value added above the old frontier earns credit,
        // and a shared end genome only for its original; or under the lineage
        // rule value added above one's lineage head, by the lineage's best.
        let above = if !lineage_credit(i) {
            w
        } else if lineage_best[i] {
            lineage_head[i]
        } else {
            f64::INFINITY
        };
        let credit = match effort {
            Effort::Race | Effort::CatchUp => 0.0,
            _ if unoriginal_end[i] => 0.0,
            Effort::Exploration | Effort::Frontier => {
                q.value[j] * (end - start.max(above)).max(0.0)
            }
        };
        (effort, credit)
    };
    // Trials are whole numbers: their sums are exact in integers.
    let mut trials = [0u64; 4];
    let mut redundant_trials = 0u64;
    let mut add = |i: usize, (effort, credit): (Effort, f64)| {
        // Catch-up and race trials are not counted again as redundant.
        let duplicate = match effort {
            Effort::CatchUp | Effort::Race => 0,
            _ => redundant[i].min(effective[i]),
        };
        redundant_trials += duplicate as u64;
        trials[effort as usize] += (effective[i] - duplicate) as u64;
        new_credit[i] = credit;
        if mixed {
            let tally = &mut pools[population[i] as usize].tally;
            tally.redundant += duplicate as u64;
            *match effort {
                Effort::CatchUp => &mut tally.catchup,
                Effort::Race => &mut tally.race,
                Effort::Exploration => &mut tally.exploration,
                Effort::Frontier => &mut tally.frontier,
            } += (effective[i] - duplicate) as u64;
        }
    };
    // Classified into a buffer, then added, also on one thread: each closure
    // then has one caller and is inlined (called per producer, the two cost
    // 30 instructions a producer in calls and spills).
    let accounts = &mut space.accounts;
    map_into(n, accounts, classify);
    accounts.iter().enumerate().for_each(|(i, &a)| add(i, a));
    ledger.race = trials[Effort::Race as usize] as f64;
    ledger.redundant = redundant_trials as f64;
    ledger.catchup = trials[Effort::CatchUp as usize] as f64;
    ledger.exploration = trials[Effort::Exploration as usize] as f64;
    ledger.frontier = trials[Effort::Frontier as usize] as f64;
}
