//! The regimes' rules: planning, pay caps, patents and monitoring.

use super::{config, run_checking};
use regimes::model::rules::allocation::team_sizes;
use regimes::model::*;

#[test]
fn a_perfectly_informed_planner_places_everyone_it_can_in_their_domain() {
    let mut regime = Regime::preset("collectivist").unwrap();
    regime.plan_noise = 0.0;
    regime.plan_lag = 0;
    let cfg = config(regime);
    let mut sim = Simulation::new(&cfg, 8).unwrap();
    sim.step(); // the planner assigns everyone at t = 0, before anything is open
    let (p, q) = (sim.producers(), sim.problems());
    let domains = cfg.world.domains as usize;
    let sizes = team_sizes(&q.value, p.len());
    let mut supply = vec![0usize; domains];
    let mut places = vec![0usize; domains];
    for &d in &p.domain {
        supply[d as usize] += 1;
    }
    for (j, &s) in sizes.iter().enumerate() {
        places[q.domain[j] as usize] += s as usize;
    }
    let possible: usize = (0..domains).map(|d| supply[d].min(places[d])).sum();
    let placed = (0..p.len())
        .filter(|&i| p.domain[i] == q.domain[p.target[i] as usize])
        .count();
    assert_eq!(placed, possible);
    // and every team has exactly its planned size
    for (j, &s) in sizes.iter().enumerate() {
        assert_eq!(
            p.target.iter().filter(|&&t| t as usize == j).count(),
            s as usize
        );
    }
}

#[test]
fn a_pay_cap_bounds_earnings_each_step() {
    let mut regime = Regime::preset("enclosure").unwrap();
    regime.pay_cap = Some(4.0);
    regime.levy = 0.05;
    let cfg = config(regime);
    run_checking(&cfg, 12, 30, |sim, _| {
        let f = &sim.flows().producers;
        let pay: Vec<f64> = (0..f.income.len())
            .map(|i| f.income[i] + f.outside[i])
            .filter(|&y| y > 0.0)
            .collect();
        let max = pay.iter().cloned().fold(f64::MIN, f64::max);
        let min = pay.iter().cloned().fold(f64::MAX, f64::min);
        assert!(max <= 4.0 * min * (1.0 + 1e-9), "{max} / {min}");
    });
}

#[test]
fn the_cooperatives_pay_cap_bounds_each_group_each_step() {
    let cfg = config(Regime::preset("cooperative").unwrap());
    let (n, groups) = (cfg.world.producers, cfg.world.groups);
    let mut spread = 1.0f64;
    run_checking(&cfg, 12, 30, |sim, _| {
        let (f, p) = (&sim.flows().producers, sim.producers());
        let mut bounds = vec![(f64::MAX, f64::MIN); groups];
        for i in 0..n {
            let y = f.income[i] + f.outside[i];
            let b = &mut bounds[p.group[i] as usize];
            if y > 0.0 {
                *b = (b.0.min(y), b.1.max(y));
            }
        }
        let positive = bounds.iter().filter(|b| b.1 > 0.0);
        for &(min, max) in positive.clone() {
            assert!(max <= 6.0 * min * (1.0 + 1e-9), "{max} / {min}");
        }
        let lowest = positive.clone().map(|b| b.0).fold(f64::MAX, f64::min);
        let highest = positive.map(|b| b.1).fold(f64::MIN, f64::max);
        spread = spread.max(highest / lowest);
    });
    // Across groups pay is not capped.
    assert!(spread > 6.0, "{spread}");
}

#[test]
fn patents_put_knowledge_in_the_public_domain_after_their_term() {
    let mut regime = Regime::preset("patents").unwrap();
    regime.patent_term = Some(5);
    let cfg = config(regime);
    run_checking(&cfg, 4, 30, |sim, m| {
        // No improvement can be public before it has been made term steps ago.
        if sim.time() <= 5 {
            assert_eq!(m.access_quality, 0.0);
        }
    });
    let mut access = 0.0;
    run_checking(&cfg, 4, 30, |_, m| access = m.access_quality);
    assert!(access > 0.0);
}

#[test]
fn monitoring_sanctions_shirkers_and_costs_money() {
    let mut regime = Regime::preset("open_access").unwrap();
    regime.monitoring = 1.0;
    regime.norm = 1.0; // nobody who leaves a trial unexerted meets it
    let cfg = config(regime);
    let mut sanctioned = 0.0;
    run_checking(&cfg, 2, 10, |sim, m| {
        sanctioned += m.sanctions;
        let l = sim.ledger();
        let n = sim.producers().len() as f64;
        assert!((l.monitoring_cost - n * cfg.regime.monitoring_cost).abs() < 1e-12);
        // A fine never exceeds the step's positive earnings.
        let f = &sim.flows().producers;
        for i in 0..f.fine.len() {
            assert!(f.fine[i] <= (f.income[i] + f.outside[i]).max(0.0) + 1e-12);
        }
    });
    assert!(sanctioned > 0.0);
}
