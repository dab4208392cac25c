//! Phase 4, search (MODEL.md §2.4): rival effort. A producer exerts a share of
//! its budget; skill, domain match and coordination overhead turn exerted trials
//! into effective ones; each effective trial flips bits and keeps improvements
//! (hill climbing), evaluated incrementally on the NK landscape.
//!
//! Hill climbing soon reaches a local optimum, where no one-bit flip improves: on
//! the default world most trials are made from one. With one-bit flips (the
//! default), search remembers for each producer which flips of its genome were
//! already tried without success on its landscape. A trial of such a flip is
//! drawn but not evaluated, and once every flip has been tried the remaining
//! trials are not even drawn (nothing else draws from the producer's search
//! stream after them). The results are exactly those of evaluating every trial.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

use super::allocation::matching;
use super::config::Allocation;
use super::landscape::{Fitness, Landscape, Nk};
use super::rng::{Phase, Streams, stochastic_round};
use super::simulation::Simulation;
use super::state::map_into;

/// The one-bit flips of `genome` on the landscape with seed `landscape` already
/// tried without improvement (bit `b` of `tried` for a flip of bit `b`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Climb {
    landscape: u64,
    genome: u64,
    tried: u64,
}

/// Exerted and effective trials, the genome reached, and the flips of it tried.
#[derive(Clone, Copy)]
pub(crate) struct Outcome {
    exerted: u32,
    effective: u32,
    genome: u64,
    fitness: u64,
    tried: u64,
}

pub(super) fn run(sim: &mut Simulation) {
    let w = &sim.config.world;
    let r = &sim.config.regime;
    let nk = &sim.nk;
    let (p, q, teams, tables) = (&sim.producers, &sim.problems, &sim.teams, &sim.tables);
    let climbs = &sim.climbs;
    let loci = nk.loci();
    let streams = Streams::new(sim.seed, sim.time, Phase::Search);
    let outcomes = &mut sim.buffers.outcomes;
    map_into(p.len(), outcomes, |i| {
        let j = p.target[i] as usize;
        let mut rng = streams.get(i as u64);
        let rng = &mut rng;
        let exerted = stochastic_round(p.propensity[i] * p.budget[i], rng);
        let overhead = match r.allocation {
            Allocation::Registry => (r.integration_cost * (teams.size(j) as f64 - 1.0)).min(0.9),
            Allocation::Plan => r.plan_overhead,
            Allocation::Market => 0.0,
        };
        let fit = matching(p.skill[i], p.domain[i], q.domain[j], w.cross_domain);
        let effective = stochastic_round(exerted as f64 * fit * (1.0 - overhead), rng);
        let seed = q.landscape[j];
        let landscape = tables.landscape(nk, j, seed);
        let (mut genome, mut fitness) = (p.genome[i], p.fitness[i]);
        let mut tried = 0;
        if w.flip_bits == 1 {
            let known = climbs[i];
            if known.landscape == seed && known.genome == genome {
                tried = known.tried;
            }
            climb_one(
                &landscape,
                nk,
                effective,
                rng,
                &mut genome,
                &mut fitness,
                &mut tried,
            );
        } else {
            for _ in 0..effective {
                // Draw bits until `flip_bits` distinct ones are set.
                let mut flips = 1u64 << rng.random_range(0..loci);
                let mut set = 1;
                while set < w.flip_bits {
                    let bit = 1u64 << rng.random_range(0..loci);
                    set += (flips & bit == 0) as u32;
                    flips |= bit;
                }
                let candidate = landscape.flip(genome, fitness, flips);
                if candidate > fitness {
                    genome ^= flips;
                    fitness = candidate;
                }
            }
        }
        Outcome {
            exerted,
            effective,
            genome,
            fitness,
            tried,
        }
    });
    let p = &mut sim.producers;
    let mut total = 0u64;
    for (i, o) in outcomes.iter().enumerate() {
        p.exerted[i] = o.exerted;
        p.effective[i] = o.effective;
        p.genome[i] = o.genome;
        p.fitness[i] = o.fitness;
        p.quality[i] = nk.quality(o.fitness);
        sim.climbs[i] = Climb {
            landscape: sim.problems.landscape[p.target[i] as usize],
            genome: o.genome,
            tried: o.tried,
        };
        total += o.effective as u64;
    }
    sim.search_trials += total;
}

/// `trials` one-bit hill-climbing trials from `genome`, whose flips in `tried`
/// are known not to improve it.
#[inline]
fn climb_one(
    landscape: &Landscape,
    nk: &Nk,
    trials: u32,
    rng: &mut Pcg64Mcg,
    genome: &mut u64,
    fitness: &mut Fitness,
    tried: &mut u64,
) {
    let every = nk.genome_mask();
    for _ in 0..trials {
        if *tried == every {
            // A local optimum: no remaining trial can improve it.
            return;
        }
        let bit = rng.random_range(0..nk.loci());
        let flip = 1u64 << bit;
        if *tried & flip != 0 {
            continue;
        }
        let candidate = landscape.flip_one(*genome, *fitness, bit);
        if candidate > *fitness {
            *genome ^= flip;
            *fitness = candidate;
            *tried = 0;
        } else {
            *tried |= flip;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::stream;

    /// Every trial evaluated: what `climb_one` must reproduce.
    fn naive(landscape: &Landscape, nk: &Nk, trials: u32, rng: &mut Pcg64Mcg, g: &mut (u64, u64)) {
        for _ in 0..trials {
            let bit = rng.random_range(0..nk.loci());
            let candidate = landscape.flip_one(g.0, g.1, bit);
            if candidate > g.1 {
                *g = (g.0 ^ (1 << bit), candidate);
            }
        }
    }

    #[test]
    fn skipping_known_flips_changes_nothing() {
        for (loci, k) in [(6, 1), (12, 3), (20, 5)] {
            let nk = Nk::new(loci, k);
            for case in 0..40u64 {
                let mut setup = stream(case, 0, Phase::Init, loci as u64);
                let landscape = nk.landscape(setup.random());
                let genome = setup.random::<u64>() & nk.genome_mask();
                let start = (genome, landscape.fitness(genome));
                let (mut fast, mut slow) = (start, start);
                let mut tried = 0;
                // Many steps, each with its own stream as in a run, so that most
                // end on a local optimum with every flip tried.
                for step in 0..30 {
                    let trials = (step * 7 + case as u32) % 13;
                    let rng = stream(case, step, Phase::Search, 0);
                    naive(&landscape, &nk, trials, &mut rng.clone(), &mut slow);
                    let (g, f) = &mut fast;
                    climb_one(&landscape, &nk, trials, &mut rng.clone(), g, f, &mut tried);
                    assert_eq!(fast, slow, "L={loci} case {case} step {step}");
                }
                if tried == nk.genome_mask() {
                    let improves =
                        (0..loci).any(|b| landscape.flip_one(fast.0, fast.1, b) > fast.1);
                    assert!(!improves, "every flip tried means a local optimum");
                }
            }
        }
    }
}
