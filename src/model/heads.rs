//! Lineage heads (spec §1, docs/MODEL.md §2.2): per problem at most `H`
//! entries, one per (lineage, holder), each the best solution of its lineage as
//! that holder knows it, with the flips of its genome known to fail (`tried`)
//! and the step it last improved. Heads are what adoption copies and forks
//! weigh (spec §2.3); they keep lineages that records would forget, so that
//! pluralism can survive a full table of clones. One flat `M x H` array.

use super::config::Visibility;
use super::network::Sight;
use super::state::Solution;

/// The holder of an open head: every producer sees it.
pub const OPEN_HOLDER: u32 = u32::MAX - 1;

/// One lineage's best solution as one holder knows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Head {
    /// A producer, a group, or [`OPEN_HOLDER`].
    pub holder: u32,
    /// Step at which the head was stored or last improved.
    pub last_improved: u32,
    /// What is known to fail from the genome (see [`exhausted`]).
    pub tried: u64,
    pub solution: Solution,
}

/// The holder of producer `i`'s heads: open under open visibility, else the
/// holder of its records (itself, or its group under `groups` and `federated`).
#[inline]
pub fn head_holder(sight: &Sight, i: usize, group: u32) -> u32 {
    if sight.visibility == Visibility::Open {
        return OPEN_HOLDER;
    }
    match &sight.mixed {
        // In a mixed world, the heads of an open population's producers are open.
        Some(m) => m.head_holder(i, group),
        None => sight.holder(i, group),
    }
}

/// May producer `i` of `group` see a head of `holder` (with this step's
/// federation `links`, under `federated`)?
#[inline]
pub fn sees_head(sight: &Sight, links: &[u32], i: usize, group: u32, holder: u32) -> bool {
    holder == OPEN_HOLDER || sight.sees_holder(i, group, holder, links)
}

/// Is a genome whose known failures are `tried` a known dead end? With one-bit
/// flips `tried` is the set of flips tried without improvement (bit `b` for
/// bit `b`), exhausted when every flip is in it; with `flip_bits > 1` it counts
/// consecutive failures, exhausted at `L` (spec §2.4).
#[inline]
pub fn exhausted(tried: u64, loci: u32, flip_bits: u32) -> bool {
    if flip_bits == 1 {
        tried == mask(loci)
    } else {
        tried >= loci as u64
    }
}

/// What two producers know to fail from the same genome: the union of their
/// sets (one-bit flips), or the longer run of failures.
#[inline]
pub fn merge_tried(a: u64, b: u64, flip_bits: u32) -> u64 {
    if flip_bits == 1 { a | b } else { a.max(b) }
}

fn mask(loci: u32) -> u64 {
    if loci >= 64 {
        u64::MAX
    } else {
        (1u64 << loci) - 1
    }
}

/// Does `a` come before `b`: better, then the lower lineage id, then holder.
#[inline]
fn before(a: &Head, b: &Head) -> bool {
    let (x, y) = (&a.solution, &b.solution);
    x.quality > y.quality
        || (x.quality == y.quality
            && (x.lineage < y.lineage || (x.lineage == y.lineage && a.holder < b.holder)))
}

/// The heads of every problem, `M x H`, each row sorted by `before`.
#[derive(Clone, Debug, Default)]
pub struct Heads {
    entries: Vec<Head>,
    count: Vec<u32>,
    /// Entries kept per problem (H).
    max: usize,
}

impl Heads {
    /// Empty tables for `m` problems of at most `h` heads each.
    pub fn new(m: usize, h: usize) -> Heads {
        let empty = Head {
            holder: OPEN_HOLDER,
            last_improved: 0,
            tried: 0,
            solution: Solution {
                genome: 0,
                fitness: 0,
                quality: 0.0,
                lineage: 0,
            },
        };
        Heads {
            entries: vec![empty; m * h],
            count: vec![0; m],
            max: h,
        }
    }

    /// The heads on `j`, best first.
    #[inline]
    pub fn row(&self, j: usize) -> &[Head] {
        let h = self.max;
        &self.entries[j * h..j * h + self.count[j] as usize]
    }

