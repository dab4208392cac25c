//! What one step produces, apart from the state that persists (`state`):
//! who switched, effort, credit, money paid, the surplus of each problem, the
//! step's totals. Rules write these in step order and later rules read them;
//! the next step overwrites them. (Stocks persist in `state`; flows are per step.)

use crate::model::csr::Csr;

/// This step's flows of each producer (index = slot, as in `Producers`).
#[derive(Clone, Debug, Default)]
pub struct ProducerFlows {
    /// Took a new target this step (allocation).
    pub switched: Vec<bool>,
    /// Quality after adoption, before search.
    pub start_quality: Vec<f64>,
    /// The world frontier was visible at adoption.
    pub sees_frontier: Vec<bool>,
    /// Started this step from a visible solution other than its own (adoption).
    pub copied: Vec<bool>,
    /// Quality of the head of its lineage it saw at adoption, at least its
    /// start (`credit_rule = lineage` only; adoption).
    pub lineage_head: Vec<f64>,
    /// Trials exerted (search).
    pub exerted: Vec<u32>,
    /// Trials made effective by skill, match and overhead (search).
    pub effective: Vec<u32>,
    /// The genomes this step's trials evaluated (search), for the accounting of redundancy.
    pub evaluations: Evaluations,
    /// Effective trials made from a genome that is a one-bit local optimum (search).
    pub stuck: Vec<u32>,
    /// Effective trials that were merges (search, `merge_rate`).
    pub merges: Vec<u32>,
    /// Value added above the old frontier, before averaging (disclosure).
    pub new_credit: Vec<f64>,
    /// Money received (revenue, pool, after the pay cap; reward).
    pub income: Vec<f64>,
    /// Trials granted for next step by social credit (reward, `credit_compute`).
    pub granted: Vec<f64>,
    /// Outside wage earned by unexerted base trials (reward).
    pub outside: Vec<f64>,
    /// Fine for shirking (governance).
    pub fine: Vec<f64>,
    /// The population each producer worked in this step, before migration
    /// (mixed worlds only; empty otherwise): what observation counts it in.
    pub population: Vec<u8>,
}

impl ProducerFlows {
    /// Flows of `n` producers, all zero.
    pub fn new(n: usize) -> Self {
        ProducerFlows {
            switched: vec![false; n],
            start_quality: vec![0.0; n],
            sees_frontier: vec![false; n],
            copied: vec![false; n],
            lineage_head: vec![0.0; n],
            exerted: vec![0; n],
            effective: vec![0; n],
            evaluations: Evaluations::default(),
            stuck: vec![0; n],
            merges: vec![0; n],
            new_credit: vec![0.0; n],
            income: vec![0.0; n],
            granted: vec![0.0; n],
            outside: vec![0.0; n],
            fine: vec![0.0; n],
            population: Vec::new(),
        }
    }

    /// Every producer's earnings this step, in order: income plus outside wage
    /// minus fines. (Zipped, not indexed: no bounds checks, so it vectorises.)
    pub fn earnings(&self) -> impl Iterator<Item = f64> + '_ {
        let paid = self.income.iter().zip(&self.outside).zip(&self.fine);
        paid.map(|((&income, &outside), &fine)| income + outside - fine)
    }
}

/// The genomes evaluated by this step's trials, producer by producer (search
/// writes them, disclosure counts the redundant ones). Producers are taken in
/// chunks of [`Evaluations::CHUNK`] slots, each chunk with its own buffer, so
/// that search can fill them in parallel; buffers are kept between steps.
#[derive(Clone, Debug, Default)]
pub struct Evaluations {
    /// Chunk `c` holds the evaluations of producers `c * CHUNK ..`, in slot order.
    pub chunks: Vec<Vec<u64>>,
    /// Where producer `i`'s evaluations start in its chunk, and how many there are.
    pub start: Vec<u32>,
    pub count: Vec<u32>,
}

impl Evaluations {
    /// Producers per chunk (the parallel grain of search).
    pub const CHUNK: usize = 1024;

    /// Space for `n` producers, every buffer emptied.
    pub fn reset(&mut self, n: usize) {
        self.chunks.resize_with(n.div_ceil(Self::CHUNK), Vec::new);
        self.chunks.iter_mut().for_each(Vec::clear);
        self.start.resize(n, 0);
        self.count.resize(n, 0);
    }

    /// The genomes producer `i` evaluated this step, in the order of its trials.
    #[inline]
    pub fn of(&self, i: usize) -> &[u64] {
        let start = self.start[i] as usize;
        &self.chunks[i / Self::CHUNK][start..start + self.count[i] as usize]
    }
}

