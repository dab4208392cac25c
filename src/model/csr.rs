//! A compressed-sparse-row index: items grouped by key (producers by target,
//! problems by domain, producers by peer group). The reference is a filter of
//! the items by key, which costs `O(N M)`; this is a counting sort, `O(N + M)`.

/// Items grouped by key: `members[start[k]..start[k + 1]]` have key `k`, in
/// increasing index order.
#[derive(Clone, Debug, Default)]
pub struct Csr {
    pub start: Vec<u32>,
    pub members: Vec<u32>,
    cursor: Vec<u32>,
}

impl Csr {
    /// Rebuilds the index of `keys` (each below `key_count`), reusing its space.
    pub fn build(&mut self, keys: &[u32], key_count: usize) {
        self.start.clear();
        self.start.resize(key_count + 1, 0);
        for &t in keys {
            self.start[t as usize + 1] += 1;
        }
        for k in 0..key_count {
            self.start[k + 1] += self.start[k];
        }
        self.members.resize(keys.len(), 0);
        self.cursor.clear();
        self.cursor.extend_from_slice(&self.start);
        for (i, &t) in keys.iter().enumerate() {
            let slot = &mut self.cursor[t as usize];
            self.members[*slot as usize] = i as u32;
            *slot += 1;
        }
    }

    /// The items with key `k`, in index order.
    #[inline]
    pub fn on(&self, k: usize) -> &[u32] {
        &self.members[self.start[k] as usize..self.start[k + 1] as usize]
    }

    /// How many items have key `k`.
    #[inline]
    pub fn size(&self, k: usize) -> u32 {
        self.start[k + 1] - self.start[k]
    }
}

/// The reference: the items with key `k`, by a scan of every key.
pub fn members_naive(keys: &[u32], k: usize) -> Vec<u32> {
    (0..keys.len() as u32)
        .filter(|&i| keys[i as usize] as usize == k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn groups_by_key_in_index_order() {
        let mut t = Csr::default();
        t.build(&[2, 0, 2, 1, 0], 4);
        assert_eq!(t.on(0), &[1, 4]);
        assert_eq!(t.on(1), &[3]);
        assert_eq!(t.on(2), &[0, 2]);
        assert!(t.on(3).is_empty());
        assert_eq!(t.size(2), 2);
    }

    proptest! {
        #[test]
        fn equals_the_scan_of_every_key(
            first in proptest::collection::vec(0u32..7, 0..60),
            second in proptest::collection::vec(0u32..3, 0..60),
        ) {
            // One index rebuilt for a second set of keys, as every step does.
            let mut index = Csr::default();
            for (keys, count) in [(&first, 7), (&second, 3)] {
                index.build(keys, count);
                for k in 0..count {
                    prop_assert_eq!(index.on(k), &members_naive(keys, k)[..]);
                    prop_assert_eq!(index.size(k) as usize, members_naive(keys, k).len());
                }
            }
        }
    }
}
