//! Configuration of one run: the world (population, problems, behaviour) and the
//! regime (institutions). Both are plain serde values with the defaults of
//! `docs/MODEL.md` §4, so scenario files, sweeps and `--set` are thin layers.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest genome length: genomes are stored in one `u64`.
pub const MAX_LOCI: u32 = 64;

/// World parameters: the population, the problems and how people behave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct World {
    /// N: producers.
    pub producers: usize,
    /// M: problems.
    pub problems: usize,
    /// L: bits per genome.
    pub loci: u32,
    /// K: epistatic neighbours per locus.
    pub interactions: u32,
    /// D: domains (trades) of producers and problems.
    pub domains: u32,
    /// Search trials per step every producer has without buying compute.
    pub base_budget: f64,
    /// Ceiling on a budget extended with bought compute.
    pub max_budget: f64,
    /// Pareto shape of problem values (smaller = longer tail).
    pub value_tail: f64,
    /// S: held solution records kept per problem.
    pub max_solutions: usize,
    /// Match of a producer to a problem outside its domain, relative to its own domain.
    pub cross_domain: f64,
    /// Sigma of the log-normal skill distribution.
    pub skill_sigma: f64,
    /// G: groups (contiguous blocks of producers).
    pub groups: usize,
    /// Mean of the Beta(4m, 4(1-m)) initial propensity to exert effort.
    pub initial_propensity: f64,
    /// Share of producers who value the work itself.
    pub intrinsic_share: f64,
    /// Utility per exerted trial for intrinsically motivated producers.
    pub intrinsic_value: f64,
    /// Money per unexerted trial of the base budget (the outside option).
    pub outside_wage: f64,
    /// Real cost every producer pays each step.
    pub upkeep: f64,
    /// A producer exits when its wealth falls below minus this.
    pub debt_limit: f64,
    /// Probability a producer reconsiders its target each step.
    pub switch_rate: f64,
    /// Candidate problems compared with the current target.
    pub consider: usize,
    /// Scale of the Gumbel noise on log scores.
    pub choice_noise: f64,
    /// Probability a candidate is drawn from the producer's own domain.
    pub domain_focus: f64,
    /// Bits flipped per search trial.
    pub flip_bits: u32,
    /// Probability of a value shock each step.
    pub shock_rate: f64,
    /// Share of problems hit by a shock.
    pub shock_size: f64,
    /// Whether a shock also redraws the problem's landscape.
    pub shock_landscape: bool,
    /// Decay of the credit moving average.
    pub credit_decay: f64,
    /// Decay of the payoff moving average.
    pub payoff_decay: f64,
    /// Probability a producer compares itself with a peer each step.
    pub learning_rate: f64,
    /// Standard deviation of the noise added to a copied propensity.
    pub mutation: f64,
    /// Temperature of the logistic imitation rule (payoff per budget unit).
    pub temperature: f64,
}

impl Default for World {
    fn default() -> Self {
        World {
            producers: 1000,
            problems: 200,
            loci: 20,
            interactions: 5,
            domains: 8,
            base_budget: 4.0,
            max_budget: 16.0,
            value_tail: 1.5,
            max_solutions: 8,
            cross_domain: 0.5,
            skill_sigma: 0.5,
            groups: 50,
            initial_propensity: 0.6,
            intrinsic_share: 0.3,
            intrinsic_value: 0.004,
            outside_wage: 0.002,
            upkeep: 0.0,
            debt_limit: 1.0,
            switch_rate: 0.05,
            consider: 3,
            choice_noise: 0.3,
            domain_focus: 0.75,
            flip_bits: 1,
            shock_rate: 0.05,
            shock_size: 0.1,
            shock_landscape: true,
            credit_decay: 0.8,
            payoff_decay: 0.8,
            learning_rate: 0.1,
            mutation: 0.02,
            temperature: 0.0005,
        }
    }
}

