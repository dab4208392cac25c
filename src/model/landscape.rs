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
//! A small world goes further: [`Tables`] holds every contribution of every
//! problem (the default world: 1.25 MiB, with the rows copied for the one-bit
//! flip), so that a contribution is one load.
//! Hashed or tabulated, the numbers are the same.

use super::rng::mix64;

mod tabulated;

pub use tabulated::{FlipOne, Rows, Tables, VisitFlipOne};

/// Largest table of inner hashes (entries, `L * 2^(K+1)`): 128 KiB. Beyond it the
/// inner hash is computed on the fly, with the same result.
const TABLE_LIMIT: u64 = 1 << 14;

/// Largest size of the contribution tables of all problems. Larger tables would
/// not stay in cache, where hashing is as fast as a load; and memory stays
/// `O(1)` per problem for large worlds.
const TABLES_BYTES: usize = 4 << 20;

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

    /// Rows a problem's table holds after locus `L-1`: copies of loci `0..K`
    /// when the one-bit flip is compiled per window size ([`Rows`], `L <= 32`,
    /// `K` = 1..7), so that the loci it changes are always a run of rows.
    pub(crate) fn extra_rows(&self) -> u32 {
        if self.loci <= 32 && (1..=7).contains(&self.interactions) {
            self.interactions
        } else {
            0
        }
    }

    /// Quality in [0, 1) of an exact fitness.
    #[inline]
    pub fn quality(&self, f: Fitness) -> f64 {
        // A fitness is below `64 * 2^32`: as a signed integer it converts to the
        // same float in one instruction, where the baseline x86-64 target needs
        // several for an unsigned one.
        debug_assert!(f < 1 << 63);
        f as i64 as f64 / (self.loci as f64 * 4_294_967_296.0)
    }

    /// The bits `g_i .. g_(i+K)` (mod L) as an integer.
    #[inline]
    fn window(&self, doubled: u128, i: u32) -> u64 {
        // Up to 32 loci the doubled genome fits in 64 bits, and a 64-bit shift
        // is a single instruction where a 128-bit one is several.
        let bits = if self.loci <= 32 {
            doubled as u64 >> i
        } else {
            (doubled >> i) as u64
        };
        bits & self.window_mask
    }

    #[inline]
    fn doubled(&self, g: u64) -> u128 {
        if self.loci <= 32 {
            (g | g << self.loci) as u128
        } else {
            g as u128 | ((g as u128) << self.loci)
        }
    }

    /// Index of locus `i` with window bits `w` in a table of `L * 2^(K+1)` entries.
    #[inline]
    fn index(&self, i: u32, w: u64) -> usize {
        ((i as usize) << (self.interactions + 1)) | w as usize
    }

    /// Contribution of locus `i` with window bits `w`, hashed from the landscape seed.
    #[inline]
    fn phi(&self, seed: u64, i: u32, w: u64) -> u64 {
        let inner = if self.inner.is_empty() {
            inner_hash(i, w)
        } else {
            self.inner[self.index(i, w)]
        };
        mix64(seed ^ inner) >> 32
    }

    /// The landscape of `seed`, its contributions hashed.
    #[inline]
    pub fn landscape(&self, seed: u64) -> Landscape<'_> {
        Landscape {
            nk: self,
            seed,
            table: &[],
            loci: &[],
        }
    }

    /// Full evaluation: `L` contributions.
    pub fn fitness(&self, seed: u64, g: u64) -> Fitness {
        self.landscape(seed).fitness(g)
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
        self.landscape(seed).flip(g, f, flips)
    }

    /// Number of epistatic neighbours K.
    pub fn interactions(&self) -> u32 {
        self.interactions
    }
}

