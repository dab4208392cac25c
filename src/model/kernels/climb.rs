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
///
/// It also caches whether that genome is a one-bit local optimum (an objective
/// property: `stuck_share` counts the trials spent on one, spec §2.10).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Climb {
    landscape: u64,
    genome: u64,
    tried: u64,
    optimum: Option<bool>,
}

impl Climb {
    /// `trials` one-bit trials from `genome` on the landscape with seed `seed`,
    /// remembering what they teach; each genome evaluated is pushed on
    /// `evaluated`. Returns how many trials were made from the final genome
    /// (after its last improvement), or `None` if nothing could change (no
    /// trial, or a known local optimum): then nothing was drawn or evaluated
    /// either, and every trial was made from the genome as it was.
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
        evaluated: &mut Vec<u64>,
    ) -> Option<u32> {
        let known = self.landscape == seed && self.genome == *genome;
        if trials == 0 || (known && self.tried == nk.genome_mask()) {
            return None;
        }
        let mut tried = if known { self.tried } else { 0 };
        let since = climb_one(
            landscape, nk, trials, rng, genome, fitness, &mut tried, evaluated,
        );
        let same = known && self.genome == *genome;
        *self = Climb {
            landscape: seed,
            genome: *genome,
            tried,
            optimum: if same { self.optimum } else { None },
        };
        Some(since)
    }

    /// Whether `genome` (of fitness `fitness`) is a one-bit local optimum of the
    /// landscape with seed `seed`: no one-bit flip improves it. Computed once per
    /// genome and landscape, from the flips not already known to fail, and
    /// cached with the climb.
    #[inline]
    pub fn local_optimum(
        &mut self,
        seed: u64,
        landscape: &Landscape,
        nk: &Nk,
        genome: u64,
        fitness: Fitness,
    ) -> bool {
        if self.landscape != seed || self.genome != genome {
            *self = Climb {
                landscape: seed,
                genome,
                tried: 0,
                optimum: None,
            };
        }
        if let Some(optimum) = self.optimum {
            return optimum;
        }
        let mut untried = nk.genome_mask() & !self.tried;
        let mut optimum = true;
        while untried != 0 {
            if landscape.flip_one(genome, fitness, untried.trailing_zeros()) > fitness {
                optimum = false;
                break;
            }
            untried &= untried - 1;
        }
        self.optimum = Some(optimum);
        optimum
    }
}

/// `trials` one-bit hill-climbing trials from `genome`, whose flips in `tried`
/// are known not to improve it. A trial of a known flip evaluates nothing; the
/// genome of every other trial is pushed on `evaluated`. Returns how many
/// trials were made from the final genome (after its last improvement).
#[inline]
#[allow(clippy::too_many_arguments)]
pub fn climb_one(
    landscape: &Landscape,
    nk: &Nk,
    trials: u32,
    rng: &mut Stream,
    genome: &mut u64,
    fitness: &mut Fitness,
    tried: &mut u64,
    evaluated: &mut Vec<u64>,
) -> u32 {
    let every = nk.genome_mask();
    let mut since = 0;
    for done in 0..trials {
        if *tried == every {
            // A local optimum: no remaining trial can improve it.
            return since + trials - done;
        }
        since += 1;
        let bit = rng.random_range(0..nk.loci());
        let flip = 1u64 << bit;
        if *tried & flip != 0 {
            continue;
        }
        evaluated.push(*genome ^ flip);
        let candidate = landscape.flip_one(*genome, *fitness, bit);
        if candidate > *fitness {
            *genome ^= flip;
            *fitness = candidate;
            *tried = 0;
            since = 0;
        } else {
            *tried |= flip;
        }
    }
    since
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

/// The reference of what `stuck_share` counts: [`climb_naive`], returning how
/// many of its trials were made from a genome that is a one-bit local optimum
/// (found by trying every flip).
pub fn stuck_naive(
    landscape: &Landscape,
    nk: &Nk,
    trials: u32,
    rng: &mut Stream,
    genome: &mut u64,
    fitness: &mut Fitness,
) -> u32 {
    let mut stuck = 0;
    for _ in 0..trials {
        let (g, f) = (*genome, *fitness);
        stuck += (0..nk.loci()).all(|b| landscape.flip_one(g, f, b) <= f) as u32;
        climb_naive(landscape, nk, 1, rng, genome, fitness);
    }
    stuck
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
                let mut evaluated = Vec::new();
                // Many steps, each with its own stream as in a run, so that most
                // end on a local optimum with every flip tried.
                for step in 0..30 {
                    let trials = (step * 7 + case as u32) % 13;
                    let rng = stream(case, step, Phase::Search, 0);
                    let (g, f) = &mut slow;
                    climb_naive(&landscape, &nk, trials, &mut rng.clone(), g, f);
                    let stuck = {
                        let (mut g, mut f) = fast;
                        stuck_naive(&landscape, &nk, trials, &mut rng.clone(), &mut g, &mut f)
                    };
                    let (g, f) = &mut fast;
                    let before = evaluated.len();
                    let since = cache
                        .climb(
                            seed,
                            &landscape,
                            &nk,
                            trials,
                            &mut rng.clone(),
                            g,
                            f,
                            &mut evaluated,
                        )
                        .unwrap_or(trials);
                    assert!(evaluated.len() - before <= trials as usize);
                    // Only the final genome can be a local optimum (the others were improved on).
                    let optimum = cache.local_optimum(seed, &landscape, &nk, *g, *f);
                    assert_eq!(if optimum { since } else { 0 }, stuck, "stuck trials");
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
