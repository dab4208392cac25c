//! Each population's spread of effort against a reference that filters every
//! team by population and counts its lineages in a set, on mixed worlds of any
//! two presets, with migration.

use std::collections::HashSet;

use proptest::prelude::*;

use super::*;
use crate::model::populations::Population;
use crate::model::{Config, PRESETS, Regime, Simulation, World};

/// The reference: population by population, problem by problem.
fn spreads_naive(
    loci: u32,
    p: &Producers,
    q: &Problems,
    flows: &Flows,
    sight: &MixedSight,
    exerted: &[u64],
) -> Vec<Spread> {
    let f = &flows.producers;
    let mut out = vec![Spread::default(); exerted.len()];
    for j in 0..q.len() {
        for (k, s) in out.iter_mut().enumerate() {
            let records = q
                .records(j)
                .iter()
                .filter(|r| sight.holder_population(r.holder) as usize == k);
            let open = (q.open[j].is_some() && q.open_population[j] as usize == k)
                .then(|| q.open_quality(j));
            let held = records.map(|r| r.solution.quality).chain(open);
            s.frontier_sum += q.value[j] * held.fold(0.0, f64::max);
            let team_j = flows.problems.teams.on(j).iter().copied();
            let mine: Vec<u32> = team_j
                .filter(|&i| f.population[i as usize] as usize == k)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let t = team(p, f, &mine, loci, exerted[k] as f64);
            let lineages: HashSet<u64> = mine.iter().map(|&i| p.lineage[i as usize]).collect();
            s.worked += 1;
            s.diverse += t.diversity.is_some() as usize;
            s.diversity_sum += t.diversity.unwrap_or(0.0);
            s.distinct_sum += t.distinct as u64;
            s.heads_sum += lineages.len() as u64;
            s.entropy -= t.entropy;
            s.effort += t.effort;
            s.tail_effort += t.effort * q.in_tail[j] as u64;
        }
    }
    out
}

fn preset() -> impl Strategy<Value = &'static str> {
    prop::sample::select(PRESETS.iter().map(|p| p.name).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn spreads_are_the_references(a in preset(), b in preset(), share in 1..10u32, seed: u64) {
        let population = |name: &str, share: f64| Population {
            name: name.to_string(),
            share,
            regime: Regime::preset(name).unwrap(),
        };
        let share = share as f64 / 10.0;
        let cfg = Config {
            world: World {
                producers: 120,
                problems: 30,
                groups: 12,
                migration_rate: 0.2,
                ..World::default()
            },
            regime: Regime::default(),
            populations: vec![population(a, share), population(b, 1.0 - share)],
        };
        prop_assume!(cfg.check().is_empty());
        let mut sim = Simulation::new(&cfg, seed).unwrap();
        let (mut keys, mut parts, mut spread) = (Vec::new(), Csr::default(), Vec::new());
        for _ in 0..20 {
            sim.step();
            let (p, q, flows) = (sim.producers(), sim.problems(), sim.flows());
            let sight = sim.setting().sight.mixed.as_deref().unwrap();
            let mut exerted = vec![0u64; 2];
            for (&k, &e) in flows.producers.population.iter().zip(&flows.producers.exerted) {
                exerted[k as usize] += e as u64;
            }
            let loci = cfg.world.loci;
            spreads(loci, p, q, flows, sight, &exerted, &mut keys, &mut parts, &mut spread);
            prop_assert_eq!(&spread, &spreads_naive(loci, p, q, flows, sight, &exerted));
        }
    }
}
