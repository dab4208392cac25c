//! One-bit hill climbing (spec §2.4, docs/MODEL.md §7.4): each trial flips a
//! random bit and keeps the flip if it improves fitness. The reference,
//! [`climb_naive`], evaluates every trial.
//!
//! Hill climbing soon reaches a local optimum, where no one-bit flip improves: on
//! the default world most trials are made from one. [`Climb`] remembers for a
//! producer which flips of its genome were already tried without success on its
//! landscape. A trial of such a flip is drawn but not evaluated, and once every
//! flip has been tried the remaining trials are not even drawn (nothing else
//! draws from the producer's search stream after them). The results are exactly
//! those of evaluating every trial.

use rand::RngExt;

use crate::model::landscape::{Fitness, Landscape, Nk};
use crate::model::rng::Stream;

/// The one-bit flips of `genome` on the landscape with seed `landscape` already
/// tried without improvement (bit `b` of `tried` for a flip of bit `b`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Climb {
    landscape: u64,
    genome: u64,
    tried: u64,
}

impl Climb {
    /// `trials` one-bit trials from `genome` on the landscape with seed `seed`,
    /// remembering what they teach. Returns false if nothing could change (no
    /// trial, or a known local optimum): then nothing was drawn either.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub fn climb(
        &mut self,
        seed: u64,
        landscape: &Landscape,
        nk: &Nk,
        trials: u32,
        rng: &mut Stream,
        genome: &mut u64,
        fitness: &mut Fitness,
    ) -> bool {
        let known = self.landscape == seed && self.genome == *genome;
        if trials == 0 || (known && self.tried == nk.genome_mask()) {
            return false;
        }
        let mut tried = if known { self.tried } else { 0 };
        climb_one(landscape, nk, trials, rng, genome, fitness, &mut tried);
        *self = Climb {
            landscape: seed,
            genome: *genome,
            tried,
        };
        true
    }
}

/// `trials` one-bit hill-climbing trials from `genome`, whose flips in `tried`
/// are known not to improve it.
#[inline]
pub fn climb_one(
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

/// The reference: `trials` one-bit trials from `genome`, every one evaluated.
pub fn climb_naive(
    landscape: &Landscape,
    nk: &Nk,
    trials: u32,
    rng: &mut Stream,
    genome: &mut u64,
    fitness: &mut Fitness,
) {
    for _ in 0..trials {
        let bit = rng.random_range(0..nk.loci());
        let candidate = landscape.flip_one(*genome, *fitness, bit);
        if candidate > *fitness {
            *genome ^= 1 << bit;
            *fitness = candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{Phase, stream};

    #[test]
    fn skipping_known_flips_changes_nothing() {
        for (loci, k) in [(6, 1), (12, 3), (20, 5)] {
            let nk = Nk::new(loci, k);
            for case in 0..40u64 {
                let mut setup = stream(case, 0, Phase::Init, loci as u64);
                let seed = setup.random();
                let landscape = nk.landscape(seed);
                let genome = setup.random::<u64>() & nk.genome_mask();
                let start = (genome, landscape.fitness(genome));
                let (mut fast, mut slow) = (start, start);
                let mut cache = Climb::default();
                // Many steps, each with its own stream as in a run, so that most
                // end on a local optimum with every flip tried.
                for step in 0..30 {
                    let trials = (step * 7 + case as u32) % 13;
                    let rng = stream(case, step, Phase::Search, 0);
                    let (g, f) = &mut slow;
                    climb_naive(&landscape, &nk, trials, &mut rng.clone(), g, f);
                    let (g, f) = &mut fast;
                    cache.climb(seed, &landscape, &nk, trials, &mut rng.clone(), g, f);
                    assert_eq!(fast, slow, "L={loci} case {case} step {step}");
                }
                if cache.tried == nk.genome_mask() {
                    let improves =
                        (0..loci).any(|b| landscape.flip_one(fast.0, fast.1, b) > fast.1);
                    assert!(!improves, "every flip tried means a local optimum");
                }
            }
        }
    }
}
