//! Phase 1, shocks (MODEL.md §2.1): some problems' values change (all values are
//! then rescaled to mean 1), and with
//! `shock_landscape` their landscapes too, so old knowledge loses its quality.

use rand::RngExt;
use rand_distr::{Distribution, Pareto};

use super::rng::{Phase, stream};
use super::simulation::{PROBLEM_ENTITY, Simulation};
use super::state::{Problems, Solution};

pub(super) fn run(sim: &mut Simulation) {
    let t = sim.time;
    let w = sim.config.world.clone();
    let mut rng = stream(sim.seed, t, Phase::Shock, 0);
    if t > 0 && rng.random_bool(w.shock_rate) {
        let m = sim.problems.len();
        let hit = ((w.shock_size * m as f64).round() as usize).min(m);
        let pareto = Pareto::new(1.0, w.value_tail).expect("validated tail");
        let mut shocked = vec![false; m];
        for j in rand::seq::index::sample(&mut rng, m, hit).iter() {
            shocked[j] = true;
            let mut prng = stream(sim.seed, t, Phase::Shock, PROBLEM_ENTITY + j as u64);
            sim.problems.value[j] = pareto.sample(&mut prng) / sim.value_scale;
            if w.shock_landscape {
                sim.problems.landscape[j] = prng.random();
                sim.tables.update(&sim.nk, j, sim.problems.landscape[j]);
                reevaluate_problem(sim, j);
            }
        }
        if w.shock_landscape {
            let p = &mut sim.producers;
            for i in 0..p.len() {
                let j = p.target[i] as usize;
                if shocked[j] && !p.fresh[i] {
                    let f = sim.nk.fitness(sim.problems.landscape[j], p.genome[i]);
                    p.fitness[i] = f;
                    p.quality[i] = sim.nk.quality(f);
                }
            }
        }
        // Values stay divided by their mean (MODEL.md §4), so that one draw from
        // the Pareto tail rescales every value rather than dwarfing the world.
        let mean = sim.problems.value.iter().sum::<f64>() / m as f64;
        sim.problems.value.iter_mut().for_each(|v| *v /= mean);
        rank_values(&mut sim.problems);
    }
    if sim.config.regime.allocation == super::config::Allocation::Plan {
        record_values(sim);
    }
}

/// Re-evaluates every solution known on `j` on its new landscape.
fn reevaluate_problem(sim: &mut Simulation, j: usize) {
    let nk = &sim.nk;
    let p = &mut sim.problems;
    let seed = p.landscape[j];
    let eval = |s: &mut Solution| {
        s.fitness = nk.fitness(seed, s.genome);
        s.quality = nk.quality(s.fitness);
    };
    if let Some(s) = p.open[j].as_mut() {
        eval(s);
    }
    let s_max = p.max_records;
    let count = p.record_count[j] as usize;
    let row = &mut p.records[j * s_max..j * s_max + count];
    for r in row.iter_mut() {
        eval(&mut r.solution);
    }
    // Best first again; a stable sort keeps earlier records ahead on ties.
    row.sort_by(|a, b| b.solution.quality.total_cmp(&a.solution.quality));
    if !p.patent_ring.is_empty() {
        let term = p.patent_ring.len() / p.len();
        for s in p.patent_ring[j * term..(j + 1) * term].iter_mut().flatten() {
            eval(s);
        }
    }
    p.recompute_frontier(j);
}

/// Marks the 80 % least valuable problems (the long tail).
pub(super) fn rank_values(p: &mut Problems) {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p.value[a].total_cmp(&p.value[b]).then(a.cmp(&b)));
    let tail = (0.8 * m as f64).round() as usize;
    for (rank, &j) in order.iter().enumerate() {
        p.in_tail[j] = rank < tail;
    }
}

/// Keeps the values of the last `plan_lag + 1` steps for the planner's stale view.
fn record_values(sim: &mut Simulation) {
    let keep = sim.config.regime.plan_lag as usize + 1;
    let mut row = if sim.value_history.len() >= keep {
        sim.value_history.pop_front().unwrap_or_default()
    } else {
        Vec::new()
    };
    row.clear();
    row.extend_from_slice(&sim.problems.value);
    sim.value_history.push_back(row);
}
