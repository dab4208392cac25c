//! The fork rule's choice for a producer that just switched (spec §2.3,
//! docs/MODEL.md §7.3): the least crowded visible lineage whose head is within
//! the tolerance of the best visible solution; on equal crowds, the better
//! head. The crowd of a lineage is the number of producers working in it on
//! the problem who did not switch this step. [`fork_choice`] stops at the first
//! head below the tolerance (heads come best first); [`fork_choice_naive`]
//! weighs every visible head.

use crate::model::heads::Head;
use crate::model::state::Solution;

/// The head a forking newcomer joins instead of `best` (whose lineage's crowd
/// is weighed first), or `None` to start from `best`. `heads` are the visible
/// heads, best first.
#[inline]
pub fn fork_choice<'a>(
    heads: impl Iterator<Item = &'a Head>,
    best: &Solution,
    tolerance: f64,
    crowd: impl Fn(u64) -> u32,
) -> Option<&'a Head> {
    let floor = best.quality - tolerance;
    let mut choice = None;
    let mut least = crowd(best.lineage);
    for h in heads.take_while(|h| h.solution.quality >= floor) {
        let c = crowd(h.solution.lineage);
        if c < least {
            (choice, least) = (Some(h), c);
        }
    }
    choice
}

/// The reference: every visible head within the tolerance is weighed, and the
/// least crowded wins, then the better, then the first met.
pub fn fork_choice_naive<'a>(
    heads: impl Iterator<Item = &'a Head>,
    best: &Solution,
    tolerance: f64,
    crowd: impl Fn(u64) -> u32,
) -> Option<&'a Head> {
    let floor = best.quality - tolerance;
    let (mut choice, mut least, mut quality): (Option<&Head>, u32, f64) =
        (None, crowd(best.lineage), best.quality);
    for h in heads {
        let (c, q) = (crowd(h.solution.lineage), h.solution.quality);
        if q >= floor && (c < least || (c == least && choice.is_some() && q > quality)) {
            (choice, least, quality) = (Some(h), c, q);
        }
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::heads::OPEN_HOLDER;
    use crate::model::rng::mix64;

    fn head(quality: f64, lineage: u64) -> Head {
        Head {
            holder: OPEN_HOLDER,
            last_improved: 0,
            tried: 0,
            solution: Solution {
                genome: lineage,
                fitness: 0,
                quality,
                lineage,
            },
        }
    }

    #[test]
    fn the_least_crowded_lineage_within_the_tolerance_is_joined() {
        // Lineage 1 (0.9): three workers; lineage 2 (0.85): one; lineage 3
        // (0.5, far below): none.
        let heads = [head(0.9, 1), head(0.85, 2), head(0.5, 3)];
        let crowd = |l: u64| [0, 3, 1, 0][l as usize];
        let best = heads[0].solution;
        let lineage = |tolerance| {
            fork_choice(heads.iter(), &best, tolerance, crowd).map(|h| h.solution.lineage)
        };
        assert_eq!(lineage(0.1), Some(2));
        // A tolerance of 0.01 leaves lineage 1 alone: start from the best.
        assert_eq!(lineage(0.01), None);
        // Within 0.5 every lineage counts: the empty lineage 3.
        assert_eq!(lineage(0.5), Some(3));
    }

    #[test]
    fn stopping_at_the_tolerance_changes_nothing() {
        let mut x = 11u64;
        let mut next = |k: u64| {
            x = mix64(x);
            x % k
        };
        for case in 0..3000 {
            let mut heads: Vec<Head> = (0..next(12))
                .map(|l| head(next(6) as f64 / 5.0, 1 + next(8) + 10 * l))
                .collect();
            heads.sort_by(|a, b| b.solution.quality.total_cmp(&a.solution.quality));
            let crowds: Vec<u32> = (0..200).map(|_| next(4) as u32).collect();
            let crowd = |l: u64| crowds[l as usize % 200];
            let best = heads.first().map_or(head(0.5, 0).solution, |h| h.solution);
            let tolerance = next(4) as f64 / 5.0;
            assert_eq!(
                fork_choice(heads.iter(), &best, tolerance, crowd),
                fork_choice_naive(heads.iter(), &best, tolerance, crowd),
                "case {case}"
            );
        }
    }
}
