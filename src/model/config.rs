//! Configuration of one run: the world (population, problems, behaviour) and the
//! regime (institutions). Every parameter is declared once below (spec §4 defaults,
//! allowed ranges, meanings); `params.rs` turns the declaration into the structs,
//! their defaults, their checks and the catalogue read by scenarios, `explain` and docs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::declare::{choices, parameters};
use super::params::{Bound, Kind, NON_NEGATIVE, POSITIVE, SHARE, integer};
pub use super::populations::Population;

/// Largest genome length: genomes are stored in one `u64`.
pub const MAX_LOCI: u32 = 64;

/// Most producers or problems: slots are indexed by `u32`, with room for a marker.
const MAX_SLOTS: u64 = (1 << 31) - 1;

/// Largest budget in trials per producer and step: beyond it one step takes minutes.
const MAX_BUDGET: f64 = 10_000.0;

parameters! {
    /// World parameters: the population, the problems and how people behave.
    pub struct World in World ("world") {
        producers: usize = 1000, integer(1, MAX_SLOTS), "N", "producers", false,
            "N, the number of producers (firms, workers, contributors, labs).";
        problems: usize = 200, integer(1, MAX_SLOTS), "M", "problems", false,
            "M, the number of problems (needs, tasks, features), each with a value and its own fitness landscape.";
        loci: u32 = 20, integer(1, MAX_LOCI as u64), "L", "bits", false,
            "L, bits per genome: the size of a solution's design space.";
        interactions: u32 = 5,
            Kind::Integer { min: Bound::Incl(0.0), max: Bound::Param("world.loci", -1.0) },
            "K", "loci", false,
            "K, epistatic neighbours per locus: 0 is a smooth landscape with one peak, larger K is more rugged with many local peaks.";
        domains: u32 = 8, integer(1, u16::MAX as u64), "D", "domains", false,
            "D, the number of trades; a producer works best on problems of its own domain.";
        base_budget: f64 = 4.0,
            Kind::Number { min: Bound::Excl(0.0), max: Bound::Incl(MAX_BUDGET) },
            "b0", "trials per step", false,
            "Search trials per step every producer has without buying compute.";
        max_budget: f64 = 16.0,
            Kind::Number { min: Bound::Param("world.base_budget", 0.0), max: Bound::Incl(MAX_BUDGET) },
            "b_max", "trials per step", false,
            "Ceiling on a budget extended with bought compute.";
        value_tail: f64 = 1.5, Kind::Number { min: Bound::Excl(1.0), max: Bound::Free },
            "alpha", "Pareto shape", false,
            "Pareto shape of problem values: smaller means a longer tail (a few very valuable problems); above 1 so that the mean exists.";
        max_solutions: usize = 8, integer(1, 1000), "S", "records per problem", false,
            "S, held solution records kept per problem.";
        max_lineages: usize = 32, integer(1, 1000), "H", "heads per problem", false,
            "H, lineage heads kept per problem: the best solution of each lineage as each holder knows it, what adoption and forks read.";
        cross_domain: f64 = 0.5, SHARE, "kappa", "share", false,
            "Match of a producer to a problem outside its domain, relative to its own domain.";
        skill_sigma: f64 = 0.5, Kind::Number { min: Bound::Incl(0.0), max: Bound::Incl(2.0) }, "sigma_s", "log-scale sd", false,
            "Spread of skills: sigma of the log-normal skill distribution.";
        groups: usize = 50,
            Kind::Integer { min: Bound::Incl(1.0), max: Bound::Param("world.producers", 0.0) },
            "G", "groups", false,
            "G, groups (firms, cooperatives): contiguous blocks of producers.";
        initial_propensity: f64 = 0.6, SHARE,
            "pi0", "share", false,
            "Mean initial share of the budget producers choose to exert (Beta(4 pi0, 4 (1 - pi0)) distributed; at 0 or 1 every producer exerts exactly that).";
        intrinsic_share: f64 = 0.3, SHARE, "s_mu", "share", false,
            "Share of producers who value the work itself (use value, scratching an itch).";
        intrinsic_value: f64 = 0.004, NON_NEGATIVE, "mu", "utility per trial", false,
            "Utility per exerted trial for intrinsically motivated producers (not money).";
        outside_wage: f64 = 0.002, NON_NEGATIVE, "omega", "money per trial", false,
            "Money per unexerted trial of the base budget: the outside option; also the real cost of an exerted trial.";
        upkeep: f64 = 0.0, NON_NEGATIVE, "u", "money per step", false,
            "Real cost every producer pays each step.";
        debt_limit: f64 = 1.0, NON_NEGATIVE, "B", "money", false,
            "A producer whose wealth falls below minus this exits and is replaced by an entrant.";
        switch_rate: f64 = 0.05, SHARE, "p_switch", "probability per step", false,
            "Probability a producer reconsiders its target each step (market and registry).";
        consider: usize = 3, integer(1, 1000), "C", "problems", false,
            "Candidate problems compared with the current target when reconsidering.";
        choice_noise: f64 = 0.3, NON_NEGATIVE, "tau", "log-score scale", false,
            "Scale of the Gumbel noise on log scores: how erratic choices are.";
        domain_focus: f64 = 0.75, SHARE, "f_d", "probability", false,
            "Probability a candidate problem is drawn from the producer's own domain (local knowledge).";
        flip_bits: u32 = 1,
            Kind::Integer { min: Bound::Incl(1.0), max: Bound::Param("world.loci", 0.0) },
            "F", "bits", false,
            "Bits flipped per search trial: the step size of search.";
        explore_rate: f64 = 0.1, SHARE, "p_new", "probability per step", false,
            "Probability a newcomer to a problem starts a new approach (a random genome, a new lineage) instead of adopting, and per step that a producer on a known local optimum does (a planned team lineage restarts as often as that many free producers would).";
        merge_rate: f64 = 0.1, SHARE, "p_merge", "probability per trial", false,
            "Probability a search trial is a merge instead of a flip: a uniform crossover with the head of another visible lineage on the problem, kept if it improves (recombination).";
        migration_rate: f64 = 0.0, SHARE, "p_migrate", "probability per step", false,
            "In a mixed world, probability a producer compares its payoff with a producer of another population each step and may join it (the imitation rule); 0 keeps populations apart.";
        shock_rate: f64 = 0.05, SHARE, "p_shock", "probability per step", false,
            "Probability of a value shock each step.";
        shock_size: f64 = 0.1, SHARE, "h", "share", false,
            "Share of problems hit by a shock.";
        shock_landscape: bool = true, Kind::Boolean, "", "", false,
            "Whether a shock also redraws the problem's landscape, so old solutions lose their quality.";
        shock_correlation: f64 = 0.5, SHARE, "rho", "probability", false,
            "Probability each locus of a shocked landscape keeps its contributions (the others are redrawn): 0 redraws the whole landscape, 1 keeps it, so a shock changes a need without erasing all that was known.";
        credit_decay: f64 = 0.8, SHARE, "delta_c", "share", false,
            "Decay of the credit (reputation) moving average.";
        payoff_decay: f64 = 0.8, SHARE, "delta_p", "share", false,
            "Decay of the payoff moving average used when imitating peers.";
        learning_rate: f64 = 0.1, SHARE, "p_learn", "probability per step", false,
            "Probability a producer compares itself with a peer each step and may copy its effort.";
        mutation: f64 = 0.02, NON_NEGATIVE, "sigma_m", "propensity sd", false,
            "Standard deviation of the noise added to a copied propensity.";
        temperature: f64 = 0.0005, POSITIVE, "T_imit", "payoff per budget unit", false,
            "Temperature of the logistic imitation rule (payoff per budget unit): small means producers copy better-paid peers almost surely.";
    }
}

