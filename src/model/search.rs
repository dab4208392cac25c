//! Phase 4, search (MODEL.md §2.4): rival effort. A producer exerts a share of
//! its budget; skill, domain match and coordination overhead turn exerted trials
//! into effective ones; each effective trial flips bits and keeps improvements
//! (hill climbing), evaluated incrementally on the NK landscape.

use rand::RngExt;

use super::allocation::matching;
use super::config::Allocation;
use super::rng::{Phase, Streams, stochastic_round};
use super::simulation::Simulation;
use super::state::map_into;

/// Exerted and effective trials and the genome reached.
#[derive(Clone, Copy)]
pub(crate) struct Outcome {
    exerted: u32,
    effective: u32,
    genome: u64,
    fitness: u64,
}

pub(super) fn run(sim: &mut Simulation) {
    let t = sim.time;
    let seed = sim.seed;
    let w = &sim.config.world;
    let r = &sim.config.regime;
    let nk = &sim.nk;
    let (p, q, teams, tables) = (&sim.producers, &sim.problems, &sim.teams, &sim.tables);
    let loci = nk.loci();
    let streams = Streams::new(seed, t, Phase::Search);
    let outcomes = &mut sim.buffers.outcomes;
    map_into(p.len(), outcomes, |i| {
        let j = p.target[i] as usize;
        let mut rng = streams.get(i as u64);
        let exerted = stochastic_round(p.propensity[i] * p.budget[i], &mut rng);
        let overhead = match r.allocation {
            Allocation::Registry => (r.integration_cost * (teams.size(j) as f64 - 1.0)).min(0.9),
            Allocation::Plan => r.plan_overhead,
            Allocation::Market => 0.0,
        };
        let fit = matching(p.skill[i], p.domain[i], q.domain[j], w.cross_domain);
        let effective = stochastic_round(exerted as f64 * fit * (1.0 - overhead), &mut rng);
        let landscape = tables.landscape(nk, j, q.landscape[j]);
        let (mut genome, mut fitness) = (p.genome[i], p.fitness[i]);
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
        Outcome {
            exerted,
            effective,
            genome,
            fitness,
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
        total += o.effective as u64;
    }
    sim.search_trials += total;
}
