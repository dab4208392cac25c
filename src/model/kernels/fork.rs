//! The fork rule's choice for a producer that just switched (spec §2.3,
//! docs/MODEL.md §7.3): the least crowded lineage whose best visible solution
//! is within the tolerance of the best visible one; on equal crowds, the better
//! lineage. [`fork_choice_naive`] weighs every visible solution's lineage;
//! [`fork_choice`] weighs each lineage once (every member of a lineage gives the
//! same crowd and best, which cannot displace an equal choice).

use super::view::Visible;
use crate::model::state::Solution;

/// How many lineages [`fork_choice`] remembers as weighed (later ones are
/// weighed again on each member, which gives the same answer).
const REMEMBERED: usize = 8;

/// The solution a forking newcomer starts from, given the best it sees.
#[inline]
pub fn fork_choice(seen: &impl Visible, best: Solution, tolerance: f64) -> Solution {
    let floor = best.quality - tolerance;
    let mut choice = best;
    let mut choice_crowd = usize::MAX;
    let mut weighed = [0u64; REMEMBERED];
    let mut n_weighed = 0;
    seen.visit(|c| {
        if c.quality < floor || weighed[..n_weighed].contains(&c.lineage) {
            return;
        }
        if n_weighed < weighed.len() {
            weighed[n_weighed] = c.lineage;
            n_weighed += 1;
        }
        let (crowd, lineage_best) = weigh(seen, c);
        if crowd < choice_crowd || (crowd == choice_crowd && lineage_best.quality > choice.quality)
        {
            choice = lineage_best;
            choice_crowd = crowd;
        }
    });
    choice
}

/// The reference: every visible solution within the tolerance weighs its lineage.
pub fn fork_choice_naive(seen: &impl Visible, best: Solution, tolerance: f64) -> Solution {
    let floor = best.quality - tolerance;
    let (mut choice, mut choice_crowd) = (best, usize::MAX);
    seen.visit(|c| {
        if c.quality < floor {
            return;
        }
        let (crowd, lineage_best) = weigh(seen, c);
        if crowd < choice_crowd || (crowd == choice_crowd && lineage_best.quality > choice.quality)
        {
            (choice, choice_crowd) = (lineage_best, crowd);
        }
    });
    choice
}

/// How many visible solutions share `c`'s lineage, and the first best of them.
#[inline]
fn weigh(seen: &impl Visible, c: &Solution) -> (usize, Solution) {
    let mut crowd = 0;
    let mut lineage_best = *c;
    seen.visit(|s| {
        if s.lineage == c.lineage {
            crowd += 1;
            if s.quality > lineage_best.quality {
                lineage_best = *s;
            }
        }
    });
    (crowd, lineage_best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::mix64;

    /// Solutions in the order a producer visits them.
    struct Listed(Vec<Solution>);

    impl Visible for Listed {
        fn visit(&self, f: impl FnMut(&Solution)) {
            self.0.iter().for_each(f);
        }
    }

    fn solution(quality: f64, lineage: u64, genome: u64) -> Solution {
        Solution {
            genome,
            fitness: 0,
            quality,
            lineage,
        }
    }

    fn best_of(seen: &Listed) -> Solution {
        let mut best = seen.0[0];
        for s in &seen.0 {
            if s.quality > best.quality {
                best = *s;
            }
        }
        best
    }

    #[test]
    fn the_least_crowded_lineage_within_the_tolerance_is_joined() {
        // Lineage 1: three workers, best 0.9. Lineage 2: one, 0.85. Lineage 3:
        // one, 0.5 (far below the best).
        let seen = Listed(vec![
            solution(0.9, 1, 0),
            solution(0.8, 1, 1),
            solution(0.85, 2, 2),
            solution(0.7, 1, 3),
            solution(0.5, 3, 4),
        ]);
        let best = best_of(&seen);
        // Within 0.1 of the best: lineages 1 (crowd 3) and 2 (crowd 1): join 2.
        assert_eq!(fork_choice(&seen, best, 0.1), solution(0.85, 2, 2));
        // A tolerance of 0.01 leaves lineage 1 alone: join its best.
        assert_eq!(fork_choice(&seen, best, 0.01), solution(0.9, 1, 0));
        // Within 0.5 every lineage counts; 2 and 3 have one worker each: the better, 2.
        assert_eq!(fork_choice(&seen, best, 0.5), solution(0.85, 2, 2));
    }

    #[test]
    fn weighing_each_lineage_once_changes_nothing() {
        let mut x = 11u64;
        let mut next = |k: u64| {
            x = mix64(x);
            x % k
        };
        for case in 0..3000 {
            // Up to 12 lineages, more than are remembered, and few qualities.
            let lineages = 1 + next(12);
            let seen = Listed(
                (0..1 + next(20))
                    .map(|g| solution(next(6) as f64 / 5.0, next(lineages), g))
                    .collect(),
            );
            let best = best_of(&seen);
            let tolerance = next(4) as f64 / 5.0;
            assert_eq!(
                fork_choice(&seen, best, tolerance),
                fork_choice_naive(&seen, best, tolerance),
                "case {case}"
            );
        }
    }
}
