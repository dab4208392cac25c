//! What a producer may see on its problem under the regime's visibility rule
//! (spec §2.3, docs/MODEL.md §7.3): the open solution, the records its rule
//! shows, its own solution, and under `network` its neighbours' work.
//!
//! [`View::visit`] is the rule itself; [`View::best`] and [`View::lineage_best`]
//! find the first best of what it visits without visiting everything when the
//! rule allows (records are sorted best first). Their references,
//! [`View::best_naive`] and [`View::lineage_best_naive`], visit everything; the
//! tests compare them.

use std::hint::select_unpredictable;

use crate::model::config::Visibility;
use crate::model::csr::Csr;
use crate::model::network::{Graph, Sight};
use crate::model::state::{Problems, Producers, Record, Solution};

/// At most this many workers on a problem are looked at through a complete graph,
/// so that seeing "everybody" stays `O(1)` per producer.
const COMPLETE_GRAPH_LOOK: usize = 64;

/// Solutions one producer may see, for rules that weigh them (the fork rule).
pub trait Visible {
    /// Calls `f` on every visible solution, in a fixed order.
    fn visit(&self, f: impl FnMut(&Solution));
}

/// What producer `i` may see on problem `j`.
pub struct Seen<'a> {
    pub view: &'a View<'a>,
    pub i: usize,
    pub j: usize,
}

impl Visible for Seen<'_> {
    #[inline]
    fn visit(&self, f: impl FnMut(&Solution)) {
        self.view.visit(self.i, self.j, f);
    }
}

/// What producers may see of the state: the visibility rule of adoption.
pub struct View<'a> {
    pub p: &'a Producers,
    /// Who took a new target this step (their solutions of before do not count).
    pub switched: &'a [bool],
    pub q: &'a Problems,
    pub sight: &'a Sight,
    /// This step's federation links between groups (`federated` only).
    pub links: &'a [u32],
    /// Producers by target.
    pub teams: &'a Csr,
    /// In a mixed world with circles (complete networks), their members by
    /// target and circle ([`MixedSight::circle_keys`](crate::model::network::MixedSight::circle_keys)).
    pub circles: &'a Csr,
}

