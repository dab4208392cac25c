//! The lineage heads a producer may see (spec §2.3), with the visibility
//! rule decided once per producer ([`HeadsSeen::of`]).

use crate::model::config::Visibility;
use crate::model::heads::{Head, OPEN_HOLDER, merge_tried};
use crate::model::network::{NO_LINK, Sight};
use crate::model::state::{Problems, Producers, Solution};

/// The lineage heads on one problem that producer `i` may see (spec §2.3):
/// open heads, and those of holders it may see (its own, its group's, its
/// neighbours'), best first.
#[derive(Clone, Copy)]
pub struct HeadsSeen<'a> {
    pub row: &'a [Head],
    sight: &'a Sight,
    i: usize,
    /// Every head is visible (open visibility).
    all: bool,
    /// The holder whose heads are the producer's own: itself or its group.
    mine: u32,
    /// The group seen this step through a federation link ([`OPEN_HOLDER`] if none).
    link: u32,
    /// Heads of other producer holders may be visible: through the graph
    /// (network visibility), or in a mixed world by their holder's rule.
    beyond: Beyond,
    /// A mixed world's rule of each producer holder (empty otherwise).
    rules: &'a [Visibility],
    /// The positions of every visible head, best first, if indexed
    /// ([`OwnHeads`](super::OwnHeads)); else the row is scanned.
    own: Option<&'a [u16]>,
}

/// Which producer holders beyond `mine` and `link` a producer may see.
#[derive(Clone, Copy, PartialEq)]
enum Beyond {
    None,
    /// Its graph neighbours (network visibility, one population).
    Graph,
    /// By each holder's rule (a mixed world, spec §5).
    Mixed,
}

impl<'a> HeadsSeen<'a> {
    /// What producer `i` of `p` may see of the heads on `j`. (Always inlined,
    /// as [`HeadsSeen::of`]: out of line, building it cost about 65
    /// instructions a producer, most of them moving the struct through memory.)
    #[inline(always)]
    pub fn new(
        q: &'a Problems,
        sight: &'a Sight,
        links: &'a [u32],
        p: &Producers,
        i: usize,
        j: usize,
    ) -> Self {
        Self::of(q.heads.row(j), sight, links, i, p.group[i])
    }

    /// What producer `i` of `group` may see of the heads in `row` (with this
    /// step's federation `links`). The visibility rule is decided here once,
    /// so that each head costs a few compares ([`sees_head`](crate::model::heads::sees_head) is the reference).
    #[inline(always)]
    pub fn of(row: &'a [Head], sight: &'a Sight, links: &[u32], i: usize, group: u32) -> Self {
        let v = sight.visibility;
        let link = match (v, &sight.mixed) {
            (Visibility::Federated, _) => links.get(group as usize).copied().unwrap_or(OPEN_HOLDER),
            // A mixed world (spec §5): a federated group's link, as a group holder.
            (_, Some(m)) => match links.get(group as usize) {
                Some(&l) if l != NO_LINK => m.group_base + l,
                _ => OPEN_HOLDER,
            },
            _ => OPEN_HOLDER,
        };
        let (beyond, rules) = match (&sight.mixed, v) {
            (Some(m), _) => (Beyond::Mixed, &m.rules[..]),
            (None, Visibility::Network) if sight.graph.is_some() => (Beyond::Graph, &[][..]),
            _ => (Beyond::None, &[][..]),
        };
        // `Sight::holder` would call the out-of-line `MixedSight::holder`.
        let mine = match &sight.mixed {
            Some(m) => m.own_holder(i, group),
            None => sight.holder(i, group),
        };
        HeadsSeen {
            row,
            sight,
            i,
            all: v == Visibility::Open,
            mine,
            link,
            beyond,
            rules,
            own: None,
        }
    }

    /// The same, with the positions of the visible heads known
    /// ([`OwnHeads::of`](super::OwnHeads::of)).
    #[inline(always)]
    pub fn with_own(self, own: Option<&'a [u16]>) -> Self {
        HeadsSeen { own, ..self }
    }

