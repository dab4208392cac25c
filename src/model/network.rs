//! Who can see whose work: the visibility rule of a regime, and the collaboration
//! graph of `network` visibility (sorted adjacency lists, or implicit when complete).

use rand::RngExt;

use super::config::{NetworkKind, Regime, Visibility};
use super::rng::{Phase, stream};

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
        let k = regime.network_k.min(n.saturating_sub(1) / 2);
        let mut edges: Vec<(u32, u32)> = Vec::new();
        match regime.network {
            NetworkKind::Complete => return Graph::Complete,
            NetworkKind::Ring | NetworkKind::SmallWorld => {
                for i in 0..n {
                    for d in 1..=k {
                        let j = (i + d) % n;
                        let mut rng = stream(seed, 0, Phase::Network, (i * (k + 1) + d) as u64);
                        let j = if regime.network == NetworkKind::SmallWorld
                            && rng.random_bool(regime.network_p)
                        {
                            // Watts-Strogatz: rewire to a random other producer.
                            let r = rng.random_range(0..n - 1);
                            if r >= i { r + 1 } else { r }
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
                    let mut rng = stream(seed, 0, Phase::Network, 0);
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
                            edges.push((v as u32, w as u32));
                        }
                    }
                }
            }
        }
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
    pub visibility: Visibility,
    pub graph: Option<Graph>,
}

impl Sight {
    pub fn new(regime: &Regime, producers: usize, seed: u64) -> Sight {
        let graph = (regime.visibility == Visibility::Network)
            .then(|| Graph::build(regime, producers, seed));
        Sight {
            visibility: regime.visibility,
            graph,
        }
    }

    /// The holder of what producer `i` discovers: itself, or its group.
    #[inline]
    pub fn holder(&self, i: usize, group: u32) -> u32 {
        if self.visibility.by_group() {
            group
        } else {
            i as u32
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
mod tests {
    use super::*;

    fn regime(kind: NetworkKind, k: usize, p: f64) -> Regime {
        Regime {
            visibility: Visibility::Network,
            network: kind,
            network_k: k,
            network_p: p,
            ..Regime::default()
        }
    }

    #[test]
    fn ring_links_k_each_side_symmetrically() {
        let g = Graph::build(&regime(NetworkKind::Ring, 2, 0.0), 10, 1);
        assert_eq!(g.neighbours(0), &[1, 2, 8, 9]);
        for a in 0..10 {
            for &b in g.neighbours(a) {
                assert!(g.linked(b as usize, a));
            }
        }
    }

    #[test]
    fn random_graph_has_about_p_of_all_pairs() {
        let n = 400;
        let g = Graph::build(&regime(NetworkKind::Random, 1, 0.05), n, 3);
        let degree: usize = (0..n).map(|i| g.neighbours(i).len()).sum();
        let expected = 0.05 * (n * (n - 1)) as f64;
        assert!(
            (degree as f64 - expected).abs() < 0.1 * expected,
            "{degree} vs {expected}"
        );
        assert!((0..n).all(|i| !g.linked(i, i)));
    }

    #[test]
    fn federation_links_are_one_way_views_of_another_group() {
        let mut r = Regime {
            visibility: Visibility::Federated,
            federation_link: 1.0,
            ..Regime::default()
        };
        let mut links = Vec::new();
        federation_links(&r, 5, 1, 3, &mut links);
        assert_eq!(links.len(), 5);
        assert!(
            links
                .iter()
                .enumerate()
                .all(|(g, &l)| l != NO_LINK && l as usize != g && l < 5)
        );
        let sight = Sight::new(&r, 10, 1);
        // Producer 0 (group 0) sees its group and the group it is linked to, no other.
        for holder in 0..5u32 {
            let sees = sight.sees_holder(0, 0, holder, &links);
            assert_eq!(sees, holder == 0 || holder == links[0], "holder {holder}");
        }
        // Another step, other links; none at probability 0; none outside `federated`.
        let mut later = Vec::new();
        federation_links(&r, 50, 1, 4, &mut later);
        let mut again = Vec::new();
        federation_links(&r, 50, 1, 4, &mut again);
        assert_eq!(later, again);
        r.federation_link = 0.0;
        federation_links(&r, 5, 1, 3, &mut links);
        assert!(links.iter().all(|&l| l == NO_LINK));
        r.visibility = Visibility::Groups;
        federation_links(&r, 5, 1, 3, &mut links);
        assert!(links.is_empty());
    }

    #[test]
    fn small_world_keeps_degree_about_2k() {
        let n = 500;
        let g = Graph::build(&regime(NetworkKind::SmallWorld, 2, 0.2), n, 4);
        let degree: usize = (0..n).map(|i| g.neighbours(i).len()).sum();
        assert!((degree as f64 / n as f64 - 4.0).abs() < 0.2);
    }
}