/// One problem's landscape: its seed, and its contributions if they are tabulated.
#[derive(Clone, Copy, Debug)]
pub struct Landscape<'a> {
    nk: &'a Nk,
    seed: u64,
    /// Every contribution, at [`Nk::index`], or empty (hash them).
    table: &'a [u32],
    /// Each locus's seed after a shock kept part of the landscape, or empty
    /// (every locus hashes from `seed`).
    loci: &'a [u64],
}

impl Landscape<'_> {
    /// Always inlined: it is the innermost step of every evaluation.
    #[inline(always)]
    fn phi(&self, i: u32, w: u64) -> u64 {
        if !self.table.is_empty() {
            self.table[self.nk.index(i, w)] as u64
        } else if self.loci.is_empty() {
            self.nk.phi(self.seed, i, w)
        } else {
            self.nk.phi(self.loci[i as usize], i, w)
        }
    }

    /// Full evaluation: `L` contributions.
    pub fn fitness(&self, g: u64) -> Fitness {
        let nk = self.nk;
        if !self.table.is_empty() && nk.loci <= 32 {
            // The common window sizes have their own copy, indexing rows without checks.
            match nk.interactions {
                1 => return self.rows::<4>().fitness(g),
                2 => return self.rows::<8>().fitness(g),
                3 => return self.rows::<16>().fitness(g),
                4 => return self.rows::<32>().fitness(g),
                5 => return self.rows::<64>().fitness(g),
                6 => return self.rows::<128>().fitness(g),
                7 => return self.rows::<256>().fitness(g),
                _ => {}
            }
        }
        let d = nk.doubled(g);
        (0..nk.loci).map(|i| self.phi(i, nk.window(d, i))).sum()
    }

    /// Fitness of `h` given the fitness `f` of `g`: incrementally when they
    /// differ in at most one bit (at most `K + 1` contributions, two loads each),
    /// else a full evaluation (`L` contributions, one load each), which is
    /// cheaper from two bits on in the default world. Exact either way.
    #[inline]
    pub fn fitness_near(&self, g: u64, f: Fitness, h: u64) -> Fitness {
        let diff = g ^ h;
        if diff & diff.wrapping_sub(1) == 0 {
            self.flip(g, f, diff)
        } else {
            self.fitness(h)
        }
    }

    /// Fitness of `g ^ flips` given the fitness `f` of `g`: only the affected
    /// contributions are recomputed.
    #[inline]
    pub fn flip(&self, g: u64, f: Fitness, flips: u64) -> Fitness {
        if flips != 0 && flips & (flips - 1) == 0 {
            return self.flip_one(g, f, flips.trailing_zeros());
        }
        let nk = self.nk;
        let old = nk.doubled(g);
        let new = nk.doubled(g ^ flips);
        let mut mask = nk.affected(flips);
        let mut sum = f;
        while mask != 0 {
            let i = mask.trailing_zeros();
            sum = sum + self.phi(i, nk.window(new, i)) - self.phi(i, nk.window(old, i));
            mask &= mask - 1;
        }
        sum
    }

    /// [`Landscape::flip`] of the single bit `b`, the common case: the affected
    /// loci are `b, b-1, .., b-K` (mod L), and in the window of locus `b-d` the
    /// flipped bit is bit `d`.
    #[inline]
    pub fn flip_one(&self, g: u64, f: Fitness, b: u32) -> Fitness {
        let nk = self.nk;
        if !self.table.is_empty() && nk.loci <= 32 {
            // The common window sizes have their own unrolled copy (`2^(K+1)` windows).
            return match nk.interactions {
                1 => self.rows::<4>().flip_one(g, f, b),
                2 => self.rows::<8>().flip_one(g, f, b),
                3 => self.rows::<16>().flip_one(g, f, b),
                4 => self.rows::<32>().flip_one(g, f, b),
                5 => self.rows::<64>().flip_one(g, f, b),
                6 => self.rows::<128>().flip_one(g, f, b),
                7 => self.rows::<256>().flip_one(g, f, b),
                _ => self.flip_one_tabulated(g, f, b),
            };
        }
        let doubled = nk.doubled(g);
        let mut sum = f;
        let mut i = b;
        for d in 0..nk.interactions + 1 {
            let old = nk.window(doubled, i);
            sum = sum + self.phi(i, old ^ (1 << d)) - self.phi(i, old);
            i = if i == 0 { nk.loci - 1 } else { i - 1 };
        }
        sum
    }
}

