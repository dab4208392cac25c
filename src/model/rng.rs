//! Keyed random streams. Every draw comes from a stream keyed by
//! (run seed, step, phase, entity), so a run is bit-identical whatever the
//! number of threads and whatever order entities are processed in.

use std::convert::Infallible;

use rand::RngExt;
use rand::TryRng;
use rand::rand_core::utils::fill_bytes_via_next_word;

/// The Weyl increment of SplitMix64: the golden ratio as a 64-bit fraction.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The generator of one stream: SplitMix64 started at the stream's key. A step
/// starts several streams per producer and draws only a few numbers from each,
/// so starting one must be cheap: SplitMix64 takes the (already mixed) key as
/// its state, and each draw is one `mix64` of a Weyl sequence. (A PCG-64 MCG,
/// used before, needed a second mix for its 128-bit state and a 128-bit multiply
/// per draw: about 7 % of a step.)
///
/// It draws exactly what `rand_xoshiro::SplitMix64` draws (tested), but is
/// written here because that crate's constructor is not `#[inline]`: a call per
/// stream cost about 2.5 % of a step.
#[derive(Clone, Debug)]
pub struct Stream {
    state: u64,
}

impl Stream {
    /// The stream whose state starts at `key`.
    #[inline]
    pub fn new(key: u64) -> Stream {
        Stream { state: key }
    }
}

impl TryRng for Stream {
    type Error = Infallible;

    /// The upper half of a cheaper mix (Stafford's Mix4), as `rand_xoshiro` does.
    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.state = self.state.wrapping_add(GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 33)).wrapping_mul(0x62A9_D9ED_7997_05F5);
        z = (z ^ (z >> 28)).wrapping_mul(0xCB24_D0A5_C88C_35B3);
        Ok((z >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let z = mix64(self.state);
        self.state = self.state.wrapping_add(GAMMA);
        Ok(z)
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Infallible> {
        fill_bytes_via_next_word(dest, || self.try_next_u64())
    }
}

/// Offset of problem entities in stream keys, so they never share a producer's stream.
pub const PROBLEM_ENTITY: u64 = 1 << 40;

/// The phase a draw belongs to; part of every stream key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Phase {
    Init = 1,
    Network = 2,
    Shock = 3,
    Allocation = 4,
    Plan = 5,
    Adoption = 6,
    Search = 7,
    Governance = 8,
    Adaptation = 9,
    Entry = 10,
    Landscape = 11,
    Disclosure = 12,
    /// New approaches (spec §2.3): their own streams, so that adoption's draws
    /// stay the same whatever `explore_rate`.
    Explore = 13,
    /// Merges (spec §2.4): their own streams, so that search's draws stay the
    /// same whatever `merge_rate`.
    Merge = 14,
    /// Migration between populations (spec §5).
    Migration = 15,
}

/// SplitMix64's finaliser: a bijective 64-bit mix with full avalanche.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of a stream.
#[inline]
pub fn key(seed: u64, step: u32, phase: Phase, entity: u64) -> u64 {
    Streams::new(seed, step, phase).key(entity)
}

/// A fast generator for one (seed, step, phase, entity) stream.
#[inline]
pub fn stream(seed: u64, step: u32, phase: Phase, entity: u64) -> Stream {
    Streams::new(seed, step, phase).get(entity)
}

/// The streams of one (seed, step, phase): the part of the key shared by every
/// entity is mixed once, so a phase that draws for each producer pays only for
/// the entity's part. `Streams::new(s, t, p).get(e)` is `stream(s, t, p, e)`.
#[derive(Clone, Copy, Debug)]
pub struct Streams {
    prefix: u64,
}

impl Streams {
    #[inline]
    pub fn new(seed: u64, step: u32, phase: Phase) -> Streams {
        Streams {
            prefix: mix64(mix64(seed ^ phase as u64) ^ step as u64),
        }
    }

    #[inline]
    fn key(&self, entity: u64) -> u64 {
        mix64(self.prefix ^ entity)
    }

