//! A fingerprint of the engine's results, to check that a change meant to be
//! only faster leaves every number as it was (see docs/PERFORMANCE.md).
//!
//! ```text
//! cargo run --release --example fingerprint > before.txt
//! # change the engine, then
//! cargo run --release --example fingerprint | diff before.txt -
//! ```
//!
//! For each preset, at the default size (1000 producers, 200 problems, 300
//! steps, sequential) and at 3000 producers and 2500 problems (60 steps, where
//! the per-producer and per-problem phases run in parallel), it hashes every
//! metric of every step and every producer's final genome, and prints one line.

use regimes::model::rng::mix64;
use regimes::model::{Config, METRIC_COUNT, METRICS, PRESETS, Regime, Simulation, World};

fn main() {
    for preset in PRESETS {
        for (producers, problems, steps) in [(1000, 200, 300), (3000, 2500, 60)] {
            let config = Config {
                world: World {
                    producers,
                    problems,
                    ..World::default()
                },
                regime: Regime::preset(preset.name).expect("a preset"),
                populations: Vec::new(),
            };
            let mut sim = Simulation::new(&config, 7).expect("a valid preset");
            assert_eq!(METRICS[METRIC_COUNT - 1].name, "population_share");
            let mut hash = 0u64;
            for _ in 0..steps {
                let values = sim.step().values();
                // Every metric but `population_share`, which is 1 in a one-population
                // world: fingerprints stay comparable with those before it existed.
                for v in &values[..METRIC_COUNT - 1] {
                    hash = mix64(hash ^ v.to_bits());
                }
            }
            for &g in &sim.producers().genome {
                hash = mix64(hash ^ g);
            }
            println!(
                "{} N={producers} M={problems} T={steps} {hash:016x}",
                preset.name
            );
        }
    }
}
