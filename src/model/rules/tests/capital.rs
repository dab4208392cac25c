//! Capital (spec §2.9): wealth buys compute with a learned invest share, and
//! social credit (spec §2.7): a share of the pool buys compute granted by credit.

use super::{Fixture, close};
use crate::model::config::{Regime, Split, World};
use crate::model::rules::adaptation::{self, adaptation};

fn world(producers: usize) -> World {
    World {
        producers,
        problems: 1,
        groups: producers,
        base_budget: 10.0,
        max_budget: 16.0,
        learning_rate: 0.0,
        ..World::default()
    }
}

#[test]
fn wealth_buys_compute_with_the_invest_share_after_grants_and_payoff_is_net_of_it() {
    let regime = Regime {
        invest_rate: 0.1,
        ..Regime::default()
    };
    let fx = Fixture::new(world(3), regime);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    p.wealth = vec![1.0, 10.0, -0.5];
    // Producer 1 was granted 2 trials by social credit: they come first.
    f.producers.granted = vec![0.0, 2.0, 0.0];
    let mut space = adaptation::Workspace::default();
    let flows = &f.producers;
    adaptation(
        fx.cx(1),
        &mut p,
        &mut q,
        flows,
        &mut f.ledger,
        &mut f.pools,
        &mut space,
    );
    // 0: 10% of wealth 1 buys 5 trials. 1: 10% of 10 would buy 50, but only the
    // 4 left under the ceiling after its grant. 2: no positive wealth, nothing.
    // No income is needed: v1's gate on income per trial is gone.
    assert_eq!(p.budget, vec![15.0, 16.0, 10.0]);
    assert!(close(p.wealth[0], 0.9) && close(p.wealth[1], 10.0 - 0.08));
    assert_eq!(p.wealth[2], -0.5);
    assert!(close(f.ledger.compute_spent, 0.18));
    // The payoff (decay 0.8) counts the spending against the buyer.
    assert!(close(p.payoff[0], -0.2 * 0.1) && close(p.payoff[1], -0.2 * 0.08));
    assert_eq!(p.payoff[2], 0.0);
    assert_eq!(p.invest_share, vec![0.1; 3]);
}

/// Half the producers (propensity 0.2, invest share 0.1) are paid far less
/// than the other half (0.9, 0.7); everyone compares itself with a peer.
fn imitate(invest_rate: f64, mutation: f64) -> (Vec<f64>, Vec<f64>) {
    let n = 200;
    let regime = Regime {
        invest_rate,
        ..Regime::default()
    };
    let w = World {
        learning_rate: 1.0,
        mutation,
        ..world(n)
    };
    let fx = Fixture::new(w, regime);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    let rich = |i: usize| i >= n / 2;
    for i in 0..n {
        p.payoff[i] = if rich(i) { 1.0 } else { 0.0 };
        p.propensity[i] = if rich(i) { 0.9 } else { 0.2 };
        if invest_rate > 0.0 {
            p.invest_share[i] = if rich(i) { 0.7 } else { 0.1 };
        }
    }
    let mut space = adaptation::Workspace::default();
    let flows = &f.producers;
    adaptation(
        fx.cx(1),
        &mut p,
        &mut q,
        flows,
        &mut f.ledger,
        &mut f.pools,
        &mut space,
    );
    (p.propensity, p.invest_share)
}

#[test]
fn an_invest_share_is_copied_with_the_peers_propensity() {
    let (propensity, share) = imitate(0.1, 0.0);
    // Without mutation a producer keeps both traits or takes both of its peer's.
    let mut copied = 0;
    for (i, traits) in propensity.into_iter().zip(share).enumerate() {
        if traits == (0.9, 0.7) {
            copied += usize::from(i < 100);
        } else {
            assert_eq!(
                traits,
                (0.2, 0.1),
                "producer {i}: traits not copied together"
            );
            assert!(i < 100, "producer {i} copied a poorer peer");
        }
    }
    assert!(
        copied > 20,
        "{copied} of 100 poor producers copied a rich peer"
    );
}

