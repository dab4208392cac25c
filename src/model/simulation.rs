//! One run: the state, its initialisation, and the order of the phases of a step.

use std::collections::VecDeque;

use rand::RngExt;
use rand_distr::{Beta, Distribution, LogNormal, Pareto};

use super::config::{Allocation, Config, ConfigError, Visibility};
use super::landscape::{Nk, Tables};
use super::metrics::Metrics;
use super::network::Sight;
use super::rng::{Phase, Stream, stream};
use super::state::{Problems, Producers, Record, Solution, Teams};
use super::{
    adaptation, adoption, allocation, disclosure, governance, market, observation, reward, search,
    shocks,
};

/// Offset of problem entities in stream keys, so they never share a producer's stream.
pub(crate) const PROBLEM_ENTITY: u64 = 1 << 40;

/// Totals of one step that later phases and the metrics need.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub catchup: f64,
    pub race: f64,
    pub exploration: f64,
    pub frontier: f64,
    pub innovation: f64,
    pub potential_surplus: f64,
    pub consumer_surplus: f64,
    pub revenue: f64,
    pub deadweight_loss: f64,
    /// Levy collected this step (share of consumer surplus).
    pub levy: f64,
    /// Fines and monitoring costs of the previous step, settled through this step's pool.
    pub fines_carried: f64,
    pub monitoring_carried: f64,
    /// This step's fines and monitoring costs (settled next step).
    pub fines: f64,
    pub monitoring_cost: f64,
    pub sanctions: u32,
    pub compute_spent: f64,
    pub exits: u32,
    /// Money paid out as income this step (revenue plus pool).
    pub paid: f64,
}

/// What the per-producer phases compute before writing it into the state. Kept
/// between steps, so that a large population does not allocate (and fault in)
/// tens of megabytes a step.
#[derive(Default)]
pub(crate) struct Buffers {
    pub(crate) choices: Vec<u32>,
    /// Each producer's search stream, from effort to its climb.
    pub(crate) search_streams: Vec<Stream>,
    pub(crate) starts: Vec<adoption::Start>,
    pub(crate) verdicts: Vec<governance::Verdict>,
    pub(crate) propensity: Vec<f64>,
    pub(crate) teams: Vec<observation::Team>,
    pub(crate) accounts: Vec<(disclosure::Effort, f64)>,
    /// Space for the pay cap's water fill.
    pub(crate) water_fill: reward::Workspace,
    /// Space for the Ginis' sorts.
    pub(crate) gini: observation::GiniBuffers,
}

/// A phase of a step: it reads and updates the simulation's state.
type PhaseFn = fn(&mut Simulation);

/// The phases of a step before observation, in the order of MODEL.md §2.
const STEP: [(&str, PhaseFn); 9] = [
    ("shocks", shocks::run),
    ("allocation", allocation::run),
    ("adoption", adoption::run),
    ("search", search::run),
    ("disclosure", disclosure::run),
    ("market", market::run),
    ("reward", reward::run),
    ("governance", governance::run),
    ("adaptation", adaptation::run),
];

/// A run in progress. Build it from a configuration and a seed, then call
/// [`Simulation::step`] until the end; each call returns that step's metrics.
pub struct Simulation {
    pub(crate) config: Config,
    pub(crate) seed: u64,
    pub(crate) time: u32,
    pub(crate) search_trials: u64,
    pub(crate) nk: Nk,
    /// Contributions of every landscape, when they fit (see [`Tables`]).
    pub(crate) tables: Tables,
    pub(crate) producers: Producers,
    /// What search already knows of each producer's position (a cache that does
    /// not change results; see `search`).
    pub(crate) climbs: Vec<search::Climb>,
    pub(crate) problems: Problems,
    pub(crate) sight: Sight,
    /// Producers by target, rebuilt after allocation.
    pub(crate) teams: Teams,
    /// Problems by domain (fixed).
    pub(crate) domain_problems: Teams,
    /// Peers a producer may imitate: same intrinsic type (and group under `groups`).
    pub(crate) peers: Teams,
    pub(crate) peer_key: Vec<u32>,
    /// Divides raw Pareto draws so that initial values have mean 1.
    pub(crate) value_scale: f64,
    /// Values of the last `plan_lag + 1` steps, oldest first (plan allocation only).
    pub(crate) value_history: VecDeque<Vec<f64>>,
    pub(crate) ledger: Ledger,
    /// Revenue earned this step per holder (producer or group).
    pub(crate) holder_revenue: Vec<f64>,
    pub(crate) scratch: Vec<f64>,
    /// Outputs of the per-producer phases, kept from step to step.
    pub(crate) buffers: Buffers,
}

