//! An upper estimate of the memory one [`Simulation`](super::Simulation) needs,
//! computed from the configuration with checked arithmetic, so that a run too big
//! for the machine is refused before it starts instead of aborting half-way.
//! `tests/memory.rs` measures real runs with a counting allocator and checks that
//! the estimate stays above them.

use super::config::{Allocation, Config, NetworkKind, Regime, Visibility};

/// Bytes per producer slot: its ~25 state arrays, its search cache and the per-step
/// workspaces indexed by producer (teams, peers, sorts), with room for vector growth.
const PER_PRODUCER: u64 = 1024;

/// Bytes per problem: its state arrays, sale, open record and workspaces.
const PER_PROBLEM: u64 = 512;

/// Bytes per held record, per lineage head, per patent-ring slot and per planned
/// lineage (a solution with its holder and time, or an optional solution).
const PER_RECORD: u64 = 48;

/// Bytes per stored link of the collaboration graph, counting the edge lists that
/// build it (pairs, both directions, sorted) and their growth.
const PER_LINK: u64 = 32;

/// The landscapes' tables (at most 4 MiB), the NK table and fixed small parts.
const FIXED: u64 = 8 << 20;

/// Estimated peak bytes of a run of `config`, or `None` if it exceeds `u64`.
/// A mixed world is estimated as the most demanding of its populations' worlds
/// at full size, plus per producer its population and the one it worked in
/// this step (a byte each) and observation's buckets by population (two u32):
/// what one population keeps is a part of what it would keep alone with every
/// producer. Its patent rings are one per distinct term (the largest is in
/// that estimate): the others are added. Planning is another exception: each
/// planning population keeps its own team lineages for every problem (an
/// `M x plan_lineages` block each), and they share the stale values of the
/// longest lag. Circles (populations with a complete network, D48) add
/// allocation's index of their members by problem.
pub fn estimate(config: &Config) -> Option<u64> {
    let m = config.world.problems as u64;
    if config.populations.is_empty() {
        let (lineages, history) = planned(&config.regime);
        let planning = m.checked_mul(lineages.checked_add(history)?)?;
        return estimate_unplanned(config)?.checked_add(planning);
    }
    let (mut most, mut lineages, mut history) = (0u64, 0u64, 0u64);
    for pop in &config.populations {
        let alone = Config {
            world: config.world.clone(),
            regime: pop.regime.clone(),
            populations: Vec::new(),
        };
        most = most.max(estimate_unplanned(&alone)?);
        let (l, h) = planned(&pop.regime);
        lineages = lineages.checked_add(l)?;
        history = history.max(h);
    }
    let mut terms: Vec<u64> = (config.populations.iter())
        .filter_map(|p| p.regime.patent_term.map(u64::from))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    terms.pop();
    let other_rings = (terms.iter().sum::<u64>()).checked_mul(m)?;
    let planning = m.checked_mul(lineages.checked_add(history)?)?;
    most.checked_add(planning)?
        .checked_add(10 * config.world.producers as u64)?
        .checked_add(PER_RECORD.checked_mul(other_rings)?)?
        .checked_add(circle_index(config)?)
}

/// Allocation's index of the circles' members by problem
/// (`ProblemFlows::circles`): a key and a member (u32 each) per producer, and a
/// start and a cursor (u32 each) per problem and circle, plus two; nothing
/// without circles.
fn circle_index(config: &Config) -> Option<u64> {
    let circles = (config.populations.iter())
        .filter(|p| {
            p.regime.visibility == Visibility::Network && p.regime.network == NetworkKind::Complete
        })
        .count() as u64;
    if circles == 0 {
        return Some(0);
    }
    let keys = (config.world.problems as u64).checked_mul(circles)?;
    (8 * config.world.producers as u64).checked_add(keys.checked_add(2)?.checked_mul(8)?)
}

/// A planner's bytes per problem: its team lineages and its stale values (one
/// f64 per remembered step); none for a regime that does not plan.
fn planned(r: &Regime) -> (u64, u64) {
    if r.allocation == Allocation::Plan {
        (
            8 * u64::from(r.plan_lineages),
            8 * (u64::from(r.plan_lag) + 1),
        )
    } else {
        (0, 0)
    }
}

/// The estimate of a single-regime world, but for what planning keeps.
fn estimate_unplanned(config: &Config) -> Option<u64> {
    let w = &config.world;
    let r = &config.regime;
    let n = w.producers as u64;
    let m = w.problems as u64;
    let mut per_problem =
        PER_PROBLEM.checked_add(PER_RECORD.checked_mul(w.max_solutions as u64)?)?;
    per_problem = per_problem.checked_add(PER_RECORD.checked_mul(w.max_lineages as u64)?)?;
    if let Some(term) = r.patent_term {
        per_problem = per_problem.checked_add(PER_RECORD.checked_mul(u64::from(term))?)?;
    }
    if w.shock_landscape && w.shock_rate > 0.0 && w.shock_correlation > 0.0 {
        // Per-locus seeds, once a shock keeps part of a landscape.
        per_problem = per_problem.checked_add(8 * u64::from(w.loci) + 1)?;
    }
    // The genomes a step's trials evaluate (8 bytes each), with room for skill
    // above 1 and the buffers' growth.
    let per_producer = PER_PRODUCER.checked_add(32 * w.max_budget.ceil() as u64)?;
    let links = if r.visibility == Visibility::Network {
        graph_links(config)?
    } else {
        0
    };
    FIXED
        .checked_add(n.checked_mul(per_producer)?)?
        .checked_add(m.checked_mul(per_problem)?)?
        .checked_add(links.checked_mul(PER_LINK)?)
}

