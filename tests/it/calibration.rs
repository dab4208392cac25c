//! `regimes calibrate`: the calibration target of spec §4 as built-in check sets, run end to
//! end on a small world (the full size is a release check: `regimes calibrate`, see
//! docs/MODEL.md §8.4). These tests check the command's mechanics, not whether the target is met.

use std::process::Command;

use regimes::experiment::Scenario;
use regimes::experiment::calibration::CALIBRATION;

#[test]
fn every_check_set_is_a_valid_scenario_file_of_the_same_name() {
    for c in CALIBRATION {
        let path = format!("scenarios/calibration/{}.toml", c.name);
        let on_disk = std::fs::read_to_string(&path).expect("the file exists");
        assert_eq!(on_disk, c.scenario, "{path} is the embedded text");
        let s = Scenario::parse(c.scenario, &path, c.name, &[]).expect("it validates");
        assert_eq!(s.name, c.name);
        assert_eq!(s.steps, 500, "the target is stated for 500 steps");
        assert_eq!(c.checks.len(), s.regimes.len(), "one check per preset");
    }
}

#[test]
fn a_small_world_is_judged_per_preset_and_the_exit_code_follows_the_verdicts() {
    let dir = std::env::temp_dir().join(format!("regimes-calibrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_regimes"))
        .args(["calibrate", "still", "--out", dir.to_str().unwrap()])
        .args(["--format", "svg", "--quiet"])
        .args(["--set", "world.producers=40", "--set", "world.problems=8"])
        .args(["--set", "world.groups=4", "--set", "replicates=3"])
        .output()
        .expect("the binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let verdicts = text.matches("PASS").count() + text.matches("FAIL").count();
    let presets = CALIBRATION[1].checks.len();
    assert_eq!(verdicts, presets, "one verdict per preset:\n{text}");
    let passed = text.matches("PASS").count();
    assert!(
        text.contains(&format!("{passed} of {presets} checks passed")),
        "{text}"
    );
    assert_eq!(out.status.success(), passed == presets, "{text}");
    assert!(dir.join("still").join("timeseries.parquet").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
