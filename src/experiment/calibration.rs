//! The calibration target of the world's defaults (spec §4, docs/MODEL.md §8.4) as checks that
//! `regimes calibrate` runs and judges like the classic reproductions (`classics`): in the
//! default world every preset's search must stay alive. The targets are the spec's; the
//! scenarios under `scenarios/calibration/` are the default world with every preset.

use super::classics::{Check, Classic, Measure, Rule};

/// "Over the last 100 of 500 steps, `stuck_share` below 0.5", for one preset.
macro_rules! alive {
    ($preset:literal) => {
        Check {
            claim: concat!(
                $preset,
                ": fewer than half the trials are spent on local optima"
            ),
            published: "stuck_share < 0.5 over steps 400-499 (spec §4)",
            measure: Measure::Window {
                regime: $preset,
                metric: "stuck_share",
                from: 400,
                to: 499,
            },
            rule: Rule::Below(0.5),
        }
    };
}

/// "Mean innovation over steps 400–499 at least 25 % of its mean over steps 100–199".
macro_rules! still {
    ($preset:literal) => {
        Check {
            claim: concat!($preset, ": search still innovates late without shocks"),
            published: "innovation over steps 400-499 >= 0.25 x over steps 100-199 (spec §4)",
            measure: Measure::WindowRatio {
                regime: $preset,
                metric: "innovation",
                numerator: (400, 499),
                denominator: (100, 199),
            },
            rule: Rule::Above(0.25),
        }
    };
}

/// Both halves of the target, in the order `regimes calibrate` runs them.
pub const CALIBRATION: &[Classic] = &[
    Classic {
        name: "alive",
        source: "spec §4, calibration target of the world defaults: effort not stuck",
        setup: "every preset in the default world (1000 producers, 200 problems), 500 steps, \
                20 replicates",
        scenario: include_str!("../../scenarios/calibration/alive.toml"),
        checks: &[
            alive!("enclosure"),
            alive!("commons"),
            alive!("collectivist"),
            alive!("open_access"),
            alive!("cooperative"),
            alive!("patents"),
            alive!("collaborative"),
            alive!("p2p"),
        ],
        scope: "It says that the default world keeps every regime searching; it says nothing \
                of which regime searches better, and a world with more loci or fewer new \
                approaches can fail it.",
    },
    Classic {
        name: "still",
        source: "spec §4, calibration target of the world defaults: search goes on without shocks",
        setup: "every preset in the default world without shocks (shock_rate 0), 500 steps, \
                20 replicates",
        scenario: include_str!("../../scenarios/calibration/still.toml"),
        checks: &[
            still!("enclosure"),
            still!("commons"),
            still!("collectivist"),
            still!("open_access"),
            still!("cooperative"),
            still!("patents"),
            still!("collaborative"),
            still!("p2p"),
        ],
        scope: "It says that innovation late in a run does not depend on shocks re-opening \
                problems; it is a property of the world's defaults, not a ranking of regimes.",
    },
];
