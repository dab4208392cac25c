//! Who can see whose work: the visibility rule of a regime, and the collaboration
//! graph of `network` visibility (sorted adjacency lists, or implicit when complete).

use rand::RngExt;

use super::config::{NetworkKind, Regime, Visibility};
use super::rng::{Phase, stream};

mod mixed;
pub use mixed::{MixedSight, NO_CIRCLE, federation_links_mixed};

/// The collaboration graph over producer slots.
#[derive(Clone, Debug)]
pub enum Graph {
    /// Everybody sees everybody (not stored: it would be `O(N^2)`).
    Complete,
    /// Sorted neighbour lists: `targets[start[i]..start[i+1]]`.
    Lists { start: Vec<u32>, targets: Vec<u32> },
}

impl Graph {
    /// Builds the graph of a regime over `n` producers.
    pub fn build(regime: &Regime, n: usize, seed: u64) -> Graph {
        if regime.network == NetworkKind::Complete {
            return Graph::Complete;
        }
        let mut edges: Vec<(u32, u32)> = Vec::new();
        Graph::block_edges(regime, 0..n, seed, &mut edges);
        Graph::from_edges(edges, n)
    }

    /// The graphs of several blocks of slots over `n` producers (a mixed
    /// world's network populations, spec §5): no link leaves a block. Streams
    /// are keyed by global slots, so one block `0..n` is [`Graph::build`].
    pub fn build_blocks<'r>(
        blocks: impl Iterator<Item = (&'r Regime, std::ops::Range<usize>)>,
        n: usize,
        seed: u64,
    ) -> Graph {
        let mut edges: Vec<(u32, u32)> = Vec::new();
        for (regime, block) in blocks {
            Graph::block_edges(regime, block, seed, &mut edges);
        }
        Graph::from_edges(edges, n)
    }

    /// The links of a (non-complete) graph over the slots of `block`.
    fn block_edges(
        regime: &Regime,
        block: std::ops::Range<usize>,
        seed: u64,
        edges: &mut Vec<(u32, u32)>,
    ) {
        let (base, n) = (block.start, block.len());
        let k = regime.network_k.min(n.saturating_sub(1) / 2);
        match regime.network {
            NetworkKind::Complete => unreachable!("a complete graph is not stored"),
            NetworkKind::Ring | NetworkKind::SmallWorld => {
                for local in 0..n {
                    let i = base + local;
                    for d in 1..=k {
                        let j = base + (local + d) % n;
                        let mut rng = stream(seed, 0, Phase::Network, (i * (k + 1) + d) as u64);
                        let j = if regime.network == NetworkKind::SmallWorld
                            && rng.random_bool(regime.network_p)
                        {
                            // Watts-Strogatz: rewire to a random other producer.
                            let r = rng.random_range(0..n - 1);
                            base + if r >= local { r + 1 } else { r }
                        } else {
                            j
                        };
                        if i != j {
                            edges.push((i as u32, j as u32));
                        }
                    }
                }
            }
            NetworkKind::Random => {
                // G(n, p) by geometric skips over the pairs i < j: O(n + edges).
                let p = regime.network_p;
                if p > 0.0 {
                    let mut rng = stream(seed, 0, Phase::Network, base as u64);
                    // Batagelj & Brandes (2005): enumerate pairs w < v with skips.
                    let log_q = (1.0 - p).ln();
                    let (mut v, mut w) = (1usize, -1isize);
                    while v < n {
                        let skip = if p >= 1.0 {
                            0
                        } else {
                            let u: f64 = rng.random();
                            ((1.0 - u).ln() / log_q).floor() as isize
                        };
                        w += 1 + skip;
                        while w >= v as isize && v < n {
                            w -= v as isize;
                            v += 1;
                        }
                        if v < n {
                            edges.push(((base + v) as u32, (base + w as usize) as u32));
                        }
                    }
                }
            }
        }
    }

