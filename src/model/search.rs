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
use rayon::prelude::*;

use super::allocation::matching;
use super::config::{Allocation, Regime, World};
use super::landscape::{Fitness, Landscape, Nk, Tables};
use super::rng::{Phase, Stream, Streams, stochastic_round};
use super::simulation::Simulation;
use super::state::{PAR_CHUNK, Problems, Producers, Teams, parallel};

/// The one-bit flips of `genome` on the landscape with seed `landscape` already
/// tried without improvement (bit `b` of `tried` for a flip of bit `b`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Climb {
    landscape: u64,
    genome: u64,
    tried: u64,
}

pub(super) fn run(sim: &mut Simulation) {
    let search = Search {
        w: &sim.config.world,
        r: &sim.config.regime,
        nk: &sim.nk,
        q: &sim.problems,
        teams: &sim.teams,
        tables: &sim.tables,
        streams: Streams::new(sim.seed, sim.time, Phase::Search),
    };
    let Producers {
        target,
        propensity,
        budget,
        skill,
        domain,
        exerted,
        effective,
        genome,
        fitness,
        quality,
        ..
    } = &mut sim.producers;
    // A producer's search reads its own traits and the problems, and writes only
    // its own solution, so it runs in place. Its traits are handed over as values.
    let climbs = &mut sim.climbs;
    let rngs = &mut sim.buffers.search_streams;
    let n = target.len();
    rngs.resize(n, Stream::new(0));
    // The traits' arrays cut to `n`: the compiler then knows each index below is in bounds.
    let (target, propensity, budget) = (&target[..n], &propensity[..n], &budget[..n]);
    let (skill, domain) = (&skill[..n], &domain[..n]);
    let traits = |i: usize| (target[i], propensity[i] * budget[i], skill[i], domain[i]);
    // Effort first, in a loop of its own: starting a stream and rounding are a
    // chain of dependent multiplies, which overlap across producers only when
    // nothing long runs between them. Each stream is handed on to the climb.
    if parallel(n) {
        (
            exerted.par_iter_mut(),
            effective.par_iter_mut(),
            rngs.par_iter_mut(),
        )
            .into_par_iter()
            .enumerate()
            .with_min_len(PAR_CHUNK)
            .for_each(|(i, (a, b, rng))| search.effort(i, traits(i), a, b, rng));
        (
            effective.par_iter(),
            rngs.par_iter_mut(),
            genome.par_iter_mut(),
            fitness.par_iter_mut(),
            quality.par_iter_mut(),
            climbs.par_iter_mut(),
        )
            .into_par_iter()
            .enumerate()
            .with_min_len(PAR_CHUNK)
            .for_each(|(i, (&b, rng, c, d, e, f))| search.climb(target[i], b, rng, c, d, e, f));
    } else {
        let (exerted, effective, rngs) = (&mut exerted[..n], &mut effective[..n], &mut rngs[..n]);
        for i in 0..n {
            search.effort(
                i,
                traits(i),
                &mut exerted[i],
                &mut effective[i],
                &mut rngs[i],
            );
        }
        let climbs = &mut climbs[..n];
        let (genome, fitness, quality) = (&mut genome[..n], &mut fitness[..n], &mut quality[..n]);
        for i in 0..n {
            search.climb(
                target[i],
                effective[i],
                &mut rngs[i],
                &mut genome[i],
                &mut fitness[i],
                &mut quality[i],
                &mut climbs[i],
            );
        }
    }
    sim.search_trials += effective.iter().map(|&e| e as u64).sum::<u64>();
}

/// What every producer's search reads: the world, its rules and the problems.
struct Search<'a> {
    w: &'a World,
    r: &'a Regime,
    nk: &'a Nk,
    q: &'a Problems,
    teams: &'a Teams,
    tables: &'a Tables,
    streams: Streams,
}

impl Search<'_> {
    /// Producer `i`'s exerted and effective trials, and its search stream after
    /// drawing them.
    #[inline(always)]
    fn effort(
        &self,
        i: usize,
        (j, wanted, skill, domain): (u32, f64, f64, u16),
        exerted: &mut u32,
        effective: &mut u32,
        rng: &mut Stream,
    ) {
        let j = j as usize;
        *rng = self.streams.get(i as u64);
        *exerted = stochastic_round(wanted, rng);
        let overhead = match self.r.allocation {
            Allocation::Registry => {
                (self.r.integration_cost * (self.teams.size(j) as f64 - 1.0)).min(0.9)
            }
            Allocation::Plan => self.r.plan_overhead,
            Allocation::Market => 0.0,
        };
        let fit = matching(skill, domain, self.q.domain[j], self.w.cross_domain);
        *effective = stochastic_round(*exerted as f64 * fit * (1.0 - overhead), rng);
    }

    /// The `effective` trials of a producer on problem `j`. Inlined into both
    /// loops of `run`, so that what does not change from producer to producer is
    /// looked up once.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn climb(
        &self,
        j: u32,
        effective: u32,
        rng: &mut Stream,
        genome: &mut u64,
        fitness: &mut u64,
        quality: &mut f64,
        climb: &mut Climb,
    ) {
        let j = j as usize;
        let seed = self.q.landscape[j];
        let landscape = self.tables.landscape(self.nk, j, seed);
        if self.w.flip_bits == 1 {
            let known = climb.landscape == seed && climb.genome == *genome;
            if effective == 0 || (known && climb.tried == self.nk.genome_mask()) {
                // Nothing can change: the solution, its quality and what is known of it stay.
                return;
            }
            let mut tried = if known { climb.tried } else { 0 };
            climb_one(
                &landscape, self.nk, effective, rng, genome, fitness, &mut tried,
            );
            *climb = Climb {
                landscape: seed,
                genome: *genome,
                tried,
            };
        } else {
            for _ in 0..effective {
                // Draw bits until `flip_bits` distinct ones are set.
                let mut flips = 1u64 << rng.random_range(0..self.nk.loci());
                let mut set = 1;
                while set < self.w.flip_bits {
                    let bit = 1u64 << rng.random_range(0..self.nk.loci());
                    set += (flips & bit == 0) as u32;
                    flips |= bit;
                }
                let candidate = landscape.flip(*genome, *fitness, flips);
                if candidate > *fitness {
                    *genome ^= flips;
                    *fitness = candidate;
                }
            }
        }
        *quality = self.nk.quality(*fitness);
    }
}

/// `trials` one-bit hill-climbing trials from `genome`, whose flips in `tried`
/// are known not to improve it.
#[inline]
fn climb_one(
    landscape: &Landscape,
    nk: &Nk,
    trials: u32,
    rng: &mut Stream,
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
    fn naive(landscape: &Landscape, nk: &Nk, trials: u32, rng: &mut Stream, g: &mut (u64, u64)) {
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
