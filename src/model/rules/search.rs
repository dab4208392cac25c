//! Phase 4, search (spec §2.4, docs/MODEL.md §7.4): rival effort. A producer
//! exerts a share (its propensity) of its budget; skill, domain match and
//! coordination overhead turn exerted trials into effective ones; each
//! effective trial flips `flip_bits` random bits and keeps the flip if it
//! improves fitness (hill climbing), evaluated incrementally on the NK
//! landscape. A researcher does not retry what failed: flips are drawn among
//! those not known to fail (`Producers::tried`, which adoption set from the
//! producer's own knowledge and the heads it copied), and a genome known to be
//! a dead end is not searched further (`kernels::climb`). Whether a genome is a
//! one-bit local optimum is cached per producer ([`Climb`], `stuck_share`).

use rayon::prelude::*;

use super::Context;
use crate::model::flows::{Evaluations, ProblemFlows, ProducerFlows};
use crate::model::kernels::climb::Climb;
use crate::model::kernels::par::{PAR_CHUNK, parallel};
use crate::model::landscape::Landscapes;
use crate::model::rng::{Chance, Phase, Stream, Streams};
use crate::model::state::{Problems, Producers};

mod trials;

use trials::{Search, Who};

/// Space kept between steps: whether each producer's genome is a local optimum
/// (a cache that changes no result), and each producer's search stream, from
/// effort to its climb.
#[derive(Default)]
pub struct Workspace {
    climbs: Vec<Climb>,
    streams: Vec<Stream>,
}

/// Every producer's effort and climb. Returns the effective trials made.
pub fn search(
    cx: Context,
    landscapes: &Landscapes,
    producers: &mut Producers,
    problems: &Problems,
    producer_flows: &mut ProducerFlows,
    problem_flows: &ProblemFlows,
    space: &mut Workspace,
) -> u64 {
    let Producers {
        target,
        propensity,
        budget,
        skill,
        domain,
        genome,
        fitness,
        quality,
        tried,
        lineage,
        group,
        population,
        ..
    } = producers;
    let search = Search {
        cx,
        landscapes,
        q: problems,
        flows: problem_flows,
        streams: Streams::new(cx.clock.seed, cx.clock.time, Phase::Search),
        merge_streams: Streams::new(cx.clock.seed, cx.clock.time, Phase::Merge),
        merge: Chance::new(cx.world.merge_rate),
        population,
    };
    let ProducerFlows {
        exerted,
        effective,
        copied,
        evaluations,
        stuck,
        merges,
        ..
    } = producer_flows;
    let skip_copiers = cx.any(|r| r.copy_skips_search);
    // A producer's search reads its own traits and the problems, and writes only
    // its own solution, so it runs in place. Its traits are handed over as values.
    let n = target.len();
    let Workspace { climbs, streams } = space;
    climbs.resize(n, Climb::default());
    streams.resize(n, Stream::new(0));
    let rngs = streams;
    // The traits' arrays cut to `n`: the compiler then knows each index below is in bounds.
    let (target, propensity, budget) = (&target[..n], &propensity[..n], &budget[..n]);
    let (skill, domain) = (&skill[..n], &domain[..n]);
    let traits = |i: usize| (target[i], propensity[i] * budget[i], skill[i], domain[i]);
    // Effort first, in a loop of its own: starting a stream and rounding are a
    // chain of dependent multiplies, which overlap across producers only when
    // nothing long runs between them. Each stream is handed on to the climb.
    if parallel(n) {
        (
            exerted.par_iter_mut(),
            effective.par_iter_mut(),
            rngs.par_iter_mut(),
        )
            .into_par_iter()
            .enumerate()
            .with_min_len(PAR_CHUNK)
            .for_each(|(i, (a, b, rng))| search.effort(i, traits(i), a, b, rng));
    } else {
        let (exerted, effective, rngs) = (&mut exerted[..n], &mut effective[..n], &mut rngs[..n]);
        for i in 0..n {
            search.effort(
                i,
                traits(i),
                &mut exerted[i],
                &mut effective[i],
                &mut rngs[i],
            );
        }
    }
    if skip_copiers {
        imitators_do_not_search(cx, &search.population[..n], effective, copied);
    }
    // The climbs, chunk by chunk: each chunk of producers writes the genomes its
    // trials evaluate into its own buffer (disclosure counts the redundant ones).
    evaluations.reset(n);
    let Evaluations {
        chunks,
        start,
        count,
    } = evaluations;
    let size = Evaluations::CHUNK;
    let climb_chunk = |c: usize, chunk: Chunk| {
        let Chunk {
            effective,
            rngs,
            genome,
            fitness,
            quality,
            tried,
            climbs,
            start,
            count,
            stuck,
            merges,
            evaluated,
        } = chunk;
        let k = effective.len();
        let (rngs, genome, fitness, quality) = (
            &mut rngs[..k],
            &mut genome[..k],
            &mut fitness[..k],
            &mut quality[..k],
        );
        let (climbs, start, count) = (&mut climbs[..k], &mut start[..k], &mut count[..k]);
        let tried = &mut tried[..k];
        let (stuck, merges) = (&mut stuck[..k], &mut merges[..k]);
        let target = &target[c * size..c * size + k];
        for i in 0..k {
            start[i] = evaluated.len() as u32;
            let global = c * size + i;
            let who = Who {
                i: global,
                group: group[global],
                lineage: lineage[global],
            };
            (stuck[i], merges[i]) = search.climb(
                who,
                target[i],
                effective[i],
                &mut rngs[i],
                &mut genome[i],
                &mut fitness[i],
                &mut quality[i],
                &mut tried[i],
                &mut climbs[i],
                evaluated,
            );
            count[i] = evaluated.len() as u32 - start[i];
        }
    };
    let effective = &effective[..];
    if parallel(n) {
        (
            effective.par_chunks(size),
            rngs.par_chunks_mut(size),
            genome.par_chunks_mut(size),
            fitness.par_chunks_mut(size),
            quality.par_chunks_mut(size),
            tried.par_chunks_mut(size),
            climbs.par_chunks_mut(size),
            start.par_chunks_mut(size),
            count.par_chunks_mut(size),
            stuck.par_chunks_mut(size),
            merges.par_chunks_mut(size),
            chunks.par_iter_mut(),
        )
            .into_par_iter()
            .enumerate()
            .for_each(|(c, (a, b, d, e, t, f, g, h, k, m, x, l))| {
                climb_chunk(c, Chunk::new(a, b, d, e, t, f, g, h, k, m, x, l))
            });
    } else {
        let parts = effective
            .chunks(size)
            .zip(rngs.chunks_mut(size))
            .zip(genome.chunks_mut(size))
            .zip(fitness.chunks_mut(size))
            .zip(quality.chunks_mut(size))
            .zip(tried.chunks_mut(size))
            .zip(climbs.chunks_mut(size))
            .zip(start.chunks_mut(size))
            .zip(count.chunks_mut(size))
            .zip(stuck.chunks_mut(size))
            .zip(merges.chunks_mut(size))
            .zip(chunks.iter_mut());
        for (c, (((((((((((a, b), d), e), t), f), g), h), k), m), x), l)) in parts.enumerate() {
            climb_chunk(c, Chunk::new(a, b, d, e, t, f, g, h, k, m, x, l));
        }
    }
    effective.iter().map(|&e| e as u64).sum::<u64>()
}

