//! The default world's fast path: the contributions of every problem
//! tabulated ([`Tables`]), and a one-bit flip compiled per window size
//! ([`Rows`], [`Landscape::with_flip_one`]). Same numbers as the hashes.

use super::{Fitness, Landscape, Nk, TABLES_BYTES};
use crate::model::rng::mix64;

impl Landscape<'_> {
    /// The tables' rows as arrays of `W = 2^(K+1)` windows (tabulated, `L <= 32`).
    #[inline]
    pub(super) fn rows<const W: usize>(&self) -> Rows<'_, W> {
        debug_assert!(self.nk.loci <= 32 && W == 2 << self.nk.interactions);
        Rows {
            rows: self.table.as_chunks::<W>().0,
            loci: self.nk.loci,
        }
    }

    /// Calls `visit` with this landscape's one-bit flip: for the tables of the
    /// common window sizes (`K` = 1..7, `L <= 32`) a copy of `visit` compiled for
    /// them ([`Rows`]), else the landscape itself. Same fitness either way.
    #[inline]
    pub fn with_flip_one<V: VisitFlipOne>(&self, visit: V) -> V::Out {
        if self.table.is_empty() || self.nk.loci > 32 {
            return visit.visit(self);
        }
        match self.nk.interactions {
            1 => visit.visit(&self.rows::<4>()),
            2 => visit.visit(&self.rows::<8>()),
            3 => visit.visit(&self.rows::<16>()),
            4 => visit.visit(&self.rows::<32>()),
            5 => visit.visit(&self.rows::<64>()),
            6 => visit.visit(&self.rows::<128>()),
            7 => visit.visit(&self.rows::<256>()),
            _ => visit.visit(self),
        }
    }

    /// [`Landscape::flip_one`] from the tables with the genome doubled in 64 bits
    /// (`L <= 32`), the default world's case: each contribution is one load, and
    /// the loci `b, .., b-K` are walked in two runs, those at or above 0 and
    /// those wrapped to `L-1, L-2, ..`, instead of testing the wrap per locus.
    #[inline]
    pub(super) fn flip_one_tabulated(&self, g: u64, f: Fitness, b: u32) -> Fitness {
        let nk = self.nk;
        let (l, k, s, mask) = (
            nk.loci,
            nk.interactions,
            nk.interactions + 1,
            nk.window_mask,
        );
        let (doubled, table) = (g | g << l, self.table);
        let mut sum = f;
        // Locus `i`'s contribution as bit `d` of its window (the flipped bit) changes.
        let mut change = |i: u32, d: u32| {
            let w = (doubled >> i) & mask;
            let row = (i << s) as usize;
            sum = sum + table[row | (w ^ 1 << d) as usize] as u64 - table[row | w as usize] as u64;
        };
        let low = b.min(k);
        for d in 0..=low {
            change(b - d, d);
        }
        for d in low + 1..=k {
            change(b + l - d, d);
        }
        sum
    }
}

/// What a hill climb needs of a landscape: the fitness after one bit flips.
pub trait FlipOne {
    /// Fitness of `g` with bit `b` flipped, given the fitness `f` of `g`.
    fn flip_one(&self, g: u64, f: Fitness, b: u32) -> Fitness;
}

impl FlipOne for Landscape<'_> {
    #[inline]
    fn flip_one(&self, g: u64, f: Fitness, b: u32) -> Fitness {
        Landscape::flip_one(self, g, f, b)
    }
}

/// Work generic over a [`FlipOne`], compiled once per window size by
/// [`Landscape::with_flip_one`] (a closure cannot be generic).
pub trait VisitFlipOne {
    type Out;
    fn visit<F: FlipOne>(self, flip: &F) -> Self::Out;
}

/// A tabulated landscape with `L <= 32` and `W = 2^(K+1)` windows known when
/// compiled: a one-bit flip's loop over the `K + 1` loci is unrolled, and a
/// locus's row is an array indexed by its window without a bounds check. Its
/// `L + K` rows end with copies of loci `0..K`, so that the loci a flip changes
/// are always a run of rows.
#[derive(Clone, Copy)]
pub struct Rows<'a, const W: usize> {
    rows: &'a [[u32; W]],
    loci: u32,
}

impl<const W: usize> Rows<'_, W> {
    /// Full evaluation: locus `i`'s window is bits `i ..= i+K` of the genome
    /// doubled, and its row an array indexed without a check.
    #[inline]
    pub(super) fn fitness(&self, g: u64) -> Fitness {
        let doubled = g | g << self.loci;
        let rows = &self.rows[..self.loci as usize];
        let windows = rows.iter().enumerate();
        windows
            .map(|(i, row)| row[(doubled >> i) as usize & (W - 1)] as u64)
            .sum()
    }
}

