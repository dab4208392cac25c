//! Engine benchmarks (issue 5; figures in docs/PERFORMANCE.md).
//!
//! `cargo bench --bench engine` measures one search trial (an incremental NK flip
//! and the hill-climbing test), one step of the default world, one default run
//! (500 steps) and one step at N = 10^5; the default step also in a world of
//! half commons and half enclosure. Step benchmarks report producer-steps
//! per second as their throughput. Everything runs on rayon's global pool; set
//! `RAYON_NUM_THREADS=1` for per-core figures.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::RngExt;
use regimes::model::landscape::{Nk, Tables};
use regimes::model::populations::Population;
use regimes::model::rng::{Phase, stream};
use regimes::model::{Config, Regime, Simulation, World};

/// The regimes benchmarked: the two ends of the comparison.
const PRESETS: [&str; 2] = ["enclosure", "commons"];

fn config(preset: &str, producers: usize, problems: usize) -> Config {
    Config {
        world: World {
            producers,
            problems,
            ..World::default()
        },
        regime: Regime::preset(preset).expect("known preset"),
        populations: Vec::new(),
    }
}

/// The default world split into two populations, half commons and half
/// enclosure (spec §5; issue 14's speed target).
fn mixed_config() -> Config {
    let half = |name: &str| Population {
        name: name.to_string(),
        share: 0.5,
        regime: Regime::preset(name).expect("known preset"),
    };
    Config {
        populations: vec![half("commons"), half("enclosure")],
        ..config(
            "commons",
            World::default().producers,
            World::default().problems,
        )
    }
}

/// A simulation past its first `warm_up` steps (targets chosen, records held).
fn warmed(cfg: &Config, warm_up: u32) -> Simulation {
    let mut sim = Simulation::new(cfg, 1).expect("valid config");
    sim.run(warm_up, |_, _| {});
    sim
}

/// One evaluated trial of the search phase: draw a bit, evaluate the flip
/// incrementally on the default landscape (L = 20, K = 5), keep it if it
/// improves. `hashed` hashes each contribution from the landscape seed (as large
/// worlds do); `tabulated` reads them from the contribution tables small worlds
/// keep. Hill climbing soon reaches a local optimum, so most trials measured are
/// rejected flips. (In a run, search skips the evaluation of flips it knows fail.)
fn search_trial(c: &mut Criterion) {
    let w = World::default();
    let nk = Nk::new(w.loci, w.interactions);
    let seeds = [0x5EED_u64];
    let tables = Tables::new(&nk, &seeds);
    let mut group = c.benchmark_group("search");
    group.throughput(Throughput::Elements(1));
    for tabulated in [false, true] {
        let landscape = if tabulated {
            tables.landscape(&nk, 0, seeds[0])
        } else {
            nk.landscape(seeds[0])
        };
        let mut rng = stream(1, 0, Phase::Search, 0);
        let mut genome = 0b1011_0110_0101_1100_1010 & nk.genome_mask();
        let mut fitness = landscape.fitness(genome);
        let name = if tabulated {
            "trial_tabulated"
        } else {
            "trial_hashed"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let bit = rng.random_range(0..nk.loci());
                let candidate = landscape.flip_one(genome, fitness, bit);
                if candidate > fitness {
                    genome ^= 1 << bit;
                    fitness = candidate;
                }
                black_box(fitness)
            })
        });
    }
    group.finish();
}

/// One step of the default world (N = 1000, M = 200) after 50 warm-up steps.
fn default_step(c: &mut Criterion) {
    let w = World::default();
    let mut group = c.benchmark_group("step_default");
    group.throughput(Throughput::Elements(w.producers as u64));
    for preset in PRESETS {
        let mut sim = warmed(&config(preset, w.producers, w.problems), 50);
        group.bench_function(BenchmarkId::from_parameter(preset), |b| {
            b.iter(|| black_box(sim.step()))
        });
    }
    let mut sim = warmed(&mixed_config(), 50);
    group.bench_function(BenchmarkId::from_parameter("commons+enclosure"), |b| {
        b.iter(|| black_box(sim.step()))
    });
    group.finish();
}

/// A whole default run: 500 steps of the default world from a fresh start.
fn default_run(c: &mut Criterion) {
    let w = World::default();
    let steps = 500;
    let mut group = c.benchmark_group("run_default");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(w.producers as u64 * steps as u64));
    for preset in PRESETS {
        let cfg = config(preset, w.producers, w.problems);
        group.bench_function(BenchmarkId::from_parameter(preset), |b| {
            b.iter(|| {
                let mut sim = Simulation::new(&cfg, 1).expect("valid config");
                let mut welfare = 0.0;
                sim.run(steps, |_, m| welfare += m.welfare);
                black_box(welfare)
            })
        });
    }
    group.finish();
}

/// One step at N = 10^5 producers and M = 2 * 10^4 problems, after 20 warm-up steps.
fn large_step(c: &mut Criterion) {
    let (n, m) = (100_000, 20_000);
    let mut group = c.benchmark_group("step_1e5");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(n as u64));
    for preset in PRESETS {
        let mut sim = warmed(&config(preset, n, m), 20);
        group.bench_function(BenchmarkId::from_parameter(preset), |b| {
            b.iter(|| black_box(sim.step()))
        });
    }
    group.finish();
}

criterion_group!(benches, search_trial, default_step, default_run, large_step);
criterion_main!(benches);
