//! Recombination (spec §2.4 v2, `world.merge_rate`) on tiny worlds: a merge needs another
//! visible lineage, merges are trials like flips, and they never count as stuck effort.

use regimes::model::{Config, Regime, Simulation};

/// `n` producers on one problem under `preset`, with merges at `merge_rate`.
fn world(n: usize, preset: &str, merge_rate: f64, explore_rate: f64) -> Config {
    let mut c = Config::default();
    let w = &mut c.world;
    w.producers = n;
    w.problems = 1;
    w.groups = 1;
    w.domains = 1;
    w.shock_rate = 0.0;
    w.merge_rate = merge_rate;
    w.explore_rate = explore_rate;
    c.regime = Regime::preset(preset).unwrap();
    c
}

/// Every step's metrics, and each step's (merges, effective trials) summed over producers.
fn run(c: &Config, steps: usize) -> (Vec<[f64; 2]>, Vec<(u64, u64)>) {
    let mut sim = Simulation::new(c, 11).unwrap();
    let mut metrics = Vec::new();
    let mut trials = Vec::new();
    for _ in 0..steps {
        let m = sim.step();
        metrics.push([m.mean_quality, m.trials]);
        let f = &sim.flows().producers;
        let merges = f.merges.iter().map(|&x| x as u64).sum();
        let effective = f.effective.iter().map(|&x| x as u64).sum();
        trials.push((merges, effective));
    }
    (metrics, trials)
}

#[test]
fn with_no_other_visible_lineage_a_merge_is_a_flip() {
    // One producer, who never starts a new approach: its own lineage is all it sees.
    let (a, ta) = run(&world(1, "enclosure", 0.0, 0.0), 60);
    let (b, tb) = run(&world(1, "enclosure", 1.0, 0.0), 60);
    assert_eq!(
        a, b,
        "merge_rate 1 with nothing to merge is the flip-only run"
    );
    assert!(tb.iter().all(|&(merges, _)| merges == 0));
    assert_eq!(ta, tb);
}

#[test]
fn with_other_lineages_in_sight_trials_are_merges_at_the_rate() {
    // Open knowledge and many new approaches: other lineages' heads are visible.
    let (metrics, trials) = run(&world(30, "open_access", 1.0, 0.5), 40);
    let (merges, effective): (u64, u64) = trials[5..]
        .iter()
        .fold((0, 0), |(m, e), &(x, y)| (m + x, e + y));
    assert!(effective > 0);
    assert!(
        merges > effective / 2,
        "{merges} of {effective} trials merged"
    );
    assert!(trials.iter().all(|&(m, e)| m <= e));
    assert!(metrics.iter().all(|m| m[0].is_finite()));
    // No merges at rate 0, whatever is in sight.
    let (_, none) = run(&world(30, "open_access", 0.0, 0.5), 40);
    assert!(none.iter().all(|&(m, _)| m == 0));
}

#[test]
fn merges_are_never_stuck_effort() {
    // Every trial a merge (once other lineages are in sight): stuck_share is a share of
    // the other trials, so it is NaN (0/0) or counts only the flips.
    let mut sim = Simulation::new(&world(30, "open_access", 1.0, 0.5), 5).unwrap();
    for _ in 0..40 {
        let m = sim.step();
        let f = &sim.flows().producers;
        let stuck: u64 = f.stuck.iter().map(|&x| x as u64).sum();
        let flips: u64 = f
            .effective
            .iter()
            .zip(&f.merges)
            .map(|(&e, &x)| (e - x) as u64)
            .sum();
        assert!(stuck <= flips, "{stuck} stuck of {flips} flips");
        if flips > 0 {
            assert_eq!(m.stuck_share, stuck as f64 / flips as f64);
        }
    }
}
