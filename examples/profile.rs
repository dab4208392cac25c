//! Where a step's time goes, phase by phase, for every preset (issue 5).
//!
//! ```text
//! cargo run --release --example profile -- [--producers N] [--problems M]
//!     [--steps T] [--warm-up W] [--threads P] [--seed S] [--preset NAME]
//!     [--shock-correlation RHO]
//! ```
//!
//! Defaults: the default world (N = 1000, M = 200), 50 warm-up steps, then 1000
//! timed steps on one thread. Prints a table of microseconds per step by phase
//! (columns: presets), then producer-steps per second and search trials per
//! second over whole steps (every phase and every metric included).

use std::time::{Duration, Instant};

use regimes::model::{Config, PRESETS, Regime, Simulation, World};

struct Options {
    producers: usize,
    problems: usize,
    steps: u32,
    warm_up: u32,
    threads: usize,
    seed: u64,
    /// Only this preset (all of them if empty).
    preset: String,
    shock_correlation: f64,
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| panic!("bad value {value:?} for {flag}"))
}

fn options() -> Options {
    let w = World::default();
    let mut o = Options {
        producers: w.producers,
        problems: w.problems,
        steps: 1000,
        warm_up: 50,
        threads: 1,
        seed: 1,
        preset: String::new(),
        shock_correlation: w.shock_correlation,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        match pair[0].as_str() {
            "--producers" => o.producers = parse(&pair[0], value),
            "--problems" => o.problems = parse(&pair[0], value),
            "--steps" => o.steps = parse(&pair[0], value),
            "--warm-up" => o.warm_up = parse(&pair[0], value),
            "--threads" => o.threads = parse(&pair[0], value),
            "--seed" => o.seed = parse(&pair[0], value),
            "--preset" => o.preset = value.to_string(),
            "--shock-correlation" => o.shock_correlation = parse(&pair[0], value),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// Time per phase (same order as `Simulation::PHASES`), whole-step time and trials.
struct Profile {
    phases: [Duration; Simulation::PHASES.len()],
    total: Duration,
    trials: u64,
}

fn profile(cfg: &Config, o: &Options) -> Profile {
    let mut sim = Simulation::new(cfg, o.seed).expect("valid config");
    sim.run(o.warm_up, |_, _| {});
    let trials_before = sim.search_trials();
    let mut phases = [Duration::ZERO; Simulation::PHASES.len()];
    let start = Instant::now();
    for _ in 0..o.steps {
        let mut k = 0;
        sim.step_timed(&mut |name, elapsed| {
            debug_assert_eq!(name, Simulation::PHASES[k]);
            phases[k] += elapsed;
            k += 1;
        });
    }
    Profile {
        phases,
        total: start.elapsed(),
        trials: sim.search_trials() - trials_before,
    }
}

fn main() {
    let o = options();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(o.threads)
        .build()
        .expect("thread pool");
    let profiles: Vec<(&str, Profile)> = PRESETS
        .iter()
        .filter(|preset| o.preset.is_empty() || o.preset == preset.name)
        .map(|preset| {
            let cfg = Config {
                world: World {
                    producers: o.producers,
                    problems: o.problems,
                    shock_correlation: o.shock_correlation,
                    ..World::default()
                },
                regime: Regime::preset(preset.name).expect("known preset"),
                populations: Vec::new(),
            };
            (preset.name, pool.install(|| profile(&cfg, &o)))
        })
        .collect();

    let steps = o.steps as f64;
    println!(
        "N = {}, M = {}, {} steps after {} warm-up, {} thread(s): microseconds per step",
        o.producers, o.problems, o.steps, o.warm_up, o.threads
    );
    print!("{:<22}", "phase");
    for (name, _) in &profiles {
        print!("{name:>13}");
    }
    println!();
    let row = |label: &str, value: &dyn Fn(&Profile) -> String| {
        print!("{label:<22}");
        for (_, p) in &profiles {
            print!("{:>13}", value(p));
        }
        println!();
    };
    for (k, phase) in Simulation::PHASES.iter().enumerate() {
        row(phase, &|p| {
            let us = p.phases[k].as_secs_f64() * 1e6 / steps;
            let share = p.phases[k].as_secs_f64() / p.total.as_secs_f64() * 100.0;
            format!("{us:.1} {share:>3.0}%")
        });
    }
    row("step (total)", &|p| {
        format!("{:.1}", p.total.as_secs_f64() * 1e6 / steps)
    });
    row("producer-steps/s (M)", &|p| {
        let rate = o.producers as f64 * steps / p.total.as_secs_f64();
        format!("{:.2}", rate / 1e6)
    });
    row("trials per step", &|p| {
        format!("{:.0}", p.trials as f64 / steps)
    });
    row("trials/s, step (M)", &|p| {
        format!("{:.2}", p.trials as f64 / p.total.as_secs_f64() / 1e6)
    });
    let search = Simulation::PHASES
        .iter()
        .position(|&name| name == "search")
        .expect("a search phase");
    row("trials/s, search (M)", &|p| {
        format!(
            "{:.2}",
            p.trials as f64 / p.phases[search].as_secs_f64() / 1e6
        )
    });
}