choices! {
    /// Who may see a held solution.
    pub enum Visibility {
        /// Only the holder (trade secrets, enclosure).
        Private = "private",
        /// The holder's group (a firm, a cooperative).
        Groups = "groups",
        /// The holder's group, and now and then one other group (semi-isolated groups).
        Federated = "federated",
        /// Graph neighbours (a network of collaborators).
        Network = "network",
        /// Everybody, at once.
        Open = "open",
    }
}

impl Visibility {
    /// Whether groups hold what their members find (`groups`, `federated`).
    pub fn by_group(self) -> bool {
        matches!(self, Visibility::Groups | Visibility::Federated)
    }
}

choices! {
    /// Shape of the collaboration graph used by `network` visibility.
    pub enum NetworkKind {
        /// Each producer linked to `network_k` neighbours on each side.
        Ring = "ring",
        /// A ring whose links are rewired with probability `network_p`.
        SmallWorld = "small_world",
        /// Each pair linked with probability `network_p`.
        Random = "random",
        /// Everybody linked to everybody.
        Complete = "complete",
    }
}

choices! {
    /// Who decides what a producer works on.
    pub enum Allocation {
        /// Producers choose by expected private return; rivals' work is invisible.
        Market = "market",
        /// Producers choose seeing last step's claims (protocol coordination).
        Registry = "registry",
        /// A planner assigns everyone from noisy, stale estimates.
        Plan = "plan",
    }
}

