//! Phase 9, adaptation (MODEL.md §2.9): effort is learned by payoff imitation
//! within one's intrinsic type, wealth buys compute when it pays, and producers
//! whose debts pass the limit exit and are replaced by entrants.

use rand::RngExt;
use rand::distr::Bernoulli;
use rand_distr::{Distribution, StandardNormal};

use super::config::Visibility;
use super::rng::{Phase, Streams};
use super::simulation::Simulation;
use super::state::map_into;

pub(super) fn run(sim: &mut Simulation) {
    let w = &sim.config.world;
    let r = &sim.config.regime;
    let (t, seed) = (sim.time, sim.seed);
    let n = sim.producers.len();
    let p = &mut sim.producers;

    // Arrays cut to `n`, so that the loop's indices need no bounds checks.
    let (exerted, income, outside) = (&p.exerted[..n], &p.income[..n], &p.outside[..n]);
    let (fine, intrinsic) = (&p.fine[..n], &p.intrinsic[..n]);
    let (payoffs, wealth) = (&mut p.payoff[..n], &mut p.wealth[..n]);
    for i in 0..n {
        let money = income[i] + outside[i] - fine[i];
        let payoff = money + intrinsic[i] * exerted[i] as f64;
        payoffs[i] = w.payoff_decay * payoffs[i] + (1.0 - w.payoff_decay) * payoff;
        wealth[i] += money - w.upkeep;
    }

    // Imitation: compare payoff per budget unit with a random peer of one's type.
    let (p_ro, peers, keys) = (&*p, &sim.peers, &sim.peer_key);
    let streams = Streams::new(seed, t, Phase::Adaptation);
    // Built once, drawn like `random_bool(learning_rate)`.
    let learns = Bernoulli::new(w.learning_rate).expect("validated rate");
    let propensity = &mut sim.buffers.propensity;
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
    let (exerted, income) = (&p.exerted[..n], &p.income[..n]);
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
    sim.ledger.compute_spent = compute;

    // Exit and entry.
    let bankrupt: Vec<usize> = (0..n).filter(|&i| p.wealth[i] < -w.debt_limit).collect();
    sim.ledger.exits = bankrupt.len() as u32;
    if bankrupt.is_empty() {
        return;
    }
    if r.visibility != Visibility::Groups {
        let mut gone = vec![false; n];
        for &i in &bankrupt {
            gone[i] = true;
        }
        let q = &mut sim.problems;
        for j in 0..q.len() {
            q.drop_holders(j, &gone);
            q.recompute_frontier(j);
        }
    }
    for &i in &bankrupt {
        sim.draw_producer(i, t, Phase::Entry);
    }
}
