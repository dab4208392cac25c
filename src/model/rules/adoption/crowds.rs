//! The fork rule's crowds (spec §2.3): per problem, how many of the producers
//! who did not switch work in each lineage at the start of adoption; a
//! newcomer joins the least crowded lineage near the best.

use crate::model::csr::Csr;
use crate::model::state::Producers;

/// Per problem, its stayers' lineages with their counts, sorted by lineage;
/// kept between steps.
#[derive(Default)]
pub(super) struct Crowds {
    /// `crowds[start[j]..start[j + 1]]` is problem `j`'s row.
    crowds: Vec<(u64, u32)>,
    start: Vec<u32>,
    lineages: Vec<u64>,
}

impl Crowds {
    /// Counts, on each of the `m` problems, the stayers of each lineage.
    pub(super) fn count(&mut self, p: &Producers, m: usize, switched: &[bool], teams: &Csr) {
        let Crowds {
            crowds,
            start,
            lineages,
        } = self;
        crowds.clear();
        start.clear();
        start.push(0);
        for j in 0..m {
            lineages.clear();
            let stayers = teams.on(j).iter().filter(|&&i| !switched[i as usize]);
            lineages.extend(stayers.map(|&i| p.lineage[i as usize]));
            lineages.sort_unstable();
            let first = crowds.len();
            for &l in lineages.iter() {
                let last = crowds.len().wrapping_sub(1);
                if crowds.len() > first && crowds[last].0 == l {
                    crowds[last].1 += 1;
                } else {
                    crowds.push((l, 1));
                }
            }
            start.push(crowds.len() as u32);
        }
    }

    /// How many stayers on problem `j` work in `lineage`.
    #[inline]
    pub(super) fn of(&self, j: usize, lineage: u64) -> u32 {
        let row = &self.crowds[self.start[j] as usize..self.start[j + 1] as usize];
        row.binary_search_by_key(&lineage, |c| c.0)
            .map_or(0, |at| row[at].1)
    }
}
