use super::*;
use crate::experiment::runner::{Outcome, Sink};
use polars::prelude::{ParquetReader, SerReader};
use std::fs::File;
use std::path::PathBuf;

fn scenario() -> Scenario {
    Scenario::parse(
        "replicates = 2\nregimes = [\"enclosure\", \"commons\"]\n[sweep]\n\"world.loci\" = [10, 20]\n\"regime.visibility\" = [\"open\"]",
        "t",
        "t",
        &[],
    )
    .unwrap()
}

/// Fake rows: value = run + step / 100 in every metric.
fn fake_run(parts: &Parts, s: &Scenario, run: u32, steps: u32, chunk: usize) {
    let spec = s.run_spec(run);
    let mut chunks = 0;
    let all: Vec<u32> = (0..steps).collect();
    for part in all.chunks(chunk) {
        let rows = Rows {
            steps: part.to_vec(),
            population: vec![0; part.len()],
            values: part
                .iter()
                .map(|&t| [run as f64 + t as f64 / 100.0; METRIC_COUNT])
                .collect(),
        };
        parts.chunk(&spec, chunks, &rows).unwrap();
        chunks += 1;
    }
    let mut window = [run as f64; METRIC_COUNT];
    window[1] = f64::NAN;
    let outcome = Outcome {
        chunks,
        rows: steps as u64,
        trials: 10,
        window,
        cumulative_welfare: 0.1 + run as f64,
        populations: Vec::new(),
    };
    parts.finish(&spec, &outcome).unwrap();
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regimes-tables-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The test scenario, a fresh output directory `name` and its created parts.
fn fresh_parts(name: &str) -> (Scenario, PathBuf, Parts) {
    let dir = fresh_dir(name);
    let parts = Parts::of(&dir);
    parts.create().unwrap();
    (scenario(), dir, parts)
}

#[test]
fn parts_assemble_into_tables_in_run_order() {
    let (s, dir, parts) = fresh_parts("assemble");
    // Finish runs out of order, with different chunkings.
    for run in (0..s.runs() as u32).rev() {
        fake_run(&parts, &s, run, 5, 1 + run as usize % 3);
    }
    assert_eq!(parts.done().unwrap().len(), 8);
    let Assembled { trials } = assemble(&s, &parts, &dir).unwrap();
    assert_eq!(trials, 80);

    let ts = ParquetReader::new(File::open(dir.join(TIMESERIES)).unwrap())
        .finish()
        .unwrap();
    assert_eq!(ts.height(), 8 * 5);
    let names: Vec<String> = ts
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &names[..8],
        [
            "run",
            "regime",
            "population",
            "replicate",
            "seed",
            "world.loci",
            "regime.visibility",
            "step"
        ]
    );
    assert_eq!(names.len(), 8 + METRIC_COUNT);
    let runs_col: Vec<u32> = ts
        .column("run")
        .unwrap()
        .u32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert!(runs_col.windows(2).all(|w| w[0] <= w[1]));

    let runs = ParquetReader::new(File::open(dir.join(RUNS)).unwrap())
        .finish()
        .unwrap();
    assert_eq!(runs.height(), 8);
    let cw: Vec<f64> = runs
        .column(CUMULATIVE_WELFARE)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(cw[3], 3.1);

    let csv = std::fs::read_to_string(dir.join(SUMMARY)).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "regime,population,world.loci,regime.visibility,metric,n,mean,sd,ci_low,ci_high"
    );
    assert_eq!(csv.lines().count(), 1 + 4 * (METRIC_COUNT + 1));
    // Runs 0 and 1 (enclosure at loci 10): trials mean 0.5, duplicated_share all NaN.
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(
        &first[..6],
        ["enclosure", "all", "10.0", "open", "trials", "2"]
    );
    assert_eq!(first[6], "0.5");
    let second: Vec<&str> = csv.lines().nth(2).unwrap().split(',').collect();
    assert_eq!(second[5], "0");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn assembling_refuses_missing_runs_and_leaves_no_table() {
    let (s, dir, parts) = fresh_parts("missing");
    fake_run(&parts, &s, 0, 3, 10);
    let e = assemble(&s, &parts, &dir).unwrap_err();
    assert!(format!("{e:#}").contains("run 1"), "{e:#}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [".parts"]);
    let _ = std::fs::remove_dir_all(&dir);
}
