//! The state of a run in flat arrays: producers as a struct of arrays, problems
//! with their held solution records in one `M x S` array.

use std::hint::select_unpredictable;

use rayon::prelude::*;

/// Marks "no lineage" and "no producer".
pub const NONE: u32 = u32::MAX;

/// Below this many items a parallel map runs as one chunk on the calling thread.
pub(crate) const PAR_CHUNK: usize = 1024;

/// Whether [`map_into`] splits `n` items over rayon's pool.
pub fn parallel(n: usize) -> bool {
    n >= 2 * PAR_CHUNK && rayon::current_num_threads() > 1
}

/// Fills `out` with `f(0..n)`, in parallel chunks over rayon's pool. The result
/// does not depend on the number of threads: each item is computed on its own.
/// Small populations, or a pool of one thread, skip rayon's machinery altogether.
pub fn map_into<T: Send>(n: usize, out: &mut Vec<T>, f: impl Fn(usize) -> T + Sync + Send) {
    if !parallel(n) {
        out.clear();
        out.extend((0..n).map(f));
        return;
    }
    (0..n)
        .into_par_iter()
        .with_min_len(PAR_CHUNK)
        .map(f)
        .collect_into_vec(out);
}

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
    /// Trials available this step (base plus compute bought last step).
    pub budget: Vec<f64>,
    pub wealth: Vec<f64>,
    /// Money received this step (revenue, pool, after the pay cap).
    pub income: Vec<f64>,
    /// Outside wage earned this step by unexerted base trials.
    pub outside: Vec<f64>,
    pub fine: Vec<f64>,
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
    /// Must choose a target this step (t = 0, or an entrant).
    pub fresh: Vec<bool>,
    /// Took a new target this step.
    pub switched: Vec<bool>,
    /// Rank in its planned team (plan allocation).
    pub team_rank: Vec<u32>,
    /// Quality after adoption, before search.
    pub start_quality: Vec<f64>,
    /// The world frontier was visible at adoption.
    pub sees_frontier: Vec<bool>,
    pub exerted: Vec<u32>,
    pub effective: Vec<u32>,
    /// This step's credit before averaging.
    pub new_credit: Vec<f64>,
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

    /// Every producer's earnings this step, in order: income plus outside wage
    /// minus fines. (Zipped, not indexed: no bounds checks, so it vectorises.)
    pub fn earnings(&self) -> impl Iterator<Item = f64> + '_ {
        let paid = self.income.iter().zip(&self.outside).zip(&self.fine);
        paid.map(|((&income, &outside), &fine)| income + outside - fine)
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
    /// Frontier at the start of this step's search (for the accounting of effort).
    pub frontier_start: Vec<f64>,
    /// Best freely usable solution.
    pub open: Vec<Option<Solution>>,
    /// `M x S` records; the first `record_count[j]` of row `j` are used.
    pub records: Vec<Record>,
    pub record_count: Vec<u32>,
    /// Producers targeting the problem last step (the registry's claims).
    pub claims: Vec<u32>,
    /// Best producer above the old frontier this step (race winner), or NONE.
    pub winner: Vec<u32>,
    /// Belongs to the 80 % least valuable problems.
    pub in_tail: Vec<bool>,
    /// Planned team lineages, `M x plan_lineages` (0 = none yet).
    pub plan_lineage: Vec<u64>,
    /// Best private improvement of each of the last P steps, `M x P`.
    pub patent_ring: Vec<Option<Solution>>,
    /// This step's surplus split on each problem.
    pub sales: Vec<super::market::Sale>,
    pub max_records: usize,
}

impl Problems {
    pub fn len(&self) -> usize {
        self.value.len()
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
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
    #[inline]
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

/// Producers grouped by target: `members[start[j]..start[j+1]]` work on `j`,
/// in increasing index order. Rebuilt each step by counting sort, `O(N + M)`.
#[derive(Clone, Debug, Default)]
pub struct Teams {
    pub start: Vec<u32>,
    pub members: Vec<u32>,
    cursor: Vec<u32>,
}

impl Teams {
    pub fn build(&mut self, targets: &[u32], problems: usize) {
        self.start.clear();
        self.start.resize(problems + 1, 0);
        for &t in targets {
            self.start[t as usize + 1] += 1;
        }
        for j in 0..problems {
            self.start[j + 1] += self.start[j];
        }
        self.members.resize(targets.len(), 0);
        self.cursor.clear();
        self.cursor.extend_from_slice(&self.start);
        for (i, &t) in targets.iter().enumerate() {
            let slot = &mut self.cursor[t as usize];
            self.members[*slot as usize] = i as u32;
            *slot += 1;
        }
    }

    #[inline]
    pub fn on(&self, j: usize) -> &[u32] {
        &self.members[self.start[j] as usize..self.start[j + 1] as usize]
    }

    #[inline]
    pub fn size(&self, j: usize) -> u32 {
        self.start[j + 1] - self.start[j]
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

    #[test]
    fn teams_group_by_target_in_index_order() {
        let mut t = Teams::default();
        t.build(&[2, 0, 2, 1, 0], 4);
        assert_eq!(t.on(0), &[1, 4]);
        assert_eq!(t.on(1), &[3]);
        assert_eq!(t.on(2), &[0, 2]);
        assert!(t.on(3).is_empty());
    }
}
