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

#[test]
fn contribution_tables_agree_with_hashes_and_follow_new_seeds() {
    let nk = Nk::new(20, 5);
    let mut seeds: Vec<u64> = (0..50).map(mix64).collect();
    let mut tables = Tables::new(&nk, &seeds);
    // 20 loci and copies of the first 5 (for the one-bit flip), 64 windows each.
    assert_eq!(tables.bytes(), 50 * (20 + 5) * 64 * 4);
    seeds[7] = 12345;
    tables.update(&nk, 7, seeds[7]);
    for (j, &seed) in seeds.iter().enumerate() {
        let land = tables.landscape(&nk, j, seed);
        for g in 0..200u64 {
            let g = mix64(g ^ seed) & nk.genome_mask();
            let f = nk.fitness(seed, g);
            assert_eq!(land.fitness(g), f);
            let flips = 1 << (g % 20) | 1 << ((g >> 8) % 20);
            assert_eq!(land.flip(g, f, flips), nk.flip(seed, g, f, flips));
        }
    }
    // Too many problems for the budget: nothing is tabulated.
    let many = vec![0u64; TABLES_BYTES / (20 * 64 * 4) + 1];
    assert_eq!(Tables::new(&nk, &many).bytes(), 0);
}

#[test]
fn a_shock_keeps_the_contributions_of_the_kept_loci_and_redraws_the_others() {
    // With K = 0, flipping bit i changes only locus i's contribution, so the
    // gain of a flip tells which table locus i has. Small worlds are tabulated,
    // large ones hashed: both must agree.
    let nk = Nk::new(8, 0);
    for problems in [4, TABLES_BYTES / (8 * 2 * 4) + 1] {
        let seeds: Vec<u64> = (0..problems as u64).map(mix64).collect();
        let tabulated = problems == 4;
        let mut landscapes = Landscapes::new(nk.clone(), &seeds);
        assert_eq!(landscapes.tables.bytes() > 0, tabulated);
        let (j, old, new, kept) = (1, seeds[1], 777, 0b1010_0110u64);
        let gain = |land: &Landscape, i: u32| {
            let f = land.fitness(0);
            land.flip_one(0, f, i) as i64 - f as i64
        };
        let before: Vec<i64> = (0..8).map(|i| gain(&nk.landscape(old), i)).collect();
        let fresh: Vec<i64> = (0..8).map(|i| gain(&nk.landscape(new), i)).collect();
        landscapes.shock(j, old, new, kept);
        let land = landscapes.get(j, new);
        for i in 0..8 {
            let expected = if kept >> i & 1 == 1 {
                before[i as usize]
            } else {
                fresh[i as usize]
            };
            assert_eq!(gain(&land, i), expected, "locus {i}, tabulated {tabulated}");
        }
        // A second shock keeps loci of the mixed landscape and redraws the rest.
        let mixed: Vec<i64> = (0..8).map(|i| gain(&land, i)).collect();
        let latest: Vec<i64> = (0..8).map(|i| gain(&nk.landscape(999), i)).collect();
        landscapes.shock(j, new, 999, 0b0000_1111);
        let land = landscapes.get(j, 999);
        for i in 0..8 {
            let expected = if i < 4 {
                mixed[i as usize]
            } else {
                latest[i as usize]
            };
            assert_eq!(gain(&land, i), expected, "second shock, locus {i}");
        }
        // Keeping none is a full redraw, as before shocks could keep anything.
        landscapes.shock(j, 999, 4242, 0);
        let g = 0b1011_0001;
        assert_eq!(landscapes.get(j, 4242).fitness(g), nk.fitness(4242, g));
        // Other problems are untouched.
        assert_eq!(
            landscapes.get(0, seeds[0]).fitness(g),
            nk.fitness(seeds[0], g)
        );
    }
}

#[test]
fn one_bit_flips_read_the_copied_rows_of_loci_that_a_shock_kept_or_redrew() {
    // Flips of bits 0..K change loci that wrap below 0: the one-bit flip reads
    // them from the copies after row L-1, which must follow every update.
    let nk = Nk::new(12, 3);
    let seeds: Vec<u64> = (0..3).map(mix64).collect();
    let mut landscapes = Landscapes::new(nk.clone(), &seeds);
    assert!(landscapes.tables.bytes() > 0);
    let check = |landscapes: &Landscapes, seed: u64| {
        let land = landscapes.get(1, seed);
        for g in 0..64u64 {
            let g = mix64(g ^ seed) & nk.genome_mask();
            let f = land.fitness(g);
            for b in 0..12 {
                assert_eq!(land.flip_one(g, f, b), land.fitness(g ^ 1 << b), "bit {b}");
            }
        }
    };
    check(&landscapes, seeds[1]);
    landscapes.shock(1, seeds[1], 77, 0b0000_0101_0110);
    check(&landscapes, 77);
    landscapes.update(1, 88);
    check(&landscapes, 88);
    assert_eq!(landscapes.get(1, 88).fitness(5), nk.fitness(88, 5));
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

proptest! {
    /// A one-bit flip from the tables (the fast path of `L <= 32`) equals a full
    /// evaluation of the flipped genome and the hashed flip, wrapped windows included;
    /// so do the tables' full evaluation and the evaluation of a genome near another.
    #[test]
    fn tabulated_one_bit_flips_equal_full_evaluations(
        loci in 1u32..=32, k in 0u32..32, seed: u64, g: u64, b in 0u32..32, h: u64,
    ) {
        let (k, b) = (k % loci, b % loci);
        let nk = Nk::new(loci, k);
        let tables = Tables::new(&nk, &[seed]);
        prop_assume!(tables.bytes() > 0);
        let (land, g) = (tables.landscape(&nk, 0, seed), g & nk.genome_mask());
        let f = land.fitness(g);
        prop_assert_eq!(f, nk.fitness(seed, g));
        // A genome near another one: the same, one bit apart, or anywhere.
        for h in [g, g ^ 1 << b, h & nk.genome_mask()] {
            prop_assert_eq!(land.fitness_near(g, f, h), nk.fitness(seed, h));
        }
        let flipped = land.flip_one(g, f, b);
        prop_assert_eq!(flipped, nk.fitness(seed, g ^ 1 << b));
        prop_assert_eq!(flipped, nk.landscape(seed).flip_one(g, f, b));
    }
}
