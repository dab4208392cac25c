//! One run: its state, its flows, and the rules of a step in their order.

use super::config::{Config, Regime};
use super::flows::{Flows, Ledger};
use super::landscape::Landscapes;
use super::metrics::Metrics;
use super::rules::adaptation::{self, adaptation};
use super::rules::adoption::{self, adoption};
use super::rules::allocation::{self, allocation};
use super::rules::disclosure::{self, disclosure};
use super::rules::governance::{self, governance};
use super::rules::market::market;
use super::rules::migration::{self, migration};
use super::rules::observation::{self, observation, observe_populations};
use super::rules::reward::{self, reward};
use super::rules::search::{self, search};
use super::rules::shocks::shocks;
use super::rules::{Clock, Context};
use super::state::{Problems, Producers, Setting};

/// A run in progress. Build it from a configuration and a seed with
/// [`Simulation::new`], then call [`Simulation::step`] once per step; each call
/// runs the rules of spec §2 in order and returns that step's metrics.
///
/// Between steps the run can be read: [`Simulation::producers`] and
/// [`Simulation::problems`] are the state that persists (stocks: skills,
/// wealth, solutions, held records, the frontier), [`Simulation::flows`] what
/// the last step produced (effort, income, fines, each problem's sale, and its
/// [`Ledger`] of totals). A metric of your own is a function of these:
///
/// ```
/// use regimes::model::{Config, Simulation};
///
/// let mut sim = Simulation::new(&Config::default(), 7).expect("valid defaults");
/// for _ in 0..5 {
///     let metrics = sim.step();
///     // Share of producers whose solution is at their problem's frontier.
///     let (p, q) = (sim.producers(), sim.problems());
///     let at_frontier = (0..p.len())
///         .filter(|&i| p.quality[i] >= q.frontier[p.target[i] as usize])
///         .count() as f64
///         / p.len() as f64;
///     assert!((0.0..=1.0).contains(&at_frontier));
///     assert!(metrics.welfare.is_finite());
/// }
/// assert_eq!(sim.time(), 5);
/// ```
pub struct Simulation {
    pub(super) config: Config,
    /// Each population's regime (one without populations).
    pub(super) regimes: Vec<Regime>,
    pub(super) clock: Clock,
    pub(super) search_trials: u64,
    /// The NK landscapes of the problems.
    pub(super) landscapes: Landscapes,
    pub(super) setting: Setting,
    pub(super) producers: Producers,
    pub(super) problems: Problems,
    pub(super) flows: Flows,
    pub(super) workspaces: Workspaces,
    /// Each population's metrics of the last step (mixed worlds; empty otherwise).
    pub(super) population_metrics: Vec<Metrics>,
}

/// Each rule's space, kept between steps so that a step does not allocate.
#[derive(Default)]
pub(super) struct Workspaces {
    allocation: allocation::Workspace,
    adoption: adoption::Workspace,
    search: search::Workspace,
    disclosure: disclosure::Workspace,
    reward: reward::Workspace,
    governance: governance::Workspace,
    adaptation: adaptation::Workspace,
    migration: migration::Workspace,
    observation: observation::Workspace,
    populations: observation::PopulationsWorkspace,
}

/// What the rules may change, lent out for one rule at a time.
struct Parts<'a> {
    landscapes: &'a mut Landscapes,
    producers: &'a mut Producers,
    problems: &'a mut Problems,
    flows: &'a mut Flows,
    workspaces: &'a mut Workspaces,
    search_trials: &'a mut u64,
}

/// A rule of a step, given the simulation: takes the parts it borrows out and
/// calls the rule's function.
type Rule = fn(&mut Simulation);

/// The rules of a step before observation, in the order of spec §2, named for
/// profiles (`Simulation::step_timed`).
const STEP: [(&str, Rule); 10] = [
    ("shocks", |s| {
        let (cx, p) = s.parts();
        shocks(cx, p.landscapes, p.producers, p.problems);
    }),
    ("allocation", |s| {
        let (cx, p) = s.parts();
        let (f, w) = (p.flows, &mut p.workspaces.allocation);
        allocation(
            cx,
            p.producers,
            p.problems,
            &mut f.producers,
            &mut f.problems,
            w,
        );
    }),
    ("adoption", |s| {
        let (cx, p) = s.parts();
        let (f, w) = (p.flows, &mut p.workspaces.adoption);
        let (producers, problems) = (p.producers, p.problems);
        adoption(
            cx,
            p.landscapes,
            producers,
            problems,
            &mut f.producers,
            &mut f.problems,
            &mut f.ledger,
            &mut f.pools,
            w,
        );
    }),
    ("search", |s| {
        let (cx, p) = s.parts();
        let (f, w) = (p.flows, &mut p.workspaces.search);
        let (producers, problems) = (p.producers, p.problems);
        *p.search_trials += search(
            cx,
            p.landscapes,
            producers,
            problems,
            &mut f.producers,
            &f.problems,
            w,
        );
    }),
    ("disclosure", |s| {
        let (cx, p) = s.parts();
        let (f, w) = (p.flows, &mut p.workspaces.disclosure);
        let ledger = &mut f.ledger;
        disclosure(
            cx,
            p.producers,
            p.problems,
            &mut f.producers,
            &mut f.problems,
            ledger,
            &mut f.pools,
            w,
        );
    }),
    ("market", |s| {
        let (cx, p) = s.parts();
        let f = p.flows;
        market(
            cx,
            p.problems,
            &mut f.problems.sales,
            &mut f.holder_revenue,
            &mut f.ledger,
            &mut f.pools,
        );
    }),
    ("reward", |s| {
        let (cx, p) = s.parts();
        let (f, w) = (p.flows, &mut p.workspaces.reward);
        reward(
            cx,
            p.producers,
            &mut f.producers,
            &f.holder_revenue,
            &mut f.ledger,
            &mut f.pools,
            w,
        );
    }),
    ("governance", |s| {
        let (cx, p) = s.parts();
        let (f, w) = (p.flows, &mut p.workspaces.governance);
        governance(
            cx,
            p.producers,
            &mut f.producers,
            &mut f.ledger,
            &mut f.pools,
            w,
        );
    }),
    ("adaptation", |s| {
        let (cx, p) = s.parts();
        let (f, w) = (p.flows, &mut p.workspaces.adaptation);
        let (ledger, pools) = (&mut f.ledger, &mut f.pools);
        adaptation(cx, p.producers, p.problems, &f.producers, ledger, pools, w);
    }),
    ("migration", |s| {
        // Migration changes who learns from whom and who sees what: the setting.
        // Observation counts a producer in the population it worked in.
        if s.regimes.len() > 1 {
            let worked_in = &mut s.flows.producers.population;
            worked_in.clone_from(&s.producers.population);
        }
        let Simulation {
            config,
            regimes,
            clock,
            producers,
            problems,
            setting,
            flows,
            workspaces,
            ..
        } = s;
        migration(
            &config.world,
            regimes,
            *clock,
            producers,
            problems,
            setting,
            &mut flows.ledger,
            &mut workspaces.migration,
        );
    }),
];

