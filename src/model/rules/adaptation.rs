//! Phase 9, adaptation (spec §2.9, docs/MODEL.md §7.9): payoffs are averaged,
//! effort is learned by payoff imitation within one's intrinsic type, wealth
//! buys compute when a trial earns more than it costs, and producers whose
//! debts pass the limit exit and are replaced by entrants.

use rand::RngExt;
use rand::distr::Bernoulli;
use rand_distr::{Beta, Distribution, LogNormal, StandardNormal};

use super::Context;
use crate::model::config::World;
use crate::model::flows::{Ledger, ProducerFlows};
use crate::model::kernels::par::map_into;
use crate::model::rng::{Phase, Streams, stream};
use crate::model::state::{Problems, Producers};

/// Space for the propensities learned in a step, kept between steps.
#[derive(Default)]
pub struct Workspace {
    propensity: Vec<f64>,
}

/// Payoffs, learning, investment, exit and entry.
pub fn adaptation(
    cx: Context,
    producers: &mut Producers,
    problems: &mut Problems,
    flows: &ProducerFlows,
    ledger: &mut Ledger,
    space: &mut Workspace,
) {
    let (w, r) = (cx.world, cx.regime);
    let (t, seed) = (cx.clock.time, cx.clock.seed);
    let n = producers.len();
    let p = producers;

    // Arrays cut to `n`, so that the loop's indices need no bounds checks.
    let (exerted, income, outside) = (&flows.exerted[..n], &flows.income[..n], &flows.outside[..n]);
    let (fine, intrinsic) = (&flows.fine[..n], &p.intrinsic[..n]);
    let (payoffs, wealth) = (&mut p.payoff[..n], &mut p.wealth[..n]);
    for i in 0..n {
        let money = income[i] + outside[i] - fine[i];
        let payoff = money + intrinsic[i] * exerted[i] as f64;
        payoffs[i] = w.payoff_decay * payoffs[i] + (1.0 - w.payoff_decay) * payoff;
        wealth[i] += money - w.upkeep;
    }

    // Imitation: compare payoff per budget unit with a random peer of one's type.
    let (p_ro, peers, keys) = (&*p, &cx.setting.peers, &cx.setting.peer_key);
    let streams = Streams::new(seed, t, Phase::Adaptation);
    // Built once, drawn like `random_bool(learning_rate)`.
    let learns = Bernoulli::new(w.learning_rate).expect("validated rate");
    let propensity = &mut space.propensity;
    // The producer's own arrays cut to `n`: the map's indices need no bounds checks.
    let (own_propensity, keys) = (&p_ro.propensity[..n], &keys[..n]);
    map_into(n, propensity, |i| {
        let own = own_propensity[i];
        let mut rng = streams.get(i as u64);
        if !rng.sample(learns) {
            return own;
        }
        let pool = peers.on(keys[i] as usize);
        let peer = pool[rng.random_range(0..pool.len())] as usize;
        let gap = p_ro.payoff[peer] / p_ro.budget[peer] - p_ro.payoff[i] / p_ro.budget[i];
        let copy = 1.0 / (1.0 + (-gap / w.temperature).exp());
        if rng.random_bool(copy.clamp(0.0, 1.0)) {
            let z: f64 = StandardNormal.sample(&mut rng);
            (p_ro.propensity[peer] + w.mutation * z).clamp(0.0, 1.0)
        } else {
            own
        }
    });
    p.propensity.copy_from_slice(propensity);

    // Capital: wealth buys compute for next step when a trial earns more than it costs.
    // Without a branch: who invests is data. Spending nothing subtracts and adds
    // +0.0, which leaves wealth and the total as they are; so a regime that never
    // invests skips the loop (its division and its running sum) with the same result.
    let mut compute = 0.0;
    let extra = w.max_budget - w.base_budget;
    let (exerted, income) = (&flows.exerted[..n], &flows.income[..n]);
    let (wealth, budget) = (&mut p.wealth[..n], &mut p.budget[..n]);
    if r.invest_rate > 0.0 {
        for i in 0..n {
            let e = exerted[i] as f64;
            let pays = (e > 0.0) & (income[i] / e > r.compute_price) & (wealth[i] > 0.0);
            let wanted = (r.invest_rate * wealth[i] / r.compute_price).min(extra);
            let bought = if pays { wanted } else { 0.0 };
            let spent = bought * r.compute_price;
            wealth[i] -= spent;
            compute += spent;
            budget[i] = w.base_budget + bought;
        }
    } else {
        budget.fill(w.base_budget);
    }
    ledger.compute_spent = compute;

    // Exit and entry: a producer whose debt passes the limit leaves (its
    // records with it, unless its group holds them) and an entrant takes its slot.
    let bankrupt: Vec<usize> = (0..n).filter(|&i| p.wealth[i] < -w.debt_limit).collect();
    ledger.exits = bankrupt.len() as u32;
    if bankrupt.is_empty() {
        return;
    }
    if !r.visibility.by_group() {
        let mut gone = vec![false; n];
        for &i in &bankrupt {
            gone[i] = true;
        }
        for j in 0..problems.len() {
            problems.drop_holders(j, &gone);
            problems.recompute_frontier(j);
        }
    }
    for &i in &bankrupt {
        draw_producer(p, i, w, seed, t, Phase::Entry);
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
    p.fresh[i] = true;
}