/// The landscapes of a run's problems: the NK model and, when they fit, the
/// tables of their contributions. Shocks change a problem's landscape.
///
/// A landscape is its problem's seed, every locus hashing its contributions
/// from it, until a shock keeps some loci and redraws the others (spec §2.1,
/// `shock_correlation`): from then on each locus of that problem has its own
/// seed, `L` per problem (`O(M L)` memory, taken at the first such shock).
#[derive(Clone, Debug)]
pub struct Landscapes {
    pub nk: Nk,
    pub tables: Tables,
    problems: usize,
    /// Each locus's seed, `L` per problem; empty until a shock keeps a locus.
    loci_seeds: Vec<u64>,
    /// Whether a problem's loci have their own seeds (else they use its seed).
    own_seeds: Vec<bool>,
}

impl Landscapes {
    /// The landscapes with these seeds (one per problem).
    pub fn new(nk: Nk, seeds: &[u64]) -> Landscapes {
        let tables = Tables::new(&nk, seeds);
        Landscapes {
            nk,
            tables,
            problems: seeds.len(),
            loci_seeds: Vec::new(),
            own_seeds: Vec::new(),
        }
    }

    /// Problem `j`'s landscape, whose seed is `seed`.
    #[inline]
    pub fn get(&self, j: usize, seed: u64) -> Landscape<'_> {
        let mut landscape = self.tables.landscape(&self.nk, j, seed);
        if self.own_seeds.get(j) == Some(&true) {
            landscape.loci = self.loci(j);
        }
        landscape
    }

    /// Problem `j`'s per-locus seeds (only once it has its own).
    fn loci(&self, j: usize) -> &[u64] {
        let l = self.nk.loci as usize;
        &self.loci_seeds[j * l..(j + 1) * l]
    }

    /// Problem `j` has a new landscape seed.
    pub fn update(&mut self, j: usize, seed: u64) {
        if let Some(own) = self.own_seeds.get_mut(j) {
            *own = false;
        }
        self.tables.update(&self.nk, j, seed);
    }

    /// A shock of problem `j`'s landscape (spec §2.1): the loci in `kept` (bit
    /// `i` for locus `i`) keep their contributions, the others take those of
    /// the new seed. With none kept it is [`Landscapes::update`].
    pub fn shock(&mut self, j: usize, old_seed: u64, new_seed: u64, kept: u64) {
        if kept == 0 {
            return self.update(j, new_seed);
        }
        let l = self.nk.loci as usize;
        if self.own_seeds.is_empty() {
            self.loci_seeds = vec![0; self.problems * l];
            self.own_seeds = vec![false; self.problems];
        }
        let own = std::mem::replace(&mut self.own_seeds[j], true);
        let seeds = &mut self.loci_seeds[j * l..(j + 1) * l];
        for (i, seed) in seeds.iter_mut().enumerate() {
            if !own {
                *seed = old_seed;
            }
            if kept >> i & 1 == 0 {
                *seed = new_seed;
            }
        }
        self.tables
            .update_loci(&self.nk, j, &self.loci_seeds[j * l..(j + 1) * l]);
    }

    /// Bytes held by per-locus seeds.
    pub fn seed_bytes(&self) -> usize {
        self.loci_seeds.len() * 8 + self.own_seeds.len()
    }
}

/// The half of a contribution's hash that depends only on the locus and its window.
#[inline]
fn inner_hash(i: u32, w: u64) -> u64 {
    mix64(((i as u64) << 40) ^ w)
}

#[cfg(test)]
mod tests;