/// Under `copy_skips_search`, a producer that copied a better solution this step spent
/// it copying: its effort is exerted (and paid for) but makes no search trial (Lazer &
/// Friedman 2007: imitate or explore). Applied after effort, so every draw stays the same.
fn imitators_do_not_search(cx: Context, population: &[u8], effective: &mut [u32], copied: &[bool]) {
    let skips = effective.iter_mut().zip(copied).zip(population);
    for ((e, &c), &k) in skips {
        if c && cx.regime(k).copy_skips_search {
            *e = 0;
        }
    }
}

/// One chunk of producers' parts that their climbs change, and the chunk's
/// buffer of evaluated genomes.
struct Chunk<'a> {
    effective: &'a [u32],
    rngs: &'a mut [Stream],
    genome: &'a mut [u64],
    fitness: &'a mut [u64],
    quality: &'a mut [f64],
    tried: &'a mut [u64],
    climbs: &'a mut [Climb],
    start: &'a mut [u32],
    count: &'a mut [u32],
    stuck: &'a mut [u32],
    merges: &'a mut [u32],
    evaluated: &'a mut Vec<u64>,
}

impl<'a> Chunk<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        effective: &'a [u32],
        rngs: &'a mut [Stream],
        genome: &'a mut [u64],
        fitness: &'a mut [u64],
        quality: &'a mut [f64],
        tried: &'a mut [u64],
        climbs: &'a mut [Climb],
        start: &'a mut [u32],
        count: &'a mut [u32],
        stuck: &'a mut [u32],
        merges: &'a mut [u32],
        evaluated: &'a mut Vec<u64>,
    ) -> Self {
        Chunk {
            effective,
            rngs,
            genome,
            fitness,
            quality,
            tried,
            climbs,
            start,
            count,
            stuck,
            merges,
            evaluated,
        }
    }
}