    /// Offers a producer's result on `j` to the head of its lineage for
    /// `holder` (disclosure, spec §2.5). The same genome adds what it knows to
    /// fail; a better result replaces the head (an equal one this step only if
    /// its `tie` draw is lower). A new (lineage, holder) enters a full table
    /// only in place of the worst entry whose lineage is not `live` (no worker
    /// on `j` this step), and only if better than it.
    /// (Always inlined into disclosure's loop over a problem's producers.)
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub fn offer(
        &mut self,
        j: usize,
        holder: u32,
        solution: Solution,
        tried: u64,
        now: u32,
        flip_bits: u32,
        tie: impl Fn(u64) -> u64,
        live: impl Fn(u64) -> bool,
    ) {
        let h = self.max;
        let count = self.count[j] as usize;
        let row = &mut self.entries[j * h..(j + 1) * h];
        let new = Head {
            holder,
            last_improved: now,
            tried,
            solution,
        };
        let own = row[..count]
            .iter()
            .position(|e| e.solution.lineage == solution.lineage && e.holder == holder);
        let pos = if let Some(k) = own {
            let e = &mut row[k];
            if e.solution.genome == solution.genome {
                e.tried = merge_tried(e.tried, tried, flip_bits);
                return;
            }
            let (q, old) = (solution.quality, e.solution.quality);
            let wins = q > old
                || (q == old
                    && e.last_improved == now
                    && tie(solution.genome) < tie(e.solution.genome));
            if !wins {
                return;
            }
            k
        } else if count < h {
            self.count[j] += 1;
            count
        } else {
            match (0..h).rev().find(|&k| !live(row[k].solution.lineage)) {
                Some(k) if before(&new, &row[k]) => k,
                _ => return,
            }
        };
        row[pos] = new;
        // The entry only rose (an equal one keeps its place: the order does not
        // look at genomes): move it up past every entry it now comes before.
        let mut k = pos;
        while k > 0 && before(&row[k], &row[k - 1]) {
            row.swap(k - 1, k);
            k -= 1;
        }
    }

    /// Drops the heads of holders marked in `gone` (producers who exit take
    /// their private knowledge with them); open heads stay.
    pub fn drop_holders(&mut self, j: usize, gone: &[bool]) {
        let h = self.max;
        let count = self.count[j] as usize;
        let row = &mut self.entries[j * h..(j + 1) * h];
        let mut kept = 0;
        for k in 0..count {
            let holder = row[k].holder as usize;
            if holder >= gone.len() || !gone[holder] {
                row[kept] = row[k];
                kept += 1;
            }
        }
        self.count[j] = kept as u32;
    }

