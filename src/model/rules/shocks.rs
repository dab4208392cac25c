//! Phase 1, shocks (spec §2.1, docs/MODEL.md §7.1): with probability
//! `shock_rate` a share `shock_size` of the problems draw new values (all values
//! are then rescaled to mean 1), and with `shock_landscape` new landscapes too,
//! each locus keeping its contributions with probability `shock_correlation`,
//! so that old knowledge loses some of its quality (and what was known to
//! fail is forgotten).

use rand::RngExt;
use rand_distr::{Distribution, Pareto};

use super::Context;
use crate::model::landscape::Landscapes;
use crate::model::rng::{PROBLEM_ENTITY, Phase, stream};
use crate::model::state::{Problems, Producers, Solution};

/// Shocks problems' values (and landscapes), re-evaluating what is known of them.
pub fn shocks(
    cx: Context,
    landscapes: &mut Landscapes,
    producers: &mut Producers,
    problems: &mut Problems,
) {
    let (w, t, seed) = (cx.world, cx.clock.time, cx.clock.seed);
    let mut rng = stream(seed, t, Phase::Shock, 0);
    if t == 0 || !rng.random_bool(w.shock_rate) {
        return;
    }
    let m = problems.len();
    let hit = ((w.shock_size * m as f64).round() as usize).min(m);
    let pareto = Pareto::new(1.0, w.value_tail).expect("validated tail");
    let mut shocked = vec![false; m];
    for j in rand::seq::index::sample(&mut rng, m, hit).iter() {
        shocked[j] = true;
        let mut prng = stream(seed, t, Phase::Shock, PROBLEM_ENTITY + j as u64);
        problems.value[j] = pareto.sample(&mut prng) / cx.setting.value_scale;
        if w.shock_landscape {
            let old = problems.landscape[j];
            problems.landscape[j] = prng.random();
            // Each locus keeps its contributions with probability `shock_correlation`.
            let mut kept = 0u64;
            if w.shock_correlation > 0.0 {
                for i in 0..landscapes.nk.loci() {
                    kept |= (prng.random_bool(w.shock_correlation) as u64) << i;
                }
            }
            landscapes.shock(j, old, problems.landscape[j], kept);
            reevaluate_problem(landscapes, problems, j);
        }
    }
    if w.shock_landscape {
        // Workers on a shocked problem find their solution's new quality.
        let p = producers;
        for i in 0..p.len() {
            let j = p.target[i] as usize;
            if shocked[j] && !p.fresh[i] {
                let f = landscapes
                    .get(j, problems.landscape[j])
                    .fitness(p.genome[i]);
                p.fitness[i] = f;
                p.quality[i] = landscapes.nk.quality(f);
                // What failed on the old landscape may not fail on the new one.
                p.tried[i] = 0;
            }
        }
    }
    // Values stay divided by their mean (docs/MODEL.md §7.1), so that one draw
    // from the Pareto tail rescales every value rather than dwarfing the world.
    let mean = problems.value.iter().sum::<f64>() / m as f64;
    problems.value.iter_mut().for_each(|v| *v /= mean);
    rank_values(problems);
}

/// Re-evaluates every solution known on `j` (open, held, patented, heads) on
/// its new landscape; heads forget what was known to fail.
fn reevaluate_problem(landscapes: &Landscapes, p: &mut Problems, j: usize) {
    let landscape = landscapes.get(j, p.landscape[j]);
    let eval = |s: &mut Solution| {
        s.fitness = landscape.fitness(s.genome);
        s.quality = landscapes.nk.quality(s.fitness);
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
    p.heads.reevaluate(j, eval);
    // Every ring of the row: each patent term's (spec §5).
    let row = p.patent_row();
    for s in p.patent_ring[j * row..(j + 1) * row].iter_mut().flatten() {
        eval(s);
    }
    p.recompute_frontier(j);
}

/// Marks the 80 % least valuable problems (the long tail of spec §2.10).
pub fn rank_values(p: &mut Problems) {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p.value[a].total_cmp(&p.value[b]).then(a.cmp(&b)));
    let tail = (0.8 * m as f64).round() as usize;
    for (rank, &j) in order.iter().enumerate() {
        p.in_tail[j] = rank < tail;
    }
}
