//! Phase 10, migration (spec §5, docs/MODEL.md §11): in a mixed world, after
//! adaptation, each producer with probability `migration_rate` compares its
//! payoff with a producer of another population drawn at random, and joins
//! that population with the Fermi probability of imitation (spec §2.9). It
//! keeps its wealth, skills and work; it joins the group of the producer it
//! compared itself with, leaving its old group's records behind; what it holds
//! itself follows its new population's visibility, and joining an open
//! population publishes its records (opening is irreversible). Decisions are
//! drawn from the state at the start of the phase, so no migrant's move
//! changes another's draw.

use rand::RngExt;
use rand::distr::Bernoulli;

use crate::model::config::{Regime, Visibility, World};
use crate::model::csr::Csr;
use crate::model::flows::Ledger;
use crate::model::kernels::par::map_into;
use crate::model::populations::peer_keys;
use crate::model::rng::{Phase, Streams};
use crate::model::rules::Clock;
use crate::model::state::{NONE, Problems, Producers, Setting};

/// Space kept between steps: producers by population and each one's move.
#[derive(Default)]
pub struct Workspace {
    keys: Vec<u32>,
    members: Csr,
    /// The producer each one imitates, or [`NONE`].
    moves: Vec<u32>,
    /// Each migrant with the population and group it joins.
    joins: Vec<(usize, u8, u32)>,
    /// Members of each group after the moves.
    sizes: Vec<u32>,
}

/// Moves producers between populations; returns nothing, counts migrants in
/// the ledger. Changes each migrant's population and group, what it holds
/// (published if it joins an open population), and the imitation peers and
/// visibility of the setting.
#[allow(clippy::too_many_arguments)]
pub fn migration(
    world: &World,
    regimes: &[Regime],
    clock: Clock,
    producers: &mut Producers,
    problems: &mut Problems,
    setting: &mut Setting,
    ledger: &mut Ledger,
    space: &mut Workspace,
) {
    ledger.migrants = 0;
    if regimes.len() < 2 || world.migration_rate <= 0.0 {
        return;
    }
    let p = &*producers;
    let n = p.len();
    let Workspace {
        keys,
        members,
        moves,
        joins,
        sizes,
    } = space;
    keys.clear();
    keys.extend(p.population.iter().map(|&k| k as u32));
    members.build(keys, regimes.len());
    let streams = Streams::new(clock.seed, clock.time, Phase::Migration);
    let compares = Bernoulli::new(world.migration_rate).expect("validated rate");
    let (b0, temperature) = (world.base_budget, world.temperature);
    let members = &*members;
    map_into(n, moves, |i| {
        let mut rng = streams.get(i as u64);
        if !rng.sample(compares) {
            return NONE;
        }
        // A producer of another population, uniformly among them all.
        let own = p.population[i] as usize;
        let others = n - members.on(own).len();
        if others == 0 {
            return NONE;
        }
        let mut r = rng.random_range(0..others);
        let mut peer = NONE;
        for k in (0..regimes.len()).filter(|&k| k != own) {
            let them = members.on(k);
            if r < them.len() {
                peer = them[r];
                break;
            }
            r -= them.len();
        }
        let gap = p.payoff[peer as usize] / b0 - p.payoff[i] / b0;
        let join = 1.0 / (1.0 + (-gap / temperature).exp());
        if rng.random_bool(join.clamp(0.0, 1.0)) {
            peer
        } else {
            NONE
        }
    });

    // Moves, to the populations and groups of the start of the phase.
    joins.clear();
    joins.extend((0..n).filter(|&i| moves[i] != NONE).map(|i| {
        let peer = moves[i] as usize;
        (i, keys[peer] as u8, producers.group[peer])
    }));
    let migrants = joins.len() as u32;
    for &(i, k, group) in joins.iter() {
        let (old, new) = (&regimes[keys[i] as usize], &regimes[k as usize]);
        producers.population[i] = k;
        producers.group[i] = group;
        // Capital follows the new rule: off stays off at 0; a migrant from a
        // regime without capital starts at its new regime's invest rate.
        producers.invest_share[i] = if new.invest_rate == 0.0 {
            0.0
        } else if old.invest_rate == 0.0 {
            new.invest_rate
        } else {
            producers.invest_share[i]
        };
        if new.visibility == Visibility::Open {
            publish(problems, i as u32, k);
        }
    }
    ledger.migrants = migrants;
    if migrants == 0 {
        return;
    }
    close_empty_groups(
        producers,
        problems,
        setting.group_base,
        setting.layout.groups(),
        sizes,
    );
    if let Some(m) = setting.sight.mixed.as_deref_mut() {
        m.set_population(&producers.population);
    }
    let p = &*producers;
    let groups = setting.layout.groups();
    let (keys, key_count) = peer_keys(regimes, &p.population, &p.group, &p.intrinsic, groups);
    setting.peer_key = keys;
    setting.peers.build(&setting.peer_key, key_count);
}

/// A group that migration left without members closes: its records and heads
/// go, as an exiting producer's do (nobody is left to sell or to see them).
fn close_empty_groups(
    p: &Producers,
    q: &mut Problems,
    group_base: u32,
    groups: usize,
    sizes: &mut Vec<u32>,
) {
    sizes.clear();
    sizes.resize(groups, 0);
    for &g in &p.group {
        sizes[g as usize] += 1;
    }
    if sizes.iter().all(|&s| s > 0) {
        return;
    }
    let base = group_base as usize;
    let mut gone = vec![false; base + groups];
    for (g, &s) in sizes.iter().enumerate() {
        gone[base + g] = s == 0;
    }
    for j in 0..q.len() {
        q.drop_holders(j, &gone);
        q.heads.drop_holders(j, &gone);
        q.recompute_frontier(j);
    }
}

/// A producer who joins an open population opens what it holds: each of its
/// records that beats the open solution becomes it, credited to population
/// `k`. Its records and heads are then visible to everyone while it stays.
fn publish(q: &mut Problems, holder: u32, k: u8) {
    for j in 0..q.len() {
        let best = q.records(j).iter().find(|r| r.holder == holder).copied();
        if let Some(rec) = best
            && rec.solution.quality > q.open_quality(j)
        {
            q.open[j] = Some(rec.solution);
            q.open_population[j] = k;
        }
    }
}