    /// Sorted, symmetric neighbour lists of `edges` over `n` slots.
    fn from_edges(edges: Vec<(u32, u32)>, n: usize) -> Graph {
        let mut both: Vec<(u32, u32)> = edges.iter().flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
        both.sort_unstable();
        both.dedup();
        let mut start = vec![0u32; n + 1];
        for &(a, _) in &both {
            start[a as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let targets = both.into_iter().map(|(_, b)| b).collect();
        Graph::Lists { start, targets }
    }

    /// Neighbours of `i` (empty for the implicit complete graph).
    #[inline]
    pub fn neighbours(&self, i: usize) -> &[u32] {
        match self {
            Graph::Complete => &[],
            Graph::Lists { start, targets } => &targets[start[i] as usize..start[i + 1] as usize],
        }
    }

    #[inline]
    pub fn linked(&self, a: usize, b: usize) -> bool {
        match self {
            Graph::Complete => true,
            Graph::Lists { .. } => self.neighbours(a).binary_search(&(b as u32)).is_ok(),
        }
    }
}

/// Who sees whose solutions under a regime.
#[derive(Clone, Debug)]
pub struct Sight {
    /// The rule of a one-population world. A mixed world takes the general
    /// path of `network` (a look at each holder), with `mixed` set.
    pub visibility: Visibility,
    pub graph: Option<Graph>,
    /// A mixed world's rules (spec §5), `None` with one population.
    pub mixed: Option<Box<MixedSight>>,
}

impl Sight {
    pub fn new(regime: &Regime, producers: usize, seed: u64) -> Sight {
        let graph = (regime.visibility == Visibility::Network)
            .then(|| Graph::build(regime, producers, seed));
        Sight {
            visibility: regime.visibility,
            graph,
            mixed: None,
        }
    }

    /// The sight of a mixed world: each population's rule over its block
    /// (`blocks[k]`), its network populations' graphs cut to their blocks
    /// (a complete one is not stored: it is the population, a circle).
    pub fn mixed(
        regimes: &[Regime],
        blocks: &[std::ops::Range<usize>],
        population: Vec<u8>,
        group_population: Vec<u8>,
        seed: u64,
    ) -> Sight {
        let n = population.len();
        let networks: Vec<(&Regime, std::ops::Range<usize>)> = (regimes.iter())
            .zip(blocks.iter().cloned())
            .filter(|(r, _)| r.visibility == Visibility::Network)
            .filter(|(r, _)| r.network != NetworkKind::Complete)
            .collect();
        let graph =
            (!networks.is_empty()).then(|| Graph::build_blocks(networks.into_iter(), n, seed));
        Sight {
            visibility: Visibility::Network,
            graph,
            mixed: Some(Box::new(MixedSight::new(
                regimes,
                population,
                group_population,
            ))),
        }
    }

    /// The holder of what producer `i` discovers: itself, or its group.
    #[inline]
    pub fn holder(&self, i: usize, group: u32) -> u32 {
        match self.visibility {
            Visibility::Groups | Visibility::Federated => group,
            Visibility::Network => match &self.mixed {
                Some(m) => m.holder(i, group),
                None => i as u32,
            },
            _ => i as u32,
        }
    }

    /// Is what `holder` holds open to all? (Under open visibility everything
    /// is; in a mixed world, what holders of open populations hold.)
    #[inline]
    pub fn is_open(&self, holder: u32) -> bool {
        match &self.mixed {
            Some(m) => m.is_open(holder),
            None => self.visibility == Visibility::Open,
        }
    }

    /// May producer `i` (of group `group`) see the records of `holder`? Under
    /// `federated`, `links[g]` is the group that group `g` sees this step
    /// ([`federation_links`]), or [`NO_LINK`].
    #[inline]
    pub fn sees_holder(&self, i: usize, group: u32, holder: u32, links: &[u32]) -> bool {
        match self.visibility {
            Visibility::Open => true,
            Visibility::Private => holder as usize == i,
            Visibility::Groups => holder == group,
            Visibility::Federated => holder == group || links.get(group as usize) == Some(&holder),
            Visibility::Network => {
                if let Some(m) = &self.mixed {
                    return m.sees(self.graph.as_ref(), i, group, holder, links);
                }
                holder as usize == i
                    || self
                        .graph
                        .as_ref()
                        .is_some_and(|g| g.linked(i, holder as usize))
            }
        }
    }

    /// May producer `a` see producer `b`'s solution (same holder or visible holder)?
    #[inline]
    pub fn sees_producer(
        &self,
        a: usize,
        group_a: u32,
        b: usize,
        group_b: u32,
        links: &[u32],
    ) -> bool {
        self.sees_holder(a, group_a, self.holder(b, group_b), links)
    }
}

/// Offset of group entities in stream keys (beyond producers and problems).
pub const GROUP_ENTITY: u64 = 1 << 42;

/// A group without a federation link this step.
pub const NO_LINK: u32 = u32::MAX;

/// This step's federation links (spec §2.3, `federated`): with probability
/// `federation_link` each group gets a one-way view of one other group, drawn
/// uniformly, from the stream keyed (seed, step, adoption, group); [`NO_LINK`]
/// otherwise. Empty under any other visibility.
pub fn federation_links(
    regime: &Regime,
    groups: usize,
    seed: u64,
    step: u32,
    links: &mut Vec<u32>,
) {
    links.clear();
    if regime.visibility != Visibility::Federated {
        return;
    }
    links.extend((0..groups).map(|g| {
        let mut rng = stream(seed, step, Phase::Adoption, GROUP_ENTITY + g as u64);
        if groups < 2 || !rng.random_bool(regime.federation_link) {
            return NO_LINK;
        }
        let other = rng.random_range(0..groups - 1);
        (other + (other >= g) as usize) as u32
    }));
}

#[cfg(test)]
mod tests;
