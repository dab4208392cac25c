//! Each institution's rule on a tiny hand-made world: the rule's function is
//! called on state set by hand, and what it leaves is checked value by value.

mod adoption;
mod allocation;
mod capital;
mod disclosure;
mod heads;
mod money;

use super::{Clock, Context};
use crate::model::config::{Regime, World};
use crate::model::csr::Csr;
use crate::model::flows::{Flows, Ledger, ProblemFlows, ProducerFlows};
use crate::model::heads::Heads;
use crate::model::network::Sight;
use crate::model::state::{Problems, Producers, Record, Setting, Solution};

/// A world, a regime and what a run fixes, for `n` producers.
struct Fixture {
    world: World,
    regime: Regime,
    setting: Setting,
}

impl Fixture {
    fn new(world: World, regime: Regime) -> Fixture {
        let n = world.producers;
        let mut domain_problems = Csr::default();
        domain_problems.build(&vec![0; world.problems], world.domains as usize);
        let mut peers = Csr::default();
        peers.build(&vec![0; n], 1);
        let setting = Setting {
            sight: Sight::new(&regime, n, 1),
            domain_problems,
            peers,
            peer_key: vec![0; n],
            value_scale: 1.0,
        };
        Fixture {
            world,
            regime,
            setting,
        }
    }

    fn cx(&self, time: u32) -> Context<'_> {
        Context {
            world: &self.world,
            regime: &self.regime,
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
            group: (0..n).map(|i| (i * w.groups / n) as u32).collect(),
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
            records: vec![empty; m * w.max_solutions],
            record_count: vec![0; m],
            in_tail: vec![false; m],
            plan_lineage: vec![0; m * r.plan_lineages as usize],
            patent_ring: Vec::new(),
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
            holder_revenue: vec![0.0; n.max(self.world.groups)],
            ledger: Ledger::default(),
        }
    }

    /// The reward rule at step 1, on `p` and `f` as a test left them.
    fn reward(&self, p: &mut Producers, f: &mut Flows) {
        let mut space = super::reward::Workspace::default();
        let (flows, ledger) = (&mut f.producers, &mut f.ledger);
        super::reward::reward(self.cx(1), p, flows, &f.holder_revenue, ledger, &mut space);
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