choices! {
    /// What a producer starts from and copies.
    pub enum Adopt {
        /// Copy the best visible solution.
        Best = "best",
        /// Keep to one's lineage unless the best is clearly better (pluralism).
        Fork = "fork",
    }
}

choices! {
    /// Where the pay cap applies.
    pub enum PayCapScope {
        /// Across the whole population.
        Economy = "economy",
        /// Within each group separately (Mondragón: inside each cooperative).
        Group = "group",
    }
}

choices! {
    /// How a shared amount is split.
    pub enum Split {
        /// Equal shares among all present.
        Equal = "equal",
        /// In proportion to credit (value added to the frontier).
        Contribution = "contribution",
    }
}

choices! {
    /// What a producer's credit (value added) is measured against.
    pub enum CreditRule {
        /// The world frontier: only value added above the best known earns credit.
        Frontier = "frontier",
        /// One's lineage head: improving a project earns credit, even below the frontier.
        Lineage = "lineage",
    }
}

parameters! {
    /// A regime: one value per institutional axis. Presets are values of this type.
    pub struct Regime in Regime ("regime") {
        visibility: Visibility = Visibility::Private, Kind::Choice(Visibility::WORDS), "", "", false,
            "Who may see a held solution: only its holder, its group, its group and now and then one other group (federated), graph neighbours, or everybody at once.";
        federation_link: f64 = 0.1, SHARE, "p_fed", "probability per step", false,
            "Under federated visibility, probability each group gets a one-way view of one other group, drawn at random, for a step.";
        network: NetworkKind = NetworkKind::Ring, Kind::Choice(NetworkKind::WORDS), "", "", false,
            "Shape of the collaboration graph used by network visibility.";
        network_k: usize = 1, Kind::Integer { min: Bound::Incl(1.0), max: Bound::Free }, "k", "links per side", false,
            "Links on each side of a ring (and of the small world's starting ring), used as min(k, (N-1)/2).";
        network_p: f64 = 0.1, SHARE, "p_net", "probability", false,
            "Rewiring probability (small_world) or link probability (random).";
        exclusive: bool = false, Kind::Boolean, "", "", false,
            "Intellectual property: rivals may not sell while the leader's solution is protected (true), or trade secrets with Bertrand competition (false).";
        #[serde(serialize_with = "ser_opt_u32", deserialize_with = "de_opt_u32", default)]
        patent_term: Option<u32> = None, integer(1, 10_000), "P", "steps", true,
            "Steps after which an improvement enters the public domain; \"none\" means never (ignored under open visibility).";
        allocation: Allocation = Allocation::Market, Kind::Choice(Allocation::WORDS), "", "", false,
            "Who decides what a producer works on: producers by private return (market), producers seeing a registry of claims (registry), or a planner (plan).";
        plan_interval: u32 = 10, Kind::Integer { min: Bound::Incl(1.0), max: Bound::Free }, "I", "steps", false,
            "Steps between two plans.";
        plan_lag: u32 = 5, integer(0, 10_000), "ell", "steps", false,
            "Age in steps of the values the planner sees.";
        plan_noise: f64 = 0.5, NON_NEGATIVE, "sigma_plan", "log-scale sd", false,
            "Log-normal error of the planner's estimates of values and skills.";
        plan_lineages: u32 = 1, integer(1, 64), "Lambda", "lineages", false,
            "Lineages (approaches) a planned team keeps on a problem.";
        plan_overhead: f64 = 0.0, Kind::Number { min: Bound::Incl(0.0), max: Bound::Excl(1.0) },
            "o_plan", "share", false,
            "Share of every trial lost to planning.";
        market_noise: f64 = 0.0, NON_NEGATIVE, "sigma_market", "log-scale sd", false,
            "Log-normal noise on the values market producers perceive through prices (one draw per problem and step): 0 means prices tell the truth.";
        adopt: Adopt = Adopt::Best, Kind::Choice(Adopt::WORDS), "", "", false,
            "What a producer copies: the best visible solution (best), or its own lineage unless another is clearly better (fork, pluralism).";
        fork_tolerance: f64 = 0.02, SHARE, "epsilon", "quality", false,
            "How much better another lineage must be before a forking producer leaves its own.";
        fork_patience: u32 = 20, integer(0, 10_000), "T_fork", "steps", false,
            "Steps one's own lineage head must have gone without improving before a forking producer leaves it for a better lineage.";
        adopt_prob: f64 = 0.5, SHARE, "p_adopt", "probability per step", false,
            "Probability a producer looks for a better visible solution each step.";
        copy_skips_search: bool = false, Kind::Boolean, "", "", false,
            "A producer that copied a better visible solution this step makes no search trial in it: it imitates or explores, not both (as in Lazer & Friedman 2007).";
        group_share: Split = Split::Equal, Kind::Choice(Split::WORDS), "", "", false,
            "How a group splits its revenue among its members (only under groups visibility).";
        levy: f64 = 0.0, SHARE, "lambda", "share", false,
            "Share of consumer surplus paid into a pool (a subscription, a tax, a patronage fund).";
        pool_rule: Split = Split::Equal, Kind::Choice(Split::WORDS), "", "", false,
            "How the pool is paid out: equal shares among all, or in proportion to credit (value added to the frontier).";
        credit_compute: f64 = 0.0, SHARE, "c", "share", false,
            "Share of a positive pool that buys compute, granted as extra trials next step in proportion to credit (social credit); what the budget ceiling leaves ungranted is paid out by pool_rule.";
        credit_rule: CreditRule = CreditRule::Frontier, Kind::Choice(CreditRule::WORDS), "", "", false,
            "What credit measures: value added above the world frontier (frontier), or above one's lineage head, the best result of each lineage earning it (lineage: improving a project, even a fork below the frontier).";
        #[serde(serialize_with = "ser_opt_f64", deserialize_with = "de_opt_f64", default)]
        pay_cap: Option<f64> = None, Kind::Number { min: Bound::Incl(1.0), max: Bound::Free },
            "r", "ratio", true,
            "Ceiling on the ratio of highest to lowest positive earnings; \"none\" means no cap.";
        pay_cap_scope: PayCapScope = PayCapScope::Economy, Kind::Choice(PayCapScope::WORDS), "", "", false,
            "Where the pay cap applies: across the whole population (economy) or within each group separately (group, as inside each Mondragón cooperative).";
        monitoring: f64 = 0.0, SHARE, "p_mon", "probability per step", false,
            "Probability each producer is observed each step.";
        norm: f64 = 0.5, SHARE, "nu", "share", false,
            "Exerted share of budget below which an observed producer is sanctioned.";
        sanction: f64 = 0.5, SHARE, "phi", "share", false,
            "Fine per offence, as a share of the step's earnings (graduated: it grows with offences).";
        monitoring_cost: f64 = 0.005, NON_NEGATIVE, "c_mon", "money per observation", false,
            "Real cost of each observation, paid from the pool.";
        integration_cost: f64 = 0.0, NON_NEGATIVE, "c_int", "share per producer", false,
            "Coordination overhead per extra producer on a problem under registry allocation (the overhead is capped at 0.9).";
        compute_price: f64 = 0.02, POSITIVE, "p_c", "money per trial", false,
            "Price of one bought search trial.";
        invest_rate: f64 = 0.0, SHARE, "iota", "share", false,
            "Initial invest share: the share of positive wealth a producer spends on compute each step, then learned with effort by imitation; 0 turns capital off.";
    }
}

