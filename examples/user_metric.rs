//! A metric of your own, computed from the public state of a run after every
//! step: here, the share of producers whose solution is an exact copy of a
//! teammate's (same problem, same genome), next to the built-in duplicated
//! share of effort, for two presets.
//!
//! ```text
//! cargo run --release --example user_metric -- [STEPS]
//! ```
//!
//! Any function of `sim.producers()`, `sim.problems()` and `sim.flows()` can be
//! recorded this way; see the documentation of `regimes::model`.

use std::collections::HashMap;

use regimes::model::{Config, Regime, Simulation, World};

/// Share of producers whose genome another producer on the same problem also holds.
fn copied_share(sim: &Simulation) -> f64 {
    let p = sim.producers();
    let mut holders: HashMap<(u32, u64), u32> = HashMap::new();
    for i in 0..p.len() {
        *holders.entry((p.target[i], p.genome[i])).or_default() += 1;
    }
    let copied: u32 = holders.values().filter(|&&c| c > 1).sum();
    copied as f64 / p.len() as f64
}

fn main() {
    let steps: u32 = match std::env::args().nth(1) {
        Some(s) => s.parse().expect("STEPS must be a whole number"),
        None => 200,
    };
    println!("preset       step  copied_share  duplicated_share  trials");
    for preset in ["enclosure", "commons"] {
        let config = Config {
            world: World::default(),
            regime: Regime::preset(preset).expect("a preset"),
            populations: Vec::new(),
        };
        let mut sim = Simulation::new(&config, 1).expect("a valid preset");
        for _ in 0..steps {
            let t = sim.time();
            let metrics = sim.step();
            // Effective trials of this step, from the flows.
            let trials: u64 = sim
                .flows()
                .producers
                .effective
                .iter()
                .map(|&e| e as u64)
                .sum();
            if (t + 1).is_multiple_of((steps / 5).max(1)) {
                println!(
                    "{preset:<12} {:>4}  {:>12.3}  {:>16.3}  {trials:>6}",
                    t + 1,
                    copied_share(&sim),
                    metrics.duplicated_share,
                );
            }
        }
    }
}
