//! Hamming distances and distinct genomes of a team (spec §2.10, docs/MODEL.md
//! §7.10: approach diversity and lineages). The references, one pair and one
//! value at a time, are [`pairs_naive`]; the tests compare the fast kernels with
//! them.

/// The sum of the Hamming distances (on the first `loci` bits) of all pairs of a
/// few `genomes`, and how many distinct genomes there are, pair by pair.
pub fn pairs_direct(genomes: &[u64], loci: u32) -> (u64, usize) {
    let mask = u64::MAX >> (64 - loci);
    let (mut distance, mut distinct) = (0, 0);
    for (b, &g) in genomes.iter().enumerate() {
        let mut seen = false;
        for &h in &genomes[..b] {
            distance += ((g ^ h) & mask).count_ones() as u64;
            seen |= g == h;
        }
        distinct += !seen as usize;
    }
    (distance, distinct)
}

/// The sum of the Hamming distances (on the first `loci` bits) of all pairs of
/// `genomes` (fewer than 128).
///
/// The distances add up locus by locus: a locus where `c` of the `s` genomes carry
/// a one separates `c (s - c)` pairs. The counts `c` are kept seven to a word, one
/// per byte: multiplying seven bits by `SPREAD` moves bit `b` to bit `8b` (the
/// shifted copies never overlap, so nothing carries), and `LANES` keeps those.
/// Then `sum c (s - c) = s sum c - sum c^2` over a word's lanes, with the even and
/// the odd lanes spread to 16 bits: multiplying four such lanes `a` by the same
/// lanes reversed puts `sum a^2` in the top lane (the lower lanes' sums stay
/// below 2^16, so nothing carries into it).
pub fn pairwise_distance(genomes: &[u64], loci: u32) -> u64 {
    const SPREAD: u64 = 0x0000_0408_1020_4081; // bits 0, 7, 14, .., 42
    const LANES: u64 = 0x0001_0101_0101_0101; // bits 0, 8, 16, .., 48
    const WIDE: u64 = 0x00FF_00FF_00FF_00FF; // every other byte
    const WIDE_SUM: u64 = 0x0001_0001_0001_0001; // sums 16-bit lanes into the top one
    debug_assert!(genomes.len() < 128 && (1..=64).contains(&loci));
    let squares = |a: u64| a.wrapping_mul(a.swap_bytes() >> 8) >> 48;
    let s = genomes.len() as u64;
    let mut distance = 0;
    for first in (0..loci).step_by(7) {
        let mut count = 0;
        for &g in genomes {
            count += ((g >> first) & 0x7F).wrapping_mul(SPREAD) & LANES;
        }
        // The last word may hold fewer than seven loci.
        count &= (1 << (8 * (loci - first).min(7))) - 1;
        let (even, odd) = (count & WIDE, (count >> 8) & WIDE);
        let sum = (even + odd).wrapping_mul(WIDE_SUM) >> 48;
        distance += s * sum - squares(even) - squares(odd);
    }
    distance
}

/// How many distinct values there are among the `count` `values`, in a hash
/// set on the stack of at least twice as many slots (a set on the heap for
/// more than 256, which are rare).
pub fn distinct(count: usize, values: impl Iterator<Item = u64>) -> usize {
    match count {
        0..=8 => distinct_hashed::<16>(values),
        9..=16 => distinct_hashed::<32>(values),
        17..=32 => distinct_hashed::<64>(values),
        33..=64 => distinct_hashed::<128>(values),
        65..=128 => distinct_hashed::<256>(values),
        129..=256 => distinct_hashed::<512>(values),
        _ => values.collect::<std::collections::HashSet<u64>>().len(),
    }
}

/// Distinct values among `values` (at most `N / 2` of them, `N` a power of two
/// up to 512), by open addressing in `N` slots. Which slots are used is kept
/// in bits, so that the slots need no sentinel.
fn distinct_hashed<const N: usize>(values: impl Iterator<Item = u64>) -> usize {
    debug_assert!(N.is_power_of_two() && N <= 512);
    let (mut slots, mut used) = ([0u64; N], [0u64; 8]);
    let mut distinct = 0;
    for v in values {
        // Fibonacci hashing: the top bits of the product.
        let mut h = (v.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - N.trailing_zeros())) as usize;
        loop {
            let (word, bit) = (h / 64, 1 << (h % 64));
            if used[word] & bit == 0 {
                used[word] |= bit;
                slots[h] = v;
                distinct += 1;
                break;
            }
            if slots[h] == v {
                break;
            }
            h = (h + 1) % N;
        }
    }
    distinct
}

/// The reference: the sum of the Hamming distances (on the first `loci` bits)
/// of all pairs of `genomes`, pair by pair, and how many distinct genomes there are.
pub fn pairs_naive(genomes: &[u64], loci: u32) -> (u64, usize) {
    let mask = u64::MAX >> (64 - loci);
    let mut distance = 0;
    for a in 0..genomes.len() {
        for b in a + 1..genomes.len() {
            distance += ((genomes[a] ^ genomes[b]) & mask).count_ones() as u64;
        }
    }
    let distinct = std::collections::HashSet::<&u64>::from_iter(genomes).len();
    (distance, distinct)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::mix64;

    #[test]
    fn pairwise_distance_is_the_sum_over_pairs() {
        let mut x = 12345u64;
        let mut next = || {
            x = mix64(x);
            x
        };
        for loci in [1, 6, 7, 8, 20, 33, 63, 64] {
            for s in [0, 1, 2, 3, 4, 5, 31, 32, 100, 127] {
                // Bits beyond `loci` must not count; three distinct genomes
                // for some samples, to count equal ones.
                let pool = [next(), next(), next()];
                let genomes: Vec<u64> = (0..s)
                    .map(|_| {
                        if s % 2 == 0 {
                            pool[next() as usize % 3]
                        } else {
                            next()
                        }
                    })
                    .collect();
                let (distance, distinct) = pairs_naive(&genomes, loci);
                assert_eq!(pairwise_distance(&genomes, loci), distance, "{loci} {s}");
                assert_eq!(pairs_direct(&genomes, loci), (distance, distinct));
                assert_eq!(super::distinct(s, genomes.iter().copied()), distinct);
            }
        }
    }

    #[test]
    fn distinct_counts_each_value_once() {
        let distinct = |v: &[u64]| distinct_hashed::<64>(v.iter().copied());
        assert_eq!(distinct(&[3, 1, 3, 2]), 3);
        assert_eq!(distinct(&[5, 5, 6, 7, 5, 8, 6]), 4);
        assert_eq!(distinct(&[]), 0);
        // Values that hash to the same slot, and a full half of the slots.
        let same_slot: Vec<u64> = (0..32).map(|k| k << 58).collect();
        assert_eq!(distinct(&same_slot), 32);
        assert_eq!(distinct_hashed::<512>(same_slot.iter().map(|&v| v % 3)), 3);
        // Every table size, and the set on the heap past 256 values.
        for count in [7, 16, 17, 64, 100, 256, 257, 600] {
            let values: Vec<u64> = (0..count as u64).map(|k| mix64(k % 97)).collect();
            let reference = pairs_naive(&values, 64).1;
            assert_eq!(super::distinct(count, values.iter().copied()), reference);
        }
    }
}