/// A named preset regime, printable with `regimes explain NAME`.
pub struct Preset {
    pub name: &'static str,
    /// One line for lists.
    pub summary: &'static str,
    /// A paragraph for a student: what it stands for and which rules carry it.
    pub description: &'static str,
    build: fn() -> Regime,
}

impl Preset {
    pub fn regime(&self) -> Regime {
        (self.build)()
    }
}

/// The governed commons of spec §4 (also the base of `p2p`).
fn commons() -> Regime {
    Regime {
        visibility: Visibility::Open,
        allocation: Allocation::Registry,
        adopt: Adopt::Fork,
        fork_tolerance: 0.1,
        levy: 0.1,
        pool_rule: Split::Contribution,
        credit_rule: CreditRule::Lineage,
        monitoring: 0.2,
        integration_cost: 0.05,
        ..Regime::default()
    }
}

/// The eight named presets of spec §3 and §4.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "enclosure",
        summary: "capitalist enclosure: private knowledge, exclusive rights, market, profit, capital",
        description: "Knowledge is private and protected by exclusive rights: only the holder may use or \
sell its solution. Producers choose problems by expected private return and cannot see rivals' work in \
progress, so they re-derive what others hide and race for the same prize. The best holder on a problem \
charges for its quality premium, which leaves some users unserved (deadweight loss). Profits accumulate \
as wealth that buys compute: producers start by spending 10% of their wealth on it each step (invest_rate \
0.1) and learn how much pays by imitating better-paid peers. No pay cap, no monitoring.",
        build: || Regime {
            visibility: Visibility::Private,
            exclusive: true,
            allocation: Allocation::Market,
            invest_rate: 0.1,
            ..Regime::default()
        },
    },
    Preset {
        name: "commons",
        summary: "governed commons: open knowledge, claim registry, forks, reward by contribution, monitoring",
        description: "Every solution is open at once. Producers choose problems seeing a registry of \
who claimed what last step, and keep their own lineage unless another is clearly better (forks, \
fork_tolerance 0.1). A levy of 10% of consumer surplus pays producers in proportion to the value they \
added to their lineage (credit_rule lineage: improving a fork earns credit below the frontier). A fifth of producers are monitored each step and shirkers pay graduated fines \
(Ostrom). Coordination is not free: each extra producer on a problem costs 5% of everyone's trials.",
        build: commons,
    },
    Preset {
        name: "collectivist",
        summary: "collectivist planning: open knowledge, a planner assigns teams, equal shares",
        description: "Every solution is open, and nobody chooses: every 10 steps a planner assigns all \
producers to problems from estimates that are 5 steps old and noisy (plan_noise 0.5). Each team follows \
one lineage (monoculture). A levy of 10% of consumer surplus is shared equally, a few producers are \
monitored, and planning costs 10% of every trial.",
        build: || Regime {
            visibility: Visibility::Open,
            allocation: Allocation::Plan,
            plan_lineages: 1,
            plan_overhead: 0.1,
            adopt: Adopt::Best,
            levy: 0.1,
            pool_rule: Split::Equal,
            monitoring: 0.05,
            ..Regime::default()
        },
    },
    Preset {
        name: "open_access",
        summary: "ungoverned open access: open knowledge, market choice, equal shares, no monitoring",
        description: "Every solution is open and producers choose problems freely. A levy of 10% of \
consumer surplus is shared equally among everyone, contributors and free riders alike, and nobody is \
monitored: the setting of the tragedy of the commons.",
        build: || Regime {
            visibility: Visibility::Open,
            allocation: Allocation::Market,
            adopt: Adopt::Best,
            levy: 0.1,
            pool_rule: Split::Equal,
            monitoring: 0.0,
            ..Regime::default()
        },
    },
    Preset {
        name: "cooperative",
        summary: "worker cooperatives (Mondragon-like): groups share knowledge and profit, pay cap 6 in each",
        description: "Producers belong to cooperatives (groups) that share knowledge inside and compete \
in the market between them. A group's revenue is shared equally among its members, and within each \
cooperative earnings are capped so that the best paid earns at most 6 times the least paid (as at \
Mondragon, the cap holds inside a cooperative, not across the economy).",
        build: || Regime {
            visibility: Visibility::Groups,
            allocation: Allocation::Market,
            group_share: Split::Equal,
            pay_cap: Some(6.0),
            pay_cap_scope: PayCapScope::Group,
            ..Regime::default()
        },
    },
    Preset {
        name: "patents",
        summary: "regulated market: private knowledge with exclusive rights for a 20-step patent term",
        description: "Like enclosure, but every improvement enters the public domain 20 steps after it \
was made: exclusive rights for a limited term, then free use for all.",
        build: || Regime {
            visibility: Visibility::Private,
            exclusive: true,
            patent_term: Some(20),
            allocation: Allocation::Market,
            invest_rate: 0.1,
            ..Regime::default()
        },
    },
    Preset {
        name: "collaborative",
        summary: "collaborativism: open knowledge, market choice, build on the best, levy paid by contribution",
        description: "Individual pursuits within collaborative pools: every solution is open at once, \
producers choose their own problems by expected return as in a market (no registry, no planner) and \
build on the best visible solution. A levy of 10% of consumer surplus pays them in proportion to the \
value they added to their lineage (credit_rule lineage). Nobody is monitored and nothing is charged for \
coordination.",
        build: || Regime {
            visibility: Visibility::Open,
            allocation: Allocation::Market,
            adopt: Adopt::Best,
            levy: 0.1,
            pool_rule: Split::Contribution,
            credit_rule: CreditRule::Lineage,
            monitoring: 0.0,
            ..Regime::default()
        },
    },
    Preset {
        name: "p2p",
        summary: "P2P commons with social credit: the governed commons, half of whose pool buys compute granted by credit",
        description: "The governed commons (open knowledge, a claim registry, forks, reward by \
contribution to one's lineage, monitoring, integration cost), where half of a positive pool is not paid out but buys \
compute, granted as extra trials next step in proportion to credit: access to above-average resources \
by expected social value (the P2P social credit). What the budget ceiling leaves ungranted is paid out \
by contribution.",
        build: || Regime {
            credit_compute: 0.5,
            ..commons()
        },
    },
];

