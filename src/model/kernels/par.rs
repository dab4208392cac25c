//! Per-item maps over rayon's pool whose results do not depend on the number of
//! threads. The reference is the sequential `(0..n).map(f).collect()`.

use rayon::prelude::*;

/// Below this many items a parallel map runs as one chunk on the calling thread.
pub const PAR_CHUNK: usize = 1024;

/// Whether [`map_into`] splits `n` items over rayon's pool.
pub fn parallel(n: usize) -> bool {
    n >= 2 * PAR_CHUNK && rayon::current_num_threads() > 1
}

/// Fills `out` with `f(0..n)`, in parallel chunks over rayon's pool. The result
/// does not depend on the number of threads: each item is computed on its own.
/// Small populations, or a pool of one thread, skip rayon's machinery altogether.
pub fn map_into<T: Send>(n: usize, out: &mut Vec<T>, f: impl Fn(usize) -> T + Sync + Send) {
    if !parallel(n) {
        out.clear();
        out.extend((0..n).map(f));
        return;
    }
    (0..n)
        .into_par_iter()
        .with_min_len(PAR_CHUNK)
        .map(f)
        .collect_into_vec(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_into_equals_the_sequential_map_on_any_pool() {
        let f = |i: usize| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7;
        for n in [0, 5, 2 * PAR_CHUNK, 5 * PAR_CHUNK + 3] {
            let reference: Vec<u64> = (0..n).map(f).collect();
            for threads in [1, 2, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let mut out = vec![7; 3];
                pool.install(|| map_into(n, &mut out, f));
                assert_eq!(out, reference, "n {n}, {threads} threads");
            }
        }
    }
}