impl Simulation {
    /// A fresh run at step 0, or the first problem with the configuration.
    pub fn new(config: &Config, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        let w = &config.world;
        let r = &config.regime;
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
        problems.frontier_start = vec![0.0; m];
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
        problems.claims = vec![0; m];
        problems.winner = vec![super::state::NONE; m];
        problems.in_tail = vec![false; m];
        problems.sales = vec![Default::default(); m];
        if r.allocation == Allocation::Plan {
            problems.plan_lineage = vec![0; m * r.plan_lineages as usize];
        }
        if let Some(p) = r.patent_term {
            problems.patent_ring = vec![None; m * p as usize];
        }

        let mut producers = Producers::default();
        for i in 0..n {
            producers.group.push((i * w.groups / n) as u32);
        }
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
        producers.wealth = vec![0.0; n];
        producers.income = vec![0.0; n];
        producers.outside = vec![0.0; n];
        producers.fine = vec![0.0; n];
        producers.payoff = vec![0.0; n];
        producers.credit = vec![0.0; n];
        producers.offences = vec![0; n];
        producers.target = vec![0; n];
        producers.genome = vec![0; n];
        producers.fitness = vec![0; n];
        producers.quality = vec![0.0; n];
        producers.lineage = vec![0; n];
        producers.fresh = vec![true; n];
        producers.switched = vec![false; n];
        producers.team_rank = vec![0; n];
        producers.start_quality = vec![0.0; n];
        producers.sees_frontier = vec![false; n];
        producers.exerted = vec![0; n];
        producers.effective = vec![0; n];
        producers.new_credit = vec![0.0; n];

        let mut sim = Simulation {
            config: config.clone(),
            seed,
            time: 0,
            search_trials: 0,
            tables: Tables::new(&nk, &problems.landscape),
            nk,
            producers,
            climbs: vec![search::Climb::default(); n],
            problems,
            sight: Sight::new(r, n, seed),
            teams: Teams::default(),
            domain_problems: Teams::default(),
            peers: Teams::default(),
            peer_key: Vec::new(),
            value_scale,
            value_history: VecDeque::new(),
            ledger: Ledger::default(),
            holder_revenue: vec![0.0; n.max(w.groups)],
            scratch: Vec::with_capacity(n),
            buffers: Buffers::default(),
        };
        for i in 0..n {
            sim.draw_producer(i, 0, Phase::Init);
        }
        let domains: Vec<u32> = sim.problems.domain.iter().map(|&d| d as u32).collect();
        sim.domain_problems.build(&domains, w.domains as usize);
        let groups = if r.visibility == Visibility::Groups {
            w.groups
        } else {
            1
        };
        sim.peer_key = (0..n)
            .map(|i| {
                let g = if groups > 1 {
                    sim.producers.group[i]
                } else {
                    0
                };
                2 * g + (sim.producers.intrinsic[i] > 0.0) as u32
            })
            .collect();
        sim.peers.build(&sim.peer_key, 2 * groups);
        shocks::rank_values(&mut sim.problems);
        Ok(sim)
    }

    /// Draws the traits of the producer in slot `i`: a founder at step 0 or an entrant.
    pub(crate) fn draw_producer(&mut self, i: usize, t: u32, phase: Phase) {
        let w = &self.config.world;
        let mut rng = stream(self.seed, t, phase, i as u64 | (1 << 41));
        let p = &mut self.producers;
        p.domain[i] = rng.random_range(0..w.domains) as u16;
        p.skill[i] = LogNormal::new(0.0, w.skill_sigma)
            .expect("validated sigma")
            .sample(&mut rng);
        let m = w.initial_propensity;
        p.propensity[i] = Beta::new(4.0 * m, 4.0 * (1.0 - m))
            .expect("validated propensity")
            .sample(&mut rng);
        p.budget[i] = w.base_budget;
        p.wealth[i] = 0.0;
        p.payoff[i] = 0.0;
        p.credit[i] = 0.0;
        p.offences[i] = 0;
        p.fresh[i] = true;
    }

    /// The next step to run (0 before the first).
    pub fn time(&self) -> u32 {
        self.time
    }

    /// Search trials performed since the start (for throughput reports).
    pub fn search_trials(&self) -> u64 {
        self.search_trials
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runs one step, phase by phase in the order of MODEL.md §2, and returns its metrics.
    pub fn step(&mut self) -> Metrics {
        self.begin_step();
        for (_, phase) in STEP {
            phase(self);
        }
        self.end_step()
    }

    /// Like [`Simulation::step`], handing each phase's name and wall time to `lap`
    /// (for profiles of where a step's time goes). The same phases run in the same
    /// order, so the results are the same.
    pub fn step_timed(
        &mut self,
        lap: &mut dyn FnMut(&'static str, std::time::Duration),
    ) -> Metrics {
        self.begin_step();
        for (name, phase) in STEP {
            let start = std::time::Instant::now();
            phase(self);
            lap(name, start.elapsed());
        }
        let start = std::time::Instant::now();
        let metrics = self.end_step();
        lap("observation", start.elapsed());
        metrics
    }

    /// Names of the phases of a step, in order (observation last).
    pub const PHASES: [&'static str; STEP.len() + 1] = {
        let mut names = ["observation"; STEP.len() + 1];
        let mut k = 0;
        while k < STEP.len() {
            names[k] = STEP[k].0;
            k += 1;
        }
        names
    };

    fn begin_step(&mut self) {
        // Fines and monitoring costs of the last step settle through this step's pool.
        let carried = (self.ledger.fines, self.ledger.monitoring_cost);
        self.ledger = Ledger {
            fines_carried: carried.0,
            monitoring_carried: carried.1,
            ..Ledger::default()
        };
    }

    fn end_step(&mut self) -> Metrics {
        let metrics = observation::run(self);
        self.time += 1;
        metrics
    }

    /// Runs `steps` steps, handing each step's index and metrics to `observe`.
    pub fn run(&mut self, steps: u32, mut observe: impl FnMut(u32, &Metrics)) {
        for _ in 0..steps {
            let t = self.time;
            let m = self.step();
            observe(t, &m);
        }
    }

    /// This step's accounting totals (for tests of the identities).
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The producers' state.
    pub fn producers(&self) -> &Producers {
        &self.producers
    }

    /// The problems' state.
    pub fn problems(&self) -> &Problems {
        &self.problems
    }
}