impl Regime {
    /// The preset of that name, if any.
    pub fn preset(name: &str) -> Option<Regime> {
        PRESETS.iter().find(|p| p.name == name).map(Preset::regime)
    }
}

/// A whole run configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub world: World,
    pub regime: Regime,
    /// A mixed world's populations (spec §5); empty for the one-population
    /// world of `regime`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub populations: Vec<Population>,
}

/// A configuration the model refuses, naming the parameter and what is allowed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("invalid value {value} for `{parameter}`: allowed {allowed}")]
pub struct ConfigError {
    /// Path of the parameter, as in scenario files (`world.loci`, `regime.levy`).
    pub parameter: String,
    pub value: String,
    pub allowed: String,
}

impl Config {
    /// The regimes of the world's populations, in order: `regime` alone without
    /// populations.
    pub fn regimes(&self) -> Vec<Regime> {
        if self.populations.is_empty() {
            vec![self.regime.clone()]
        } else {
            self.populations.iter().map(|p| p.regime.clone()).collect()
        }
    }

    /// The populations' shares (`[1]` without populations).
    pub fn shares(&self) -> Vec<f64> {
        if self.populations.is_empty() {
            vec![1.0]
        } else {
            self.populations.iter().map(|p| p.share).collect()
        }
    }

