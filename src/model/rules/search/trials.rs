//! One producer's search (spec §2.4): its effort, then its trials, each a flip
//! (hill climbing) or, with probability `merge_rate`, a merge with another
//! visible lineage's head.

use rand::RngExt;

use super::super::{Context, matching};
use crate::model::config::Allocation;
use crate::model::flows::ProblemFlows;
use crate::model::heads::Head;
use crate::model::kernels::climb::{Climb, climb_many, climb_one};
use crate::model::kernels::view::HeadsSeen;
use crate::model::landscape::{FlipOne, Landscape, Landscapes, Nk, VisitFlipOne};
use crate::model::rng::{Chance, Stream, Streams, stochastic_round};
use crate::model::state::Problems;

/// Who climbs: a producer's index, group and lineage (what merges may see).
#[derive(Clone, Copy)]
pub(super) struct Who {
    pub(super) i: usize,
    pub(super) group: u32,
    pub(super) lineage: u64,
}

/// What every producer's search reads: the rules, the landscapes and the problems.
pub(super) struct Search<'a> {
    pub(super) cx: Context<'a>,
    pub(super) landscapes: &'a Landscapes,
    pub(super) q: &'a Problems,
    pub(super) flows: &'a ProblemFlows,
    pub(super) streams: Streams,
    pub(super) merge_streams: Streams,
    /// `merge_rate`, drawn against once per trial.
    pub(super) merge: Chance,
    /// Each producer's population: its rule of coordination overhead.
    pub(super) population: &'a [u8],
}

impl Search<'_> {
    /// Producer `i`'s exerted and effective trials, and its search stream after
    /// drawing them.
    #[inline(always)]
    pub(super) fn effort(
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
    pub(super) fn climb(
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
        // The other lineages' visible heads, found at the first drawn merge in one scan.
        let find = || {
            let mut p = Partners {
                count: 0,
                first: [0; PARTNERS],
            };
            for h in seen().visible().filter(other) {
                if p.count < PARTNERS {
                    p.first[p.count] = h.solution.genome;
                }
                p.count += 1;
            }
            p
        };
        let mut partners = None;
        for _ in 0..effective {
            let count = if self.merge.hit(&mut draws) {
                partners.get_or_insert_with(&find).count
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
            let r = draws.random_range(0..count);
            let partner = match &partners {
                Some(p) if r < PARTNERS => p.first[r],
                _ => {
                    seen()
                        .visible()
                        .filter(other)
                        .nth(r)
                        .expect("counted")
                        .solution
                        .genome
                }
            };
            let mask = draws.random::<u64>() & nk.genome_mask();
            let child = (*genome & !mask) | (partner & mask);
            evaluated.push(child);
            merged += 1;
            let f = landscape.fitness_near(*genome, *fitness, child);
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
        if flip_bits == 1 {
            if nk.genome_mask() & !*tried == 0 {
                // Every flip known to fail: a local optimum, where the trials are
                // spent without a draw or an evaluation ([`climb_one`]).
                climb.local_optimum(seed, landscape, nk, *genome, *fitness, *tried);
                return trials;
            }
            let one_bit = OneBit {
                seed,
                nk,
                trials,
                rng,
                genome,
                fitness,
                tried,
                climb,
                evaluated,
            };
            return landscape.with_flip_one(one_bit);
        }
        // A multi-bit flip may leave a one-bit local optimum: trials made from a
        // genome before it improved count if that genome was a local optimum.
        let mut stuck = 0;
        let left = |g, f, since| {
            if climb.local_optimum(seed, landscape, nk, g, f, 0) {
                stuck += since;
            }
        };
        let since = climb_many(
            landscape, nk, flip_bits, trials, rng, genome, fitness, tried, evaluated, left,
        );
        if since > 0 && climb.local_optimum(seed, landscape, nk, *genome, *fitness, 0) {
            stuck += since;
        }
        stuck
    }
}

/// The other lineages' heads that a producer may see on its problem: how many,
/// and the genomes of the first [`PARTNERS`] (best first; later ones are found
/// by a scan). A producer's row and lineage do not change during its search, so
/// they are found once, at its first drawn merge.
struct Partners {
    count: usize,
    first: [u64; PARTNERS],
}

/// Partners kept by [`Partners`]: the default number of heads a problem holds.
const PARTNERS: usize = 32;

/// A producer's one-bit flips and whether they were made from a local optimum,
/// compiled for each kind of landscape ([`Landscape::with_flip_one`]).
struct OneBit<'x> {
    seed: u64,
    nk: &'x Nk,
    trials: u32,
    rng: &'x mut Stream,
    genome: &'x mut u64,
    fitness: &'x mut u64,
    tried: &'x mut u64,
    climb: &'x mut Climb,
    evaluated: &'x mut Vec<u64>,
}

impl VisitFlipOne for OneBit<'_> {
    type Out = u32;

    /// How many trials were made from a one-bit local optimum: only the final
    /// genome can be one (the others improved); what is known to fail from it
    /// need not be tried again.
    #[inline]
    fn visit<F: FlipOne>(self, flip: &F) -> u32 {
        let OneBit {
            seed,
            nk,
            trials,
            rng,
            genome,
            fitness,
            tried,
            climb,
            evaluated,
        } = self;
        let fails = climb.fails(seed, *genome);
        let since = climb_one(
            flip, nk, trials, rng, genome, fitness, tried, fails, evaluated,
        );
        let stuck = since > 0 && climb.local_optimum(seed, flip, nk, *genome, *fitness, *tried);
        if stuck { since } else { 0 }
    }
}
