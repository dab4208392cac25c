//! Mixed worlds (spec §5, docs/MODEL.md §9): several populations, each a share
//! of the producers living under its own regime, on one set of problems and one
//! market. A configuration without `populations` is the one-population world of
//! its `regime`, and runs bit for bit as it always did.
//!
//! This file holds the configuration of a population, its checks, and the
//! layout of a world: contiguous blocks of producer slots, each with its own
//! groups (spec §5 "Layout").

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::config::{Config, ConfigError, Regime};
use super::params;

/// Most populations in a world (a producer's population is a `u8`).
pub const MAX_POPULATIONS: usize = 32;

/// How far the shares may sum from 1 (they are decimal fractions).
const SHARE_TOLERANCE: f64 = 1e-9;

/// One population of a mixed world: a share of the producers under a regime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Its name in tables and scenario keys (`populations.NAME.share`).
    pub name: String,
    /// Its share of the producers at the start, in [0, 1]; the shares sum to 1.
    pub share: f64,
    pub regime: Regime,
}

/// The problems with the populations of `config` (none without populations).
pub fn check(config: &Config) -> Vec<ConfigError> {
    let pops = &config.populations;
    let mut errors = Vec::new();
    if pops.is_empty() {
        return errors;
    }
    let error = |parameter: String, value: String, allowed: &str| ConfigError {
        parameter,
        value,
        allowed: allowed.to_string(),
    };
    if pops.len() > MAX_POPULATIONS {
        errors.push(error(
            "populations".into(),
            pops.len().to_string(),
            "at most 32 populations",
        ));
    }
    for (k, pop) in pops.iter().enumerate() {
        let key = |field: &str| format!("populations.{}.{field}", pop.name);
        let word_like = !pop.name.is_empty()
            && pop.name != "all"
            && (pop.name.chars()).all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !word_like || pops[..k].iter().any(|o| o.name == pop.name) {
            errors.push(error(
                format!("populations.{}", pop.name),
                format!("\"{}\"", pop.name),
                "a unique name of letters, digits, '_' or '-' (not \"all\", which names the world)",
            ));
        }
        if !(0.0..=1.0).contains(&pop.share) {
            errors.push(error(
                key("share"),
                params::number(pop.share),
                "a share in [0, 1]",
            ));
        }
        // The regime's own ranges, named under the population.
        let alone = Config {
            world: config.world.clone(),
            regime: pop.regime.clone(),
            populations: Vec::new(),
        };
        for p in params::all().filter(|p| p.table == params::Table::Regime) {
            if let Some(mut e) = p.check(&alone) {
                e.parameter = key(p.key);
                errors.push(e);
            }
        }
    }
    let total: f64 = pops.iter().map(|p| p.share).sum();
    if (total - 1.0).abs() > SHARE_TOLERANCE {
        let shares: Vec<String> = pops
            .iter()
            .map(|p| format!("{} {}", p.name, params::number(p.share)))
            .collect();
        errors.push(error(
            "populations.*.share".into(),
            format!("{} (sum of {})", params::number(total), shares.join(", ")),
            "shares that sum to 1",
        ));
    }
    errors
}

/// Sizes that sum to `total` in proportion to `shares` (which sum to 1):
/// each gets the floor of its quota, and the units left go one each to the
/// largest remainders, ties to the earlier population (Hamilton's method).
pub fn apportion(shares: &[f64], total: usize) -> Vec<usize> {
    let quota: Vec<f64> = shares.iter().map(|s| s * total as f64).collect();
    let mut sizes: Vec<usize> = quota.iter().map(|q| q.floor() as usize).collect();
    let given: usize = sizes.iter().sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        (quota[b] - quota[b].floor())
            .total_cmp(&(quota[a] - quota[a].floor()))
            .then(a.cmp(&b))
    });
    let left = total.saturating_sub(given);
    for &k in order
        .iter()
        .cycle()
        .take(if shares.is_empty() { 0 } else { left })
    {
        sizes[k] += 1;
    }
    // Rounding can only overshoot if the shares sum above 1: trim from the last.
    let mut over = sizes.iter().sum::<usize>().saturating_sub(total);
    for s in sizes.iter_mut().rev() {
        let cut = over.min(*s);
        *s -= cut;
        over -= cut;
    }
    sizes
}