    /// `Ok` if the configuration can be run, else the first problem found.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.check().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A regime axis of spec §3 and the regime keys that set it.
pub struct Axis {
    pub name: &'static str,
    pub meaning: &'static str,
    pub keys: &'static [&'static str],
}

/// The axes of spec §3, grouping every regime key once.
pub const AXES: &[Axis] = &[
    Axis {
        name: "visibility",
        meaning: "Who may see a discovery: the holder alone (private), its group, its group with occasional views of another (federated), its network neighbours, or everyone (open).",
        keys: &[
            "visibility",
            "federation_link",
            "network",
            "network_k",
            "network_p",
        ],
    },
    Axis {
        name: "exclusive",
        meaning: "Whether the law lets rivals sell their own solutions while a leader is protected.",
        keys: &["exclusive"],
    },
    Axis {
        name: "patent_term",
        meaning: "Whether exclusive knowledge eventually becomes free for all, and after how long.",
        keys: &["patent_term"],
    },
    Axis {
        name: "allocation",
        meaning: "Who decides what each producer works on: the market, a claim registry, or a planner with stale and noisy information.",
        keys: &[
            "allocation",
            "plan_interval",
            "plan_lag",
            "plan_noise",
            "plan_lineages",
            "plan_overhead",
            "market_noise",
        ],
    },
    Axis {
        name: "adopt",
        meaning: "What producers build on: the best visible solution, or their own lineage (forks, pluralism).",
        keys: &["adopt", "fork_tolerance", "fork_patience", "adopt_prob"],
    },
    Axis {
        name: "reward",
        meaning: "Who is paid: the seller of the best solution (profit), and a pool filled by a levy, shared equally or by contribution (credit measured against the frontier or one's lineage), part of which may buy compute for those with credit (social credit), under an optional pay cap across the economy or within each group.",
        keys: &[
            "group_share",
            "levy",
            "pool_rule",
            "credit_rule",
            "credit_compute",
            "pay_cap",
            "pay_cap_scope",
        ],
    },
    Axis {
        name: "governance",
        meaning: "Monitoring with graduated sanctions against free riding (Ostrom), at a real cost.",
        keys: &["monitoring", "norm", "sanction", "monitoring_cost"],
    },
    Axis {
        name: "costs",
        meaning: "Costs of coordination and of capital: integration overhead, the price of compute, and the initial share of wealth spent on compute (then learned).",
        keys: &["integration_cost", "compute_price", "invest_rate"],
    },
];