impl View<'_> {
    /// Calls `f` on every solution on `j` that producer `i` may see.
    #[inline]
    pub fn visit(&self, i: usize, j: usize, mut f: impl FnMut(&Solution)) {
        let (p, q, sight) = (self.p, self.q, self.sight);
        if let Some(s) = &q.open[j] {
            f(s);
        }
        let records = q.records(j);
        // The common rules are decided once per producer, not once per record.
        match sight.visibility {
            Visibility::Open => records.iter().for_each(|rec| f(&rec.solution)),
            Visibility::Private | Visibility::Groups => {
                if let Some(rec) = record_of(records, sight.holder(i, p.group[i])) {
                    f(&rec.solution);
                }
            }
            Visibility::Network | Visibility::Federated => {
                let group = p.group[i];
                if let Some(m) = sight.mixed.as_deref() {
                    // A mixed world: the rule decided once per producer, then
                    // each record's holder by its population's rule.
                    let seen = MixedHolders::of(m, sight.graph.as_ref(), i, group, self.links);
                    for rec in records {
                        if seen.sees(rec.holder) {
                            f(&rec.solution);
                        }
                    }
                } else {
                    for rec in records {
                        if sight.sees_holder(i, group, rec.holder, self.links) {
                            f(&rec.solution);
                        }
                    }
                }
            }
        }
        if !self.switched[i] {
            f(&p.solution(i));
        }
        if sight.visibility == Visibility::Network {
            let mut neighbour = |b: usize| {
                if b != i && p.target[b] as usize == j && !self.switched[b] {
                    f(&p.solution(b));
                }
            };
            let circle = sight
                .mixed
                .as_deref()
                .and_then(|m| Some((m, m.circle_of(i)?)));
            let neighbours = match (circle, &sight.graph) {
                // A mixed world's circle: its members on `j`, as through a
                // complete graph.
                (Some((m, c)), _) => looked_at(self.circles.on(j * m.circles + c as usize)),
                (None, Some(Graph::Complete)) => looked_at(self.teams.on(j)),
                (None, Some(g)) => g.neighbours(i),
                (None, None) => &[],
            };
            for &b in neighbours {
                neighbour(b as usize);
            }
        }
    }

    /// The first best solution of `lineage` on `j` that producer `i` may see, in
    /// the order of [`View::visit`] after `start`. Under open visibility the
    /// records are sorted best first, so the first of the lineage is its best
    /// and the others need not be looked at.
    #[inline]
    pub fn lineage_best(
        &self,
        i: usize,
        j: usize,
        lineage: u64,
        start: Option<Solution>,
    ) -> Option<Solution> {
        let open = self.q.open[j].as_ref().filter(|s| s.lineage == lineage);
        let records = self.q.records(j);
        let record = if self.sight.visibility == Visibility::Open {
            records.iter().find(|r| r.solution.lineage == lineage)
        } else if let Some(seen) = self.mixed_holders(i) {
            // A mixed world without a graph: the first visible record of the
            // lineage is its best visible, as under open visibility.
            let mut visible = records.iter().filter(|r| seen.sees(r.holder));
            visible.find(|r| r.solution.lineage == lineage)
        } else {
            let mut best = start;
            self.visit(i, j, |s: &Solution| {
                if s.lineage == lineage && best.is_none_or(|b| s.quality > b.quality) {
                    best = Some(*s);
                }
            });
            return best;
        };
        let shared = [open, record.map(|r| &r.solution)];
        self.first_best(i, start.as_ref(), shared, |own| own == lineage)
    }

    /// In a mixed world without a collaboration graph, the holders producer
    /// `i` may see if it has no neighbours' work to look at besides the
    /// records (it is in no circle).
    #[inline]
    fn mixed_holders(&self, i: usize) -> Option<MixedHolders<'_>> {
        match (self.sight.mixed.as_deref(), &self.sight.graph) {
            (Some(m), None) if m.circles == 0 || m.circle_of(i).is_none() => {
                Some(MixedHolders::of(m, None, i, self.p.group[i], self.links))
            }
            _ => None,
        }
    }

    /// The first best solution on `j` that producer `i` may see, in the order of
    /// [`View::visit`]. Under open visibility the records are all visible and
    /// sorted best first, so their first is the best of them and the others need
    /// not be looked at; under private and group visibility only one record is
    /// visible (its own, or its group's).
    #[inline]
    pub fn best(&self, i: usize, j: usize) -> Option<Solution> {
        let open = self.q.open[j].as_ref();
        let records = self.q.records(j);
        match self.sight.visibility {
            Visibility::Open => {
                let first = records.first().map(|r| &r.solution);
                return self.first_best(i, None, [open, first], |_| true);
            }
            Visibility::Private | Visibility::Groups => {
                let holder = self.sight.holder(i, self.p.group[i]);
                let mine = record_of(records, holder).map(|r| &r.solution);
                return self.first_best(i, None, [open, mine], |_| true);
            }
            Visibility::Network | Visibility::Federated => {
                if let Some(seen) = self.mixed_holders(i) {
                    // Records are sorted best first: the first visible is the
                    // best visible.
                    let first = records.iter().find(|r| seen.sees(r.holder));
                    return self.first_best(i, None, [open, first.map(|r| &r.solution)], |_| true);
                }
            }
        }
        // A select rather than a branch: which candidate is best is data.
        let mut best: Option<Solution> = None;
        self.visit(i, j, |s| {
            let better = best.is_none_or(|b| s.quality > b.quality);
            best = select_unpredictable(better, Some(*s), best);
        });
        best
    }

    /// The first best of `start`, the `shared` solutions and producer `i`'s own
    /// (if it did not just switch and `own_counts` of its lineage), in that order.
    /// Candidates are compared by reference, so only the winner is copied.
    #[inline]
    fn first_best(
        &self,
        i: usize,
        start: Option<&Solution>,
        shared: [Option<&Solution>; 2],
        own_counts: impl Fn(u64) -> bool,
    ) -> Option<Solution> {
        let mut best = start;
        for s in shared.into_iter().flatten() {
            if best.is_none_or(|b| s.quality > b.quality) {
                best = Some(s);
            }
        }
        let p = self.p;
        let own = !self.switched[i]
            && own_counts(p.lineage[i])
            && best.is_none_or(|b| p.quality[i] > b.quality);
        if own {
            Some(p.solution(i))
        } else {
            best.copied()
        }
    }

    /// The reference of [`View::best`]: the first best of all that
    /// [`View::visit`] visits.
    pub fn best_naive(&self, i: usize, j: usize) -> Option<Solution> {
        self.lineage_best_naive(i, j, None, None)
    }

    /// The reference of [`View::lineage_best`]: the first best of `start` and
    /// all that [`View::visit`] visits of `lineage` (any lineage if `None`).
    pub fn lineage_best_naive(
        &self,
        i: usize,
        j: usize,
        lineage: Option<u64>,
        start: Option<Solution>,
    ) -> Option<Solution> {
        let mut best = start;
        self.visit(i, j, |s| {
            let counts = lineage.is_none_or(|l| s.lineage == l);
            if counts && best.is_none_or(|b| s.quality > b.quality) {
                best = Some(*s);
            }
        });
        best
    }
}

/// The workers on a problem looked at through a complete graph: the first
/// [`COMPLETE_GRAPH_LOOK`].
#[inline]
fn looked_at(on: &[u32]) -> &[u32] {
    &on[..on.len().min(COMPLETE_GRAPH_LOOK)]
}

/// The record of `holder` among `records`, if it has one (a holder has at most
/// one). Under private visibility a producer sees only its own record, and
/// under groups only its group's. Found by a select rather than a branch per
/// record, which would mispredict where it sits.
#[inline]
fn record_of(records: &[Record], holder: u32) -> Option<&Record> {
    let mut mine = None;
    for rec in records {
        mine = select_unpredictable(rec.holder == holder, Some(rec), mine);
    }
    mine
}

mod heads_seen;
mod mixed;
mod own_heads;
pub use heads_seen::HeadsSeen;
pub use mixed::MixedHolders;
pub use own_heads::OwnHeads;

#[cfg(test)]
mod tests;
