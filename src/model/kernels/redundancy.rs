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
    }
}