/// Links of the collaboration graph, counted once per direction (expected for `random`).
fn graph_links(config: &Config) -> Option<u64> {
    let n = config.world.producers as u64;
    let r = &config.regime;
    let pairs = n.checked_mul(n.saturating_sub(1))? / 2;
    let undirected = match r.network {
        NetworkKind::Complete => 0,
        NetworkKind::Ring | NetworkKind::SmallWorld => {
            n.checked_mul((r.network_k as u64).min(n.saturating_sub(1) / 2))?
        }
        // Expected pairs, with room for chance (a sd is at most sqrt of the mean).
        NetworkKind::Random => {
            let mean = pairs as f64 * r.network_p;
            let high = mean + 6.0 * mean.sqrt() + 16.0;
            if high >= u64::MAX as f64 / 2.0 {
                return None;
            }
            (high as u64).min(pairs)
        }
    };
    undirected.checked_mul(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::populations::Population;

    #[test]
    fn grows_with_the_products_and_never_overflows() {
        let small = estimate(&Config::default()).unwrap();
        assert!(small < 64 << 20, "{small}");
        let mut big = Config::default();
        big.world.max_solutions = 1000;
        assert_eq!(
            estimate(&big).unwrap(),
            small + 200 * (1000 - 8) * PER_RECORD
        );
        big.world.problems = (1 << 31) - 1;
        big.regime.patent_term = Some(10_000);
        let huge = estimate(&big).unwrap();
        assert!(huge > 1 << 50, "{huge}");
        let mut net = Config::default();
        net.world.producers = (1 << 31) - 1;
        net.regime.visibility = Visibility::Network;
        net.regime.network = NetworkKind::Random;
        net.regime.network_p = 1.0;
        // n^2 links of 32 bytes: beyond u64.
        assert_eq!(estimate(&net), None);
        net.regime.network = NetworkKind::Complete;
        assert!(estimate(&net).is_some());
    }

    #[test]
    fn a_mixed_world_counts_one_patent_ring_per_term() {
        let with_terms = |a: u32, b: u32| {
            let mut cfg = Config::default();
            for (name, term) in [("a", a), ("b", b)] {
                cfg.populations.push(Population {
                    name: name.into(),
                    share: 0.5,
                    regime: Regime {
                        patent_term: Some(term),
                        ..Regime::default()
                    },
                });
            }
            estimate(&cfg).unwrap()
        };
        // Terms 5 and 20: a ring of 5 beside the ring of 20 of either alone.
        assert_eq!(with_terms(20, 5), with_terms(20, 20) + 200 * 5 * PER_RECORD);
        assert_eq!(with_terms(5, 20), with_terms(20, 5));
    }

    #[test]
    fn a_mixed_world_counts_the_index_of_its_circles() {
        let complete = Regime {
            visibility: Visibility::Network,
            network: NetworkKind::Complete,
            ..Regime::default()
        };
        let open = Regime {
            visibility: Visibility::Open,
            ..Regime::default()
        };
        let world = |regimes: [&Regime; 3]| {
            let mut cfg = Config::default();
            for (name, regime) in ["a", "b", "c"].into_iter().zip(regimes) {
                cfg.populations.push(Population {
                    name: name.into(),
                    share: 1.0 / 3.0,
                    regime: regime.clone(),
                });
            }
            estimate(&cfg).unwrap()
        };
        let cfg = Config::default();
        let (n, m) = (cfg.world.producers as u64, cfg.world.problems as u64);
        // A complete network stores no graph: all that a circle adds is the index.
        let none = world([&open, &open, &open]);
        // One circle: 8 bytes a producer, 8 a problem and circle, plus 16.
        let one = world([&complete, &open, &open]);
        assert_eq!(one, none + 8 * n + 8 * (m + 2));
        let two = world([&complete, &open, &complete]);
        assert_eq!(two, none + 8 * n + 8 * (2 * m + 2));
        // The same regime alone is no circle (no mixed sight, no index).
        let alone = Config {
            regime: complete,
            ..Config::default()
        };
        let open_alone = Config {
            regime: open,
            ..Config::default()
        };
        assert_eq!(estimate(&alone), estimate(&open_alone));
    }

    #[test]
    fn each_planning_population_keeps_its_own_team_lineages() {
        let planner = Regime::preset("collectivist").unwrap();
        assert_eq!(planner.allocation, Allocation::Plan);
        let one = Config {
            regime: planner.clone(),
            ..Config::default()
        };
        let half = |name: &str, regime: &Regime| Population {
            name: name.to_string(),
            share: 0.5,
            regime: regime.clone(),
        };
        let mut two = Config {
            populations: vec![half("a", &planner), half("b", &planner)],
            ..one.clone()
        };
        let (n, m) = (one.world.producers as u64, one.world.problems as u64);
        let lineages = 8 * u64::from(planner.plan_lineages);
        let (one_bytes, two_bytes) = (estimate(&one).unwrap(), estimate(&two).unwrap());
        assert_eq!(two_bytes, one_bytes + 10 * n + m * lineages);
        // A planner beside a market keeps its lineages and stale values too.
        two.populations[1] = half("b", &Regime::preset("enclosure").unwrap());
        assert!(estimate(&two).unwrap() >= one_bytes + 10 * n);
    }
}
