//! Whose records a producer may see in a mixed world (spec §5), decided once
//! per producer.

use crate::model::config::Visibility;
use crate::model::network::{Graph, MixedSight, NO_LINK};

/// Whose records producer `i` may see in a mixed world (spec §5), decided
/// once per producer: its own, its group's and its federation link's (if its
/// population holds by group), and each other producer holder's by that
/// holder's population's rule (a circle's members: if it lives in that
/// circle). Equal to [`MixedSight`]'s `sees` (the tests compare them).
#[derive(Clone, Copy)]
pub struct MixedHolders<'a> {
    i: usize,
    /// The group holders it sees ([`NO_LINK`] if none).
    group: u32,
    link: u32,
    rules: &'a [Visibility],
    graph: Option<&'a Graph>,
    sight: &'a MixedSight,
}

impl<'a> MixedHolders<'a> {
    #[inline]
    pub fn of(
        m: &'a MixedSight,
        graph: Option<&'a Graph>,
        i: usize,
        group: u32,
        links: &[u32],
    ) -> Self {
        // Only a population that holds by group has group holders.
        let holder = |g: u32| {
            let holds = m.visibility[m.group_population[g as usize] as usize].by_group();
            if holds { m.group_base + g } else { NO_LINK }
        };
        let link = match links.get(group as usize) {
            Some(&l) if l != NO_LINK => holder(l),
            _ => NO_LINK,
        };
        MixedHolders {
            i,
            group: holder(group),
            link,
            rules: &m.rules,
            graph,
            sight: m,
        }
    }

    /// May the producer see what `holder` holds?
    #[inline(always)]
    pub fn sees(&self, holder: u32) -> bool {
        holder as usize == self.i
            || holder == self.group
            || holder == self.link
            || match self.rules.get(holder as usize) {
                Some(Visibility::Open) => true,
                Some(Visibility::Network) => self.linked(holder),
                _ => false,
            }
    }

    #[cold]
    fn linked(&self, holder: u32) -> bool {
        self.sight.linked(self.graph, self.i, holder as usize)
    }
}
