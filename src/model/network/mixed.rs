//! Visibility in a mixed world (spec §5, docs/MODEL.md §11): what a holder
//! holds follows the rule of the holder's population, and the federation links
//! of each federated population join its own groups. A population with a
//! complete network is a *circle*: its graph is not stored, for it is the
//! population itself (every member linked to every member).

use rand::RngExt;

use super::{GROUP_ENTITY, Graph, NO_LINK};
use crate::model::config::{NetworkKind, Regime, Visibility};
use crate::model::rng::{Phase, stream};

/// Visibility in a mixed world (spec §5): what a holder holds follows the
/// rule of the holder's population; open work is visible to everyone. Group
/// holders are numbered after the producers (`group_base + g`) so that the
/// two kinds of holders never share a number.
#[derive(Clone, Debug)]
pub struct MixedSight {
    /// Each population's rule.
    pub visibility: Vec<Visibility>,
    /// Each producer's population (kept equal to `Producers::population`
    /// through [`MixedSight::set_population`]).
    pub population: Vec<u8>,
    /// Each producer's rule, `visibility[population[i]]`: one load per holder
    /// in the scans of records and heads (see `kernels::view`).
    pub rules: Vec<Visibility>,
    /// Each group's population.
    pub group_population: Vec<u8>,
    /// The holder number of group 0: the number of producers.
    pub group_base: u32,
    /// Each population's circle: its number among the populations with a
    /// complete network, or [`NO_CIRCLE`].
    pub circle: Vec<u8>,
    /// How many populations have a complete network.
    pub circles: usize,
}

/// A population that is not a circle (its network is stored, or it has none).
pub const NO_CIRCLE: u8 = u8::MAX;

impl MixedSight {
    /// The sight of producers of `population` under each population's rule
    /// (`regimes`).
    pub fn new(regimes: &[Regime], population: Vec<u8>, group_population: Vec<u8>) -> Self {
        let complete =
            |r: &Regime| r.visibility == Visibility::Network && r.network == NetworkKind::Complete;
        let mut circles = 0;
        let circle = (regimes.iter())
            .map(|r| {
                if !complete(r) {
                    return NO_CIRCLE;
                }
                circles += 1;
                circles as u8 - 1
            })
            .collect();
        let mut m = MixedSight {
            visibility: regimes.iter().map(|r| r.visibility).collect(),
            population: Vec::new(),
            rules: Vec::new(),
            group_base: population.len() as u32,
            group_population,
            circle,
            circles,
        };
        m.set_population(&population);
        m
    }

    /// Producers' populations changed (migration): their rules follow.
    pub fn set_population(&mut self, population: &[u8]) {
        self.population.clear();
        self.population.extend_from_slice(population);
        self.rules.clear();
        let rules = population.iter().map(|&k| self.visibility[k as usize]);
        self.rules.extend(rules);
    }

    /// The rule producer `i` lives under.
    #[inline]
    pub fn rule(&self, i: usize) -> Visibility {
        self.visibility[self.population[i] as usize]
    }

    /// The population of a holder (a producer or a group).
    #[inline]
    pub fn holder_population(&self, holder: u32) -> u8 {
        match holder.checked_sub(self.group_base) {
            Some(g) => self.group_population[g as usize],
            None => self.population[holder as usize],
        }
    }

    /// The circle producer `i` lives in, if its population has a complete
    /// network.
    #[inline]
    pub fn circle_of(&self, i: usize) -> Option<u8> {
        let c = self.circle[self.population[i] as usize];
        (c != NO_CIRCLE).then_some(c)
    }

    /// Is producer `i` linked to producer holder `h`, a holder under network
    /// visibility? In a circle, if `i` lives in it too (so a migrant in sees
    /// its new circle, and one who left is no longer seen); otherwise if the
    /// stored graph links their slots.
    #[inline]
    pub fn linked(&self, graph: Option<&Graph>, i: usize, h: usize) -> bool {
        let k = self.population[h];
        if self.circle[k as usize] != NO_CIRCLE {
            return self.population[i] == k;
        }
        graph.is_some_and(|g| g.linked(i, h))
    }

