//! One run at any scale, for the scaling table and the memory figures (issue 5).
//!
//! ```text
//! cargo run --release --example scale -- [--producers N] [--problems M]
//!     [--steps T] [--record-every R] [--preset NAME] [--threads P] [--seed S]
//! ```
//!
//! Defaults: N = 10^6, M = 10^5, T = 100, recording the metrics of every 10th
//! step, preset `enclosure`, rayon's default number of threads. Prints one line:
//! the set-up time, the time of the steps, nanoseconds per producer-step,
//! producer-steps and search trials per second, and the resident memory of the
//! process (Linux `/proc/self/status`: after set-up and at its peak).

use std::time::Instant;

use regimes::model::{Config, Metrics, Regime, Simulation, World};

struct Options {
    producers: usize,
    problems: usize,
    steps: u32,
    record_every: u32,
    preset: String,
    threads: usize,
    seed: u64,
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| panic!("bad value {value:?} for {flag}"))
}

fn options() -> Options {
    let mut o = Options {
        producers: 1_000_000,
        problems: 100_000,
        steps: 100,
        record_every: 10,
        preset: "enclosure".into(),
        threads: 0,
        seed: 1,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        match pair[0].as_str() {
            "--producers" => o.producers = parse(&pair[0], value),
            "--problems" => o.problems = parse(&pair[0], value),
            "--steps" => o.steps = parse(&pair[0], value),
            "--record-every" => o.record_every = parse(&pair[0], value),
            "--preset" => o.preset = value.to_string(),
            "--threads" => o.threads = parse(&pair[0], value),
            "--seed" => o.seed = parse(&pair[0], value),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// A line of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`), or 0 elsewhere.
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB")?.trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn main() {
    let o = options();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(o.threads)
        .build()
        .expect("thread pool");
    let cfg = Config {
        world: World {
            producers: o.producers,
            problems: o.problems,
            ..World::default()
        },
        regime: Regime::preset(&o.preset).expect("known preset"),
        populations: Vec::new(),
    };
    let rss_before = status_bytes("VmRSS");
    let (setup, run, trials, recorded, rss_state) = pool.install(|| {
        let start = Instant::now();
        let mut sim = Simulation::new(&cfg, o.seed).expect("valid config");
        let setup = start.elapsed();
        let rss_state = status_bytes("VmRSS");
        let mut recorded: Vec<Metrics> = Vec::new();
        let start = Instant::now();
        sim.run(o.steps, |t, m| {
            if t % o.record_every == 0 || t + 1 == o.steps {
                recorded.push(*m);
            }
        });
        (
            setup,
            start.elapsed(),
            sim.search_trials(),
            recorded,
            rss_state,
        )
    });
    let producer_steps = o.producers as f64 * o.steps as f64;
    let last = recorded.last().map_or(f64::NAN, |m| m.welfare);
    println!(
        "preset={} N={} M={} T={} threads={} setup_s={:.3} run_s={:.3} ns_per_producer_step={:.1} \
         producer_steps_per_s={:.3e} trials_per_s={:.3e} recorded={} last_welfare={:.4} \
         rss_state_mib={:.1} peak_rss_mib={:.1}",
        o.preset,
        o.producers,
        o.problems,
        o.steps,
        pool.current_num_threads(),
        setup.as_secs_f64(),
        run.as_secs_f64(),
        run.as_secs_f64() * 1e9 / producer_steps,
        producer_steps / run.as_secs_f64(),
        trials as f64 / run.as_secs_f64(),
        recorded.len(),
        last,
        (rss_state.saturating_sub(rss_before)) as f64 / (1u64 << 20) as f64,
        status_bytes("VmHWM") as f64 / (1u64 << 20) as f64,
    );
}
