//! Every genome of one NK landscape evaluated: its global optimum and its one-bit local
//! optima. The analytic side of the NK reproductions (`regimes reproduce nk_*`), computed
//! from the engine's own landscapes so that the check is of the engine, not of a copy.

use crate::model::landscape::{Fitness, Nk};

/// Largest genome enumerated: 2^24 fitnesses are 128 MiB.
pub const MAX_LOCI: u32 = 24;

/// What enumerating a landscape finds.
#[derive(Clone, Debug, PartialEq)]
pub struct Census {
    /// The best fitness of any genome.
    pub global: Fitness,
    /// The fitness of every one-bit local optimum (no single flip improves it), ascending.
    pub local_optima: Vec<Fitness>,
}

impl Census {
    /// Whether `f` is the fitness of some local optimum.
    pub fn is_local_optimum(&self, f: Fitness) -> bool {
        self.local_optima.binary_search(&f).is_ok()
    }
}

/// Enumerates the landscape with seed `seed`; `None` beyond [`MAX_LOCI`] loci.
pub fn census(nk: &Nk, seed: u64) -> Option<Census> {
    let loci = nk.loci();
    if loci > MAX_LOCI {
        return None;
    }
    let landscape = nk.landscape(seed);
    let fitness: Vec<Fitness> = (0..1u64 << loci).map(|g| landscape.fitness(g)).collect();
    let global = fitness.iter().copied().max().unwrap_or(0);
    let mut local_optima: Vec<Fitness> = fitness
        .iter()
        .enumerate()
        .filter(|&(g, &f)| (0..loci).all(|b| fitness[g ^ (1 << b)] <= f))
        .map(|(_, &f)| f)
        .collect();
    local_optima.sort_unstable();
    Some(Census {
        global,
        local_optima,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smooth_landscape_has_one_peak_made_of_each_locus_best() {
        let nk = Nk::new(8, 0);
        for seed in 0..20 {
            let c = census(&nk, seed).unwrap();
            assert_eq!(c.local_optima, vec![c.global], "K = 0 has a single peak");
            // The peak takes each locus's better allele: bit by bit, the best of two genomes.
            let land = nk.landscape(seed);
            let mut best = 0u64;
            for b in 0..8 {
                let with = land.fitness(best | 1 << b);
                if with > land.fitness(best) {
                    best |= 1 << b;
                }
            }
            assert_eq!(land.fitness(best), c.global);
        }
    }

    #[test]
    fn local_optima_are_exactly_the_genomes_no_flip_improves() {
        let nk = Nk::new(6, 3);
        let land = nk.landscape(9);
        let c = census(&nk, 9).unwrap();
        let naive: usize = (0..64u64)
            .filter(|&g| (0..6).all(|b| land.fitness(g ^ 1 << b) <= land.fitness(g)))
            .count();
        assert_eq!(c.local_optima.len(), naive);
        assert!(c.is_local_optimum(c.global));
        assert_eq!(*c.local_optima.last().unwrap(), c.global);
    }

    #[test]
    fn refuses_genomes_too_large_to_enumerate() {
        assert!(census(&Nk::new(MAX_LOCI + 1, 1), 0).is_none());
    }
}
