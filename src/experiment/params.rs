//! Plain-word catalogue of every world parameter and regime axis: what it means
//! and which values `Config::check` allows. `regimes explain`, validation messages
//! and `docs/SCENARIOS.md` (checked by a test) read from here, so they agree.

/// One parameter of `[world]` or of a regime.
pub struct Param {
    /// Key inside its table (`loci`, `levy`).
    pub key: &'static str,
    /// Table it lives in: `world` or `regime`.
    pub table: &'static str,
    /// What it means, for a student.
    pub meaning: &'static str,
    /// Values the model accepts.
    pub allowed: &'static str,
}

impl Param {
    /// Scenario path, as used by `[sweep]` and `--set` (`world.loci`, `regime.levy`).
    pub fn path(&self) -> String {
        format!("{}.{}", self.table, self.key)
    }
}

/// A regime axis of MODEL.md §3 and the keys that set it.
pub struct Axis {
    pub name: &'static str,
    pub meaning: &'static str,
    pub keys: &'static [&'static str],
}

macro_rules! params {
    ($table:literal: $( $key:ident, $allowed:literal, $meaning:literal; )*) => {
        &[ $( Param { key: stringify!($key), table: $table, meaning: $meaning, allowed: $allowed }, )* ]
    };
}

/// World parameters, in the order of `World`.
pub const WORLD: &[Param] = params! { "world":
    producers, "an integer >= 1",
        "N, the number of producers (firms, workers, contributors, labs).";
    problems, "an integer >= 1",
        "M, the number of problems (needs, tasks, features), each with a value and its own fitness landscape.";
    loci, "an integer in 1..=64",
        "L, bits per genome: the size of a solution's design space.";
    interactions, "an integer in 0..loci",
        "K, epistatic neighbours per locus: 0 is a smooth landscape with one peak, larger K is more rugged with many local peaks.";
    domains, "an integer in 1..=65535",
        "D, the number of trades; a producer works best on problems of its own domain.";
    base_budget, "a number > 0",
        "Search trials per step every producer has without buying compute.";
    max_budget, "a number >= base_budget",
        "Ceiling on a budget extended with bought compute.";
    value_tail, "a number > 1",
        "Pareto shape of problem values: smaller means a longer tail (a few very valuable problems).";
    max_solutions, "an integer >= 1",
        "S, held solution records kept per problem.";
    cross_domain, "a share in [0, 1]",
        "Match of a producer to a problem outside its domain, relative to its own domain.";
    skill_sigma, "a number >= 0",
        "Spread of skills: sigma of the log-normal skill distribution.";
    groups, "an integer in 1..=producers",
        "G, groups (firms, cooperatives): contiguous blocks of producers.";
    initial_propensity, "a number strictly between 0 and 1",
        "Mean initial share of the budget producers choose to exert (Beta distributed).";
    intrinsic_share, "a share in [0, 1]",
        "Share of producers who value the work itself (use value, scratching an itch).";
    intrinsic_value, "a number >= 0",
        "Utility per exerted trial for intrinsically motivated producers (not money).";
    outside_wage, "a number >= 0",
        "Money per unexerted trial of the base budget: the outside option.";
    upkeep, "a number >= 0",
        "Real cost every producer pays each step.";
    debt_limit, "a number >= 0",
        "A producer whose wealth falls below minus this exits and is replaced by an entrant.";
    switch_rate, "a share in [0, 1]",
        "Probability a producer reconsiders its target each step.";
    consider, "an integer >= 0",
        "Candidate problems compared with the current target when reconsidering.";
    choice_noise, "a number >= 0",
        "Scale of the Gumbel noise on log scores: how erratic choices are.";
    domain_focus, "a share in [0, 1]",
        "Probability a candidate problem is drawn from the producer's own domain (local knowledge).";
    flip_bits, "an integer in 1..=loci",
        "Bits flipped per search trial: the step size of search.";
    shock_rate, "a share in [0, 1]",
        "Probability of a value shock each step.";
    shock_size, "a share in [0, 1]",
        "Share of problems hit by a shock.";
    shock_landscape, "true or false",
        "Whether a shock also redraws the problem's landscape, so old solutions lose their quality.";
    credit_decay, "a share in [0, 1]",
        "Decay of the credit (reputation) moving average.";
    payoff_decay, "a share in [0, 1]",
        "Decay of the payoff moving average used when imitating peers.";
    learning_rate, "a share in [0, 1]",
        "Probability a producer compares itself with a peer each step and may copy its effort.";
    mutation, "a number >= 0",
        "Standard deviation of the noise added to a copied propensity.";
    temperature, "a number > 0",
        "Temperature of the logistic imitation rule: small means producers copy better-paid peers almost surely.";
};

