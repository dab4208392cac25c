use super::*;
use crate::experiment::Scenario;

/// Fresh parts in a new output directory `name`, and the spec of run 0.
fn fresh(name: &str) -> (PathBuf, Parts, RunSpec) {
    let dir = std::env::temp_dir().join(format!("regimes-parts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let parts = Parts::of(&dir);
    parts.create().unwrap();
    (dir, parts, Scenario::default_with(&[]).unwrap().run_spec(0))
}

#[test]
fn rows_parts_keep_every_bit() {
    let mut odd = [0.1 + 0.2; METRIC_COUNT];
    odd[0] = f64::NAN;
    odd[1] = -0.0;
    odd[2] = f64::NEG_INFINITY;
    odd[3] = 1e-310;
    let rows = Rows {
        steps: vec![0, 7, u32::MAX],
        population: vec![0, 2, 1],
        values: vec![odd, [1.5; METRIC_COUNT], [f64::MAX; METRIC_COUNT]],
    };
    let back = decode_rows(&encode_rows(&rows)).unwrap();
    assert_eq!(back.steps, rows.steps);
    assert_eq!(back.population, rows.population);
    let bits = |r: &Rows| -> Vec<u64> { r.values.iter().flatten().map(|x| x.to_bits()).collect() };
    assert_eq!(bits(&back), bits(&rows));
    assert_eq!(
        decode_rows(&encode_rows(&Rows::default())).unwrap(),
        Rows::default()
    );
}

#[test]
fn foreign_or_damaged_parts_are_refused_naming_the_file() {
    let (dir, parts, spec) = fresh("foreign");
    let rows = Rows {
        steps: vec![0, 1, 2],
        population: vec![0; 3],
        values: vec![[0.5; METRIC_COUNT]; 3],
    };
    parts.chunk(&spec, 0, &rows).unwrap();
    let path = parts.chunk_path(0, 0);
    let good = std::fs::read(&path).unwrap();
    let mut other_metrics = good.clone();
    other_metrics[ROWS_HEADER - 4..ROWS_HEADER]
        .copy_from_slice(&(METRIC_COUNT as u32 + 1).to_le_bytes());
    let cases: [(Vec<u8>, &str); 4] = [
        (
            b"PAR1 a Parquet part of an older regimes".to_vec(),
            "does not start with",
        ),
        (good[..good.len() - 1].to_vec(), "3 rows take"),
        (other_metrics, "metrics per row"),
        (good[..5].to_vec(), "shorter than the header"),
    ];
    for (bytes, why) in cases {
        std::fs::write(&path, bytes).unwrap();
        let e = format!("{:#}", parts.rows(0, 0).unwrap_err());
        assert!(e.contains(&path.display().to_string()), "{e}");
        assert!(e.contains(why), "{e}");
    }
    std::fs::remove_file(&path).unwrap();
    let e = format!("{:#}", parts.rows(0, 0).unwrap_err());
    assert!(e.contains(&path.display().to_string()), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn markers_keep_floats_exact() {
    let mut window = [0.1 + 0.2; METRIC_COUNT];
    window[0] = f64::NAN;
    window[1] = 1e-300;
    let o = Outcome {
        chunks: 1,
        rows: 1,
        trials: 1,
        window,
        cumulative_welfare: f64::INFINITY,
        populations: Vec::new(),
    };
    let m = Marker::of(3, &o);
    let text = serde_json::to_string(&m).unwrap();
    // A one-population world's marker has no populations' part.
    assert!(!text.contains("populations"), "{text}");
    let back: Marker = serde_json::from_str(&text).unwrap();
    let v = back.values().unwrap();
    assert!(v[0].is_nan());
    assert_eq!(v[1], 1e-300);
    assert_eq!(v[2], 0.1 + 0.2);
    assert_eq!(v[METRIC_COUNT], f64::INFINITY);
    assert!(back.population_values().unwrap().is_empty());

    let mixed = Outcome {
        populations: vec![(window, -0.0), ([2.5; METRIC_COUNT], f64::NAN)],
        ..o
    };
    let text = serde_json::to_string(&Marker::of(3, &mixed)).unwrap();
    let back: Marker = serde_json::from_str(&text).unwrap();
    let each = back.population_values().unwrap();
    assert_eq!(each.len(), 2);
    assert!(each[0][0].is_nan() && each[0][METRIC_COUNT].to_bits() == (-0.0f64).to_bits());
    assert_eq!(each[1][5], 2.5);
    assert!(each[1][METRIC_COUNT].is_nan());
}

#[test]
fn retiring_removes_every_part_and_a_leftover_of_a_killed_removal() {
    let (dir, parts, spec) = fresh("retire");
    parts.chunk(&spec, 0, &Rows::default()).unwrap();
    // What a removal killed half-way leaves.
    std::fs::create_dir_all(parts.retired().join("x")).unwrap();
    assert!(parts.exist());
    parts.retire().unwrap();
    assert!(!parts.exist() && !parts.retired().exists());
    parts.retire().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