impl<const W: usize> FlipOne for Rows<'_, W> {
    #[inline(always)]
    fn flip_one(&self, g: u64, f: Fitness, b: u32) -> Fitness {
        let (l, k) = (self.loci, W.trailing_zeros() - 1);
        // The loci `b-K ..= b` are a run of rows: from `b-K`, or, when they wrap
        // below locus 0, from `b-K+L` into the copies of loci `0..K` after row
        // `L-1` ([`Nk::extra_rows`]). Their windows are the bits from the run's
        // start on of the genome repeated (bit `p` is `g_(p mod L)`), each at a
        // shift known when compiled: no wrap is tested per locus.
        let start = if b >= k { b - k } else { b + l - k };
        let (run, bits) = (
            &self.rows[start as usize..=(start + k) as usize],
            (g | g << l | (g << l) << l) >> start,
        );
        let mut sum = f;
        for d in 0..W.trailing_zeros() {
            let row = &run[(k - d) as usize];
            let w = (bits >> (k - d)) as usize & (W - 1);
            sum = sum + row[w ^ 1 << d] as u64 - row[w] as u64;
        }
        sum
    }
}

/// The contributions of every problem's landscape, `(L + E) * 2^(K+1)` per problem
/// (`E` rows copied for the one-bit flip, [`Nk::extra_rows`]), when their `L` rows
/// fit in `TABLES_BYTES`; otherwise empty, and contributions are hashed. The budget
/// counts the `L` rows only, so the copies (at most 7 of at least 8 rows: under
/// 7.5 MiB in all) do not change which worlds are tabulated.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    /// Entries per problem.
    len: usize,
    phi: Vec<u32>,
}

impl Tables {
    /// Tables of the landscapes with these seeds (one per problem), if they fit.
    pub fn new(nk: &Nk, seeds: &[u64]) -> Tables {
        let windows = nk.inner.len() / nk.loci as usize;
        let len = nk.inner.len() + nk.extra_rows() as usize * windows;
        if nk.inner.is_empty() || seeds.len().saturating_mul(nk.inner.len() * 4) > TABLES_BYTES {
            return Tables::default();
        }
        let mut tables = Tables {
            len,
            phi: vec![0; seeds.len() * len],
        };
        for (j, &seed) in seeds.iter().enumerate() {
            tables.update(nk, j, seed);
        }
        tables
    }

    /// Problem `j` has a new landscape seed.
    pub fn update(&mut self, nk: &Nk, j: usize, seed: u64) {
        if self.phi.is_empty() {
            return;
        }
        let row = &mut self.phi[j * self.len..(j + 1) * self.len];
        for (slot, &inner) in row.iter_mut().zip(&nk.inner) {
            *slot = (mix64(seed ^ inner) >> 32) as u32;
        }
        Self::copy_extra_rows(nk, row);
    }

    /// Rows `L..L+E` of a problem's table are copies of its loci `0..E`.
    fn copy_extra_rows(nk: &Nk, row: &mut [u32]) {
        let (whole, extra) = (nk.inner.len(), row.len() - nk.inner.len());
        row.copy_within(0..extra, whole);
    }

    /// Problem `j`'s loci have these seeds (one per locus).
    pub fn update_loci(&mut self, nk: &Nk, j: usize, seeds: &[u64]) {
        if self.phi.is_empty() {
            return;
        }
        let windows = nk.inner.len() / seeds.len();
        let row = &mut self.phi[j * self.len..(j + 1) * self.len];
        let cells = row.chunks_mut(windows).zip(nk.inner.chunks(windows));
        for ((slots, inner), &seed) in cells.zip(seeds) {
            for (slot, &inner) in slots.iter_mut().zip(inner) {
                *slot = (mix64(seed ^ inner) >> 32) as u32;
            }
        }
        Self::copy_extra_rows(nk, row);
    }

    /// Problem `j`'s landscape, whose seed is `seed`.
    #[inline]
    pub fn landscape<'a>(&'a self, nk: &'a Nk, j: usize, seed: u64) -> Landscape<'a> {
        let table = if self.phi.is_empty() {
            &[]
        } else {
            &self.phi[j * self.len..(j + 1) * self.len]
        };
        Landscape {
            nk,
            seed,
            table,
            loci: &[],
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.phi.len() * 4
    }
}
