//! Hill climbing that does not retry what failed (spec §2.4, docs/MODEL.md
//! §7.4): each trial flips bits of the genome and keeps the result if fitness
//! improves. With one-bit flips a trial draws its flip uniformly among those
//! not yet known to fail from the current genome (`tried`, which starts from
//! what the producer copied or knew at adoption); once every flip is known to
//! fail the genome is a local optimum and the remaining trials are spent
//! without gain (nothing is drawn or evaluated). With `flip_bits > 1`, `tried`
//! counts consecutive failures and the genome counts as exhausted after `L`.
//!
//! [`climb_one`] picks the `r`-th untried flip by clearing low bits;
//! [`climb_one_naive`], its reference, lists the untried flips and indexes them.
//! Every genome a trial evaluates is pushed on `evaluated` (redundancy, §2.5).
//! [`Climb`] caches per producer whether its genome is a one-bit local optimum
//! (`stuck_share`, spec §2.10); [`stuck_naive`] is its reference.

use rand::RngExt;

use crate::model::landscape::{Fitness, FlipOne, Landscape, Nk};
use crate::model::rng::Stream;

/// Whether `genome` is a one-bit local optimum of the landscape with seed
/// `landscape`: an objective property of the genome, cached per producer
/// because most trials are made from the same genome step after step. The
/// flips the check found not to improve the genome are kept too, so that the
/// climb's later trials of them need not evaluate them again ([`climb_one`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Climb {
    landscape: u64,
    genome: u64,
    optimum: Option<bool>,
    fails: u64,
}

impl Climb {
    /// Whether `genome` (of fitness `fitness`) is a one-bit local optimum of the
    /// landscape with seed `seed`: no one-bit flip improves it. Computed once per
    /// genome and landscape, trying only the flips not in `known` (known to fail).
    #[inline]
    pub fn local_optimum(
        &mut self,
        seed: u64,
        landscape: &impl FlipOne,
        nk: &Nk,
        genome: u64,
        fitness: Fitness,
        known: u64,
    ) -> bool {
        if self.landscape != seed || self.genome != genome || self.optimum.is_none() {
            let mut untried = nk.genome_mask() & !known;
            let (mut optimum, mut fails) = (true, 0);
            while untried != 0 {
                let bit = untried.trailing_zeros();
                if landscape.flip_one(genome, fitness, bit) > fitness {
                    optimum = false;
                    break;
                }
                fails |= 1 << bit;
                untried &= untried - 1;
            }
            *self = Climb {
                landscape: seed,
                genome,
                optimum: Some(optimum),
                fails,
            };
        }
        self.optimum == Some(true)
    }

    /// The flips of `genome` on the landscape with seed `seed` that the check
    /// evaluated and found not to improve it (none if it checked another genome).
    #[inline]
    pub fn fails(&self, seed: u64, genome: u64) -> u64 {
        if self.landscape == seed && self.genome == genome {
            self.fails
        } else {
            0
        }
    }
}

/// `trials` one-bit trials from `genome`, whose flips in `tried` are known not
/// to improve it; `tried` is left as what is known of the final genome, and
/// every genome evaluated is pushed on `evaluated`. Returns how many trials
/// were made from the final genome (after its last improvement). The flips in
/// `fails` are known (to the engine, not to the producer) not to improve
/// `genome`: drawn and counted as evaluated like any other, but not computed.
#[inline]
#[allow(clippy::too_many_arguments)]
pub fn climb_one(
    landscape: &impl FlipOne,
    nk: &Nk,
    trials: u32,
    rng: &mut Stream,
    genome: &mut u64,
    fitness: &mut Fitness,
    tried: &mut u64,
    mut fails: u64,
    evaluated: &mut Vec<u64>,
) -> u32 {
    let every = nk.genome_mask();
    // The flips not known to fail, and how many: counted once, then kept up to
    // date (the baseline x86-64 target has no `popcnt`).
    let mut untried = every & !*tried;
    let mut left = untried.count_ones();
    let mut since = 0;
    for done in 0..trials {
        if left == 0 {
            // A local optimum: the remaining trials are spent on it, without gain.
            return since + trials - done;
        }
        since += 1;
        let bit = nth_one(untried, rng.random_range(0..left));
        let flip = 1u64 << bit;
        evaluated.push(*genome ^ flip);
        if fails & flip == 0 {
            let candidate = landscape.flip_one(*genome, *fitness, bit);
            if candidate > *fitness {
                *genome ^= flip;
                *fitness = candidate;
                (*tried, fails, since) = (0, 0, 0);
                (untried, left) = (every, nk.loci());
                continue;
            }
        }
        *tried |= flip;
        untried ^= flip;
        left -= 1;
    }
    since
}

