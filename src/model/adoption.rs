//! Phase 3, adoption (MODEL.md §2.3): what a producer starts from. Knowledge is
//! non-rival, so copying a visible solution costs no trial; what a producer may
//! see is the regime's visibility rule. Lineages record which random genome a
//! solution descends from, so forks (pluralism) and monocultures can be told apart.

use std::hint::select_unpredictable;

use rand::RngExt;
use rand::distr::Bernoulli;

use super::config::{Adopt, Allocation, Visibility};
use super::network::{Graph, Sight};
use super::rng::{Phase, Stream, Streams};
use super::simulation::{PROBLEM_ENTITY, Simulation};
use super::state::{Problems, Producers, Record, Solution, Teams, map_into};

/// At most this many workers on a problem are looked at through a complete graph,
/// so that seeing "everybody" stays `O(1)` per producer.
const COMPLETE_GRAPH_LOOK: usize = 64;

/// A new lineage id, unique per (step, entity).
#[inline]
pub(crate) fn lineage_id(t: u32, entity: u64) -> u64 {
    ((t as u64 + 1) << 42) + entity
}

/// What a producer ends adoption with.
#[derive(Clone, Copy)]
pub(crate) struct Start {
    solution: Solution,
    sees_frontier: bool,
    /// Started a planned team lineage from a random genome.
    new_team_lineage: bool,
}

pub(super) fn run(sim: &mut Simulation) {
    sim.problems
        .frontier_start
        .copy_from_slice(&sim.problems.frontier);
    let t = sim.time;
    let seed = sim.seed;
    let r = &sim.config.regime;
    let (nk, tables) = (&sim.nk, &sim.tables);
    let (p, q, sight, teams) = (&sim.producers, &sim.problems, &sim.sight, &sim.teams);
    let plan = r.allocation == Allocation::Plan;
    let k = r.plan_lineages as usize;

    let view = View { p, q, sight, teams };

    let streams = Streams::new(seed, t, Phase::Adoption);
    // Built once, drawn like `random_bool(adopt_prob)`.
    let adopts = Bernoulli::new(r.adopt_prob).expect("validated probability");
    let starts = &mut sim.buffers.starts;
    map_into(p.len(), starts, |i| {
        let j = p.target[i] as usize;
        let mut rng = streams.get(i as u64);
        let best = view.best(i, j);
        let sees_frontier = best.is_some_and(|b| b.quality >= q.frontier_start[j]);
        let current = p.solution(i);
        let switched = p.switched[i];
        let random = |rng: &mut Stream, entity: u64| {
            let genome = rng.random::<u64>() & nk.genome_mask();
            let fitness = tables.landscape(nk, j, q.landscape[j]).fitness(genome);
            Solution {
                genome,
                fitness,
                quality: nk.quality(fitness),
                lineage: lineage_id(t, entity),
            }
        };
        let keep = |solution| Start {
            solution,
            sees_frontier,
            new_team_lineage: false,
        };

        if plan {
            // Member k of the team follows team lineage k mod plan_lineages.
            let slot = j * k + p.team_rank[i] as usize % k;
            let lineage = q.plan_lineage[slot];
            let lineage_best = if lineage != 0 {
                view.lineage_best(i, j, lineage, None)
            } else {
                None
            };
            return match lineage_best {
                // Newcomers and members of another lineage join the team's lineage.
                Some(b) if switched || current.lineage != lineage => keep(b),
                Some(b) => {
                    // As under `best`: both tests, then a select (no coin-flip branch).
                    let adopt = rng.sample(adopts) & (b.quality > current.quality);
                    keep(if adopt { b } else { current })
                }
                None if switched => {
                    // Every member of the slot draws the same genome from the slot's stream.
                    let entity = PROBLEM_ENTITY + slot as u64;
                    let mut slot_rng = streams.get(entity);
                    Start {
                        solution: random(&mut slot_rng, entity),
                        sees_frontier,
                        new_team_lineage: true,
                    }
                }
                _ => keep(current),
            };
        }

        let Some(best) = best else {
            return keep(if switched {
                random(&mut rng, i as u64)
            } else {
                current
            });
        };
        match (r.adopt, switched) {
            (Adopt::Best, true) => keep(best),
            (Adopt::Best, false) => {
                // Both tests are evaluated (no short circuit): a coin flip is a
                // branch that mispredicts half the time.
                let adopt = rng.sample(adopts) & (best.quality > current.quality);
                keep(if adopt { best } else { current })
            }
            (Adopt::Fork, true) => {
                // Join the least crowded lineage whose best is within tolerance of the best.
                let floor = best.quality - r.fork_tolerance;
                let mut choice = best;
                let mut choice_crowd = usize::MAX;
                // Every member of a lineage leads to the same crowd and best, which
                // cannot displace an equal choice: each lineage is weighed once
                // (the first few remembered), not once per member.
                let mut weighed = [0u64; 8];
                let mut n_weighed = 0;
                view.visit(i, j, |c| {
                    if c.quality < floor || weighed[..n_weighed].contains(&c.lineage) {
                        return;
                    }
                    if n_weighed < weighed.len() {
                        weighed[n_weighed] = c.lineage;
                        n_weighed += 1;
                    }
                    let mut crowd = 0;
                    let mut lineage_best = *c;
                    view.visit(i, j, |s| {
                        if s.lineage == c.lineage {
                            crowd += 1;
                            if s.quality > lineage_best.quality {
                                lineage_best = *s;
                            }
                        }
                    });
                    if crowd < choice_crowd
                        || (crowd == choice_crowd && lineage_best.quality > choice.quality)
                    {
                        choice = lineage_best;
                        choice_crowd = crowd;
                    }
                });
                keep(choice)
            }
            (Adopt::Fork, false) => {
                if !rng.sample(adopts) {
                    return keep(current);
                }
                let lineage_best = view
                    .lineage_best(i, j, current.lineage, Some(current))
                    .unwrap_or(current);
                if best.quality > lineage_best.quality + r.fork_tolerance {
                    keep(best)
                } else {
                    keep(lineage_best)
                }
            }
        }
    });

    let p = &mut sim.producers;
    // Arrays cut to `n`, so that the loop's indices need no bounds checks.
    let n = starts.len();
    let (genome, fitness, quality) = (&mut p.genome[..n], &mut p.fitness[..n], &mut p.quality[..n]);
    let (lineage, start_quality) = (&mut p.lineage[..n], &mut p.start_quality[..n]);
    let sees = &mut p.sees_frontier[..n];
    for (i, s) in starts.iter().enumerate() {
        genome[i] = s.solution.genome;
        fitness[i] = s.solution.fitness;
        quality[i] = s.solution.quality;
        lineage[i] = s.solution.lineage;
        start_quality[i] = s.solution.quality;
        sees[i] = s.sees_frontier;
    }
    if plan {
        let q = &mut sim.problems;
        for (i, s) in starts.iter().enumerate() {
            let slot = p.target[i] as usize * k + p.team_rank[i] as usize % k;
            if s.new_team_lineage || q.plan_lineage[slot] == 0 {
                q.plan_lineage[slot] = s.solution.lineage;
            }
        }
    }
}

