use super::*;
use crate::model::rng::{Phase, stream};

#[test]
fn picking_the_untried_flip_by_bits_equals_the_listed_reference() {
    for (loci, k) in [(6, 1), (12, 3), (20, 5)] {
        let nk = Nk::new(loci, k);
        for case in 0..40u64 {
            let mut setup = stream(case, 0, Phase::Init, loci as u64);
            let seed = setup.random();
            let landscape = nk.landscape(seed);
            let genome = setup.random::<u64>() & nk.genome_mask();
            // Start from some flips known to fail (as if copied): drawn, and kept
            // only if they do fail.
            let fitness = landscape.fitness(genome);
            let drawn = setup.random::<u64>() & setup.random::<u64>() & nk.genome_mask();
            let known = (0..loci)
                .filter(|&b| {
                    (drawn >> b) & 1 == 1 && landscape.flip_one(genome, fitness, b) <= fitness
                })
                .fold(0u64, |k, b| k | 1 << b);
            let start = (genome, fitness, known);
            let (mut fast, mut slow) = (start, start);
            let mut cache = Climb::default();
            let mut evaluated = Vec::new();
            for step in 0..30 {
                if step % 5 == 4 {
                    // What is known of the genome is forgotten (as adoption may do).
                    (fast.2, slow.2) = (0, 0);
                }
                let trials = (step * 7 + case as u32) % 13;
                let rng = stream(case, step, Phase::Search, 0);
                let stuck = {
                    let (mut g, mut f, mut t) = slow;
                    stuck_naive(
                        &landscape,
                        &nk,
                        trials,
                        &mut rng.clone(),
                        &mut g,
                        &mut f,
                        &mut t,
                    )
                };
                let (g, f, t) = &mut slow;
                climb_one_naive(&landscape, &nk, trials, &mut rng.clone(), g, f, t);
                // The flips the last check found to fail are not computed again.
                let fails = cache.fails(seed, fast.0);
                let (g, f, t) = &mut fast;
                let before = evaluated.len();
                let since = climb_one(
                    &landscape,
                    &nk,
                    trials,
                    &mut rng.clone(),
                    g,
                    f,
                    t,
                    fails,
                    &mut evaluated,
                );
                assert_eq!(fast, slow, "L={loci} case {case} step {step}");
                assert!(evaluated.len() - before <= trials as usize);
                // Only the final genome can be a local optimum (the others were improved on).
                let optimum = cache.local_optimum(seed, &landscape, &nk, fast.0, fast.1, fast.2);
                assert_eq!(if optimum { since } else { 0 }, stuck, "stuck trials");
            }
        }
    }
}

#[test]
fn no_flip_is_retried_and_a_full_set_is_a_local_optimum() {
    let nk = Nk::new(12, 3);
    for case in 0..20u64 {
        let landscape = nk.landscape(case);
        let (mut g, mut tried) = ((case * 77) & nk.genome_mask(), 0);
        let mut f = landscape.fitness(g);
        let mut rng = stream(case, 0, Phase::Search, 1);
        let mut evaluated = Vec::new();
        // Between two improvements at most 12 trials fail (none is retried),
        // so enough trials always end with every flip of a local optimum tried.
        climb_one(
            &landscape,
            &nk,
            5000,
            &mut rng,
            &mut g,
            &mut f,
            &mut tried,
            0,
            &mut evaluated,
        );
        assert_eq!(tried, nk.genome_mask(), "case {case}");
        let improves = (0..12).any(|b| landscape.flip_one(g, f, b) > f);
        assert!(!improves, "every flip tried means a local optimum");
        // Exhausted: nothing more is drawn or evaluated, every trial is spent on it.
        let (before, seen) = (rng.clone().random::<u64>(), evaluated.len());
        let since = climb_one(
            &landscape,
            &nk,
            5,
            &mut rng,
            &mut g,
            &mut f,
            &mut tried,
            0,
            &mut evaluated,
        );
        assert_eq!(
            (rng.random::<u64>(), evaluated.len(), since),
            (before, seen, 5)
        );
    }
}

/// A landscape that counts the flips it computes.
struct Counting<'a>(&'a Landscape<'a>, std::cell::Cell<u32>);

impl FlipOne for Counting<'_> {
    fn flip_one(&self, g: u64, f: Fitness, b: u32) -> Fitness {
        self.1.set(self.1.get() + 1);
        self.0.flip_one(g, f, b)
    }
}

#[test]
fn flips_the_check_found_to_fail_are_drawn_and_counted_but_not_computed() {
    let nk = Nk::new(12, 3);
    for case in 0..20u64 {
        let landscape = nk.landscape(case);
        // A local optimum: every flip fails, and the check computes all 12.
        let (mut g, mut tried) = (case & nk.genome_mask(), 0);
        let mut f = landscape.fitness(g);
        let mut rng = stream(case, 0, Phase::Search, 2);
        let (mut evaluated, mut cache) = (Vec::new(), Climb::default());
        let walk = (&mut rng, &mut g, &mut f, &mut tried);
        climb_one(
            &landscape,
            &nk,
            5000,
            walk.0,
            walk.1,
            walk.2,
            walk.3,
            0,
            &mut evaluated,
        );
        let counting = Counting(&landscape, Default::default());
        assert!(cache.local_optimum(case, &counting, &nk, g, f, 0));
        assert_eq!(
            (counting.1.get(), cache.fails(case, g)),
            (12, nk.genome_mask())
        );
        assert_eq!(cache.fails(case + 1, g), 0, "another landscape");
        // Forgotten by the producer, known to the engine: 7 trials draw and push
        // 7 flips, as without the check, and compute none.
        let (mut plain, mut known) = ((g, f, 0u64), (g, f, 0u64));
        let mut without = Vec::new();
        let step = stream(case, 1, Phase::Search, 2);
        let (a, b, c) = &mut plain;
        climb_one(
            &landscape,
            &nk,
            7,
            &mut step.clone(),
            a,
            b,
            c,
            0,
            &mut without,
        );
        let (a, b, c) = &mut known;
        let fails = cache.fails(case, g);
        let (mut with, before) = (Vec::new(), counting.1.get());
        climb_one(
            &counting,
            &nk,
            7,
            &mut step.clone(),
            a,
            b,
            c,
            fails,
            &mut with,
        );
        assert_eq!((known, &with), (plain, &without));
        assert_eq!((with.len(), counting.1.get()), (7, before));
    }
}

#[test]
fn many_bit_flips_stop_after_l_failures_in_a_row() {
    let nk = Nk::new(10, 2);
    let landscape = nk.landscape(3);
    let (mut g, mut tried, mut evaluated) = (0u64, 0u64, Vec::new());
    let mut f = landscape.fitness(g);
    let mut rng = stream(1, 0, Phase::Search, 1);
    let mut improvements = 0;
    let left = |_, _, _| improvements += 1;
    climb_many(
        &landscape,
        &nk,
        2,
        1000,
        &mut rng,
        &mut g,
        &mut f,
        &mut tried,
        &mut evaluated,
        left,
    );
    assert_eq!(tried, 10);
    // Every trial evaluated one genome: the improvements, and at least the last L failures.
    assert!(evaluated.len() >= improvements + 10);
    let before = rng.clone().random::<u64>();
    let since = climb_many(
        &landscape,
        &nk,
        2,
        5,
        &mut rng,
        &mut g,
        &mut f,
        &mut tried,
        &mut evaluated,
        |_, _, _| {},
    );
    assert_eq!((rng.random::<u64>(), since), (before, 5));
}
