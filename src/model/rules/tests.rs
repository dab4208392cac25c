//! Each institution's rule on a tiny hand-made world: the rule's function is
//! called on state set by hand, and what it leaves is checked value by value.

mod adoption;
mod allocation;
mod capital;
mod circle;
mod disclosure;
mod heads;
mod mixed;
mod money;
mod patents;

use super::{Clock, Context};
use crate::model::config::{Regime, World};
use crate::model::csr::Csr;
use crate::model::flows::{Flows, Ledger, Pool, ProblemFlows, ProducerFlows};
use crate::model::heads::Heads;
use crate::model::network::Sight;
use crate::model::populations::Layout;
use crate::model::state::{Problems, Producers, Record, Setting, Solution};

/// A world, a regime and what a run fixes, for `n` producers.
struct Fixture {
    world: World,
    regime: Regime,
    /// `[regime]`: the one population's regime, as the context lends it.
    regimes: Vec<Regime>,
    setting: Setting,
}

impl Fixture {
    fn new(world: World, regime: Regime) -> Fixture {
        let n = world.producers;
        let mut domain_problems = Csr::default();
        domain_problems.build(&vec![0; world.problems], world.domains as usize);
        let mut peers = Csr::default();
        peers.build(&vec![0; n], 1);
        let layout = Layout::new(&[1.0], n, world.groups);
        let setting = Setting {
            sight: Sight::new(&regime, n, 1),
            domain_problems,
            peers,
            peer_key: vec![0; n],
            value_scale: 1.0,
            layout,
            group_base: 0,
        };
        Fixture {
            world,
            regimes: vec![regime.clone()],
            regime,
            setting,
        }
    }

    /// A mixed world (spec §5) of these regimes and shares, laid out in
    /// blocks; `regime` is the first population's.
    fn mixed(world: World, regimes: Vec<Regime>, shares: &[f64]) -> Fixture {
        let mut fx = Fixture::new(world, regimes[0].clone());
        let n = fx.world.producers;
        let layout = Layout::new(shares, n, fx.world.groups);
        let (population, groups) = (layout.population(), layout.group_population.clone());
        fx.setting.sight = Sight::mixed(&regimes, &layout.blocks, population, groups, 1);
        fx.setting.layout = layout;
        fx.setting.group_base = n as u32;
        fx.regimes = regimes;
        fx
    }

    fn cx(&self, time: u32) -> Context<'_> {
        Context {
            world: &self.world,
            regimes: &self.regimes,
            clock: Clock { seed: 9, time },
            setting: &self.setting,
        }
    }

    /// Producers in their own domain 0 and group, on problem 0, with skill 1,
    /// a full budget and nothing else.
    fn producers(&self) -> Producers {
        let (w, n) = (&self.world, self.world.producers);
        Producers {
            domain: vec![0; n],
            skill: vec![1.0; n],
            group: self.setting.layout.group.clone(),
            intrinsic: vec![0.0; n],
            propensity: vec![1.0; n],
            budget: vec![w.base_budget; n],
            invest_share: vec![self.regime.invest_rate; n],
            wealth: vec![0.0; n],
            payoff: vec![0.0; n],
            credit: vec![0.0; n],
            offences: vec![0; n],
            target: vec![0; n],
            genome: vec![0; n],
            fitness: vec![0; n],
            quality: vec![0.0; n],
            lineage: vec![0; n],
            tried: vec![0; n],
            fresh: vec![false; n],
            team_rank: vec![0; n],
            population: self.setting.layout.population(),
        }
    }

    /// Problems of value 1 in domain 0, with nothing known.
    fn problems(&self) -> Problems {
        let (w, r, m) = (&self.world, &self.regime, self.world.problems);
        let empty = Record {
            holder: 0,
            created: 0,
            solution: solution(0.0, 0),
        };
        Problems {
            value: vec![1.0; m],
            domain: vec![0; m],
            landscape: (0..m as u64).collect(),
            frontier: vec![0.0; m],
            open: vec![None; m],
            open_population: vec![0; m],
            records: vec![empty; m * w.max_solutions],
            record_count: vec![0; m],
            in_tail: vec![false; m],
            plan_lineage: vec![0; m * r.plan_lineages as usize],
            patent_ring: Vec::new(),
            patent_terms: Vec::new(),
            patent_population: Vec::new(),
            past_values: Default::default(),
            max_records: w.max_solutions,
            heads: Heads::new(m, w.max_lineages),
        }
    }

    fn flows(&self) -> Flows {
        let (n, m) = (self.world.producers, self.world.problems);
        Flows {
            producers: ProducerFlows::new(n),
            problems: ProblemFlows::new(m),
            holder_revenue: match self.regimes.len() {
                1 => vec![0.0; n.max(self.world.groups)],
                _ => vec![0.0; n + self.setting.layout.groups()],
            },
            ledger: Ledger::default(),
            pools: vec![Pool::default(); self.regimes.len()],
        }
    }

    /// The reward rule at step 1, on `p` and `f` as a test left them.
    fn reward(&self, p: &mut Producers, f: &mut Flows) {
        let mut space = super::reward::Workspace::default();
        let (flows, ledger, pools) = (&mut f.producers, &mut f.ledger, &mut f.pools);
        let revenue = &f.holder_revenue;
        super::reward::reward(self.cx(1), p, flows, revenue, ledger, pools, &mut space);
    }
}

/// A solution of this quality and lineage (its genome is the lineage).
fn solution(quality: f64, lineage: u64) -> Solution {
    Solution {
        genome: lineage,
        fitness: 0,
        quality,
        lineage,
    }
}

/// Gives producer `i` a solution.
fn give(p: &mut Producers, i: usize, s: Solution) {
    (p.genome[i], p.fitness[i], p.quality[i], p.lineage[i]) =
        (s.genome, s.fitness, s.quality, s.lineage);
}

/// `a` and `b` equal up to rounding.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}