    /// May the producer see a head of `holder`? Equal to [`sees_head`](crate::model::heads::sees_head).
    #[inline(always)]
    pub(super) fn sees(&self, holder: u32) -> bool {
        self.all
            || holder == OPEN_HOLDER
            || holder == self.mine
            || holder == self.link
            || (self.beyond != Beyond::None && self.beyond(holder))
    }

    /// May the producer see a head of a producer `holder` other than its own?
    /// In a mixed world, by that holder's population's rule (group holders are
    /// `mine` or `link`); under network visibility, if they are linked.
    #[inline(always)]
    fn beyond(&self, holder: u32) -> bool {
        if self.beyond == Beyond::Graph {
            return self.linked(holder);
        }
        holder as usize == self.i
            || match self.rules.get(holder as usize) {
                Some(Visibility::Open) => true,
                Some(Visibility::Network) => self.linked(holder),
                _ => false,
            }
    }

    /// Is the producer linked to `holder` in the collaboration graph (in a
    /// mixed world, or in the same circle)?
    #[cold]
    fn linked(&self, holder: u32) -> bool {
        let graph = self.sight.graph.as_ref();
        match &self.sight.mixed {
            Some(m) => m.linked(graph, self.i, holder as usize),
            None => graph.is_some_and(|g| g.linked(self.i, holder as usize)),
        }
    }

    /// The visible heads, best first (always by the scan: the fork rule's
    /// and merges' walk, not worth two kinds of iterator).
    #[inline]
    pub fn visible(&self) -> impl Iterator<Item = &'a Head> + '_ {
        self.row.iter().filter(move |h| self.sees(h.holder))
    }

    /// The best visible head.
    #[inline]
    pub fn best(&self) -> Option<&'a Head> {
        match self.own {
            Some(own) => own.first().map(|&k| &self.row[k as usize]),
            None => self.row.iter().find(|h| self.sees(h.holder)),
        }
    }

    /// The head of `lineage` for producer `i`: its best visible entry. (A
    /// plain loop, always inlined: adoption's loops call it per producer, and
    /// the lineage is compared before visibility is looked up.)
    #[inline(always)]
    #[allow(clippy::manual_find)] // `find` was left out of line (callgrind: +15 % in adoption)
    pub fn lineage(&self, lineage: u64) -> Option<&'a Head> {
        if let Some(own) = self.own {
            for &k in own {
                let h = &self.row[k as usize];
                if h.solution.lineage == lineage {
                    return Some(h);
                }
            }
            return None;
        }
        for h in self.row {
            if h.solution.lineage == lineage && self.sees(h.holder) {
                return Some(h);
            }
        }
        None
    }

    /// What the visible heads know to fail from `s`'s genome (every head on
    /// that genome, whatever its lineage: the landscape is the problem's).
    /// Equal genomes have equal quality, so only the heads of `s`'s quality
    /// are looked at.
    #[inline]
    pub fn tried(&self, s: &Solution, flip_bits: u32) -> u64 {
        let on = |h: &Head| h.solution.quality == s.quality && h.solution.genome == s.genome;
        if let Some(own) = self.own {
            let heads = own.iter().map(|&k| &self.row[k as usize]);
            return heads
                .filter(|h| on(h))
                .fold(0, |known, h| merge_tried(known, h.tried, flip_bits));
        }
        // Most starts are of the row's best quality (the best head, copied):
        // then the run starts at 0 without the binary search.
        let first = match self.row.first() {
            Some(h) if h.solution.quality > s.quality => {
                self.row.partition_point(|h| h.solution.quality > s.quality)
            }
            _ => 0,
        };
        self.row[first..]
            .iter()
            .take_while(|h| h.solution.quality == s.quality)
            .filter(|h| h.solution.genome == s.genome && self.sees(h.holder))
            .fold(0, |known, h| merge_tried(known, h.tried, flip_bits))
    }
}