/// Regime axes, in the order of `Regime`.
pub const REGIME: &[Param] = params! { "regime":
    visibility, "private, groups, network or open",
        "Who may see a held solution: only its holder, its group, graph neighbours, or everybody at once.";
    network, "ring, small_world, random or complete",
        "Shape of the collaboration graph used by network visibility.";
    network_k, "an integer >= 1",
        "Links on each side of a ring (and of the small world's starting ring).";
    network_p, "a share in [0, 1]",
        "Rewiring probability (small_world) or link probability (random).";
    exclusive, "true or false",
        "Intellectual property: rivals may not sell while the leader's solution is protected (true), or trade secrets with Bertrand competition (false).";
    patent_term, "an integer >= 1, or \"none\"",
        "Steps after which an improvement enters the public domain; \"none\" means never.";
    allocation, "market, registry or plan",
        "Who decides what a producer works on: producers by private return (market), producers seeing a registry of claims (registry), or a planner (plan).";
    plan_interval, "an integer >= 1",
        "Steps between two plans.";
    plan_lag, "an integer >= 0",
        "Age in steps of the values the planner sees.";
    plan_noise, "a number >= 0",
        "Log-normal error of the planner's estimates of values and skills.";
    plan_lineages, "an integer >= 1",
        "Lineages (approaches) a planned team keeps on a problem.";
    plan_overhead, "a share in [0, 1)",
        "Share of every trial lost to planning.";
    adopt, "best or fork",
        "What a producer copies: the best visible solution (best), or its own lineage unless another is clearly better (fork, pluralism).";
    fork_tolerance, "a share in [0, 1]",
        "How much better another lineage must be before a forking producer leaves its own.";
    adopt_prob, "a share in [0, 1]",
        "Probability a producer looks for a better visible solution each step.";
    group_share, "equal or contribution",
        "How a group splits its revenue among its members.";
    levy, "a share in [0, 1]",
        "Share of consumer surplus paid into a pool (a subscription, a tax, a patronage fund).";
    pool_rule, "equal or contribution",
        "How the pool is paid out: equal shares among all, or in proportion to credit (value added to the frontier).";
    pay_cap, "a number >= 1, or \"none\"",
        "Ceiling on the ratio of highest to lowest positive earnings; \"none\" means no cap.";
    monitoring, "a share in [0, 1]",
        "Probability each producer is observed each step.";
    norm, "a share in [0, 1]",
        "Exerted share of budget below which an observed producer is sanctioned.";
    sanction, "a share in [0, 1]",
        "Fine per offence, as a share of the step's earnings (graduated: it grows with offences).";
    monitoring_cost, "a number >= 0",
        "Real cost of each observation, paid from the pool.";
    integration_cost, "a number >= 0",
        "Coordination overhead per extra producer on a problem under registry allocation.";
    compute_price, "a number > 0",
        "Price of one bought search trial.";
    invest_rate, "a share in [0, 1]",
        "Share of positive wealth spent on compute when it pays (capital).";
};

/// The axes of MODEL.md §3, grouping the regime keys.
pub const AXES: &[Axis] = &[
    Axis {
        name: "visibility",
        meaning: "Who may see a discovery: the holder alone (private), its group, its network neighbours, or everyone (open).",
        keys: &["visibility", "network", "network_k", "network_p"],
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
        ],
    },
    Axis {
        name: "adopt",
        meaning: "What producers build on: the best visible solution, or their own lineage (forks, pluralism).",
        keys: &["adopt", "fork_tolerance", "adopt_prob"],
    },
    Axis {
        name: "reward",
        meaning: "Who is paid: the seller of the best solution (profit), and a pool filled by a levy, shared equally or by contribution, under an optional pay cap.",
        keys: &["group_share", "levy", "pool_rule", "pay_cap"],
    },
    Axis {
        name: "governance",
        meaning: "Monitoring with graduated sanctions against free riding (Ostrom), at a real cost.",
        keys: &["monitoring", "norm", "sanction", "monitoring_cost"],
    },
    Axis {
        name: "costs",
        meaning: "Costs of coordination and of capital: integration overhead, the price of compute, and how much wealth buys compute.",
        keys: &["integration_cost", "compute_price", "invest_rate"],
    },
];

/// The parameter at a scenario path (`world.loci`, `regime.levy`).
pub fn find(path: &str) -> Option<&'static Param> {
    let (table, key) = path.split_once('.')?;
    let list = match table {
        "world" => WORLD,
        "regime" => REGIME,
        _ => return None,
    };
    list.iter().find(|p| p.key == key)
}

/// Every sweepable path, world first.
pub fn paths() -> Vec<String> {
    WORLD.iter().chain(REGIME).map(Param::path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Regime, World};

    fn keys<T: serde::Serialize>(value: &T) -> Vec<String> {
        let table = toml::Table::try_from(value).expect("serialises to a table");
        table.keys().cloned().collect()
    }

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort();
        v
    }

    #[test]
    fn catalogue_covers_every_key_exactly() {
        let world: Vec<String> = WORLD.iter().map(|p| p.key.to_string()).collect();
        let regime: Vec<String> = REGIME.iter().map(|p| p.key.to_string()).collect();
        assert_eq!(sorted(world), sorted(keys(&World::default())));
        assert_eq!(sorted(regime), sorted(keys(&Regime::default())));
    }

    #[test]
    fn scenarios_doc_lists_every_key_with_default_and_range() {
        let doc = include_str!("../../docs/SCENARIOS.md");
        let world = toml::Table::try_from(World::default()).unwrap();
        let regime = toml::Table::try_from(Regime::default()).unwrap();
        for p in WORLD.iter().chain(REGIME) {
            let default = if p.table == "world" { &world } else { &regime }[p.key].to_string();
            let row = format!("| `{}` | `{default}` | {} |", p.key, p.allowed);
            assert!(doc.contains(&row), "docs/SCENARIOS.md lacks `{row}`");
        }
    }

    #[test]
    fn axes_group_every_regime_key_once() {
        let mut grouped: Vec<String> = AXES
            .iter()
            .flat_map(|a| a.keys.iter().map(|k| k.to_string()))
            .collect();
        grouped.sort();
        let all = sorted(REGIME.iter().map(|p| p.key.to_string()).collect());
        assert_eq!(grouped, all);
        assert!(find("world.loci").is_some());
        assert!(find("regime.levy").is_some());
        assert!(find("regime.loci").is_none());
    }
}
