//! The start of a run (docs/MODEL.md §5): problems with Pareto values
//! normalised to mean 1, domains and landscapes; producers with groups,
//! intrinsic motivation and the traits every entrant draws; what the run fixes
//! (visibility, peer groups).

use rand::RngExt;
use rand_distr::{Distribution, Pareto};

use super::config::{Config, ConfigError};
use super::flows::{Flows, Ledger, Pool, ProblemFlows, ProducerFlows};
use super::heads::Heads;
use super::landscape::{Landscapes, Nk};
use super::network::Sight;
use super::populations::{Layout, peer_keys};
use super::rng::{PROBLEM_ENTITY, Phase, stream};
use super::rules::Clock;
use super::rules::adaptation::draw_producer;
use super::rules::allocation::plan_blocks;
use super::rules::shocks::rank_values;
use super::simulation::{Simulation, Workspaces};
use super::state::{Problems, Producers, Record, Setting, Solution};
use crate::model::csr::Csr;

impl Simulation {
    /// A fresh run at step 0, or the first problem with the configuration.
    pub fn new(config: &Config, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        let w = &config.world;
        let regimes = config.regimes();
        let mixed = regimes.len() > 1;
        // Populations in contiguous blocks, each with its own groups (spec §5).
        let mut layout = Layout::new(&config.shares(), w.producers, w.groups);
        let population = layout.population();
        let nk = Nk::new(w.loci, w.interactions);
        let (n, m) = (w.producers, w.problems);

        // Problems: Pareto values normalised to mean 1, domains, landscapes.
        let pareto = Pareto::new(1.0, w.value_tail).expect("validated tail");
        let mut problems = Problems {
            max_records: w.max_solutions,
            ..Problems::default()
        };
        for j in 0..m {
            let mut rng = stream(seed, 0, Phase::Init, PROBLEM_ENTITY + j as u64);
            problems.value.push(pareto.sample(&mut rng));
            problems.domain.push(rng.random_range(0..w.domains) as u16);
            problems.landscape.push(rng.random());
        }
        let value_scale = problems.value.iter().sum::<f64>() / m as f64;
        for v in &mut problems.value {
            *v /= value_scale;
        }
        problems.frontier = vec![0.0; m];
        problems.open = vec![None; m];
        let empty = Record {
            holder: 0,
            created: 0,
            solution: Solution {
                genome: 0,
                fitness: 0,
                quality: 0.0,
                lineage: 0,
            },
        };
        problems.records = vec![empty; m * w.max_solutions];
        problems.record_count = vec![0; m];
        problems.in_tail = vec![false; m];
        problems.heads = Heads::new(m, w.max_lineages);
        problems.open_population = vec![0; m];
        // Every planning population's team lineages (spec §5).
        problems.plan_lineage = vec![0; plan_blocks(&regimes, m).1];
        problems.make_patent_rings(&regimes, mixed);
        rank_values(&mut problems);

        // Producers: groups in contiguous blocks, intrinsic motivation, then
        // the traits every entrant draws.
        let mut producers = Producers {
            group: std::mem::take(&mut layout.group),
            ..Producers::default()
        };
        for i in 0..n {
            let mut rng = stream(seed, 0, Phase::Init, i as u64);
            let intrinsic = if rng.random_bool(w.intrinsic_share) {
                w.intrinsic_value
            } else {
                0.0
            };
            producers.intrinsic.push(intrinsic);
        }
        producers.domain = vec![0; n];
        producers.skill = vec![0.0; n];
        producers.propensity = vec![0.0; n];
        producers.budget = vec![w.base_budget; n];
        producers.invest_share = (population.iter())
            .map(|&k| regimes[k as usize].invest_rate)
            .collect();
        producers.wealth = vec![0.0; n];
        producers.payoff = vec![0.0; n];
        producers.credit = vec![0.0; n];
        producers.offences = vec![0; n];
        producers.target = vec![0; n];
        producers.genome = vec![0; n];
        producers.fitness = vec![0; n];
        producers.quality = vec![0.0; n];
        producers.lineage = vec![0; n];
        producers.tried = vec![0; n];
        producers.fresh = vec![true; n];
        producers.team_rank = vec![0; n];
        for i in 0..n {
            draw_producer(&mut producers, i, w, seed, 0, Phase::Init);
        }

        // Peers: same intrinsic type and population, and same group under group
        // visibility.
        let group_count = layout.groups();
        let (peer_key, key_count) = peer_keys(
            &regimes,
            &population,
            &producers.group,
            &producers.intrinsic,
            group_count,
        );
        let mut peers = Csr::default();
        peers.build(&peer_key, key_count);
        let domains: Vec<u32> = problems.domain.iter().map(|&d| d as u32).collect();
        let mut domain_problems = Csr::default();
        domain_problems.build(&domains, w.domains as usize);
        let sight = if mixed {
            let groups = layout.group_population.clone();
            Sight::mixed(&regimes, &layout.blocks, population.clone(), groups, seed)
        } else {
            Sight::new(&regimes[0], n, seed)
        };
        producers.population = population;
        let setting = Setting {
            sight,
            domain_problems,
            peers,
            peer_key,
            value_scale,
            group_base: if mixed { n as u32 } else { 0 },
            layout,
        };

        Ok(Simulation {
            config: config.clone(),
            regimes,
            clock: Clock { seed, time: 0 },
            search_trials: 0,
            landscapes: Landscapes::new(nk, &problems.landscape),
            setting,
            producers,
            problems,
            flows: Flows {
                producers: ProducerFlows::new(n),
                problems: ProblemFlows::new(m),
                holder_revenue: vec![
                    0.0;
                    if mixed {
                        n + group_count
                    } else {
                        n.max(w.groups)
                    }
                ],
                pools: vec![Pool::default(); config.regimes().len()],
                ledger: Ledger::default(),
            },
            workspaces: Workspaces::default(),
            population_metrics: Vec::new(),
        })
    }
}
