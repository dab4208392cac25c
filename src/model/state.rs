//! The state of a run that persists from step to step (spec §1, docs/MODEL.md
//! §2), in flat arrays: producers as a struct of arrays, problems with their
//! held solution records in one `M x S` array, and what the run fixes at its
//! start. What one step produces (effort, income, sales...) is in `flows`.

use std::collections::VecDeque;
use std::hint::select_unpredictable;

use super::config::Regime;
use super::heads::Heads;
use super::network::Sight;
use super::populations::Layout;
use crate::model::csr::Csr;

/// Marks "no lineage" and "no producer".
pub const NONE: u32 = u32::MAX;

/// A solution: a genome, its exact fitness and quality, and its lineage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Solution {
    pub genome: u64,
    pub fitness: u64,
    pub quality: f64,
    /// Id of the random genome this one descends from.
    pub lineage: u64,
}

/// A held solution: a solution known to a holder (a producer, or a group).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    pub holder: u32,
    /// Step at which the holder reached this quality.
    pub created: u32,
    pub solution: Solution,
}

/// Producers as a struct of arrays (index = slot; an entrant reuses the slot).
#[derive(Clone, Debug, Default)]
pub struct Producers {
    pub domain: Vec<u16>,
    pub skill: Vec<f64>,
    pub group: Vec<u32>,
    /// Utility per exerted trial from the work itself.
    pub intrinsic: Vec<f64>,
    /// Share of the budget exerted.
    pub propensity: Vec<f64>,
    /// Trials available this step (base, plus compute granted by social credit
    /// and bought last step).
    pub budget: Vec<f64>,
    /// Share of positive wealth spent on compute each step (spec §2.9), learned
    /// with effort.
    pub invest_share: Vec<f64>,
    pub wealth: Vec<f64>,
    /// Moving average of payoff.
    pub payoff: Vec<f64>,
    /// Moving average of credit (value added to the frontier).
    pub credit: Vec<f64>,
    pub offences: Vec<u32>,
    pub target: Vec<u32>,
    pub genome: Vec<u64>,
    pub fitness: Vec<u64>,
    pub quality: Vec<f64>,
    pub lineage: Vec<u64>,
    /// What is known to fail from the working genome (`heads::exhausted`):
    /// one-bit flips tried without improvement, or consecutive failures.
    pub tried: Vec<u64>,
    /// Must choose a target next allocation (t = 0, or an entrant).
    pub fresh: Vec<bool>,
    /// Rank in its planned team (plan allocation).
    pub team_rank: Vec<u32>,
    /// The population it lives under (spec §5): an index into the regimes.
    pub population: Vec<u8>,
}

impl Producers {
    pub fn len(&self) -> usize {
        self.domain.len()
    }

    pub fn is_empty(&self) -> bool {
        self.domain.is_empty()
    }

    /// The solution producer `i` works on.
    #[inline]
    pub fn solution(&self, i: usize) -> Solution {
        Solution {
            genome: self.genome[i],
            fitness: self.fitness[i],
            quality: self.quality[i],
            lineage: self.lineage[i],
        }
    }
}

/// Problems, with up to `S` held records each, sorted best first (ties: earlier).
#[derive(Clone, Debug, Default)]
pub struct Problems {
    pub value: Vec<f64>,
    pub domain: Vec<u16>,
    /// Seed of each problem's NK landscape.
    pub landscape: Vec<u64>,
    /// World frontier W_j: the best quality anyone knows.
    pub frontier: Vec<f64>,
    /// Best freely usable solution.
    pub open: Vec<Option<Solution>>,
    /// The population whose work the open solution is (spec §5: it is
    /// credited with the surplus the open solution delivers).
    pub open_population: Vec<u8>,
    /// `M x S` records; the first `record_count[j]` of row `j` are used.
    pub records: Vec<Record>,
    pub record_count: Vec<u32>,
    /// Belongs to the 80 % least valuable problems.
    pub in_tail: Vec<bool>,
    /// Planned team lineages, `M x plan_lineages` (0 = none yet).
    pub plan_lineage: Vec<u64>,
    /// Best private improvement of each of the last `P` steps: one ring per
    /// patent term (`patent_terms`), one after the other in each problem's row.
    pub patent_ring: Vec<Option<Solution>>,
    /// The term of each ring of a row, in the order populations first name it
    /// (one ring in a single-regime run; spec §5: each population's own term).
    pub patent_terms: Vec<usize>,
    /// The population of each improvement in the ring (mixed worlds).
    pub patent_population: Vec<u8>,
    /// Values of the last `plan_lag + 1` steps, oldest first: the planner's
    /// stale view (plan allocation only).
    pub past_values: VecDeque<Vec<f64>>,
    /// Records kept per problem (S).
    pub max_records: usize,
    /// Lineage heads, up to H per problem (spec §1).
    pub heads: Heads,
}