    /// After a shock: every head of `j` is evaluated again by `eval`, what was
    /// known to fail is forgotten (the landscape changed), and the row sorted.
    pub fn reevaluate(&mut self, j: usize, eval: impl Fn(&mut Solution)) {
        let h = self.max;
        let count = self.count[j] as usize;
        let row = &mut self.entries[j * h..j * h + count];
        for e in row.iter_mut() {
            eval(&mut e.solution);
            e.tried = 0;
        }
        row.sort_by(|a, b| {
            if before(a, b) {
                std::cmp::Ordering::Less
            } else if before(b, a) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sol(quality: f64, lineage: u64, genome: u64) -> Solution {
        Solution {
            genome,
            fitness: 0,
            quality,
            lineage,
        }
    }

    fn lineages(h: &Heads) -> Vec<(u64, u32)> {
        h.row(0)
            .iter()
            .map(|e| (e.solution.lineage, e.holder))
            .collect()
    }

    const NONE_LIVE: fn(u64) -> bool = |_| false;

    #[test]
    fn a_head_is_kept_per_lineage_and_holder_best_first() {
        let mut h = Heads::new(1, 4);
        let tie = |g: u64| g;
        h.offer(0, 1, sol(0.5, 7, 1), 0b01, 3, 1, tie, NONE_LIVE);
        h.offer(0, 2, sol(0.6, 7, 2), 0, 3, 1, tie, NONE_LIVE);
        h.offer(0, 1, sol(0.6, 8, 3), 0, 3, 1, tie, NONE_LIVE);
        // Equal quality: the lower lineage first, then the lower holder.
        assert_eq!(lineages(&h), vec![(7, 2), (8, 1), (7, 1)]);
        // The same genome adds what it knows to fail; a worse result is ignored.
        h.offer(0, 1, sol(0.5, 7, 1), 0b10, 4, 1, tie, NONE_LIVE);
        h.offer(0, 1, sol(0.4, 7, 9), 0, 4, 1, tie, NONE_LIVE);
        let e = h.row(0)[2];
        assert_eq!((e.solution.genome, e.tried, e.last_improved), (1, 0b11, 3));
        // A better one replaces it, with its own tried set, and moves up.
        h.offer(0, 1, sol(0.9, 7, 5), 0b100, 5, 1, tie, NONE_LIVE);
        let e = h.row(0)[0];
        assert_eq!((e.solution.genome, e.tried, e.last_improved), (5, 0b100, 5));
        assert_eq!(lineages(&h), vec![(7, 1), (7, 2), (8, 1)]);
        // An equal result of another genome replaces it only in the step it
        // improved, and only if its tie draw is lower.
        h.offer(0, 1, sol(0.9, 7, 4), 0, 5, 1, tie, NONE_LIVE);
        assert_eq!(h.row(0)[0].solution.genome, 4);
        h.offer(0, 1, sol(0.9, 7, 3), 0, 6, 1, tie, NONE_LIVE);
        assert_eq!(h.row(0)[0].solution.genome, 4);
    }

    #[test]
    fn a_full_table_replaces_its_worst_idle_head_only_if_better() {
        let tie = |g: u64| g;
        let mut h = Heads::new(1, 3);
        for (q, l) in [(0.9, 1), (0.5, 2), (0.3, 3)] {
            h.offer(0, OPEN_HOLDER, sol(q, l, l), 0, 0, 1, tie, NONE_LIVE);
        }
        // Worse than the worst idle head (lineage 3): not stored.
        h.offer(0, OPEN_HOLDER, sol(0.2, 4, 4), 0, 1, 1, tie, NONE_LIVE);
        assert_eq!(lineages(&h).len(), 3);
        assert!(!lineages(&h).contains(&(4, OPEN_HOLDER)));
        // Lineage 3 has workers: the worst idle head is lineage 2 (0.5); a
        // candidate at 0.4 does not beat it, one at 0.6 replaces it.
        let live = |l: u64| l == 3;
        h.offer(0, OPEN_HOLDER, sol(0.4, 5, 5), 0, 1, 1, tie, live);
        assert_eq!(
            lineages(&h).iter().map(|x| x.0).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        h.offer(0, OPEN_HOLDER, sol(0.6, 5, 5), 0, 1, 1, tie, live);
        assert_eq!(
            lineages(&h).iter().map(|x| x.0).collect::<Vec<_>>(),
            [1, 5, 3]
        );
        // Every lineage live: nothing is replaced, however good.
        h.offer(0, OPEN_HOLDER, sol(0.99, 6, 6), 0, 1, 1, tie, |_| true);
        assert_eq!(
            lineages(&h).iter().map(|x| x.0).collect::<Vec<_>>(),
            [1, 5, 3]
        );
    }

    #[test]
    fn exits_remove_private_heads_and_shocks_forget_what_failed() {
        let tie = |g: u64| g;
        let mut h = Heads::new(1, 4);
        h.offer(0, 0, sol(0.5, 1, 1), 0b1, 0, 1, tie, NONE_LIVE);
        h.offer(0, 1, sol(0.6, 1, 2), 0b1, 0, 1, tie, NONE_LIVE);
        h.offer(0, OPEN_HOLDER, sol(0.7, 2, 3), 0b1, 0, 1, tie, NONE_LIVE);
        h.drop_holders(0, &[false, true]);
        assert_eq!(lineages(&h), vec![(2, OPEN_HOLDER), (1, 0)]);
        // Re-evaluated on a new landscape: lineage 1 is now the better.
        h.reevaluate(0, |s| s.quality = 1.0 - s.quality);
        assert_eq!(lineages(&h), vec![(1, 0), (2, OPEN_HOLDER)]);
        assert!(h.row(0).iter().all(|e| e.tried == 0));
    }

    #[test]
    fn dead_ends() {
        assert!(exhausted(0b1111, 4, 1));
        assert!(!exhausted(0b0111, 4, 1));
        assert!(exhausted(u64::MAX, 64, 1));
        assert!(!exhausted(3, 4, 2) && exhausted(4, 4, 2));
        assert_eq!(merge_tried(0b01, 0b10, 1), 0b11);
        assert_eq!(merge_tried(2, 3, 2), 3);
    }
}