/// Who may see a held solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only the holder (trade secrets, enclosure).
    Private,
    /// The holder's group (a firm, a cooperative).
    Groups,
    /// Graph neighbours (a network of collaborators).
    Network,
    /// Everybody, at once.
    Open,
}

/// Shape of the collaboration graph used by `network` visibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Each producer linked to `network_k` neighbours on each side.
    Ring,
    /// A ring whose links are rewired with probability `network_p`.
    SmallWorld,
    /// Each pair linked with probability `network_p`.
    Random,
    /// Everybody linked to everybody.
    Complete,
}

/// Who decides what a producer works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// Producers choose by expected private return; rivals' work is invisible.
    Market,
    /// Producers choose seeing last step's claims (protocol coordination).
    Registry,
    /// A planner assigns everyone from noisy, stale estimates.
    Plan,
}

/// What a producer starts from and copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adopt {
    /// Copy the best visible solution.
    Best,
    /// Keep to one's lineage unless the best is clearly better (pluralism).
    Fork,
}

/// How a shared amount is split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// Equal shares among all present.
    Equal,
    /// In proportion to credit (value added to the frontier).
    Contribution,
}

/// A regime: one value per institutional axis. Presets are values of this type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Regime {
    pub visibility: Visibility,
    pub network: NetworkKind,
    /// Links on each side of a ring (and of the small world's starting ring).
    pub network_k: usize,
    /// Rewiring (small world) or link (random) probability.
    pub network_p: f64,
    /// Intellectual property: rivals may not sell while the leader is protected.
    pub exclusive: bool,
    /// Steps after which an improvement enters the public domain (`"none"`: never).
    #[serde(
        serialize_with = "ser_opt_u32",
        deserialize_with = "de_opt_u32",
        default
    )]
    pub patent_term: Option<u32>,
    pub allocation: Allocation,
    pub plan_interval: u32,
    pub plan_lag: u32,
    pub plan_noise: f64,
    pub plan_lineages: u32,
    pub plan_overhead: f64,
    pub adopt: Adopt,
    pub fork_tolerance: f64,
    pub adopt_prob: f64,
    /// How a group splits its revenue.
    pub group_share: Split,
    /// Share of consumer surplus paid into the pool.
    pub levy: f64,
    pub pool_rule: Split,
    /// Ceiling on the ratio of highest to lowest positive earnings (`"none"`: no cap).
    #[serde(
        serialize_with = "ser_opt_f64",
        deserialize_with = "de_opt_f64",
        default
    )]
    pub pay_cap: Option<f64>,
    /// Probability each producer is observed each step.
    pub monitoring: f64,
    /// Exerted share of budget below which an observed producer is sanctioned.
    pub norm: f64,
    /// Fine per offence, as a share of the step's earnings.
    pub sanction: f64,
    pub monitoring_cost: f64,
    /// Coordination overhead per extra producer on a problem (registry).
    pub integration_cost: f64,
    pub compute_price: f64,
    /// Share of positive wealth spent on compute when it pays.
    pub invest_rate: f64,
}

