//! One run at any scale, for the scaling table and the memory figures (issues 5
//! and 20).
//!
//! ```text
//! cargo run --release --example scale -- [--producers N] [--problems M]
//!     [--steps T] [--record-every R] [--preset NAME] [--threads P] [--seed S]
//!     [--populations PRESET:SHARE,...]
//! ```
//!
//! Defaults: N = 10^6, M = 10^5, T = 100, recording the metrics of every 10th
//! step, preset `enclosure`, rayon's default number of threads.
//! `--populations commons:0.5,enclosure:0.5` runs a mixed world instead (spec §5):
//! one population per preset, named after it (`NAME=PRESET:SHARE` names it
//! otherwise, so a preset may appear twice), the shares summing to 1. Prints one
//! line: the set-up time, the time of the steps, nanoseconds per producer-step,
//! producer-steps and search trials per second, the last recorded welfare (the
//! same for any number of threads), the memory `model::footprint::estimate`
//! allows, and the resident memory of the process (Linux `/proc/self/status`:
//! after set-up and at its peak).

use std::process::exit;
use std::time::Instant;

use regimes::model::footprint::estimate;
use regimes::model::populations::Population;
use regimes::model::{Config, Metrics, Regime, Simulation, World};

struct Options {
    producers: usize,
    problems: usize,
    steps: u32,
    record_every: u32,
    preset: Option<String>,
    populations: Option<String>,
    threads: usize,
    seed: u64,
}

/// Stops with a message on stderr and exit status 2 (a usage error).
fn fail(message: &str) -> ! {
    eprintln!("scale: {message}");
    exit(2)
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| fail(&format!("bad value {value:?} for {flag}")))
}

fn options() -> Options {
    let mut o = Options {
        producers: 1_000_000,
        problems: 100_000,
        steps: 100,
        record_every: 10,
        preset: None,
        populations: None,
        threads: 0,
        seed: 1,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let Some(value) = pair.get(1).map(String::as_str) else {
            fail(&format!("{} needs a value", pair[0]))
        };
        match pair[0].as_str() {
            "--producers" => o.producers = parse(&pair[0], value),
            "--problems" => o.problems = parse(&pair[0], value),
            "--steps" => o.steps = parse(&pair[0], value),
            "--record-every" => o.record_every = parse(&pair[0], value),
            "--preset" => o.preset = Some(value.to_string()),
            "--populations" => o.populations = Some(value.to_string()),
            "--threads" => o.threads = parse(&pair[0], value),
            "--seed" => o.seed = parse(&pair[0], value),
            other => fail(&format!("unknown option {other}")),
        }
    }
    if o.preset.is_some() && o.populations.is_some() {
        fail("--preset and --populations exclude each other (each population names its preset)");
    }
    if o.record_every == 0 {
        fail("--record-every must be at least 1");
    }
    o
}

fn preset(name: &str) -> Regime {
    Regime::preset(name).unwrap_or_else(|| fail(&format!("unknown preset {name:?}")))
}

/// The populations of `--populations`: `[NAME=]PRESET:SHARE`, comma-separated.
/// Names and shares are checked by the model (unique names, shares summing to 1).
fn populations(list: &str) -> Vec<Population> {
    let usage = "expected [NAME=]PRESET:SHARE,... such as commons:0.5,enclosure:0.5";
    list.split(',')
        .map(|item| {
            let Some((named, share)) = item.split_once(':') else {
                fail(&format!("bad population {item:?}: {usage}"))
            };
            let (name, regime) = named.split_once('=').unwrap_or((named, named));
            let share = share
                .parse()
                .unwrap_or_else(|_| fail(&format!("bad share {share:?} in {item:?}: {usage}")));
            Population {
                name: name.to_string(),
                share,
                regime: preset(regime),
            }
        })
        .collect()
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
        regime: preset(o.preset.as_deref().unwrap_or("enclosure")),
        populations: o.populations.as_deref().map_or(Vec::new(), populations),
    };
    if let Err(e) = cfg.validate() {
        fail(&e.to_string());
    }
    let world =
        (o.populations.clone()).unwrap_or_else(|| o.preset.clone().unwrap_or("enclosure".into()));
    let estimated = estimate(&cfg).map_or(f64::INFINITY, |b| b as f64);
    let rss_before = status_bytes("VmRSS");
    let (setup, run, trials, recorded, rss_state) = pool.install(|| {
        let start = Instant::now();
        let mut sim = Simulation::new(&cfg, o.seed).unwrap_or_else(|e| fail(&e.to_string()));
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
    let mib = (1u64 << 20) as f64;
    println!(
        "world={} N={} M={} T={} threads={} setup_s={:.3} run_s={:.3} ns_per_producer_step={:.1} \
         producer_steps_per_s={:.3e} trials_per_s={:.3e} recorded={} last_welfare={:.4} \
         estimate_mib={:.1} rss_state_mib={:.1} peak_rss_mib={:.1}",
        world,
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
        estimated / mib,
        (rss_state.saturating_sub(rss_before)) as f64 / mib,
        status_bytes("VmHWM") as f64 / mib,
    );
}
