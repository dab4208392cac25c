use super::*;
use crate::experiment::classics::Target;

fn estimate(mean: f64, half: f64) -> Stats {
    Stats {
        n: 10,
        mean,
        sd: f64::NAN,
        ci_low: mean - half,
        ci_high: mean + half,
    }
}

#[test]
fn inside_a_ci_passes_only_when_the_ci_is_tight() {
    let rule = Rule::InCi {
        value: Target::Value(0.5),
        half_width: 0.02,
    };
    assert!(judge(rule, 0.5, &estimate(0.51, 0.015)));
    assert!(!judge(rule, 0.5, &estimate(0.53, 0.015)), "outside the CI");
    assert!(!judge(rule, 0.5, &estimate(0.5, 0.05)), "too wide to tell");
    assert!(!judge(rule, 0.5, &Stats::of(&[0.5])), "one run has no CI");
}

fn series(steps: Vec<u32>, values: Vec<f64>) -> Series {
    Series {
        run: 0,
        regime: "r".into(),
        seed: 1,
        steps,
        metrics: HashMap::from([("m".to_string(), values)]),
    }
}

#[test]
fn a_window_averages_its_recorded_steps_and_skips_nan() {
    let s = series(vec![0, 1, 2, 3, 4], vec![1.0, 2.0, f64::NAN, 4.0, 100.0]);
    assert_eq!(s.window_mean("m", (1, 3)).unwrap(), 3.0);
    assert_eq!(s.window_mean("m", (0, 0)).unwrap(), 1.0);
    assert!(
        s.window_mean("m", (2, 2)).unwrap().is_nan(),
        "only NaN: 0/0"
    );
    assert!(
        s.window_mean("m", (5, 9)).is_err(),
        "nothing recorded there"
    );
    let ratio = measure(
        Measure::WindowRatio {
            regime: "r",
            metric: "m",
            numerator: (3, 4),
            denominator: (0, 1),
        },
        &[s],
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(ratio, vec![52.0 / 1.5]);
}

#[test]
fn near_above_and_below() {
    let near = Rule::Near {
        value: Target::Value(1.0),
        tolerance: 0.0,
    };
    assert!(judge(near, 1.0, &estimate(1.0, 0.0)));
    assert!(!judge(near, 1.0, &estimate(0.995, 0.0)));
    assert!(judge(Rule::Above(0.05), 0.05, &estimate(0.1, 0.04)));
    assert!(!judge(Rule::Above(0.05), 0.05, &estimate(0.1, 0.06)));
    assert!(judge(Rule::Below(0.0), 0.0, &estimate(-0.1, 0.05)));
    assert!(!judge(Rule::Below(0.0), 0.0, &estimate(-0.1, 0.2)));
}