/// What producers may see of the state, for the visibility rule of adoption.
struct View<'a> {
    p: &'a Producers,
    q: &'a Problems,
    sight: &'a Sight,
    teams: &'a Teams,
}

impl View<'_> {
    /// Calls `f` on every solution on `j` that producer `i` may see.
    #[inline]
    fn visit(&self, i: usize, j: usize, mut f: impl FnMut(&Solution)) {
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
            Visibility::Network => {
                let group = p.group[i];
                for rec in records {
                    if sight.sees_holder(i, group, rec.holder) {
                        f(&rec.solution);
                    }
                }
            }
        }
        if !p.switched[i] {
            f(&p.solution(i));
        }
        if sight.visibility == Visibility::Network {
            let mut neighbour = |b: usize| {
                if b != i && p.target[b] as usize == j && !p.switched[b] {
                    f(&p.solution(b));
                }
            };
            match &sight.graph {
                Some(Graph::Complete) => {
                    for &b in self.teams.on(j).iter().take(COMPLETE_GRAPH_LOOK) {
                        neighbour(b as usize);
                    }
                }
                Some(g) => {
                    for &b in g.neighbours(i) {
                        neighbour(b as usize);
                    }
                }
                None => {}
            }
        }
    }

    /// The first best solution of `lineage` on `j` that producer `i` may see, in
    /// the order of [`View::visit`] after `start`. Under open visibility the
    /// records are sorted best first, so the first of the lineage is its best
    /// and the others need not be looked at.
    #[inline]
    fn lineage_best(
        &self,
        i: usize,
        j: usize,
        lineage: u64,
        start: Option<Solution>,
    ) -> Option<Solution> {
        let mut best = start;
        let consider = |s: &Solution| {
            if s.lineage == lineage && best.is_none_or(|b| s.quality > b.quality) {
                best = Some(*s);
            }
        };
        if self.sight.visibility != Visibility::Open {
            self.visit(i, j, consider);
            return best;
        }
        let open = self.q.open[j].as_ref();
        let records = self.q.records(j).iter().map(|r| &r.solution);
        let record = records.clone().find(|s| s.lineage == lineage);
        let shared = [open.filter(|s| s.lineage == lineage), record];
        self.first_best(i, start.as_ref(), shared, |own| own == lineage)
    }

    /// The first best solution on `j` that producer `i` may see, in the order of
    /// [`View::visit`]. Under open visibility the records are all visible and
    /// sorted best first, so their first is the best of them and the others need
    /// not be looked at; under private and group visibility only one record is
    /// visible (its own, or its group's).
    #[inline]
    fn best(&self, i: usize, j: usize) -> Option<Solution> {
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
            Visibility::Network => {}
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
        let own = !p.switched[i]
            && own_counts(p.lineage[i])
            && best.is_none_or(|b| p.quality[i] > b.quality);
        if own {
            Some(p.solution(i))
        } else {
            best.copied()
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn solution(quality: f64, lineage: u64) -> Solution {
        Solution {
            genome: lineage,
            fitness: 0,
            quality,
            lineage,
        }
    }

    /// Producers 0 and 1 are in group 0, producer 2 in group 1. Problem 0 holds
    /// records of holders 1 (quality 0.9) and 0 (0.5), best first; nothing is open.
    fn world(own_quality: f64) -> (Producers, Problems) {
        let mut p = Producers {
            group: vec![0, 0, 1],
            target: vec![0; 3],
            switched: vec![false; 3],
            ..Producers::default()
        };
        for (i, q) in [own_quality, 0.1, 0.2].into_iter().enumerate() {
            let s = solution(q, 10 + i as u64);
            p.genome.push(s.genome);
            p.fitness.push(s.fitness);
            p.quality.push(s.quality);
            p.lineage.push(s.lineage);
        }
        let record = |holder, q| Record {
            holder,
            created: 0,
            solution: solution(q, 100 + holder as u64),
        };
        let problems = Problems {
            open: vec![None],
            records: vec![
                record(1, 0.9),
                record(0, 0.5),
                record(0, 0.0),
                record(0, 0.0),
            ],
            record_count: vec![2],
            max_records: 4,
            ..Problems::default()
        };
        (p, problems)
    }

    fn best(visibility: Visibility, own_quality: f64, i: usize) -> Option<Solution> {
        let (p, q) = world(own_quality);
        let sight = Sight {
            visibility,
            graph: None,
        };
        let teams = Teams::default();
        let view = View {
            p: &p,
            q: &q,
            sight: &sight,
            teams: &teams,
        };
        view.best(i, 0)
    }

    #[test]
    fn each_visibility_sees_what_its_rule_allows() {
        let quality = |s: Option<Solution>| s.map(|s| s.quality);
        // Open: every record. Private: the producer's own record (holder = producer).
        assert_eq!(quality(best(Visibility::Open, 0.3, 0)), Some(0.9));
        assert_eq!(quality(best(Visibility::Private, 0.3, 0)), Some(0.5));
        assert_eq!(quality(best(Visibility::Private, 0.3, 1)), Some(0.9));
        assert_eq!(quality(best(Visibility::Private, 0.3, 2)), Some(0.2));
        // Groups: only the group's record (holder = group), never another group's.
        assert_eq!(quality(best(Visibility::Groups, 0.3, 0)), Some(0.5));
        assert_eq!(quality(best(Visibility::Groups, 0.3, 1)), Some(0.5));
        assert_eq!(quality(best(Visibility::Groups, 0.3, 2)), Some(0.9));
        // One's own solution counts when it is better than what is visible.
        let own = best(Visibility::Groups, 0.7, 0).expect("own solution");
        assert_eq!((own.quality, own.lineage), (0.7, 10));
    }
}