// "none" or a number, so that a resolved scenario file can say there is no patent or no cap.

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrNone<T> {
    Number(T),
    Word(String),
}

fn de_none<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    match NumberOrNone::<T>::deserialize(d)? {
        NumberOrNone::Number(x) => Ok(Some(x)),
        NumberOrNone::Word(w) if w == "none" => Ok(None),
        NumberOrNone::Word(w) => Err(serde::de::Error::custom(format!(
            "expected a number or \"none\", found \"{w}\""
        ))),
    }
}

fn de_opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    de_none(d)
}

fn de_opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    de_none(d)
}

fn ser_opt_u32<S: Serializer>(x: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => s.serialize_u32(*v),
        None => s.serialize_str("none"),
    }
}

fn ser_opt_f64<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => s.serialize_f64(*v),
        None => s.serialize_str("none"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_presets_exist() {
        assert!(Config::default().check().is_empty());
        for p in PRESETS {
            let cfg = Config {
                world: World::default(),
                regime: p.regime(),
                populations: Vec::new(),
            };
            assert!(cfg.check().is_empty(), "{}", p.name);
        }
        assert_eq!(PRESETS.len(), 8);
    }

    #[test]
    fn invalid_values_name_the_parameter() {
        let mut cfg = Config::default();
        cfg.world.loci = 65;
        cfg.world.interactions = 70;
        cfg.regime.levy = 1.5;
        cfg.regime.pay_cap = Some(0.5);
        cfg.world.producers = 0;
        let names: Vec<String> = cfg.check().into_iter().map(|e| e.parameter).collect();
        for p in [
            "world.loci",
            "world.interactions",
            "regime.levy",
            "regime.pay_cap",
            "world.producers",
        ] {
            assert!(names.iter().any(|n| n == p), "{p} not reported: {names:?}");
        }
        let e = cfg.validate().unwrap_err();
        assert!(e.to_string().contains("allowed"));
    }

    #[test]
    fn round_trips_through_toml_with_none() {
        let mut cfg = Config::default();
        cfg.regime.patent_term = Some(20);
        let text = toml::to_string(&cfg).unwrap();
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back, cfg);
        let none: Regime = toml::from_str("patent_term = \"none\"\npay_cap = 6.0").unwrap();
        assert_eq!(none.patent_term, None);
        assert_eq!(none.pay_cap, Some(6.0));
        assert!(toml::from_str::<Regime>("patent_term = \"never\"").is_err());
        assert!(toml::from_str::<World>("producer = 10").is_err());
    }
}
