//! What the claims table holds for each guide scenario: the metrics the guide may quote.

/// Per scenario: the metrics quoted as levels (world-wide and per population), the
/// differences, and the metrics of the differences.
pub struct Spec {
    pub scenario: &'static str,
    pub levels: &'static [&'static str],
    /// (regime, baseline): paired run by run at the same point and replicate.
    pub pairs: &'static [(&'static str, &'static str)],
    /// (population, baseline population) of a mixed world: paired within each run.
    pub population_pairs: &'static [(&'static str, &'static str)],
    /// (swept setting, value, base value): unpaired, other settings equal.
    pub across: &'static [(&'static str, &'static str, &'static str)],
    pub paired: &'static [&'static str],
}

/// A spec without differences, to fill in.
const NONE: Spec = Spec {
    scenario: "",
    levels: &[],
    pairs: &[],
    population_pairs: &[],
    across: &[],
    paired: &[],
};

pub const SPECS: &[Spec] = &[
    Spec {
        scenario: "duplication",
        levels: &[
            "duplicated_share",
            "catchup_share",
            "race_share",
            "redundant_share",
            "trials",
            "welfare",
            "frontier_quality",
            "approach_diversity",
        ],
        pairs: &[
            ("commons", "collectivist"),
            ("commons_costly", "commons"),
            ("enclosure", "commons"),
            ("enclosure", "collectivist"),
        ],
        paired: &["welfare", "duplicated_share", "frontier_quality"],
        ..NONE
    },
    Spec {
        scenario: "rent",
        levels: &[
            "deadweight_loss",
            "producer_revenue",
            "consumer_surplus",
            "access_quality",
            "welfare",
            "real_costs",
            "frontier_quality",
            "duplicated_share",
            "invest_share",
        ],
        pairs: &[("patents", "open_access")],
        paired: &["welfare", "frontier_quality", "real_costs"],
        ..NONE
    },
    Spec {
        scenario: "inequality",
        levels: &[
            "gini_wealth",
            "top1_share",
            "pay_ratio",
            "top_pay_ratio",
            "hhi_revenue",
            "welfare",
            "real_costs",
            "invest_share",
        ],
        pairs: &[
            ("enclosure_cap3", "enclosure_cap6"),
            ("enclosure_cap6", "enclosure"),
            ("cooperative", "enclosure"),
        ],
        paired: &["gini_wealth", "hhi_revenue", "welfare", "top1_share"],
        ..NONE
    },
    Spec {
        scenario: "calculation",
        levels: &["misallocation", "welfare", "frontier_quality", "trials"],
        pairs: &[
            ("collectivist", "open_access"),
            ("commons", "open_access"),
            ("collectivist", "commons"),
            ("enclosure", "open_access"),
        ],
        paired: &["welfare", "misallocation"],
        ..NONE
    },
    Spec {
        scenario: "monoculture",
        levels: &[
            "approach_diversity",
            "heads",
            "lineages",
            "frontier_quality",
            "welfare",
            "stuck_share",
            "new_lineages",
            "innovation",
            "redundant_share",
        ],
        pairs: &[
            ("collectivist_4", "collectivist"),
            ("commons", "collectivist"),
            ("collectivist_4", "commons"),
            ("commons_wide_forks", "commons"),
            ("commons_narrow_forks", "commons"),
            ("commons_frontier_credit", "commons"),
        ],
        paired: &["approach_diversity", "heads", "frontier_quality", "welfare"],
        ..NONE
    },
    Spec {
        scenario: "tragedy",
        levels: &[
            "contribution",
            "welfare",
            "real_costs",
            "intrinsic_utility",
            "sanctions",
            "trials",
        ],
        pairs: &[("commons", "open_access")],
        paired: &["contribution", "welfare"],
        ..NONE
    },
    Spec {
        scenario: "long_tail",
        levels: &["tail_coverage", "effort_entropy", "welfare"],
        pairs: &[
            ("commons", "open_access"),
            ("collectivist", "open_access"),
            ("enclosure", "open_access"),
        ],
        paired: &["tail_coverage", "welfare"],
        ..NONE
    },
    Spec {
        scenario: "shocks",
        levels: &[
            "welfare",
            "cumulative_welfare",
            "innovation",
            "frontier_quality",
        ],
        pairs: &[
            ("collectivist", "open_access"),
            ("commons", "open_access"),
            ("commons", "collectivist"),
        ],
        paired: &["welfare", "cumulative_welfare"],
        ..NONE
    },
    Spec {
        scenario: "ai_labs",
        levels: &[
            "duplicated_share",
            "catchup_share",
            "redundant_share",
            "approach_diversity",
            "heads",
            "frontier_quality",
            "trials",
            "welfare",
            "gini_wealth",
            "real_costs",
            "consumer_surplus",
            "deadweight_loss",
        ],
        pairs: &[
            ("closed_labs", "open_weights"),
            ("open_consortium", "open_weights"),
        ],
        paired: &[
            "frontier_quality",
            "welfare",
            "duplicated_share",
            "approach_diversity",
        ],
        ..NONE
    },
    Spec {
        scenario: "collaboration",
        levels: &[
            "duplicated_share",
            "redundant_share",
            "approach_diversity",
            "heads",
            "welfare",
            "innovation",
            "gini_wealth",
            "frontier_quality",
            "trials",
            "contribution",
            "real_costs",
        ],
        pairs: &[
            ("collaborative", "open_access"),
            ("commons", "open_access"),
            ("p2p", "open_access"),
            ("collectivist", "open_access"),
            ("p2p", "commons"),
            ("collaborative", "commons"),
        ],
        paired: &[
            "welfare",
            "innovation",
            "frontier_quality",
            "duplicated_share",
            "gini_wealth",
            "approach_diversity",
        ],
        ..NONE
    },
    Spec {
        scenario: "open_vs_closed",
        levels: &[
            "population_share",
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "access_quality",
            "frontier_quality",
            "welfare",
            "real_costs",
            "trials",
            "duplicated_share",
            "approach_diversity",
            "contribution",
            "gini_wealth",
        ],
        population_pairs: &[("open", "closed")],
        across: &[
            ("populations.open.levy", "0.1", "0"),
            ("populations.open.share", "0.1", "0"),
        ],
        paired: &[
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "welfare",
            "gini_wealth",
            "frontier_quality",
            "access_quality",
            "real_costs",
            "contribution",
        ],
        ..NONE
    },
    Spec {
        scenario: "unplugging",
        levels: &[
            "population_share",
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "welfare",
            "real_costs",
            "trials",
            "contribution",
            "gini_wealth",
            "invest_share",
            "duplicated_share",
        ],
        across: &[
            ("world.migration_rate", "0.01", "0"),
            ("populations.commons.levy", "0.3", "0"),
            ("populations.commons.levy", "0.1", "0"),
            ("world.outside_wage", "0.008", "0.0005"),
        ],
        paired: &[
            "population_share",
            "producer_revenue",
            "deadweight_loss",
            "welfare",
            "contribution",
            "gini_wealth",
        ],
        ..NONE
    },
    Spec {
        scenario: "federation",
        levels: &[
            "population_share",
            "frontier_quality",
            "access_quality",
            "approach_diversity",
            "duplicated_share",
            "catchup_share",
            "redundant_share",
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "welfare",
            "trials",
            "contribution",
            "gini_wealth",
        ],
        population_pairs: &[("federation", "planner"), ("federation", "market")],
        across: &[
            ("populations.federation.federation_link", "1", "0"),
            ("populations.federation.federation_link", "0.1", "0"),
        ],
        paired: &[
            "frontier_quality",
            "approach_diversity",
            "duplicated_share",
            "producer_revenue",
            "consumer_surplus",
            "welfare",
        ],
        ..NONE
    },
    Spec {
        scenario: "patent_terms",
        levels: &[
            "population_share",
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "access_quality",
            "frontier_quality",
            "welfare",
            "real_costs",
            "trials",
            "duplicated_share",
            "catchup_share",
            "invest_share",
        ],
        population_pairs: &[("short", "long")],
        across: &[
            ("populations.short.patent_term", "2", "20"),
            ("populations.short.patent_term", "5", "20"),
            ("populations.short.patent_term", "10", "20"),
        ],
        paired: &[
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "welfare",
            "frontier_quality",
            "access_quality",
            "catchup_share",
            "duplicated_share",
            "real_costs",
        ],
        ..NONE
    },
    Spec {
        scenario: "circle",
        levels: &[
            "population_share",
            "frontier_quality",
            "access_quality",
            "approach_diversity",
            "duplicated_share",
            "catchup_share",
            "redundant_share",
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "welfare",
            "real_costs",
            "trials",
            "contribution",
        ],
        population_pairs: &[("circle", "market")],
        across: &[("populations.circle.visibility", "open", "network")],
        paired: &[
            "frontier_quality",
            "access_quality",
            "duplicated_share",
            "producer_revenue",
            "deadweight_loss",
            "consumer_surplus",
            "welfare",
            "real_costs",
        ],
        ..NONE
    },
];
