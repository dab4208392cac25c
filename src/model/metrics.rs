//! What every step records (spec §2.10, docs/MODEL.md §9). The catalogue below is the single
//! source of names, axis labels and explanations for tables, charts and `explain`.

/// How a metric is measured, so charts can pick axes and summaries can be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A share in [0, 1].
    Share,
    /// An NK quality in [0, 1).
    Quality,
    /// Money or utility per step, summed over problems or producers.
    Money,
    /// A count or a mean count.
    Count,
    /// An index without unit (Gini, HHI, entropy, ratio).
    Index,
}

/// Description of one metric.
#[derive(Clone, Copy, Debug)]
pub struct MetricInfo {
    pub name: &'static str,
    /// Axis label in plain words, with its unit.
    pub label: &'static str,
    pub unit: Unit,
    /// What it measures and how to read it, for a student.
    pub description: &'static str,
}

macro_rules! metrics {
    ($( $name:ident : $unit:ident, $label:literal, $desc:literal; )*) => {
        /// One step's measurements. NaN marks a ratio with nothing to divide (0/0).
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct Metrics {
            $( #[doc = $desc] pub $name: f64, )*
        }

        /// Every metric, in table column order.
        pub const METRICS: &[MetricInfo] = &[
            $( MetricInfo { name: stringify!($name), label: $label, unit: Unit::$unit, description: $desc }, )*
        ];

        /// Number of metrics.
        pub const METRIC_COUNT: usize = [$( stringify!($name) ),*].len();

        impl Metrics {
            /// Values in the order of [`METRICS`].
            pub fn values(&self) -> [f64; METRIC_COUNT] {
                [$( self.$name ),*]
            }

            /// Builds metrics from values in the order of [`METRICS`].
            pub fn from_values(v: &[f64; METRIC_COUNT]) -> Self {
                let mut it = v.iter().copied();
                Metrics { $( $name: it.next().unwrap_or(f64::NAN), )* }
            }
        }
    };
}

metrics! {
    trials: Count, "effective search trials per step",
        "Search trials actually performed this step, after skill, domain match and coordination overhead.";
    duplicated_share: Share, "duplicated effort (share of trials)",
        "Share of trials that re-derived what someone already knew behind an enclosure (catch-up), lost a race to a rival the producer could not see, or evaluated a genome another producer also evaluated on the same problem in the same step (redundant). The central measure of waste.";
    catchup_share: Share, "catch-up duplication (share of trials)",
        "Share of trials by producers who started below the world frontier without being able to see it: re-deriving hidden knowledge.";
    race_share: Share, "race duplication (share of trials)",
        "Share of trials by producers who passed the old frontier but were beaten on the same problem by a rival they could not see.";
    redundant_share: Share, "redundant duplication (share of trials)",
        "Share of trials that evaluated a genome another producer also evaluated on the same problem in the same step (one of them, drawn at random, is the original): teammates testing the same flips, in any regime.";
    exploration_share: Share, "exploration (share of trials)",
        "Share of trials by producers who started below a frontier they could see: deliberate forks and alternative approaches.";
    frontier_share: Share, "frontier work (share of trials)",
        "Share of trials by producers who started at or above the world frontier: pushing the best known solution.";
    stuck_share: Share, "stuck effort (share of trials)",
        "Share of search trials spent on a genome that is a one-bit local optimum, where no single change can improve it: futile effort unless the producer starts a new approach.";
    new_lineages: Count, "new lineages per step",
        "Lineages started this step from a random genome: newcomers who found nothing to build on or tried a new approach, producers leaving a known dead end, planned teams restarting.";
    frontier_quality: Quality, "frontier quality (value-weighted)",
        "Best quality anyone knows, averaged over problems weighted by their value.";
    access_quality: Quality, "freely usable quality (value-weighted)",
        "Best quality anyone may use for free (open or past its patent), weighted by problem value.";
    mean_quality: Quality, "producers' working quality (mean)",
        "Mean quality of the solutions producers are working on.";
    innovation: Money, "innovation (value of frontier gains per step)",
        "Value-weighted gain of the world frontier this step: sum of v_j times the rise in W_j.";
    approach_diversity: Share, "approach diversity (mean Hamming distance)",
        "Mean normalised Hamming distance between the genomes of producers on the same problem: 0 is a monoculture, 0.5 is unrelated approaches.";
    lineages: Count, "distinct approaches per worked problem",
        "Mean number of distinct genomes among producers working on the same problem.";
    heads: Count, "live lineages per worked problem",
        "Mean number of lineages (approaches descended from one random genome) with at least one producer working in them, per problem worked on: 1 is a monoculture of one approach.";
    effort_entropy: Index, "spread of effort (entropy / ln M)",
        "Shannon entropy of exerted effort across problems divided by its maximum: 1 is effort spread evenly, 0 is all on one problem.";
    tail_coverage: Index, "long-tail coverage (1 = head-count share)",
        "Share of effort on the 80% least valuable problems divided by 0.8: 1 means the long tail gets its head-count share, below 1 means effort crowds the head of demand.";
    potential_surplus: Money, "potential surplus per step",
        "What users would gain if the best known solution on every problem were free: sum of v_j W_j / 2.";
    consumer_surplus: Money, "consumer surplus per step",
        "What users actually gain, after prices (reported before any levy).";
    producer_revenue: Money, "producer revenue per step",
        "Sales revenue of the holders of the best private solutions.";
    deadweight_loss: Money, "deadweight loss per step",
        "Surplus lost because priced knowledge is not used by users who would value it above its zero copying cost: artificial scarcity.";
    real_costs: Money, "real costs per step",
        "Resources used up: exerted effort valued at the outside wage, compute bought (by producers or by the pool for social credit), monitoring and upkeep.";
    intrinsic_utility: Money, "intrinsic utility per step",
        "Utility producers get from the work itself (use value, scratching an itch): the sum of mu times exerted trials. It is not money, but it counts in welfare.";
    welfare: Money, "welfare per step (surplus + revenue + intrinsic - costs)",
        "Consumer surplus plus producer revenue plus intrinsic utility minus real costs. Transfers (levy, fines, prices) do not change it.";
    gini_wealth: Index, "wealth inequality (Gini)",
        "Gini coefficient of producers' wealth (negative wealth counted as zero): 0 is equality, near 1 is one producer holding everything.";
    gini_income: Index, "earnings inequality (Gini)",
        "Gini coefficient of this step's earnings (income + outside wage - fines, negative counted as zero).";
    pay_ratio: Index, "pay ratio (p90 / p10 of earnings)",
        "90th percentile of positive earnings divided by the 10th percentile.";
    top_pay_ratio: Index, "top pay ratio (max / median of earnings)",
        "Highest positive earnings divided by the median positive earnings: the CEO-to-worker pay figure.";
    hhi_revenue: Index, "revenue concentration (HHI)",
        "Herfindahl-Hirschman index of revenue over holders earning revenue: 1 is a monopoly, near 0 is many equal sellers.";
    top1_share: Share, "wealth share of the top 1%",
        "Share of (positive) wealth held by the richest 1% of producers.";
    invest_share: Share, "invest share (mean)",
        "Mean share of positive wealth producers spend on compute each step, learned by imitating better-paid peers (0 when capital is off).";
    contribution: Share, "contribution (mean propensity to exert)",
        "Mean share of their budget producers choose to exert: low values are free riding.";
    sanctions: Share, "sanctioned (share of producers)",
        "Share of producers fined this step for exerting less than the norm.";
    exits: Share, "exits (share of producers)",
        "Share of producers who went bankrupt this step and were replaced by entrants.";
    misallocation: Share, "misallocation (share outside own domain)",
        "Share of producers working on a problem outside their own domain.";
    population_share: Share, "share of producers",
        "Share of the producers who are members of the population this step (1 for the world, `all`): in a mixed world the populations' shares sum to 1, and migration moves them.";
}

impl Metrics {
    /// The value of the metric of that name.
    pub fn get(&self, name: &str) -> Option<f64> {
        let i = METRICS.iter().position(|m| m.name == name)?;
        Some(self.values()[i])
    }
}

/// The description of the metric of that name.
pub fn metric_info(name: &str) -> Option<&'static MetricInfo> {
    METRICS.iter().find(|m| m.name == name)
}

/// Headline metrics shown in summaries and overview charts.
pub const HEADLINE: &[&str] = &[
    "duplicated_share",
    "approach_diversity",
    "welfare",
    "gini_wealth",
    "contribution",
];
