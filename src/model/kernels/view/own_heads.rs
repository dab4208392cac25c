//! Where each producer's own heads sit on its problem's row, found once per
//! step (one pass over the `M x H` heads) instead of once per producer (a
//! scan of its row's `H` heads). Under private visibility in a one-population
//! world a producer sees only the heads it holds (spec §2.3; no head is open
//! there), so these positions are all that [`HeadsSeen`](super::HeadsSeen)
//! looks at. Other rules, a world with a head of no producer, and a producer
//! with more than [`SLOTS`] heads on its row keep the scan.

use crate::model::config::Visibility;
use crate::model::heads::Heads;
use crate::model::network::Sight;

/// Positions kept per producer; one with more heads on its row keeps the scan.
pub const SLOTS: usize = 4;

/// Not indexed: the producer scans its row.
const SCAN: u8 = u8::MAX;

/// Each producer's own heads on the row of its target, best first.
#[derive(Default)]
pub struct OwnHeads {
    /// Per producer: how many of its heads are on its row, or [`SCAN`].
    count: Vec<u8>,
    /// Per producer: their positions in the row (the first `count`).
    at: Vec<[u16; SLOTS]>,
}

impl OwnHeads {
    /// Indexes the heads of the producers working on each row (`target`), if
    /// the world has one population under private visibility; else leaves
    /// every producer to its scan.
    pub fn build(&mut self, heads: &Heads, m: usize, target: &[u32], sight: &Sight) {
        let n = target.len();
        let indexed = sight.visibility == Visibility::Private && sight.mixed.is_none();
        self.count.clear();
        self.count.resize(n, if indexed { 0 } else { SCAN });
        self.at.resize(n, [0; SLOTS]);
        if !indexed {
            return;
        }
        let (count, at) = (&mut self.count[..n], &mut self.at[..n]);
        for j in 0..m {
            for (k, h) in heads.row(j).iter().enumerate() {
                let i = h.holder as usize;
                if i >= n {
                    // An open head (not made under this rule): everyone scans.
                    count.fill(SCAN);
                    return;
                }
                if target[i] as usize == j {
                    let c = count[i];
                    if (c as usize) < SLOTS && k <= u16::MAX as usize {
                        at[i][c as usize] = k as u16;
                        count[i] = c + 1;
                    } else {
                        count[i] = SCAN;
                    }
                }
            }
        }
    }

    /// Positions of producer `i`'s heads on its row, best first, or `None` if
    /// it scans.
    #[inline(always)]
    pub fn of(&self, i: usize) -> Option<&[u16]> {
        let c = self.count[i];
        (c != SCAN).then(|| &self.at[i][..c as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Regime;
    use crate::model::heads::OPEN_HOLDER;
    use crate::model::kernels::view::HeadsSeen;
    use crate::model::state::Solution;
    use proptest::prelude::*;

    fn sight(visibility: Visibility) -> Sight {
        let regime = Regime {
            visibility,
            ..Regime::default()
        };
        Sight::new(&regime, 8, 1)
    }

    /// Heads of `m` rows from offers (row, holder, lineage, quality, genome, tried).
    fn heads(m: usize, h: usize, offers: &[(usize, u32, u64, u8, u64, u64)]) -> Heads {
        let mut heads = Heads::new(m, h);
        for &(j, holder, lineage, q, genome, tried) in offers {
            let solution = Solution {
                genome: genome + 8 * q as u64,
                fitness: 0,
                quality: q as f64 / 4.0,
                lineage,
            };
            heads.offer(j, holder, solution, tried, 0, 1, |g| g, |_| false);
        }
        heads
    }

    proptest! {
        /// Indexed, a producer finds what its scan finds: the best head, each
        /// lineage's, what is known to fail from each genome, every visible head.
        #[test]
        fn the_index_finds_what_the_scan_finds(
            offers in proptest::collection::vec(
                (0usize..3, 0u32..9, 0u64..5, 0u8..4, 0u64..3, 0u64..16), 0..60),
            target in proptest::collection::vec(0u32..3, 8),
            open in any::<bool>(),
        ) {
            // Holder 8 stands for the open holder (a head of no producer).
            let offers: Vec<_> = offers
                .into_iter()
                .filter(|o| open || o.1 < 8)
                .map(|o| (o.0, if o.1 == 8 { OPEN_HOLDER } else { o.1 }, o.2, o.3, o.4, o.5))
                .collect();
            let heads = heads(3, 6, &offers);
            for visibility in [Visibility::Private, Visibility::Open, Visibility::Groups] {
                let sight = sight(visibility);
                let mut index = OwnHeads::default();
                index.build(&heads, 3, &target, &sight);
                for (i, &j) in target.iter().enumerate() {
                    let row = heads.row(j as usize);
                    let scan = HeadsSeen::of(row, &sight, &[], i, 0);
                    let own = index.of(i);
                    prop_assert!(own.is_none() || visibility == Visibility::Private);
                    let fast = scan.with_own(own);
                    let ptr = |h: Option<&crate::model::heads::Head>| h.map(|h| h as *const _);
                    prop_assert_eq!(ptr(fast.best()), ptr(scan.best()));
                    let all = |s: &HeadsSeen| s.visible().map(|h| h as *const _).collect::<Vec<_>>();
                    prop_assert_eq!(all(&fast), all(&scan));
                    for l in 0..5 {
                        prop_assert_eq!(ptr(fast.lineage(l)), ptr(scan.lineage(l)));
                    }
                    for h in row {
                        prop_assert_eq!(fast.tried(&h.solution, 1), scan.tried(&h.solution, 1));
                    }
                }
            }
        }
    }
}