impl Problems {
    pub fn len(&self) -> usize {
        self.value.len()
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Makes empty patent rings for these populations' regimes (spec §2.5,
    /// §5): one ring per distinct term, so that an improvement opens after the
    /// term of the population it was made in; `mixed` also keeps each
    /// improvement's population. `O(M x sum of terms)` slots.
    pub fn make_patent_rings(&mut self, regimes: &[Regime], mixed: bool) {
        self.patent_terms.clear();
        for term in regimes.iter().filter_map(|r| r.patent_term) {
            if !self.patent_terms.contains(&(term as usize)) {
                self.patent_terms.push(term as usize);
            }
        }
        let slots = self.len() * self.patent_row();
        self.patent_ring = vec![None; slots];
        self.patent_population = vec![0; if mixed { slots } else { 0 }];
    }

    /// Slots of a problem's row of patent rings: the sum of their terms.
    #[inline]
    pub fn patent_row(&self) -> usize {
        self.patent_terms.iter().sum()
    }

    /// The records held on problem `j`, best first.
    #[inline]
    pub fn records(&self, j: usize) -> &[Record] {
        let s = self.max_records;
        &self.records[j * s..j * s + self.record_count[j] as usize]
    }

    /// Quality of the best freely usable solution (0 if none).
    #[inline]
    pub fn open_quality(&self, j: usize) -> f64 {
        self.open[j].map_or(0.0, |s| s.quality)
    }

    /// Sets W_j to the best quality known: open or held.
    pub fn recompute_frontier(&mut self, j: usize) {
        let held = self.records(j).first().map_or(0.0, |r| r.solution.quality);
        self.frontier[j] = held.max(self.open_quality(j));
    }

    /// Keeps the holder's best on `j`: at most one record per holder, at most S
    /// records, sorted best first with ties kept in order of creation. Inlined
    /// into disclosure's loop over producers: a call per producer, with the
    /// solution passed through memory, cost more than the rejected offers.
    #[inline(always)]
    pub fn offer(&mut self, j: usize, holder: u32, solution: Solution, now: u32) {
        let s = self.max_records;
        let count = self.record_count[j] as usize;
        let row = &mut self.records[j * s..(j + 1) * s];
        // A full row keeps nothing that does not beat its worst (the holder's own
        // record, if any, is at least as good as the worst).
        if count == s && solution.quality <= row[s - 1].solution.quality {
            return;
        }
        let new = Record {
            holder,
            created: now,
            solution,
        };
        // A holder has at most one record: found by a select, not a branch per
        // record that would mispredict where it sits.
        let mut own = None;
        for (k, r) in row[..count].iter().enumerate() {
            own = select_unpredictable(r.holder == holder, Some(k), own);
        }
        let pos = match own {
            Some(p) if row[p].solution.quality >= solution.quality => return,
            Some(p) => p,
            None if count < s => {
                self.record_count[j] += 1;
                count
            }
            None if row[count - 1].solution.quality < solution.quality => count - 1,
            None => return,
        };
        row[pos] = new;
        // Move the improved record up past every record it now beats.
        let mut k = pos;
        while k > 0 && row[k - 1].solution.quality < row[k].solution.quality {
            row.swap(k - 1, k);
            k -= 1;
        }
    }

    /// Drops the records of holders marked in `gone`.
    pub fn drop_holders(&mut self, j: usize, gone: &[bool]) {
        let s = self.max_records;
        let count = self.record_count[j] as usize;
        let row = &mut self.records[j * s..(j + 1) * s];
        let mut kept = 0;
        for k in 0..count {
            if !gone[row[k].holder as usize] {
                row[kept] = row[k];
                kept += 1;
            }
        }
        self.record_count[j] = kept as u32;
    }
}

/// What a run fixes at its start and no rule changes.
#[derive(Clone, Debug)]
pub struct Setting {
    /// Who sees whose solutions.
    pub sight: Sight,
    /// Problems by domain.
    pub domain_problems: Csr,
    /// Peers a producer may imitate (`peers.on(peer_key[i])`): same intrinsic
    /// type, and same group under `groups` visibility.
    pub peers: Csr,
    pub peer_key: Vec<u32>,
    /// Divides raw Pareto draws so that initial values have mean 1.
    pub value_scale: f64,
    /// Where the populations started: blocks of slots and groups, each
    /// group's slots and population (spec §5; one block in a single-regime run).
    pub layout: Layout,
    /// The holder number of group 0: 0 with one population (a group holds as
    /// its number), the number of producers in a mixed world.
    pub group_base: u32,
}

impl Setting {
    /// The group a holder stands for, if it is a group (holders are producers
    /// or groups: a group under group visibility).
    #[inline]
    pub fn holder_group(&self, holder: usize, by_group: bool) -> Option<usize> {
        if self.sight.mixed.is_some() {
            holder.checked_sub(self.group_base as usize)
        } else {
            by_group.then_some(holder)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sol(q: f64) -> Solution {
        Solution {
            genome: 0,
            fitness: 0,
            quality: q,
            lineage: 1,
        }
    }

    fn problems(s: usize) -> Problems {
        Problems {
            records: vec![
                Record {
                    holder: 0,
                    created: 0,
                    solution: sol(0.0)
                };
                s
            ],
            record_count: vec![0],
            max_records: s,
            ..Problems::default()
        }
    }

    #[test]
    fn records_keep_each_holders_best_sorted_and_capped() {
        let mut p = problems(3);
        p.offer(0, 1, sol(0.5), 0);
        p.offer(0, 2, sol(0.6), 1);
        p.offer(0, 1, sol(0.4), 2); // worse than holder 1's own: dropped
        p.offer(0, 3, sol(0.5), 3); // tie with holder 1: after it
        let holders: Vec<u32> = p.records(0).iter().map(|r| r.holder).collect();
        assert_eq!(holders, vec![2, 1, 3]);
        p.offer(0, 4, sol(0.45), 4); // full and worse than the worst: not kept
        assert_eq!(p.records(0).len(), 3);
        p.offer(0, 4, sol(0.7), 5); // evicts the worst
        let holders: Vec<u32> = p.records(0).iter().map(|r| r.holder).collect();
        assert_eq!(holders, vec![4, 2, 1]);
        p.offer(0, 1, sol(0.8), 6); // improves and moves up
        assert_eq!(p.records(0)[0].holder, 1);
        let mut gone = vec![false; 5];
        gone[1] = true;
        p.drop_holders(0, &gone);
        let holders: Vec<u32> = p.records(0).iter().map(|r| r.holder).collect();
        assert_eq!(holders, vec![4, 2]);
    }
}
