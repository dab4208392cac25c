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

use rand::RngExt;
use rayon::prelude::*;

use super::{Context, matching};
use crate::model::config::Allocation;
use crate::model::flows::{Evaluations, ProblemFlows, ProducerFlows};
use crate::model::heads::Head;
use crate::model::kernels::climb::{Climb, climb_many, climb_one};
use crate::model::kernels::par::{PAR_CHUNK, parallel};
use crate::model::kernels::view::HeadsSeen;
use crate::model::landscape::{Landscape, Landscapes};
use crate::model::rng::{Phase, Stream, Streams, stochastic_round};
use crate::model::state::{Problems, Producers};

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

/// Who climbs: a producer's index, group and lineage (what merges may see).
#[derive(Clone, Copy)]
struct Who {
    i: usize,
    group: u32,
    lineage: u64,
}

/// What every producer's search reads: the rules, the landscapes and the problems.
struct Search<'a> {
    cx: Context<'a>,
    landscapes: &'a Landscapes,
    q: &'a Problems,
    flows: &'a ProblemFlows,
    streams: Streams,
    merge_streams: Streams,
    /// Each producer's population: its rule of coordination overhead.
    population: &'a [u8],
}

impl Search<'_> {
    /// Producer `i`'s exerted and effective trials, and its search stream after
    /// drawing them.
    #[inline(always)]
    fn effort(
        &self,
        i: usize,
        (j, wanted, skill, domain): (u32, f64, f64, u16),
        exerted: &mut u32,
        effective: &mut u32,
        rng: &mut Stream,
    ) {
        let (r, j) = (self.cx.regime_of(self.population, i), j as usize);
        *rng = self.streams.get(i as u64);
        *exerted = stochastic_round(wanted, rng);
        // Coordination overhead: of the team under the registry, planned under `plan`.
        let overhead = match r.allocation {
            Allocation::Registry => {
                (r.integration_cost * (self.flows.teams.size(j) as f64 - 1.0)).min(0.9)
            }
            Allocation::Plan => r.plan_overhead,
            Allocation::Market => 0.0,
        };
        let fit = matching(skill, domain, self.q.domain[j], self.cx.world.cross_domain);
        *effective = stochastic_round(*exerted as f64 * fit * (1.0 - overhead), rng);
    }

    /// The `effective` trials of a producer on problem `j`, pushing the genome
    /// each trial evaluates on `evaluated`. With probability `merge_rate` a trial
    /// is a merge (spec §2.4) when another lineage's head is visible; the flips
    /// between merges run as one climb. Returns how many flips were made from a
    /// genome that is a one-bit local optimum (`stuck_share`, spec §2.10), and how
    /// many trials were merges. Inlined into the loop of a chunk, so that what
    /// does not change from producer to producer is looked up once.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn climb(
        &self,
        who: Who,
        j: u32,
        effective: u32,
        rng: &mut Stream,
        genome: &mut u64,
        fitness: &mut u64,
        quality: &mut f64,
        tried: &mut u64,
        climb: &mut Climb,
        evaluated: &mut Vec<u64>,
    ) -> (u32, u32) {
        let (j, nk) = (j as usize, &self.landscapes.nk);
        let seed = self.q.landscape[j];
        let landscape = self.landscapes.get(j, seed);
        let rate = self.cx.world.merge_rate;
        // The heads in sight are looked at only when a merge is drawn.
        let (row, sight) = (self.q.heads.row(j), &self.cx.setting.sight);
        let seen = || HeadsSeen::of(row, sight, &self.flows.federation, who.i, who.group);
        let other = |h: &&Head| h.solution.lineage != who.lineage;
        if rate == 0.0 {
            let stuck = self.flips(
                seed, &landscape, effective, rng, genome, fitness, tried, climb, evaluated,
            );
            *quality = nk.quality(*fitness);
            return (stuck, 0);
        }
        // A drawn merge with no other lineage in sight is a flip. Splitting the flips
        // into runs changes nothing: the climb's draws and its stuck count are the same.
        let mut draws = self.merge_streams.get(who.i as u64);
        let (mut stuck, mut merged, mut batch) = (0, 0, 0);
        for _ in 0..effective {
            let count = if draws.random::<f64>() < rate {
                seen().visible().filter(other).count()
            } else {
                0
            };
            if count == 0 {
                batch += 1;
                continue;
            }
            stuck += self.flips(
                seed, &landscape, batch, rng, genome, fitness, tried, climb, evaluated,
            );
            batch = 0;
            // A uniform crossover with a head drawn among the other lineages' visible heads.
            let partner = seen()
                .visible()
                .filter(other)
                .nth(draws.random_range(0..count))
                .expect("counted above")
                .solution
                .genome;
            let mask = draws.random::<u64>() & nk.genome_mask();
            let child = (*genome & !mask) | (partner & mask);
            evaluated.push(child);
            merged += 1;
            let f = landscape.fitness(child);
            if f > *fitness {
                // The merge stays in the producer's lineage; nothing is known of the new genome.
                (*genome, *fitness, *tried) = (child, f, 0);
            }
        }
        stuck += self.flips(
            seed, &landscape, batch, rng, genome, fitness, tried, climb, evaluated,
        );
        *quality = nk.quality(*fitness);
        (stuck, merged)
    }

    /// `trials` flips from the producer's genome (hill climbing). Returns how many
    /// of them were made from a genome that is a one-bit local optimum.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn flips(
        &self,
        seed: u64,
        landscape: &Landscape,
        trials: u32,
        rng: &mut Stream,
        genome: &mut u64,
        fitness: &mut u64,
        tried: &mut u64,
        climb: &mut Climb,
        evaluated: &mut Vec<u64>,
    ) -> u32 {
        if trials == 0 {
            return 0;
        }
        let (nk, flip_bits) = (&self.landscapes.nk, self.cx.world.flip_bits);
        // Trials made from a genome before it improved, if that genome was a local optimum.
        let mut stuck = 0;
        let since = if flip_bits == 1 {
            // Only the final genome can be a local optimum: the others improved.
            climb_one(
                landscape, nk, trials, rng, genome, fitness, tried, evaluated,
            )
        } else {
            // A multi-bit flip may leave a one-bit local optimum.
            let left = |g, f, since| {
                if climb.local_optimum(seed, landscape, nk, g, f, 0) {
                    stuck += since;
                }
            };
            climb_many(
                landscape, nk, flip_bits, trials, rng, genome, fitness, tried, evaluated, left,
            )
        };
        // With one-bit flips what is known to fail need not be tried again.
        let known = if flip_bits == 1 { *tried } else { 0 };
        if since > 0 && climb.local_optimum(seed, landscape, nk, *genome, *fitness, known) {
            stuck += since;
        }
        stuck
    }
}
