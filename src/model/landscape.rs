//! NK fitness landscapes (Kauffman). A genome is `L` bits in a `u64`; locus `i`
//! contributes `phi(i, g_i .. g_(i+K))` (indices mod L), and fitness is the mean.
//!
//! Contributions are hashed from the problem's landscape seed instead of stored,
//! so memory stays `O(1)` per problem whatever `L` and `K`. Each contribution is a
//! 32-bit integer and fitness is kept as their exact integer sum, so evaluating a
//! flip incrementally (only the `K+1` contributions whose window holds the bit)
//! gives exactly the same number as a full evaluation.
//!
//! A contribution's hash is `mix64(seed ^ mix64(locus, window))`; the inner half
//! does not depend on the landscape, so it is tabulated once per world (for the
//! default L = 20, K = 5: 1280 entries, 10 KiB), which halves the cost of a trial.

use super::rng::mix64;

/// Largest table of inner hashes (entries, `L * 2^(K+1)`): 128 KiB. Beyond it the
/// inner hash is computed on the fly, with the same result.
const TABLE_LIMIT: u64 = 1 << 14;

/// Shape of the landscapes of a world.
#[derive(Clone, Debug)]
pub struct Nk {
    loci: u32,
    interactions: u32,
    window_mask: u64,
    genome_mask: u64,
    /// Loci whose window contains bit 0 (rotate by `b` for bit `b`).
    affected_by_bit0: u64,
    /// `inner_hash(i, w)` at index `i * 2^(K+1) + w`, or empty if too large.
    inner: Vec<u64>,
}

/// An exact fitness: the integer sum of the contributions.
pub type Fitness = u64;

impl Nk {
    pub fn new(loci: u32, interactions: u32) -> Self {
        assert!((1..=64).contains(&loci) && interactions < loci);
        let ones = |n: u32| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        // Locus i's window is bits i..=i+K, so bit 0 lies in the windows of loci
        // 0, L-1, ..., L-K.
        let mut affected = 1u64;
        for d in 1..=interactions {
            affected |= 1u64 << (loci - d);
        }
        let windows = 1u64.checked_shl(interactions + 1).unwrap_or(u64::MAX);
        let inner = match windows.checked_mul(loci as u64) {
            Some(entries) if entries <= TABLE_LIMIT => (0..loci)
                .flat_map(|i| (0..windows).map(move |w| inner_hash(i, w)))
                .collect(),
            _ => Vec::new(),
        };
        Nk {
            loci,
            interactions,
            window_mask: ones(interactions + 1),
            genome_mask: ones(loci),
            affected_by_bit0: affected,
            inner,
        }
    }

    pub fn loci(&self) -> u32 {
        self.loci
    }

    pub fn genome_mask(&self) -> u64 {
        self.genome_mask
    }

    /// Quality in [0, 1) of an exact fitness.
    #[inline]
    pub fn quality(&self, f: Fitness) -> f64 {
        f as f64 / (self.loci as f64 * 4_294_967_296.0)
    }

    /// The bits `g_i .. g_(i+K)` (mod L) as an integer.
    #[inline]
    fn window(&self, doubled: u128, i: u32) -> u64 {
        (doubled >> i) as u64 & self.window_mask
    }

    #[inline]
    fn doubled(&self, g: u64) -> u128 {
        g as u128 | ((g as u128) << self.loci)
    }

    /// Contribution of locus `i` with window bits `w`, from the landscape seed.
    #[inline]
    fn phi(&self, seed: u64, i: u32, w: u64) -> u64 {
        let inner = if self.inner.is_empty() {
            inner_hash(i, w)
        } else {
            self.inner[((i as usize) << (self.interactions + 1)) | w as usize]
        };
        mix64(seed ^ inner) >> 32
    }

    /// Full evaluation: `L` contributions.
    pub fn fitness(&self, seed: u64, g: u64) -> Fitness {
        let d = self.doubled(g);
        (0..self.loci)
            .map(|i| self.phi(seed, i, self.window(d, i)))
            .sum()
    }

    /// Loci whose contribution changes when the bits in `flips` change.
    #[inline]
    pub fn affected(&self, flips: u64) -> u64 {
        let mut mask = 0u64;
        let mut f = flips;
        while f != 0 {
            let b = f.trailing_zeros();
            mask |= self.rotate_left(self.affected_by_bit0, b);
            f &= f - 1;
        }
        mask
    }

