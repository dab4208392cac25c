//! Redundant evaluations (spec §2.5): a trial that evaluates a genome another
//! producer also evaluated on the same problem in the same step is redundant.
//! Among the producers who evaluated one genome, one is the original (the lowest
//! priority of a keyed draw, `rng::Originals`); every evaluation of that genome
//! by the others is redundant. A producer repeating its own evaluation is not
//! redundant on that account.
//!
//! [`redundant`] sorts one problem's evaluations by (genome, producer) in place
//! and walks the runs of equal genomes: `O(e log e)` for `e` evaluations, no
//! allocation. Its reference, [`redundant_naive`], reads like the rule: for
//! each evaluation, look for another producer's evaluation of the same genome.
//!
//! Most problems share no genome at all (in enclosure a few dozen genomes in
//! 150 steps of 200 problems): [`Shared::any`] finds that in one pass of a hash
//! table, and only a problem that does share one is sorted.

/// One evaluation of a step on a problem: the genome a trial evaluated and the
/// producer who made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evaluation {
    pub genome: u64,
    pub producer: u32,
}

/// Sorts one problem's `evaluations` and calls `redundant(producer, genome,
/// count)` once for each producer whose `count` evaluations of `genome` are
/// redundant (it evaluated a genome that another producer also evaluated, and
/// is not the original). `priority(genome, producer)` ranks the producers who
/// evaluated a genome: the lowest is the original.
#[inline]
pub fn redundant(
    evaluations: &mut [Evaluation],
    priority: impl Fn(u64, u32) -> u64,
    mut redundant: impl FnMut(u32, u64, u32),
) {
    if evaluations.len() < 2 {
        return;
    }
    evaluations.sort_unstable();
    let n = evaluations.len();
    let mut start = 0;
    while start < n {
        let genome = evaluations[start].genome;
        let mut end = start + 1;
        while end < n && evaluations[end].genome == genome {
            end += 1;
        }
        let run = &evaluations[start..end];
        // Sorted by producer within the run: several producers iff first != last.
        if run[0].producer != run[run.len() - 1].producer {
            let original = run
                .iter()
                .map(|e| e.producer)
                .min_by_key(|&i| priority(genome, i))
                .expect("a run is not empty");
            let mut k = 0;
            while k < run.len() {
                let producer = run[k].producer;
                let mut same = k + 1;
                while same < run.len() && run[same].producer == producer {
                    same += 1;
                }
                if producer != original {
                    redundant(producer, genome, (same - k) as u32);
                }
                k = same;
            }
        }
        start = end;
    }
}

/// Does a problem share a genome between two producers? An open-addressing
/// table of genomes, each with the producer who evaluated it first; a slot
/// whose stamp is not this call's is empty, so nothing is cleared between
/// calls. `O(e)` for `e` evaluations; the table (twice `e`, rounded up to a
/// power of two) is kept between calls and grows to the largest problem.
#[derive(Clone, Debug, Default)]
pub struct Shared {
    slots: Vec<Slot>,
    stamp: u32,
}

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    genome: u64,
    stamp: u32,
    producer: u32,
}

