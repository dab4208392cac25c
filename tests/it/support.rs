//! What the tests share: the real binary and its output directories (for the
//! command-line tests), and synthetic output directories for the chart and
//! report tests: tables written with polars following docs/ARCHITECTURE.md's
//! contract, so those tests do not depend on the engine.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;
use regimes::model::METRICS;

/// The tables a finished run leaves, compared byte for byte.
pub const TABLES: &[&str] = &[
    "timeseries.parquet",
    "runs.parquet",
    "summary.csv",
    "scenario.toml",
];

/// A fresh, empty directory for one test, named after the calling file and
/// `name` (`scratch("threads")` in `cli.rs` is `cli-threads`), so tests of
/// different files never share one.
#[track_caller]
pub fn scratch(name: &str) -> PathBuf {
    let caller = std::panic::Location::caller().file();
    let file = Path::new(caller).file_stem().unwrap().to_string_lossy();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{file}-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `regimes` binary of this build.
pub fn regimes() -> Command {
    Command::new(env!("CARGO_BIN_EXE_regimes"))
}

/// `regimes ARGS`, run to its end.
pub fn run(args: &[&str]) -> Output {
    regimes().args(args).output().expect("the binary runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

pub fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// Checks that two output directories hold byte-identical tables.
pub fn same_tables(a: &Path, b: &Path) {
    for t in TABLES {
        let (x, y) = (fs::read(a.join(t)), fs::read(b.join(t)));
        assert!(
            x.is_ok() && x.ok() == y.ok(),
            "{t} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// A deterministic pseudo-random number in [0, 1).
fn noise(a: u64, b: u64, c: u64) -> f64 {
    let mut x = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(c.wrapping_mul(0x94D0_49BB_1331_11EB));
    x ^= x >> 31;
    x = x.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// A swept column: numbers or strings.
pub enum Sweep {
    Num(&'static str, Vec<f64>),
    Str(&'static str, Vec<&'static str>),
}

/// Writes timeseries.parquet, runs.parquet and scenario.toml for `regimes` x
/// sweep points x `reps` replicates x `steps` steps. Metric values differ by
/// regime and drift over time; `approach_diversity` is NaN (0/0) at step 0 and,
/// for the second regime, during a stretch of steps (a gap to leave).
pub fn write_outputs(
    dir: &Path,
    regimes: &[&str],
    sweep: &[Sweep],
    reps: u32,
    steps: u32,
    extra: &str,
) {
    // Sweep points: the cartesian product, first parameter slowest.
    let mut points: Vec<Vec<usize>> = vec![vec![]];
    for s in sweep {
        let n = match s {
            Sweep::Num(_, v) => v.len(),
            Sweep::Str(_, v) => v.len(),
        };
        points = points
            .into_iter()
            .flat_map(|p| {
                (0..n).map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    let mut run = 0u32;
    let (mut ts_id, mut runs_id) = (Vec::new(), Vec::new());
    let mut ts_values: Vec<Vec<f64>> = vec![Vec::new(); METRICS.len()];
    let mut run_values: Vec<Vec<f64>> = vec![Vec::new(); METRICS.len() + 1];
    for point in &points {
        for (r, _) in regimes.iter().enumerate() {
            for rep in 0..reps {
                let lift: f64 = point.iter().map(|&i| i as f64 * 0.1).sum();
                let mut sums = vec![0.0; METRICS.len()];
                for step in 0..steps {
                    for (m, info) in METRICS.iter().enumerate() {
                        let trend = (step as f64 / steps as f64) * (0.2 + 0.1 * r as f64);
                        let mut v = 0.2
                            + 0.15 * r as f64
                            + trend
                            + lift
                            + 0.05 * noise(run as u64, step as u64, m as u64);
                        if info.name == "welfare" {
                            v *= 40.0;
                        }
                        if info.name == "approach_diversity"
                            && (step == 0 || (r == 1 && (steps / 3..steps / 2).contains(&step)))
                        {
                            v = f64::NAN;
                        }
                        ts_values[m].push(v);
                        if step + 10 >= steps {
                            sums[m] += v / 10.0;
                        }
                    }
                    ts_id.push((run, r, rep, point.clone(), step));
                }
                for (m, s) in sums.iter().enumerate() {
                    run_values[m].push(*s);
                }
                run_values[METRICS.len()].push(1000.0 * (1.0 + r as f64) + noise(run as u64, 7, 7));
                runs_id.push((run, r, rep, point.clone()));
                run += 1;
            }
        }
    }

    let id_columns = |rows: &[(u32, usize, u32, Vec<usize>)]| -> Vec<Column> {
        let mut cols = vec![
            Column::new("run".into(), rows.iter().map(|x| x.0).collect::<Vec<u32>>()),
            Column::new(
                "regime".into(),
                rows.iter().map(|x| regimes[x.1]).collect::<Vec<&str>>(),
            ),
            Column::new(
                "replicate".into(),
                rows.iter().map(|x| x.2).collect::<Vec<u32>>(),
            ),
            Column::new(
                "seed".into(),
                rows.iter().map(|x| 1000 + x.0 as u64).collect::<Vec<u64>>(),
            ),
        ];
        for (k, s) in sweep.iter().enumerate() {
            cols.push(match s {
                Sweep::Num(name, v) => Column::new(
                    (*name).into(),
                    rows.iter().map(|x| v[x.3[k]]).collect::<Vec<f64>>(),
                ),
                Sweep::Str(name, v) => Column::new(
                    (*name).into(),
                    rows.iter().map(|x| v[x.3[k]]).collect::<Vec<&str>>(),
                ),
            });
        }
        cols
    };
    let ts_rows: Vec<(u32, usize, u32, Vec<usize>)> =
        ts_id.iter().map(|x| (x.0, x.1, x.2, x.3.clone())).collect();
    let mut cols = id_columns(&ts_rows);
    cols.push(Column::new(
        "step".into(),
        ts_id.iter().map(|x| x.4).collect::<Vec<u32>>(),
    ));
    for (m, info) in METRICS.iter().enumerate() {
        cols.push(Column::new(
            info.name.into(),
            std::mem::take(&mut ts_values[m]),
        ));
    }
    write_parquet(&dir.join("timeseries.parquet"), cols);

    let mut cols = id_columns(&runs_id);
    for (m, info) in METRICS.iter().enumerate() {
        cols.push(Column::new(
            info.name.into(),
            std::mem::take(&mut run_values[m]),
        ));
    }
    cols.push(Column::new(
        "cumulative_welfare".into(),
        std::mem::take(&mut run_values[METRICS.len()]),
    ));
    write_parquet(&dir.join("runs.parquet"), cols);

    let mut toml = format!(
        "name = \"synthetic\"\ndescription = \"test\"\nsteps = {steps}\nreplicates = {reps}\nseed = 1\nrecord_every = 1\nwindow = 10\n{extra}\n"
    );
    if !sweep.is_empty() {
        toml += "\n[sweep]\n";
        for s in sweep {
            match s {
                Sweep::Num(n, v) => toml += &format!("{n:?} = {v:?}\n"),
                Sweep::Str(n, v) => toml += &format!("{n:?} = {v:?}\n"),
            }
        }
    }
    fs::write(dir.join("scenario.toml"), toml).unwrap();
}

fn write_parquet(path: &Path, cols: Vec<Column>) {
    let mut df = DataFrame::new_infer_height(cols).unwrap();
    ParquetWriter::new(fs::File::create(path).unwrap())
        .finish(&mut df)
        .unwrap();
}

/// The text elements of an SVG, trimmed, in drawing order.
pub fn svg_texts(path: &Path) -> Vec<String> {
    let svg = fs::read_to_string(path).unwrap();
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..t.find("</text>")?];
            Some(body.trim().to_string())
        })
        .collect()
}

/// Whether some text element of the SVG contains `needle`.
pub fn has_text(texts: &[String], needle: &str) -> bool {
    texts.iter().any(|t| t.contains(needle))
}

pub fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

pub const THREE: [&str; 3] = ["enclosure", "commons", "collectivist"];

/// Runs finished in a `.parts` directory: its `.done` markers (0 if it does not exist).
pub fn finished_runs(parts: &Path) -> usize {
    std::fs::read_dir(parts)
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "done"))
            })
            .count()
        })
        .unwrap_or(0)
}