impl Simulation {
    /// The context every rule reads, and the parts rules may change.
    fn parts(&mut self) -> (Context<'_>, Parts<'_>) {
        let Simulation {
            config,
            regimes,
            clock,
            search_trials,
            landscapes,
            setting,
            producers,
            problems,
            flows,
            workspaces,
            ..
        } = self;
        let cx = Context {
            world: &config.world,
            regimes,
            clock: *clock,
            setting,
        };
        let parts = Parts {
            landscapes,
            producers,
            problems,
            flows,
            workspaces,
            search_trials,
        };
        (cx, parts)
    }

    /// Runs one step, rule by rule in the order of spec §2, and returns its metrics.
    pub fn step(&mut self) -> Metrics {
        self.begin_step();
        for (_, rule) in STEP {
            rule(self);
        }
        self.end_step()
    }

    /// Like [`Simulation::step`], handing each rule's name and wall time to `lap`
    /// (for profiles of where a step's time goes). The same rules run in the same
    /// order, so the results are the same.
    pub fn step_timed(
        &mut self,
        lap: &mut dyn FnMut(&'static str, std::time::Duration),
    ) -> Metrics {
        self.begin_step();
        for (name, rule) in STEP {
            let start = std::time::Instant::now();
            rule(self);
            lap(name, start.elapsed());
        }
        let start = std::time::Instant::now();
        let metrics = self.end_step();
        lap("observation", start.elapsed());
        metrics
    }

    /// Names of the rules of a step, in order (observation last).
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
        self.flows.ledger = self.flows.ledger.next();
        for pool in &mut self.flows.pools {
            *pool = pool.next();
        }
    }

    fn end_step(&mut self) -> Metrics {
        let mut each = std::mem::take(&mut self.population_metrics);
        let (cx, p) = self.parts();
        let loci = p.landscapes.nk.loci();
        let space = &mut p.workspaces.observation;
        let metrics = observation(cx, loci, p.producers, p.problems, p.flows, space);
        if cx.regimes.len() > 1 {
            // Every metric per population too (spec §5 "Observation").
            each.resize(cx.regimes.len(), Metrics::default());
            let ws = &mut *p.workspaces;
            let (sorted, space) = (ws.observation.sorted(), &mut ws.populations);
            let (producers, problems, flows) = (&*p.producers, &*p.problems, &*p.flows);
            observe_populations(
                cx, loci, producers, problems, flows, &metrics, sorted, space, &mut each,
            );
        }
        self.population_metrics = each;
        self.clock.time += 1;
        metrics
    }

    /// Each population's metrics of the last step, in population order (spec
    /// §5 "Observation"); empty in a single-regime run, whose only row is the
    /// world's that [`Simulation::step`] returns.
    pub fn population_metrics(&self) -> &[Metrics] {
        &self.population_metrics
    }

    /// Runs `steps` steps, handing each step's index and metrics to `observe`.
    pub fn run(&mut self, steps: u32, mut observe: impl FnMut(u32, &Metrics)) {
        for _ in 0..steps {
            let t = self.clock.time;
            let m = self.step();
            observe(t, &m);
        }
    }

    /// The next step to run (0 before the first).
    pub fn time(&self) -> u32 {
        self.clock.time
    }

    /// Search trials performed since the start (for throughput reports).
    pub fn search_trials(&self) -> u64 {
        self.search_trials
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Each population's regime, in population order (one in a single-regime run).
    pub fn regimes(&self) -> &[Regime] {
        &self.regimes
    }

    pub fn seed(&self) -> u64 {
        self.clock.seed
    }

    /// The producers' state (stocks that persist from step to step).
    pub fn producers(&self) -> &Producers {
        &self.producers
    }

    /// The problems' state: values, held records, open solutions, the frontier.
    pub fn problems(&self) -> &Problems {
        &self.problems
    }

    /// What the last step produced: effort, income, fines, sales, totals.
    pub fn flows(&self) -> &Flows {
        &self.flows
    }

    /// The last step's accounting totals.
    pub fn ledger(&self) -> &Ledger {
        &self.flows.ledger
    }

    /// What the run fixed at its start: visibility, problems by domain, peers.
    pub fn setting(&self) -> &Setting {
        &self.setting
    }
}
