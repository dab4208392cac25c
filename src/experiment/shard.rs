//! Shards: `--shard I/N` runs only the runs whose index is I mod N, so that the
//! tasks of a cluster array job split a scenario between them. Runs do not depend
//! on the split, so `regimes merge` of the shards equals an unsharded run.
//! `--shard auto` takes I and N from the SLURM array task it runs in.

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
        let allowed = "allowed I/N with 0 <= I < N, e.g. 0/4 for the first of four shards, \
                       or `auto` in a SLURM array task";
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

/// What `--shard` says: a shard, or `auto`, the shard of the SLURM array task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardChoice {
    Fixed(Shard),
    Auto,
}

impl FromStr for ShardChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim() == "auto" {
            Ok(ShardChoice::Auto)
        } else {
            s.parse().map(ShardChoice::Fixed)
        }
    }
}

impl ShardChoice {
    /// The shard to run. `auto` reads SLURM's array variables through `var`
    /// (`std::env::var` in use, a table in tests) and is defined only for a
    /// whole, contiguous array of at least two tasks numbered from 0 or from 1
    /// (`--array=0-7` or `--array=1-8`, both shards 0/8 to 7/8): shard
    /// `SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`.
    /// Anything else is refused rather than guessed, because a task resubmitted
    /// alone (`--array=3`) sees an array of one task starting at 3, from which
    /// its shard of the original array cannot be told.
    pub fn resolve(self, var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        match self {
            ShardChoice::Fixed(shard) => Ok(shard),
            ShardChoice::Auto => auto(var),
        }
    }
}

fn auto(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let number = |name: &str| -> Result<Option<u32>, String> {
        match var(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                format!("--shard auto: {name}=`{v}` is not a whole number (SLURM sets it to one)")
            }),
        }
    };
    let Some(id) = number("SLURM_ARRAY_TASK_ID")? else {
        return Err(
            "--shard auto: SLURM_ARRAY_TASK_ID is not set, so this is not a SLURM \
                    array task: submit it with `sbatch --array=0-N` (see `regimes slurm`), \
                    or give the shard as --shard I/N"
                .into(),
        );
    };
    let Some(count) = number("SLURM_ARRAY_TASK_COUNT")? else {
        return Err(
            "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is \
                    not: give the shard as --shard I/N"
                .into(),
        );
    };
    let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
    let max = number("SLURM_ARRAY_TASK_MAX")?.unwrap_or(min + count.saturating_sub(1));
    let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1);
    let resubmitted = "a task resubmitted alone must name its shard of the original array: \
                       --shard I/N --resume";
    if count < 2 {
        return Err(format!(
            "--shard auto: SLURM_ARRAY_TASK_COUNT={count}: an array of one task is either the \
             whole scenario (run it without --shard) or a resubmitted task: {resubmitted}"
        ));
    }
    if min > 1 {
        return Err(format!(
            "--shard auto: SLURM_ARRAY_TASK_MIN={min}: auto needs an array numbered from 0 or \
             1 (--array=0-{} or --array=1-{count}); {resubmitted}",
            count - 1
        ));
    }
    if step != 1 || max.checked_sub(min).and_then(|d| d.checked_add(1)) != Some(count) {
        return Err(format!(
            "--shard auto: the array {min}-{max}:{step} has {count} tasks: auto needs a \
             contiguous array (--array=0-{} or --array=1-{count}); otherwise give --shard I/N",
            count - 1
        ));
    }
    match id.checked_sub(min) {
        Some(index) if index < count => Ok(Shard { index, count }),
        _ => Err(format!(
            "--shard auto: SLURM_ARRAY_TASK_ID={id} lies outside the array {min}-{max}"
        )),
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
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2", "automatic"] {
            assert!(bad.parse::<ShardChoice>().is_err(), "{bad}");
        }
        // More shards than runs: some are empty.
        let last: Shard = "7/8".parse().unwrap();
        assert_eq!(last.runs(5).count(), 0);
    }

    /// Resolves `auto` with the given SLURM variables.
    fn auto_with(vars: &[(&str, &str)]) -> Result<Shard, String> {
        let choice: ShardChoice = "auto".parse().unwrap();
        choice.resolve(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// The variables SLURM sets in task `id` of `--array=min-max`.
    fn array_task(id: u32, min: u32, max: u32) -> Result<Shard, String> {
        let (id, count, min, max) = (
            id.to_string(),
            (max - min + 1).to_string(),
            min.to_string(),
            max.to_string(),
        );
        auto_with(&[
            ("SLURM_ARRAY_TASK_ID", &id),
            ("SLURM_ARRAY_TASK_COUNT", &count),
            ("SLURM_ARRAY_TASK_MIN", &min),
            ("SLURM_ARRAY_TASK_MAX", &max),
            ("SLURM_ARRAY_TASK_STEP", "1"),
        ])
    }

    #[test]
    fn auto_numbers_shards_from_0_whether_the_array_starts_at_0_or_1() {
        let shard = |index, count| Ok(Shard { index, count });
        // --array=0-7 and --array=1-8 both give shards 0/8 .. 7/8.
        assert_eq!(array_task(0, 0, 7), shard(0, 8));
        assert_eq!(array_task(7, 0, 7), shard(7, 8));
        assert_eq!(array_task(1, 1, 8), shard(0, 8));
        assert_eq!(array_task(8, 1, 8), shard(7, 8));
        // Without the MIN/MAX variables the array is taken to start at 0.
        let bare = auto_with(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(bare, shard(2, 4));
        // A fixed shard ignores the environment.
        let fixed: ShardChoice = "1/4".parse().unwrap();
        assert_eq!(fixed.resolve(|_| Some("9".into())), shard(1, 4));
    }

    #[test]
    fn auto_refuses_what_it_cannot_tell() {
        let refused = |result: Result<Shard, String>, expected: &str| {
            let message = result.unwrap_err();
            assert!(message.contains(expected), "{message}");
        };
        // Outside SLURM.
        refused(auto_with(&[]), "SLURM_ARRAY_TASK_ID is not set");
        refused(
            auto_with(&[("SLURM_ARRAY_TASK_ID", "1")]),
            "SLURM_ARRAY_TASK_COUNT is not",
        );
        // A task resubmitted alone: `--array=3` or `--array=1`.
        refused(array_task(3, 3, 3), "resubmitted");
        refused(array_task(1, 1, 1), "resubmitted");
        // Several tasks resubmitted: `--array=2-3`.
        refused(array_task(2, 2, 3), "SLURM_ARRAY_TASK_MIN=2");
        // A stepped array `--array=0-6:2`.
        refused(
            auto_with(&[
                ("SLURM_ARRAY_TASK_ID", "2"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_MAX", "6"),
                ("SLURM_ARRAY_TASK_STEP", "2"),
            ]),
            "contiguous",
        );
        refused(
            auto_with(&[
                ("SLURM_ARRAY_TASK_ID", "x"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ]),
            "SLURM_ARRAY_TASK_ID=`x` is not a whole number",
        );
        refused(
            auto_with(&[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ]),
            "outside the array 0-3",
        );
    }
}
