//! Classic results the model reproduces (`regimes reproduce`). Each is a plain scenario
//! file under `scenarios/classics/` (embedded here, so the command works anywhere) and the
//! checks that set what it measures beside the published or analytic figure. The checks are
//! data; `output::verdict` measures them on a run's tables and judges them.

use crate::model::World;

/// One reproduction: a scenario and the checks of its source's claims.
pub struct Classic {
    pub name: &'static str,
    /// The publication, as a reader would cite it.
    pub source: &'static str,
    /// The setup in one line.
    pub setup: &'static str,
    /// The scenario file's text (`scenarios/classics/NAME.toml`).
    pub scenario: &'static str,
    pub checks: &'static [Check],
    /// What the match establishes, and what it does not.
    pub scope: &'static str,
}

/// A claim of the source and how it is measured and judged.
#[derive(Debug)]
pub struct Check {
    pub claim: &'static str,
    /// The published or analytic figure, in words.
    pub published: &'static str,
    pub measure: Measure,
    pub rule: Rule,
}

/// A per-run (or per-replicate) quantity read from the tables, or from the engine's own
/// landscapes at each run's seed; the verdict averages it over runs with a 95 % CI.
#[derive(Clone, Copy, Debug)]
pub enum Measure {
    /// `metric` of `regime` at the run's last recorded step.
    Final {
        regime: &'static str,
        metric: &'static str,
    },
    /// `metric` of `regime` at recorded step `step`.
    At {
        regime: &'static str,
        metric: &'static str,
        step: u32,
    },
    /// `numerator` / `denominator` of `regime`, each summed over every recorded step.
    Ratio {
        regime: &'static str,
        numerator: &'static str,
        denominator: &'static str,
    },
    /// `numerator` / `denominator` of `regime` at the run's last recorded step.
    FinalRatio {
        regime: &'static str,
        numerator: &'static str,
        denominator: &'static str,
    },
    /// Per replicate, `metric` of regime `a` minus that of regime `b` at recorded step
    /// `step` (paired: regimes at the same replicate share their seed, hence their landscape).
    Paired {
        a: &'static str,
        b: &'static str,
        metric: &'static str,
        step: u32,
    },
    /// Per replicate, `metric` of regime `a` minus that of regime `b` at the last recorded step.
    PairedFinal {
        a: &'static str,
        b: &'static str,
        metric: &'static str,
    },
    /// Per run, the mean of `metric` of `regime` over the recorded steps `from..=to` (NaN
    /// steps skipped).
    Window {
        regime: &'static str,
        metric: &'static str,
        from: u32,
        to: u32,
    },
    /// Per run, the mean of `metric` of `regime` over the recorded steps of `numerator`
    /// divided by its mean over those of `denominator` (each an inclusive step range).
    WindowRatio {
        regime: &'static str,
        metric: &'static str,
        numerator: (u32, u32),
        denominator: (u32, u32),
    },
    /// The best quality of the landscape of problem 0 (by enumerating every genome).
    GlobalOptimum,
    /// 1 when the final `mean_quality` equals the landscape's global optimum, else 0.
    ReachesGlobal,
    /// 1 when the final `mean_quality` is the quality of a one-bit local optimum, else 0.
    AtLocalOptimum,
    /// The global optimum minus the final `mean_quality`.
    GapToGlobal,
    /// The number of one-bit local optima of the landscape of problem 0.
    LocalOptima,
}

/// How a measured mean and its 95 % CI are judged against the published figure.
#[derive(Clone, Copy, Debug)]
pub enum Rule {
    /// The published value lies inside the CI, and the CI is no wider than `half_width`
    /// either side (a wide CI proves nothing).
    InCi { value: Target, half_width: f64 },
    /// The mean is within `tolerance` of the published value.
    Near { value: Target, tolerance: f64 },
    /// The whole CI lies above the value.
    Above(f64),
    /// The whole CI lies below the value.
    Below(f64),
}

/// A published figure: a constant, or an analytic value of the scenario's world.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Value(f64),
    /// `2^L / (L + 1)`: the expected number of one-bit local optima when every genome's
    /// fitness is an independent draw (K = L - 1).
    LocalOptimaOfRandomLandscape,
}