#[test]
fn with_capital_off_invest_shares_stay_zero_without_mutation() {
    let (propensity, share) = imitate(0.0, 0.05);
    assert!(share.iter().all(|&s| s == 0.0));
    // Effort is still learned (and mutated).
    assert!(propensity.iter().any(|&pi| pi != 0.2 && pi != 0.9));
}

/// Reward with social credit: credits 0.5 and 1.5 (of 2), a pool of 1.
fn social_credit(max_budget: f64, monitoring_carried: f64) -> (Vec<f64>, Vec<f64>, f64, f64) {
    let regime = Regime {
        levy: 0.5,
        pool_rule: Split::Contribution,
        credit_compute: 0.5,
        ..Regime::default()
    };
    let w = World {
        max_budget,
        credit_decay: 0.5,
        outside_wage: 0.0,
        ..world(4)
    };
    let fx = Fixture::new(w, regime);
    let (mut p, mut f) = (fx.producers(), fx.flows());
    f.producers.new_credit = vec![1.0, 3.0, 0.0, 0.0];
    f.ledger.consumer_surplus = 2.0;
    f.ledger.monitoring_carried = monitoring_carried;
    fx.reward(&mut p, &mut f);
    let l = &f.ledger;
    // The money identity of the reward phase, with compute bought by credit.
    let inflow = l.revenue + l.levy + l.fines_carried - l.monitoring_carried - l.credit_compute;
    assert!(close(l.paid, inflow), "paid {} vs {inflow}", l.paid);
    let (granted, income) = (f.producers.granted.clone(), f.producers.income.clone());
    (granted, income, l.credit_compute, l.paid)
}

#[test]
fn social_credit_grants_trials_by_credit_and_spends_its_share_of_the_pool() {
    // Half the pool of 1 buys 25 trials at 0.02, granted 1/4 and 3/4 by credit.
    let (granted, income, spent, paid) = social_credit(40.0, 0.0);
    assert!(close(granted[0], 6.25) && close(granted[1], 18.75));
    assert_eq!((granted[2], granted[3]), (0.0, 0.0));
    assert!(close(spent, 0.5) && close(paid, 0.5));
    assert!(close(income[0], 0.125) && close(income[1], 0.375));

    // Under a ceiling of 10 extra trials, producer 1 gets 10 of its 18.75; the
    // money of the 8.75 trials it cannot be granted is paid out by the pool rule.
    let (granted, income, spent, paid) = social_credit(20.0, 0.0);
    assert!(close(granted[0], 6.25) && close(granted[1], 10.0));
    assert!(close(spent, 16.25 * 0.02) && close(paid, 1.0 - 16.25 * 0.02));
    assert!(close(income[0], paid / 4.0) && close(income[1], 0.75 * paid));

    // A negative pool (monitoring above the levy) buys nothing.
    let (granted, _, spent, paid) = social_credit(40.0, 2.0);
    assert!(granted.iter().all(|&g| g == 0.0));
    assert_eq!(spent, 0.0);
    assert!(close(paid, -1.0));
}

#[test]
fn granted_trials_extend_next_steps_budget() {
    let fx = Fixture::new(world(2), Regime::default());
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    p.wealth = vec![5.0, 5.0];
    f.producers.granted = vec![6.0, 0.5];
    let mut space = adaptation::Workspace::default();
    let flows = &f.producers;
    adaptation(
        fx.cx(1),
        &mut p,
        &mut q,
        flows,
        &mut f.ledger,
        &mut f.pools,
        &mut space,
    );
    // Capital is off (invest_rate 0): the grants alone extend the budgets.
    assert_eq!(p.budget, vec![16.0, 10.5]);
    assert_eq!(p.wealth, vec![5.0, 5.0]);
    assert_eq!(f.ledger.compute_spent, 0.0);
}