impl Default for Regime {
    fn default() -> Self {
        Regime {
            visibility: Visibility::Private,
            network: NetworkKind::Ring,
            network_k: 1,
            network_p: 0.1,
            exclusive: false,
            patent_term: None,
            allocation: Allocation::Market,
            plan_interval: 10,
            plan_lag: 5,
            plan_noise: 0.5,
            plan_lineages: 1,
            plan_overhead: 0.0,
            adopt: Adopt::Best,
            fork_tolerance: 0.02,
            adopt_prob: 0.5,
            group_share: Split::Equal,
            levy: 0.0,
            pool_rule: Split::Equal,
            pay_cap: None,
            monitoring: 0.0,
            norm: 0.5,
            sanction: 0.5,
            monitoring_cost: 0.005,
            integration_cost: 0.0,
            compute_price: 0.02,
            invest_rate: 0.0,
        }
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

/// The six named presets of MODEL.md §3.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "enclosure",
        summary: "capitalist enclosure: private knowledge, exclusive rights, market, profit, capital",
        description: "Knowledge is private and protected by exclusive rights: only the holder may use or \
sell its solution. Producers choose problems by expected private return and cannot see rivals' work in \
progress, so they re-derive what others hide and race for the same prize. The best holder on a problem \
charges for its quality premium, which leaves some users unserved (deadweight loss). Profits accumulate \
as wealth that buys compute (invest_rate 0.1), with no pay cap and no monitoring.",
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
added to the frontier. A fifth of producers are monitored each step and shirkers pay graduated fines \
(Ostrom). Coordination is not free: each extra producer on a problem costs 5% of everyone's trials.",
        build: || Regime {
            visibility: Visibility::Open,
            allocation: Allocation::Registry,
            adopt: Adopt::Fork,
            fork_tolerance: 0.1,
            levy: 0.1,
            pool_rule: Split::Contribution,
            monitoring: 0.2,
            integration_cost: 0.05,
            ..Regime::default()
        },
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
        summary: "worker cooperatives (Mondragon-like): groups share knowledge and profit, pay cap 6",
        description: "Producers belong to cooperatives (groups) that share knowledge inside and compete \
in the market between them. A group's revenue is shared equally among its members, and earnings are \
capped so that the best paid earns at most 6 times the least paid.",
        build: || Regime {
            visibility: Visibility::Groups,
            allocation: Allocation::Market,
            group_share: Split::Equal,
            pay_cap: Some(6.0),
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

struct Checker {
    errors: Vec<ConfigError>,
}

impl Checker {
    fn fail(&mut self, parameter: &str, value: impl ToString, allowed: &str) {
        self.errors.push(ConfigError {
            parameter: parameter.to_string(),
            value: value.to_string(),
            allowed: allowed.to_string(),
        });
    }
    fn share(&mut self, parameter: &str, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            self.fail(parameter, x, "a share in [0, 1]");
        }
    }
    fn non_negative(&mut self, parameter: &str, x: f64) {
        if !(x >= 0.0 && x.is_finite()) {
            self.fail(parameter, x, "a finite number >= 0");
        }
    }
    fn positive(&mut self, parameter: &str, x: f64) {
        if !(x > 0.0 && x.is_finite()) {
            self.fail(parameter, x, "a finite number > 0");
        }
    }
    fn at_least(&mut self, parameter: &str, x: usize, min: usize) {
        if x < min {
            self.fail(parameter, x, &format!("an integer >= {min}"));
        }
    }
}

impl Config {
    /// Every problem with this configuration, or `Ok` if it can be run.
    pub fn check(&self) -> Vec<ConfigError> {
        let w = &self.world;
        let r = &self.regime;
        let mut c = Checker { errors: Vec::new() };
        c.at_least("world.producers", w.producers, 1);
        if w.producers > u32::MAX as usize / 2 {
            c.fail("world.producers", w.producers, "at most 2^31");
        }
        c.at_least("world.problems", w.problems, 1);
        if w.problems > u32::MAX as usize / 2 {
            c.fail("world.problems", w.problems, "at most 2^31");
        }
        if !(1..=MAX_LOCI).contains(&w.loci) {
            c.fail("world.loci", w.loci, "an integer in 1..=64");
        }
        if w.interactions >= w.loci {
            c.fail(
                "world.interactions",
                w.interactions,
                &format!("an integer in 0..loci (0..={})", w.loci.saturating_sub(1)),
            );
        }
        if !(1..=u16::MAX as u32).contains(&w.domains) {
            c.fail("world.domains", w.domains, "an integer in 1..=65535");
        }
        c.positive("world.base_budget", w.base_budget);
        if !(w.max_budget >= w.base_budget && w.max_budget.is_finite()) {
            c.fail(
                "world.max_budget",
                w.max_budget,
                &format!("a number >= base_budget ({})", w.base_budget),
            );
        }
        if !(w.value_tail > 1.0 && w.value_tail.is_finite()) {
            c.fail(
                "world.value_tail",
                w.value_tail,
                "a number > 1 (the Pareto mean must exist)",
            );
        }
        c.at_least("world.max_solutions", w.max_solutions, 1);
        c.share("world.cross_domain", w.cross_domain);
        c.non_negative("world.skill_sigma", w.skill_sigma);
        if w.groups < 1 || w.groups > w.producers {
            c.fail(
                "world.groups",
                w.groups,
                &format!("an integer in 1..=producers ({})", w.producers),
            );
        }
        if !(w.initial_propensity > 0.0 && w.initial_propensity < 1.0) {
            c.fail(
                "world.initial_propensity",
                w.initial_propensity,
                "a number strictly between 0 and 1",
            );
        }
        c.share("world.intrinsic_share", w.intrinsic_share);
        c.non_negative("world.intrinsic_value", w.intrinsic_value);
        c.non_negative("world.outside_wage", w.outside_wage);
        c.non_negative("world.upkeep", w.upkeep);
        c.non_negative("world.debt_limit", w.debt_limit);
        c.share("world.switch_rate", w.switch_rate);
        c.at_least("world.consider", w.consider, 1);
        c.non_negative("world.choice_noise", w.choice_noise);
        c.share("world.domain_focus", w.domain_focus);
        if w.flip_bits < 1 || w.flip_bits > w.loci {
            c.fail(
                "world.flip_bits",
                w.flip_bits,
                &format!("an integer in 1..=loci ({})", w.loci),
            );
        }
        c.share("world.shock_rate", w.shock_rate);
        c.share("world.shock_size", w.shock_size);
        c.share("world.credit_decay", w.credit_decay);
        c.share("world.payoff_decay", w.payoff_decay);
        c.share("world.learning_rate", w.learning_rate);
        c.non_negative("world.mutation", w.mutation);
        c.positive("world.temperature", w.temperature);

        if r.network_k < 1 {
            c.fail("regime.network_k", r.network_k, "an integer >= 1");
        }
        c.share("regime.network_p", r.network_p);
        if r.patent_term == Some(0) {
            c.fail("regime.patent_term", 0, "an integer >= 1, or \"none\"");
        }
        if r.plan_interval < 1 {
            c.fail("regime.plan_interval", r.plan_interval, "an integer >= 1");
        }
        c.non_negative("regime.plan_noise", r.plan_noise);
        if !(1..=64).contains(&r.plan_lineages) {
            c.fail(
                "regime.plan_lineages",
                r.plan_lineages,
                "an integer in 1..=64",
            );
        }
        if !(0.0..1.0).contains(&r.plan_overhead) {
            c.fail("regime.plan_overhead", r.plan_overhead, "a share in [0, 1)");
        }
        c.share("regime.fork_tolerance", r.fork_tolerance);
        c.share("regime.adopt_prob", r.adopt_prob);
        c.share("regime.levy", r.levy);
        if let Some(cap) = r.pay_cap
            && !(cap >= 1.0 && cap.is_finite())
        {
            c.fail("regime.pay_cap", cap, "a number >= 1, or \"none\"");
        }
        c.share("regime.monitoring", r.monitoring);
        c.share("regime.norm", r.norm);
        c.share("regime.sanction", r.sanction);
        c.non_negative("regime.monitoring_cost", r.monitoring_cost);
        c.non_negative("regime.integration_cost", r.integration_cost);
        c.positive("regime.compute_price", r.compute_price);
        c.share("regime.invest_rate", r.invest_rate);
        c.errors
    }

    /// `Ok` if the configuration can be run, else the first problem found.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.check().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

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
            };
            assert!(cfg.check().is_empty(), "{}", p.name);
        }
        assert_eq!(PRESETS.len(), 6);
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
