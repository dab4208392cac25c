//! Shards: `--shard I/N` runs only the runs whose index is I mod N, so that the
//! tasks of a cluster array job split a scenario between them. Runs do not depend
//! on the split, so `regimes merge` of the shards equals an unsharded run.

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The run indices of this shard among `total` runs, in order.
    pub fn runs(&self, total: u32) -> impl Iterator<Item = u32> + use<> {
        (self.index..total).step_by(self.count as usize)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let allowed = "allowed I/N with 0 <= I < N, e.g. 0/4 for the first of four shards";
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: {allowed}"))?;
        let (index, count) = match (i.trim().parse::<u32>(), n.trim().parse::<u32>()) {
            (Ok(i), Ok(n)) if i < n => (i, n),
            _ => return Err(format!("`{s}`: {allowed}")),
        };
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_runs() {
        let shards: Vec<Shard> = (0..3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        let mut all: Vec<u32> = shards.iter().flat_map(|s| s.runs(10)).collect();
        assert_eq!(shards[1].runs(10).collect::<Vec<_>>(), [1, 4, 7]);
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert_eq!(shards[2].to_string(), "2/3");
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        // More shards than runs: some are empty.
        let last: Shard = "7/8".parse().unwrap();
        assert_eq!(last.runs(5).count(), 0);
    }
}