/// The index of the `n`-th set bit of `x` (from 0, lowest first).
#[inline]
fn nth_one(mut x: u64, n: u32) -> u32 {
    for _ in 0..n {
        x &= x - 1;
    }
    x.trailing_zeros()
}

/// The reference of [`climb_one`]: the untried flips listed in order, one of
/// them drawn by index.
pub fn climb_one_naive(
    landscape: &Landscape,
    nk: &Nk,
    trials: u32,
    rng: &mut Stream,
    genome: &mut u64,
    fitness: &mut Fitness,
    tried: &mut u64,
) {
    for _ in 0..trials {
        let untried: Vec<u32> = (0..nk.loci()).filter(|&b| *tried & (1 << b) == 0).collect();
        if untried.is_empty() {
            return;
        }
        let bit = untried[rng.random_range(0..untried.len() as u32) as usize];
        let candidate = landscape.flip_one(*genome, *fitness, bit);
        if candidate > *fitness {
            *genome ^= 1 << bit;
            *fitness = candidate;
            *tried = 0;
        } else {
            *tried |= 1 << bit;
        }
    }
}

/// The reference of what `stuck_share` counts: [`climb_one_naive`] trial by
/// trial, returning how many trials were made from a genome that is a one-bit
/// local optimum (found by trying every flip).
pub fn stuck_naive(
    landscape: &Landscape,
    nk: &Nk,
    trials: u32,
    rng: &mut Stream,
    genome: &mut u64,
    fitness: &mut Fitness,
    tried: &mut u64,
) -> u32 {
    let mut stuck = 0;
    for _ in 0..trials {
        let (g, f) = (*genome, *fitness);
        stuck += (0..nk.loci()).all(|b| landscape.flip_one(g, f, b) <= f) as u32;
        climb_one_naive(landscape, nk, 1, rng, genome, fitness, tried);
    }
    stuck
}

/// `trials` trials flipping `flip_bits > 1` distinct random bits each, from a
/// genome that has failed `tried` times in a row; stops once it has failed
/// `L` times in a row (exhausted). Before each improvement `left` is told the
/// genome left and how many trials were made from it. Returns how many trials
/// were made from the final genome.
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn climb_many(
    landscape: &Landscape,
    nk: &Nk,
    flip_bits: u32,
    trials: u32,
    rng: &mut Stream,
    genome: &mut u64,
    fitness: &mut Fitness,
    tried: &mut u64,
    evaluated: &mut Vec<u64>,
    mut left: impl FnMut(u64, Fitness, u32),
) -> u32 {
    let loci = nk.loci();
    let mut since = 0;
    for done in 0..trials {
        if *tried >= loci as u64 {
            return since + trials - done;
        }
        // Draw bits until `flip_bits` distinct ones are set.
        let mut flips = 1u64 << rng.random_range(0..loci);
        let mut set = 1;
        while set < flip_bits {
            let bit = 1u64 << rng.random_range(0..loci);
            set += (flips & bit == 0) as u32;
            flips |= bit;
        }
        since += 1;
        evaluated.push(*genome ^ flips);
        let candidate = landscape.flip(*genome, *fitness, flips);
        if candidate > *fitness {
            left(*genome, *fitness, since);
            *genome ^= flips;
            *fitness = candidate;
            *tried = 0;
            since = 0;
        } else {
            *tried += 1;
        }
    }
    since
}

#[cfg(test)]
mod tests;