    /// The keys of the producers of circles by target and circle (`target *
    /// circles + circle`, and `m * circles` for everyone else), for the index
    /// of a circle's members on a problem ([`Csr`](crate::model::csr::Csr));
    /// returns how many keys there are.
    pub fn circle_keys(&self, target: &[u32], m: usize, keys: &mut Vec<u32>) -> usize {
        let c = self.circles;
        keys.clear();
        keys.extend((target.iter().zip(&self.population)).map(|(&j, &k)| {
            match self.circle[k as usize] {
                NO_CIRCLE => (m * c) as u32,
                circle => j * c as u32 + circle as u32,
            }
        }));
        m * c + 1
    }

    /// Is what `holder` holds open to all (its population's rule is `open`)?
    #[inline]
    pub fn is_open(&self, holder: u32) -> bool {
        self.visibility[self.holder_population(holder) as usize] == Visibility::Open
    }

    /// The holder of what producer `i` discovers: its group's number under a
    /// group rule, else itself. One load of its rule; inlined where a mixed
    /// world's caller is hot (`HeadsSeen::of`).
    #[inline]
    pub fn own_holder(&self, i: usize, group: u32) -> u32 {
        if self.rules[i].by_group() {
            self.group_base + group
        } else {
            i as u32
        }
    }

    // Out of line, so that a single-regime run's visibility stays small enough to inline.
    #[inline(never)]
    pub(super) fn holder(&self, i: usize, group: u32) -> u32 {
        self.own_holder(i, group)
    }

    /// The holder of producer `i`'s heads: open in an open population, else
    /// the holder of its records.
    #[inline(never)]
    pub fn head_holder(&self, i: usize, group: u32) -> u32 {
        let holder = self.holder(i, group);
        if self.is_open(holder) {
            crate::model::heads::OPEN_HOLDER
        } else {
            holder
        }
    }

    #[inline(never)]
    pub(super) fn sees(
        &self,
        graph: Option<&Graph>,
        i: usize,
        group: u32,
        holder: u32,
        links: &[u32],
    ) -> bool {
        if let Some(g) = holder.checked_sub(self.group_base) {
            // Federation links join groups of one federated population only.
            // Only a population that holds by group has group holders.
            let holds = self.visibility[self.group_population[g as usize] as usize].by_group();
            return holds && (group == g || links.get(group as usize) == Some(&g));
        }
        let h = holder as usize;
        match self.rule(h) {
            Visibility::Open => true,
            Visibility::Network => h == i || self.linked(graph, i, h),
            _ => h == i,
        }
    }
}

/// This step's federation links in a mixed world: each federated
/// population's groups (`group_blocks[k]`) as [`federation_links`](crate::model::network::federation_links) draws them,
/// linked within the population, from the streams of their world-wide group
/// numbers; [`NO_LINK`] for every other group. Empty if no population is
/// federated.
pub fn federation_links_mixed(
    regimes: &[Regime],
    group_blocks: &[std::ops::Range<usize>],
    seed: u64,
    step: u32,
    links: &mut Vec<u32>,
) {
    links.clear();
    if !regimes
        .iter()
        .any(|r| r.visibility == Visibility::Federated)
    {
        return;
    }
    for (regime, block) in regimes.iter().zip(group_blocks) {
        let groups = block.len();
        links.extend(block.clone().map(|g| {
            if regime.visibility != Visibility::Federated {
                return NO_LINK;
            }
            let mut rng = stream(seed, step, Phase::Adoption, GROUP_ENTITY + g as u64);
            if groups < 2 || !rng.random_bool(regime.federation_link) {
                return NO_LINK;
            }
            let local = g - block.start;
            let other = rng.random_range(0..groups - 1);
            (block.start + other + (other >= local) as usize) as u32
        }));
    }
}