    #[inline]
    fn rotate_left(&self, x: u64, by: u32) -> u64 {
        if by == 0 {
            return x;
        }
        ((x << by) | (x >> (self.loci - by))) & self.genome_mask
    }

    /// Fitness of `g ^ flips` given the fitness `f` of `g`: only the affected
    /// contributions are recomputed.
    #[inline]
    pub fn flip(&self, seed: u64, g: u64, f: Fitness, flips: u64) -> Fitness {
        let old = self.doubled(g);
        let new = self.doubled(g ^ flips);
        let mut mask = self.affected(flips);
        let mut sum = f;
        while mask != 0 {
            let i = mask.trailing_zeros();
            sum = sum + self.phi(seed, i, self.window(new, i))
                - self.phi(seed, i, self.window(old, i));
            mask &= mask - 1;
        }
        sum
    }

    /// Number of epistatic neighbours K.
    pub fn interactions(&self) -> u32 {
        self.interactions
    }
}

/// The half of a contribution's hash that depends only on the locus and its window.
#[inline]
fn inner_hash(i: u32, w: u64) -> u64 {
    mix64(((i as u64) << 40) ^ w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn global_optimum(nk: &Nk, seed: u64) -> f64 {
        let best = (0..1u64 << nk.loci())
            .map(|g| nk.fitness(seed, g))
            .max()
            .unwrap();
        nk.quality(best)
    }

    #[test]
    fn k0_global_optimum_averages_two_thirds() {
        // With K = 0 each locus is independent: the optimum takes the larger of two
        // uniform draws per locus, whose mean is 2/3.
        let nk = Nk::new(12, 0);
        let n = 400;
        let mean: f64 = (0..n).map(|s| global_optimum(&nk, mix64(s))).sum::<f64>() / n as f64;
        // sd of one optimum = sqrt(1/18 / 12) ~ 0.068, of the mean ~ 0.0034
        assert!((mean - 2.0 / 3.0).abs() < 0.012, "{mean}");
    }

    #[test]
    fn fully_rugged_landscape_has_2_pow_l_over_l_plus_1_local_optima() {
        // With K = L-1 every genome's fitness is an independent draw, so a genome is
        // a local optimum with probability 1/(L+1).
        let l = 10;
        let nk = Nk::new(l, l - 1);
        let landscapes = 60;
        let mut total = 0usize;
        for s in 0..landscapes {
            let seed = mix64(1000 + s);
            let f: Vec<Fitness> = (0..1u64 << l).map(|g| nk.fitness(seed, g)).collect();
            total += (0..1u64 << l)
                .filter(|&g| (0..l).all(|b| f[(g ^ (1 << b)) as usize] < f[g as usize]))
                .count();
        }
        let mean = total as f64 / landscapes as f64;
        let expected = 1024.0 / 11.0;
        // Optima counts have sd of about 8 per landscape, so the mean's sd is ~1.
        assert!((mean - expected).abs() < 4.0, "{mean} vs {expected}");
    }

    #[test]
    fn affected_loci_wrap_around() {
        let nk = Nk::new(8, 2);
        // bit 0 is in the windows of loci 0, 7, 6
        assert_eq!(nk.affected(1), 0b1100_0001);
        assert_eq!(nk.affected(1 << 1), 0b1000_0011);
    }

    #[test]
    fn tabulated_and_computed_hashes_agree() {
        let nk = Nk::new(20, 5);
        assert_eq!(nk.inner.len(), 20 * 64);
        let mut computed = nk.clone();
        computed.inner.clear();
        for g in 0..2000u64 {
            let (seed, g) = (mix64(g), mix64(g + 7) & nk.genome_mask());
            assert_eq!(nk.fitness(seed, g), computed.fitness(seed, g));
            assert_eq!(nk.flip(seed, g, nk.fitness(seed, g), 1 << (g % 20)), {
                computed.flip(seed, g, computed.fitness(seed, g), 1 << (g % 20))
            });
        }
        // Too large to tabulate: computed on the fly.
        assert!(Nk::new(64, 30).inner.is_empty());
    }

    proptest! {
        #[test]
        fn incremental_equals_full(l in 1u32..=64, k_frac in 0.0f64..1.0, g: u64, flips: u64, seed: u64) {
            let k = ((l as f64) * k_frac) as u32 % l;
            let nk = Nk::new(l, k);
            let g = g & nk.genome_mask();
            let flips = flips & nk.genome_mask();
            let f = nk.fitness(seed, g);
            prop_assert_eq!(nk.flip(seed, g, f, flips), nk.fitness(seed, g ^ flips));
        }
    }
}
