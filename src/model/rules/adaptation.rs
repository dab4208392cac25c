//! Phase 9, adaptation (spec §2.9, docs/MODEL.md §7.9): wealth buys compute
//! for next step with each producer's invest share (after any compute granted
//! by social credit), payoffs net of that spending are averaged, effort and
//! invest share are learned together by payoff imitation within one's
//! intrinsic type, and producers whose debts pass the limit exit and are
//! replaced by entrants.

use rand::RngExt;
use rand::distr::Bernoulli;
use rand_distr::{Beta, Distribution, LogNormal, StandardNormal};

use super::Context;
use crate::model::config::World;
use crate::model::flows::{Ledger, Pool, ProducerFlows};
use crate::model::kernels::par::map_into;
use crate::model::rng::{Phase, Streams, stream};
use crate::model::state::{Problems, Producers};

/// Space for the traits learned in a step, kept between steps.
#[derive(Default)]
pub struct Workspace {
    /// (propensity, invest share) of each producer after imitation.
    learned: Vec<(f64, f64)>,
}

/// Wealth, investment, payoffs, learning, exit and entry (in a mixed world
/// each population's compute and exits are also tallied in its pool).
pub fn adaptation(
    cx: Context,
    producers: &mut Producers,
    problems: &mut Problems,
    flows: &ProducerFlows,
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) {
    let w = cx.world;
    let (t, seed) = (cx.clock.time, cx.clock.seed);
    let n = producers.len();
    let p = producers;

    // Earnings and capital: a producer spends its invest share of its positive
    // wealth on compute for next step, in the room that grants left under the
    // ceiling; its payoff is net of that spending. With capital off
    // (`invest_rate` 0) every share is 0 and nothing is bought. (Arrays cut to
    // `n`, so that the loop's indices need no bounds checks.)
    let (exerted, income, outside) = (&flows.exerted[..n], &flows.income[..n], &flows.outside[..n]);
    let (fine, granted) = (&flows.fine[..n], &flows.granted[..n]);
    let (intrinsic, share) = (&p.intrinsic[..n], &p.invest_share[..n]);
    let (payoffs, wealth, budget) = (&mut p.payoff[..n], &mut p.wealth[..n], &mut p.budget[..n]);
    let population = &p.population[..n];
    // Each population's capital rule (spec §5): on when its invest rate is positive.
    let capital = |population: &[u8], i: usize| cx.regime_of(population, i).invest_rate > 0.0;
    let extra = w.max_budget - w.base_budget;
    let mut compute = 0.0;
    for i in 0..n {
        let money = income[i] + outside[i] - fine[i];
        wealth[i] += money - w.upkeep;
        let r = cx.regime_of(population, i);
        let bought = if r.invest_rate > 0.0 {
            let price = r.compute_price;
            (share[i] * wealth[i].max(0.0) / price).min(extra - granted[i])
        } else {
            0.0
        };
        let spent = bought * r.compute_price;
        wealth[i] -= spent;
        compute += spent;
        if let [_, _, ..] = pools {
            pools[population[i] as usize].tally.compute_spent += spent;
        }
        budget[i] = w.base_budget + granted[i] + bought;
        let payoff = money + intrinsic[i] * exerted[i] as f64 - spent;
        payoffs[i] = w.payoff_decay * payoffs[i] + (1.0 - w.payoff_decay) * payoff;
    }
    ledger.compute_spent = compute;

    // Imitation: compare payoff per unit of base budget with a random peer of
    // one's type; copy its propensity and, with capital on, its invest share.
    let (p_ro, peers, keys) = (&*p, &cx.setting.peers, &cx.setting.peer_key);
    let streams = Streams::new(seed, t, Phase::Adaptation);
    // Built once, drawn like `random_bool(learning_rate)`.
    let learns = Bernoulli::new(w.learning_rate).expect("validated rate");
    let learned = &mut space.learned;
    // The producer's own arrays cut to `n`: the map's indices need no bounds checks.
    let (own_propensity, own_share, keys) =
        (&p_ro.propensity[..n], &p_ro.invest_share[..n], &keys[..n]);
    let b0 = w.base_budget;
    map_into(
        n,
        learned,
        #[inline(always)]
        |i| {
            let own = (own_propensity[i], own_share[i]);
            let mut rng = streams.get(i as u64);
            if !rng.sample(learns) {
                return own;
            }
            let pool = peers.on(keys[i] as usize);
            let peer = pool[rng.random_range(0..pool.len())] as usize;
            let gap = p_ro.payoff[peer] / b0 - p_ro.payoff[i] / b0;
            let copy = 1.0 / (1.0 + (-gap / w.temperature).exp());
            if !rng.random_bool(copy.clamp(0.0, 1.0)) {
                return own;
            }
            let z: f64 = StandardNormal.sample(&mut rng);
            let propensity = (p_ro.propensity[peer] + w.mutation * z).clamp(0.0, 1.0);
            let share = if capital(&p_ro.population, i) {
                let z: f64 = StandardNormal.sample(&mut rng);
                (p_ro.invest_share[peer] + w.mutation * z).clamp(0.0, 1.0)
            } else {
                own.1
            };
            (propensity, share)
        },
    );
    let traits = p.propensity.iter_mut().zip(p.invest_share.iter_mut());
    for ((propensity, share), &(learned_propensity, learned_share)) in traits.zip(learned.iter()) {
        (*propensity, *share) = (learned_propensity, learned_share);
    }

    // Exit and entry: a producer whose debt passes the limit leaves (its
    // records with it, unless its group holds them) and an entrant takes its slot.
    let bankrupt: Vec<usize> = (0..n).filter(|&i| p.wealth[i] < -w.debt_limit).collect();
    ledger.exits = bankrupt.len() as u32;
    if bankrupt.is_empty() {
        return;
    }
    if let [_, _, ..] = pools {
        for &i in &bankrupt {
            pools[p.population[i] as usize].tally.exits += 1;
        }
    }
    // Records held by a producer go with it (a group's stay with the group).
    let held_alone = match cx.single() {
        Some(r) => !r.visibility.by_group(),
        None => true,
    };
    if held_alone {
        // Holders are producers and, in a mixed world, groups after them.
        let mut gone = vec![false; n + cx.setting.layout.groups()];
        for &i in &bankrupt {
            gone[i] = true;
        }
        for j in 0..problems.len() {
            problems.drop_holders(j, &gone);
            // Open heads belong to nobody: they stay.
            problems.heads.drop_holders(j, &gone);
            problems.recompute_frontier(j);
        }
    }
    for &i in &bankrupt {
        draw_producer(p, i, w, seed, t, Phase::Entry);
        p.invest_share[i] = cx.regime(p.population[i]).invest_rate;
    }
}

/// Draws the traits of the producer in slot `i`: a founder at step 0
/// (`Phase::Init`) or an entrant (docs/MODEL.md §5 and §7.9).
pub fn draw_producer(p: &mut Producers, i: usize, w: &World, seed: u64, t: u32, phase: Phase) {
    let mut rng = stream(seed, t, phase, i as u64 | (1 << 41));
    p.domain[i] = rng.random_range(0..w.domains) as u16;
    p.skill[i] = LogNormal::new(0.0, w.skill_sigma)
        .expect("validated sigma")
        .sample(&mut rng);
    let m = w.initial_propensity;
    // At 0 or 1 the Beta distribution degenerates to that point: every producer exerts it.
    p.propensity[i] = if m > 0.0 && m < 1.0 {
        Beta::new(4.0 * m, 4.0 * (1.0 - m))
            .expect("validated propensity")
            .sample(&mut rng)
    } else {
        m
    };
    p.budget[i] = w.base_budget;
    p.wealth[i] = 0.0;
    p.payoff[i] = 0.0;
    p.credit[i] = 0.0;
    p.offences[i] = 0;
    p.tried[i] = 0;
    p.fresh[i] = true;
}