    /// The generator of `entity`'s stream.
    #[inline]
    pub fn get(&self, entity: u64) -> Stream {
        Stream::new(self.key(entity))
    }
}

/// The draws that pick, among the producers who evaluated the same genome on the
/// same problem in a step, the **original** (spec §2.5): the others' evaluations
/// are redundant, and ties between equal results of the step go to it. One draw
/// per (seed, step, disclosure, problem, genome), mixed with each producer's
/// index into its priority; the lowest priority is the original. `mix64` is a
/// bijection, so distinct producers never tie, and no index is favoured.
#[derive(Clone, Copy, Debug)]
pub struct Originals {
    streams: Streams,
}

impl Originals {
    #[inline]
    pub fn new(seed: u64, step: u32) -> Originals {
        Originals {
            streams: Streams::new(seed, step, Phase::Disclosure),
        }
    }

    /// The draw of `genome` on problem `j`, keyed (seed, step, disclosure, `j`,
    /// genome): it also ranks two different genomes of equal quality (which
    /// one wins a lineage head, spec §2.5), by genome, not by who found it.
    #[inline]
    pub fn draw(&self, j: usize, genome: u64) -> u64 {
        self.streams
            .key((PROBLEM_ENTITY + j as u64) ^ mix64(genome))
    }

    /// The priority of `producer`'s evaluation of `genome` on problem `j`.
    #[inline]
    pub fn priority(&self, j: usize, genome: u64, producer: u32) -> u64 {
        mix64(self.draw(j, genome) ^ producer as u64)
    }

    /// The original among `producers` who evaluated (or ended on) `genome` on `j`.
    pub fn original(&self, j: usize, genome: u64, producers: &[u32]) -> Option<u32> {
        let rank = |&i: &u32| self.priority(j, genome, i);
        producers.iter().copied().min_by_key(rank)
    }
}

/// A probability `p` to be drawn against often: `Chance::new(p).hit(rng)` is
/// `rng.random::<f64>() < p` (the same draw, the same answer), without turning
/// each draw into a float. That float is `(x >> 11) 2^-53` for the stream's next
/// `u64` `x`, below `p` exactly when `x >> 11` is below `ceil(p 2^53)`.
#[derive(Clone, Copy, Debug)]
pub struct Chance(u64);

impl Chance {
    #[inline]
    pub fn new(p: f64) -> Chance {
        // Scaling by a power of two is exact; a negative or NaN `p` is never hit.
        Chance((p * (1u64 << 53) as f64).ceil() as u64)
    }

    #[inline]
    pub fn hit(self, rng: &mut Stream) -> bool {
        rng.random::<u64>() >> 11 < self.0
    }
}

/// Rounds `x >= 0` to a neighbouring integer with probabilities that keep its mean.
#[inline]
pub fn stochastic_round(x: f64, rng: &mut impl rand::Rng) -> u32 {
    debug_assert!(x >= 0.0 || x.is_nan(), "{x}");
    // For 0 <= x < 2^32 truncation is the floor; it compiles to one instruction
    // where `f64::floor` is a libm call on the baseline x86-64 target.
    let whole = x as u32;
    let extra = rng.random::<f64>() < x - whole as f64;
    whole + extra as u32
}

