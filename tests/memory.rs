//! The memory estimate that refuses runs too big for the machine
//! (`model::footprint::estimate`) stays above what runs really allocate: a counting
//! allocator measures the peak of building a simulation and stepping it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use regimes::model::footprint::estimate;
use regimes::model::populations::Population;
use regimes::model::state::Solution;
use regimes::model::{Allocation, Config, NetworkKind, Regime, Simulation, Visibility, World};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                + (new_size - layout.size());
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The counts are global: one test measures at a time.
static MEASURING: Mutex<()> = Mutex::new(());

/// Peak bytes allocated while building a run of `config` and taking `steps` steps.
fn peak(config: &Config, steps: u32) -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut sim = Simulation::new(config, 3).expect("a valid configuration");
    for _ in 0..steps {
        sim.step();
    }
    drop(sim);
    PEAK.load(Ordering::Relaxed) - base
}

/// Bytes a freshly built simulation of `config` holds (its state and the
/// workspaces set up before the first step).
fn built(config: &Config) -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    let sim = Simulation::new(config, 3).expect("a valid configuration");
    let held = CURRENT.load(Ordering::Relaxed) - base;
    drop(sim);
    held
}

fn world(producers: usize, problems: usize) -> World {
    World {
        producers,
        problems,
        groups: 10,
        ..World::default()
    }
}

#[test]
fn the_estimate_is_above_the_measured_peak_and_near_it() {
    let _alone = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let preset = |name: &str| Regime::preset(name).expect("a preset");
    let mut cases: Vec<(&str, Config)> = Vec::new();
    for name in [
        "enclosure",
        "commons",
        "collectivist",
        "cooperative",
        "patents",
    ] {
        cases.push((
            name,
            Config {
                world: world(3000, 2000),
                regime: preset(name),
                populations: Vec::new(),
            },
        ));
    }
    let mut records = Config {
        world: world(500, 3000),
        regime: preset("patents"),
        populations: Vec::new(),
    };
    records.world.max_solutions = 1000;
    records.regime.patent_term = Some(500);
    cases.push(("many records and a long patent term", records));
    let mut plan = Config {
        world: world(2000, 2000),
        regime: preset("collectivist"),
        populations: Vec::new(),
    };
    plan.regime.plan_lineages = 64;
    plan.regime.plan_lag = 30;
    assert_eq!(plan.regime.allocation, Allocation::Plan);
    cases.push(("planned lineages", plan));
    let mut net = Config {
        world: world(3000, 200),
        regime: Regime::default(),
        populations: Vec::new(),
    };
    net.regime.visibility = Visibility::Network;
    net.regime.network = NetworkKind::Random;
    net.regime.network_p = 0.2;
    cases.push(("a dense random network", net.clone()));
    net.regime.network = NetworkKind::SmallWorld;
    net.regime.network_k = 400;
    cases.push(("a wide small world", net));
    for (what, config) in &cases {
        let estimated = estimate(config).expect("countable");
        // The planner's memory of values fills over `plan_lag` steps.
        let steps = config.regime.plan_lag + 5;
        let measured = peak(config, steps) as u64;
        println!("{what}: estimated {estimated} bytes, measured {measured}");
        assert!(
            estimated >= measured,
            "{what}: estimated {estimated} bytes, measured {measured}"
        );
        // Near enough to be useful: a small fixed part plus at most 4 times the real need.
        assert!(
            estimated <= 4 * measured + (16 << 20),
            "{what}: estimated {estimated} bytes, measured {measured}"
        );
    }
}

/// A mixed world of three populations (spec §5, D48): `patents` with its term
/// of 20 steps, `patents` with a term of `short`, and a circle (a commons whose
/// network is complete), a third of the producers each.
fn mixed(short: u32) -> Config {
    let patents = Regime::preset("patents").expect("a preset");
    assert_eq!(patents.patent_term, Some(20));
    let circle = Regime {
        visibility: Visibility::Network,
        network: NetworkKind::Complete,
        ..Regime::preset("commons").expect("a preset")
    };
    let regimes = [
        ("long", patents.clone()),
        (
            "short",
            Regime {
                patent_term: Some(short),
                ..patents
            },
        ),
        ("circle", circle),
    ];
    Config {
        world: world(3000, 2000),
        regime: Regime::default(),
        populations: (regimes.into_iter())
            .map(|(name, regime)| Population {
                name: name.into(),
                share: 1.0 / 3.0,
                regime,
            })
            .collect(),
    }
}

#[test]
fn a_mixed_world_with_two_patent_terms_and_a_circle_stays_below_its_estimate() {
    let _alone = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let config = mixed(5);
    let estimated = estimate(&config).expect("countable");
    let measured = peak(&config, 30) as u64;
    println!("mixed world: estimated {estimated} bytes, measured {measured}");
    assert!(estimated >= measured, "{estimated} < {measured}");
    assert!(
        estimated <= 4 * measured + (16 << 20),
        "{estimated} vs {measured}"
    );
    // A second term is a second ring in every problem's row: per slot an
    // optional solution and the population of its maker (a byte), nothing else.
    let (two_terms, one_term) = (built(&config), built(&mixed(20)));
    let ring = 2000 * 5 * (std::mem::size_of::<Option<Solution>>() + 1);
    let extra = two_terms - one_term;
    assert!(
        (ring..=ring + 64).contains(&extra),
        "the second ring took {extra} bytes, {ring} expected"
    );
    // The estimate counts at least that much for it.
    let counted = estimate(&config).unwrap() - estimate(&mixed(20)).unwrap();
    assert!(counted >= extra as u64, "{counted} < {extra}");
}