impl Target {
    pub fn value(self, world: &World) -> f64 {
        match self {
            Target::Value(v) => v,
            Target::LocalOptimaOfRandomLandscape => {
                2f64.powi(world.loci as i32) / (world.loci as f64 + 1.0)
            }
        }
    }
}

/// Every reproduction, in the order `regimes reproduce all` runs them.
pub const CLASSICS: &[Classic] = &[
    Classic {
        name: "nk_smooth",
        source: "Kauffman (1993), The Origins of Order, ch. 2: NK landscapes with K = 0",
        setup: "1 producer climbs 1 problem, L = 20, K = 0, 300 steps, 200 landscapes",
        scenario: include_str!("../../scenarios/classics/nk_smooth.toml"),
        checks: &[
            Check {
                claim: "the global optimum's mean fitness is 2/3",
                published: "2/3 = 0.6667 (the mean of the larger of two uniform draws)",
                measure: Measure::GlobalOptimum,
                rule: Rule::InCi {
                    value: Target::Value(2.0 / 3.0),
                    half_width: 0.02,
                },
            },
            Check {
                claim: "a lone one-bit climber reaches the global optimum",
                published: "every climb (share 1)",
                measure: Measure::ReachesGlobal,
                rule: Rule::Near {
                    value: Target::Value(1.0),
                    tolerance: 0.0,
                },
            },
        ],
        scope: "It checks the landscape generator (contributions uniform and independent per \
                locus) and that the climb rule never stops short of a peak. It says nothing of \
                rugged landscapes or of search by many.",
    },
    Classic {
        name: "nk_rugged",
        source: "Kauffman (1993), The Origins of Order, ch. 2; Kauffman & Levin (1987), \
                 J. Theor. Biol. 128: NK landscapes with K = L - 1",
        setup: "1 producer climbs 1 problem, L = 20, K = 19, 300 steps, 200 landscapes",
        scenario: include_str!("../../scenarios/classics/nk_rugged.toml"),
        checks: &[
            Check {
                claim: "a genome is a local optimum with probability 1/(L + 1)",
                published: "2^L/(L + 1) local optima (49,932.6 for L = 20)",
                measure: Measure::LocalOptima,
                rule: Rule::InCi {
                    value: Target::LocalOptimaOfRandomLandscape,
                    half_width: 500.0,
                },
            },
            Check {
                claim: "a lone climber stops at a local optimum",
                published: "every climb ends on a local optimum (share 1)",
                measure: Measure::AtLocalOptimum,
                rule: Rule::Near {
                    value: Target::Value(1.0),
                    tolerance: 0.0,
                },
            },
            Check {
                claim: "that local optimum lies well below the global optimum",
                published: "well below (complexity catastrophe): gap > 0.05",
                measure: Measure::GapToGlobal,
                rule: Rule::Above(0.05),
            },
        ],
        scope: "It checks that with K = L - 1 the engine's hashed contributions make every \
                genome an independent draw, and that a climber halts where no one-bit flip \
                improves. The gap's size depends on L; only its sign and order are Kauffman's.",
    },
    Classic {
        name: "monopoly",
        source: "The textbook monopoly with linear demand (e.g. Tirole 1988, The Theory of \
                 Industrial Organization, ch. 1)",
        setup: "1 producer under enclosure, 20 problems, no rival and nothing open, 100 steps, \
                20 runs",
        scenario: include_str!("../../scenarios/classics/monopoly.toml"),
        checks: &[
            Check {
                claim: "revenue is half the potential surplus",
                published: "0.50",
                measure: Measure::Ratio {
                    regime: "monopolist",
                    numerator: "producer_revenue",
                    denominator: "potential_surplus",
                },
                rule: Rule::Near {
                    value: Target::Value(0.5),
                    tolerance: 1e-9,
                },
            },
            Check {
                claim: "consumer surplus is a quarter of it",
                published: "0.25",
                measure: Measure::Ratio {
                    regime: "monopolist",
                    numerator: "consumer_surplus",
                    denominator: "potential_surplus",
                },
                rule: Rule::Near {
                    value: Target::Value(0.25),
                    tolerance: 1e-9,
                },
            },
            Check {
                claim: "the deadweight loss is a quarter of it",
                published: "0.25",
                measure: Measure::Ratio {
                    regime: "monopolist",
                    numerator: "deadweight_loss",
                    denominator: "potential_surplus",
                },
                rule: Rule::Near {
                    value: Target::Value(0.25),
                    tolerance: 1e-9,
                },
            },
        ],
        scope: "It checks the market phase's pricing against the analytic monopoly of linear \
                demand, summed over problems and steps. It is an identity of the model's demand, \
                not evidence that real knowledge markets look like this.",
    },
    Classic {
        name: "bertrand",
        source: "Bertrand (1883), Journal des Savants 67: price competition between sellers \
                 of the same good",
        setup: "2 producers climb 1 smooth problem (L = 10, K = 0) to its single peak, trade \
                secrets vs exclusive rights, 200 steps, 50 runs",
        scenario: include_str!("../../scenarios/classics/bertrand.toml"),
        checks: &[
            Check {
                claim: "sellers of the same good price at zero: no revenue",
                published: "revenue 0 once both hold the peak",
                measure: Measure::FinalRatio {
                    regime: "trade_secrets",
                    numerator: "producer_revenue",
                    denominator: "potential_surplus",
                },
                rule: Rule::Near {
                    value: Target::Value(0.0),
                    tolerance: 0.0,
                },
            },
            Check {
                claim: "so users get the whole potential surplus",
                published: "consumer surplus = potential (share 1)",
                measure: Measure::FinalRatio {
                    regime: "trade_secrets",
                    numerator: "consumer_surplus",
                    denominator: "potential_surplus",
                },
                rule: Rule::Near {
                    value: Target::Value(1.0),
                    tolerance: 1e-12,
                },
            },
            Check {
                claim: "if the rival may not sell, the monopoly split returns",
                published: "revenue 0.50 of the potential",
                measure: Measure::FinalRatio {
                    regime: "exclusive_rights",
                    numerator: "producer_revenue",
                    denominator: "potential_surplus",
                },
                rule: Rule::Near {
                    value: Target::Value(0.5),
                    tolerance: 1e-12,
                },
            },
        ],
        scope: "It checks that the market phase lets an equal rival's product drive the price \
                to zero under trade secrets and that exclusive rights undo it. Both producers \
                must first find the same peak, so it also checks that private climbs of one \
                smooth landscape converge. It says nothing of products that differ in quality.",
    },
    Classic {
        name: "lazer_friedman",
        source: "Lazer & Friedman (2007), \"The network structure of exploration and \
                 exploitation\", Administrative Science Quarterly 52(4): 667-694",
        setup: "100 producers on 1 NK problem (N = 20, K = 5), one trial a step, copy the best \
                neighbour if better else a one-bit trial; linear (ring) vs complete network, \
                200 landscapes, 200 steps",
        scenario: include_str!("../../scenarios/classics/lazer_friedman.toml"),
        checks: &[
            Check {
                claim: "the efficient (complete) network is ahead in the short run",
                published: "complete above linear in the first rounds",
                measure: Measure::Paired {
                    a: "complete",
                    b: "linear",
                    metric: "mean_quality",
                    step: 5,
                },
                rule: Rule::Above(0.0),
            },
            Check {
                claim: "the inefficient (linear) network is ahead in the long run",
                published: "linear above complete at equilibrium",
                measure: Measure::PairedFinal {
                    a: "linear",
                    b: "complete",
                    metric: "mean_quality",
                },
                rule: Rule::Above(0.0),
            },
            Check {
                claim: "because the linear network keeps more distinct solutions while searching",
                published: "more diversity in the linear network",
                measure: Measure::Paired {
                    a: "linear",
                    b: "complete",
                    metric: "lineages",
                    step: 10,
                },
                rule: Rule::Above(0.0),
            },
        ],
        scope: "It checks that network visibility, copying the best neighbour and one-bit \
                search reproduce the paper's trade-off between early speed and late diversity. \
                Performance is the mean quality, not the paper's score normalised and raised to \
                the 8th power, so the gaps are smaller than the paper's; their signs are the \
                claim. It says nothing of the inverted U at intermediate connectivity.",
    },
];