/// A standard Gumbel draw.
#[inline]
pub fn gumbel(rng: &mut impl rand::Rng) -> f64 {
    let u: f64 = rng.random::<f64>();
    -(-(u.max(f64::MIN_POSITIVE)).ln()).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chance_is_hit_exactly_when_the_float_draw_is_below_it() {
        let ulp = 1.0 / (1u64 << 53) as f64;
        let mut ps = vec![0.0, 1.0, 0.5, 0.3, 1e-9, 0.999_999, -0.1, f64::NAN];
        // Probabilities on the grid of the draws, and just beside them.
        for k in [1u64, 2, 12345, 1 << 52, (1 << 53) - 1] {
            let p = k as f64 * ulp;
            ps.extend([p, p * (1.0 + f64::EPSILON), p * (1.0 - f64::EPSILON)]);
        }
        for (case, &p) in ps.iter().enumerate() {
            let (mut a, mut b) = (stream(9, 0, Phase::Merge, case as u64), Stream::new(0));
            b.clone_from(&a);
            for _ in 0..2000 {
                assert_eq!(Chance::new(p).hit(&mut a), b.random::<f64>() < p, "p = {p}");
            }
        }
        // Draws on either side of a grid probability: `(x >> 11) 2^-53` against it.
        let p = 12345.0 * ulp;
        for x in [12344u64 << 11, 12345 << 11, (12345 << 11) - 1, 12346 << 11] {
            let chance = Chance::new(p);
            assert_eq!(x >> 11 < chance.0, ((x >> 11) as f64 * ulp) < p, "{x}");
        }
    }

    #[test]
    fn streams_are_keyed_and_repeatable() {
        let a: u64 = stream(1, 2, Phase::Search, 3).random();
        let b: u64 = stream(1, 2, Phase::Search, 3).random();
        let c: u64 = stream(1, 2, Phase::Search, 4).random();
        let d: u64 = stream(1, 3, Phase::Search, 3).random();
        let e: u64 = stream(1, 2, Phase::Adoption, 3).random();
        assert_eq!(a, b);
        assert!(a != c && a != d && a != e);
    }

    #[test]
    fn a_stream_is_splitmix64_from_its_key() {
        // The formula docs/MODEL.md gives: draw n is mix64(key + (n - 1) * gamma).
        let k = key(5, 6, Phase::Adaptation, 7);
        let mut rng = stream(5, 6, Phase::Adaptation, 7);
        for n in 0..4u64 {
            let expected = mix64(k.wrapping_add(n.wrapping_mul(GAMMA)));
            assert_eq!(rng.random::<u64>(), expected);
        }
    }

    #[test]
    fn a_stream_draws_what_rand_xoshiro_splitmix64_draws() {
        use rand::{Rng, SeedableRng};
        for k in [0, 1, 0xDEAD_BEEF, u64::MAX, key(1, 2, Phase::Search, 3)] {
            let mut ours = Stream::new(k);
            let mut oracle = rand_xoshiro::SplitMix64::seed_from_u64(k);
            for _ in 0..8 {
                assert_eq!(ours.random::<u64>(), oracle.random::<u64>());
                assert_eq!(ours.random::<u32>(), oracle.random::<u32>());
                assert_eq!(
                    ours.random::<f64>().to_bits(),
                    oracle.random::<f64>().to_bits()
                );
                assert_eq!(ours.random_range(0..20u32), oracle.random_range(0..20u32));
            }
            let (mut a, mut b) = ([0u8; 13], [0u8; 13]);
            ours.fill_bytes(&mut a);
            oracle.fill_bytes(&mut b);
            assert_eq!(a, b);
        }
    }

    #[test]
    fn originals_favour_no_index() {
        // Over many genomes, each of three producers is the original about a third of the time.
        let originals = Originals::new(3, 4);
        let mut wins = [0u32; 3];
        for genome in 0..3000u64 {
            let first = originals.original(7, genome, &[0, 1, 2]).unwrap();
            wins[first as usize] += 1;
            // The same draw whatever order the producers are listed in.
            assert_eq!(originals.original(7, genome, &[2, 0, 1]), Some(first));
        }
        assert!(wins.iter().all(|&w| (900..1100).contains(&w)), "{wins:?}");
        assert_eq!(originals.original(7, 5, &[]), None);
    }

    #[test]
    fn stochastic_rounding_keeps_the_mean() {
        let mut rng = stream(9, 0, Phase::Search, 0);
        let n = 200_000;
        let total: u64 = (0..n).map(|_| stochastic_round(2.3, &mut rng) as u64).sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 2.3).abs() < 0.01, "{mean}");
    }
}