impl Shared {
    /// Did two of `producers` (each with the genomes it evaluated) evaluate a
    /// common genome? `evaluations` is their total number of genomes.
    #[inline]
    pub fn any<'a>(
        &mut self,
        evaluations: usize,
        producers: impl Iterator<Item = (u32, &'a [u64])>,
    ) -> bool {
        let bits = (2 * evaluations)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let size = 1usize << bits;
        if self.slots.len() < size {
            self.slots.clear();
            self.slots.resize(size, Slot::default());
            self.stamp = 0;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // Wrapped: a stale slot could carry the new stamp.
            self.slots.fill(Slot::default());
            self.stamp = 1;
        }
        let (slots, stamp, mask) = (&mut self.slots[..size], self.stamp, size - 1);
        for (producer, genomes) in producers {
            for &genome in genomes {
                // Fibonacci hashing: the top bits of the product.
                let mut k = (genome.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize;
                loop {
                    let slot = &mut slots[k];
                    if slot.stamp != stamp {
                        *slot = Slot {
                            genome,
                            stamp,
                            producer,
                        };
                        break;
                    }
                    if slot.genome == genome {
                        if slot.producer != producer {
                            return true;
                        }
                        break;
                    }
                    k = (k + 1) & mask;
                }
            }
        }
        false
    }
}

/// The reference: for each evaluation, in the order given, whether it is
/// redundant. `O(e^2)`.
pub fn redundant_naive(
    evaluations: &[Evaluation],
    priority: impl Fn(u64, u32) -> u64,
) -> Vec<bool> {
    evaluations
        .iter()
        .map(|e| {
            let same_genome = evaluations.iter().filter(|o| o.genome == e.genome);
            let shared = same_genome.clone().any(|o| o.producer != e.producer);
            let original = same_genome
                .map(|o| o.producer)
                .min_by_key(|&i| priority(e.genome, i));
            shared && original != Some(e.producer)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::Originals;
    use proptest::prelude::*;

    /// Redundant evaluations per producer, by the kernel.
    fn counts(evaluations: &[Evaluation], priority: impl Fn(u64, u32) -> u64) -> Vec<u32> {
        let mut per = vec![0; 8];
        let mut sorted = evaluations.to_vec();
        redundant(&mut sorted, priority, |i, _, c| per[i as usize] += c);
        per
    }

    fn e(genome: u64, producer: u32) -> Evaluation {
        Evaluation { genome, producer }
    }

    #[test]
    fn two_producers_on_one_genome_make_one_redundant_evaluation() {
        let by_index = |_, i: u32| i as u64;
        assert_eq!(counts(&[e(5, 1), e(5, 0)], by_index)[..2], [0, 1]);
        let reversed = |_, i: u32| u64::MAX - i as u64;
        assert_eq!(counts(&[e(5, 1), e(5, 0)], reversed)[..2], [1, 0]);
        // Repeating one's own evaluation is not redundant on that account ...
        assert_eq!(counts(&[e(5, 0), e(5, 0), e(6, 1)], by_index)[..2], [0, 0]);
        // ... but both repeats of a non-original are.
        assert_eq!(counts(&[e(5, 1), e(5, 1), e(5, 0)], by_index)[..2], [0, 2]);
    }

    proptest! {
        #[test]
        fn equals_the_rule_evaluation_by_evaluation(
            raw in proptest::collection::vec((0u64..6, 0u32..8), 0..40),
            seed: u64,
        ) {
            let evaluations: Vec<Evaluation> = raw.iter().map(|&(g, i)| e(g, i)).collect();
            let originals = Originals::new(seed, 1);
            let priority = |g, i| originals.priority(3, g, i);
            let naive = redundant_naive(&evaluations, priority);
            let mut expected = vec![0u32; 8];
            for (ev, &r) in evaluations.iter().zip(&naive) {
                expected[ev.producer as usize] += r as u32;
            }
            prop_assert_eq!(counts(&evaluations, priority), expected);
            // One original per shared genome: redundant = evaluations of shared
            // genomes minus the original's.
            let total: u32 = naive.iter().map(|&r| r as u32).sum();
            prop_assert!(total as usize <= evaluations.len());
        }

        #[test]
        fn shared_finds_exactly_a_genome_of_two_producers(
            problems in proptest::collection::vec(
                proptest::collection::vec((0u64..40, 0u32..6), 0..60), 1..6),
            wrap: bool,
        ) {
            // One table across problems of different sizes: stale slots of the
            // problems before must not count (nor a wrapped stamp's).
            let mut shared = Shared::default();
            if wrap {
                shared.any(200, std::iter::empty());
                shared.stamp = u32::MAX - 1;
            }
            for raw in &problems {
                // Genomes spread over high and low bits.
                let raw: Vec<(u64, u32)> =
                    raw.iter().map(|&(g, i)| (g.rotate_left(g as u32 * 7), i)).collect();
                let mut by_producer = vec![Vec::new(); 6];
                for &(g, i) in &raw {
                    by_producer[i as usize].push(g);
                }
                let expected = raw.iter().any(|&(g, i)| raw.iter().any(|&(h, k)| h == g && k != i));
                let producers = by_producer.iter().enumerate().map(|(i, v)| (i as u32, &v[..]));
                prop_assert_eq!(shared.any(raw.len(), producers), expected);
            }
        }
    }
}