/// This step's flows of each problem.
#[derive(Clone, Debug, Default)]
pub struct ProblemFlows {
    /// Producers by target, built by allocation.
    pub teams: Csr,
    /// In a mixed world with circles (populations with a complete network),
    /// their members by target and circle, built by allocation (empty otherwise).
    pub circles: Csr,
    /// The keys of `circles` (kept between steps).
    pub circle_keys: Vec<u32>,
    /// Producers that targeted the problem last step (the registry's claims).
    pub claims: Vec<u32>,
    /// Distinct holders that targeted the problem last step (the market's sellers).
    pub sellers: Vec<u32>,
    /// Under `federated` visibility, the group each group sees this step, or
    /// `network::NO_LINK` (one entry per group, drawn at adoption; empty otherwise).
    pub federation: Vec<u32>,
    /// World frontier W_j at the start of this step's search (adoption).
    pub frontier_start: Vec<f64>,
    /// Best producer above the old frontier (race winner), or `NONE` (disclosure).
    pub winner: Vec<u32>,
    /// The surplus split (market).
    pub sales: Vec<Sale>,
}

impl ProblemFlows {
    /// Flows of `m` problems, all zero.
    pub fn new(m: usize) -> Self {
        ProblemFlows {
            teams: Csr::default(),
            circles: Csr::default(),
            circle_keys: Vec::new(),
            claims: vec![0; m],
            sellers: vec![0; m],
            federation: Vec::new(),
            frontier_start: vec![0.0; m],
            winner: vec![super::state::NONE; m],
            sales: vec![Sale::default(); m],
        }
    }
}

/// Surplus split of one problem (spec §2.6): potential surplus = consumer
/// surplus + revenue + deadweight loss.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sale {
    pub potential: f64,
    pub consumer_surplus: f64,
    pub revenue: f64,
    pub deadweight_loss: f64,
}

/// Totals of one step that later rules and the metrics need.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub catchup: f64,
    pub race: f64,
    pub redundant: f64,
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
    /// Compute producers bought with their wealth this step (adaptation).
    pub compute_spent: f64,
    /// Compute the pool bought and granted by credit this step (reward, social credit).
    pub credit_compute: f64,
    pub exits: u32,
    /// Lineages started this step from random genomes (adoption).
    pub new_lineages: u32,
    /// Lineages with at least one worker, summed over problems (disclosure).
    pub live_lineages: u64,
    /// Producers who joined another population this step (spec §5).
    pub migrants: u32,
    /// Money paid out as income this step (revenue plus the pool, less the
    /// compute it bought for social credit).
    pub paid: f64,
}

impl Ledger {
    /// A fresh ledger for the next step, carrying this step's fines and
    /// monitoring costs, which settle through the next step's pool.
    pub fn next(&self) -> Ledger {
        Ledger {
            fines_carried: self.fines,
            monitoring_carried: self.monitoring_cost,
            ..Ledger::default()
        }
    }
}

/// Everything one step produces.
/// One population's pool accounts for a step (spec §5: each population levies
/// the surplus its members' solutions deliver, and its fines and monitoring
/// settle through its own pool). Used in mixed worlds; a one-population world
/// reads the [`Ledger`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pool {
    /// Consumer surplus credited to the population this step.
    pub surplus: f64,
    pub levy: f64,
    pub fines: f64,
    pub monitoring_cost: f64,
    /// Last step's fines and monitoring costs, settled through this step's pool.
    pub fines_carried: f64,
    pub monitoring_carried: f64,
    /// Paid out of the pool this step (income from it, before any cap).
    pub paid: f64,
    /// What observation reads of the population (spec §5 "Observation",
    /// docs/MODEL.md D52): the population's share of the step's totals, each
    /// booked where the [`Ledger`]'s total is, so that they add up to it.
    pub tally: Tally,
}

/// One population's part of the step's totals of the [`Ledger`] (mixed worlds
/// only; a one-population world leaves it zero): its members' trials by class,
/// the lineages they started, the compute they and the pool bought, their
/// sanctions and exits, and the money of the problems credited to it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub catchup: u64,
    pub race: u64,
    pub redundant: u64,
    pub exploration: u64,
    pub frontier: u64,
    pub new_lineages: u32,
    /// Frontier gains of the problems whose race its member won (disclosure).
    pub innovation: f64,
    /// The surplus split of the problems credited to it (market): potential
    /// surplus to the population of the frontier's holder, revenue and
    /// deadweight loss to the leader's population.
    pub potential_surplus: f64,
    pub revenue: f64,
    pub deadweight_loss: f64,
    pub compute_spent: f64,
    pub credit_compute: f64,
    pub sanctions: u32,
    pub exits: u32,
}

impl Pool {
    /// The accounts of the next step: this step's fines and costs carried.
    pub fn next(&self) -> Pool {
        Pool {
            fines_carried: self.fines,
            monitoring_carried: self.monitoring_cost,
            ..Pool::default()
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Flows {
    pub producers: ProducerFlows,
    pub problems: ProblemFlows,
    /// Revenue earned this step per holder (producer or group; market).
    pub holder_revenue: Vec<f64>,
    pub ledger: Ledger,
    /// Each population's pool (mixed worlds).
    pub pools: Vec<Pool>,
}