/// The imitation peers' keys of each producer (spec §2.9, §5): its intrinsic
/// type, and its group under group visibility; in a mixed world also its
/// population (one key per population for those who do not learn within a
/// group). Returns the keys and how many there may be.
pub fn peer_keys(
    regimes: &[Regime],
    population: &[u8],
    group: &[u32],
    intrinsic: &[f64],
    groups: usize,
) -> (Vec<u32>, usize) {
    let mixed = regimes.len() > 1;
    let units = if mixed {
        groups + regimes.len()
    } else if regimes[0].visibility.by_group() {
        groups
    } else {
        1
    };
    let keys = (0..population.len())
        .map(|i| {
            let k = population[i] as usize;
            let unit = match (mixed, regimes[k].visibility.by_group()) {
                (_, true) => group[i],
                (true, false) => (groups + k) as u32,
                (false, false) => 0,
            };
            2 * unit + (intrinsic[i] > 0.0) as u32
        })
        .collect();
    (keys, 2 * units)
}

/// Where each population lives at the start: its block of slots and its groups.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Each population's slots, in population order, covering `0..N`.
    pub blocks: Vec<Range<usize>>,
    /// Each population's groups, world-wide numbers, covering `0..groups`.
    pub group_blocks: Vec<Range<usize>>,
    /// Group of each slot.
    pub group: Vec<u32>,
    /// Population of each group.
    pub group_population: Vec<u8>,
    /// Each group's slots: `group_first[g]..group_first[g + 1]`.
    pub group_first: Vec<usize>,
}

impl Layout {
    /// Blocks of `n` slots by `shares`, and `groups` groups apportioned by the
    /// same rule; a non-empty population has at least one group and at most one
    /// per member, so the world's count of groups may differ from `groups`.
    /// Within a block of `n_k` slots and `g_k` groups, slot `s` (counted from
    /// the block's start) is in group `s * g_k / n_k`, as in a one-population
    /// world (where this is exactly `i * G / N`).
    pub fn new(shares: &[f64], n: usize, groups: usize) -> Layout {
        let sizes = apportion(shares, n);
        let group_sizes: Vec<usize> = apportion(shares, groups)
            .into_iter()
            .zip(&sizes)
            .map(|(g, &members)| if members == 0 { 0 } else { g.clamp(1, members) })
            .collect();
        let mut layout = Layout {
            blocks: Vec::new(),
            group_blocks: Vec::new(),
            group: Vec::with_capacity(n),
            group_population: Vec::new(),
            group_first: Vec::new(),
        };
        let (mut slot, mut first_group) = (0, 0);
        for (k, (&members, &g)) in sizes.iter().zip(&group_sizes).enumerate() {
            layout.blocks.push(slot..slot + members);
            layout.group_blocks.push(first_group..first_group + g);
            for s in 0..members {
                layout.group.push((first_group + s * g / members) as u32);
            }
            for local in 0..g {
                layout
                    .group_first
                    .push(slot + (local * members).div_ceil(g));
                layout.group_population.push(k as u8);
            }
            slot += members;
            first_group += g;
        }
        layout.group_first.push(n);
        layout
    }

    /// The population of each slot.
    pub fn population(&self) -> Vec<u8> {
        let mut population = vec![0; self.group.len()];
        for (k, block) in self.blocks.iter().enumerate() {
            population[block.clone()].fill(k as u8);
        }
        population
    }

    pub fn groups(&self) -> usize {
        self.group_population.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_sum_to_n_with_largest_remainders() {
        assert_eq!(apportion(&[1.0], 7), vec![7]);
        assert_eq!(apportion(&[0.5, 0.5], 7), vec![4, 3]);
        assert_eq!(apportion(&[0.25, 0.25, 0.5], 10), vec![3, 2, 5]);
        assert_eq!(apportion(&[0.0, 1.0], 3), vec![0, 3]);
        for n in 0..50 {
            let sizes = apportion(&[0.1, 0.2, 0.3, 0.4], n);
            assert_eq!(sizes.iter().sum::<usize>(), n);
        }
    }

    #[test]
    fn one_population_has_the_single_regime_groups() {
        let (n, g) = (103, 10);
        let layout = Layout::new(&[1.0], n, g);
        assert_eq!(layout.blocks, vec![0..n]);
        for i in 0..n {
            assert_eq!(layout.group[i] as usize, i * g / n);
        }
        for k in 0..g {
            let first = (k * n).div_ceil(g);
            assert_eq!(layout.group_first[k], first);
        }
    }

    #[test]
    fn groups_stay_inside_their_population() {
        let layout = Layout::new(&[0.3, 0.0, 0.7], 20, 4);
        assert_eq!(layout.blocks, vec![0..6, 6..6, 6..20]);
        assert_eq!(layout.groups(), 4);
        let population = layout.population();
        for (i, &g) in layout.group.iter().enumerate() {
            let g = g as usize;
            assert_eq!(layout.group_population[g], population[i]);
            assert!((layout.group_first[g]..layout.group_first[g + 1]).contains(&i));
        }
    }
}
