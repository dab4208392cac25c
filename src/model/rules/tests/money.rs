//! Market split, reward (credit, pool, group shares, pay cap) and sanctions.

use super::{Fixture, close, solution};
use crate::model::config::{PayCapScope, Regime, Split, Visibility, World};
use crate::model::rules::governance::{self, governance};
use crate::model::rules::market::market;

fn world(producers: usize) -> World {
    World {
        producers,
        problems: 1,
        groups: producers,
        base_budget: 10.0,
        outside_wage: 0.01,
        credit_decay: 0.5,
        ..World::default()
    }
}

#[test]
fn the_leader_charges_for_its_premium_over_the_best_alternative() {
    let regime = Regime {
        visibility: Visibility::Private,
        ..Regime::default()
    };
    let fx = Fixture::new(world(2), regime);
    let mut q = fx.problems();
    q.value[0] = 2.0;
    q.offer(0, 0, solution(0.6, 1), 0);
    q.offer(0, 1, solution(0.4, 2), 0);
    q.recompute_frontier(0);
    let mut f = fx.flows();
    market(
        fx.cx(1),
        &q,
        &mut f.problems.sales,
        &mut f.holder_revenue,
        &mut f.ledger,
        &mut f.pools,
    );
    // Premium 0.2 over the rival's 0.4: revenue v d / 4, deadweight loss v d / 8.
    let s = f.problems.sales[0];
    assert!(close(s.potential, 0.6) && close(s.revenue, 0.1));
    assert!(close(s.consumer_surplus, 0.4 + 0.05) && close(s.deadweight_loss, 0.05));
    assert_eq!(f.holder_revenue, vec![s.revenue, 0.0]);
    assert_eq!(f.ledger.revenue, s.revenue);

    // Open visibility: nobody can charge; all the potential goes to consumers.
    let open = Regime {
        visibility: Visibility::Open,
        ..Regime::default()
    };
    let fx = Fixture::new(world(2), open);
    let mut f = fx.flows();
    market(
        fx.cx(1),
        &q,
        &mut f.problems.sales,
        &mut f.holder_revenue,
        &mut f.ledger,
        &mut f.pools,
    );
    let s = f.problems.sales[0];
    assert_eq!((s.revenue, s.consumer_surplus), (0.0, s.potential));
    assert_eq!(f.holder_revenue, vec![0.0, 0.0]);
}

#[test]
fn the_pool_pays_by_averaged_credit_and_idle_trials_earn_the_wage() {
    let regime = Regime {
        levy: 0.5,
        pool_rule: Split::Contribution,
        ..Regime::default()
    };
    let fx = Fixture::new(world(3), regime);
    let mut p = fx.producers();
    let mut f = fx.flows();
    f.producers.new_credit = vec![1.0, 3.0, 0.0];
    f.producers.exerted = vec![10, 4, 0];
    f.ledger.consumer_surplus = 2.0;
    f.ledger.fines_carried = 0.2;
    f.ledger.monitoring_carried = 0.1;
    fx.reward(&mut p, &mut f);
    // Credit averages with decay 0.5; the pool (levy 1 + fines 0.2 - costs 0.1)
    // is shared in proportion to it: 1/4, 3/4, 0.
    assert_eq!(p.credit, vec![0.5, 1.5, 0.0]);
    assert_eq!(f.ledger.levy, 1.0);
    let pool = 1.0 + 0.2 - 0.1;
    let income = &f.producers.income;
    assert!(close(income[0], pool / 4.0) && close(income[1], 0.75 * pool));
    assert_eq!(income[2], 0.0);
    // Unexerted trials of the base budget earn the outside wage.
    assert_eq!(f.producers.outside, vec![0.0, 0.06, 0.1]);
    assert!(close(f.ledger.paid, pool));
}

#[test]
fn an_equal_pool_ignores_credit_and_a_group_shares_its_revenue() {
    let regime = Regime {
        visibility: Visibility::Groups,
        group_share: Split::Contribution,
        levy: 0.3,
        ..Regime::default()
    };
    // One group of three holds the leading record: its revenue is split by credit.
    let fx = Fixture::new(
        World {
            groups: 1,
            ..world(3)
        },
        regime,
    );
    let mut p = fx.producers();
    p.credit = vec![2.0, 0.0, 6.0];
    let mut f = fx.flows();
    f.producers.new_credit = vec![2.0, 0.0, 6.0];
    f.holder_revenue[0] = 4.0;
    f.ledger.consumer_surplus = 1.0;
    fx.reward(&mut p, &mut f);
    let equal_pool = 0.3 / 3.0;
    let income = &f.producers.income;
    assert!(close(income[0], 1.0 + equal_pool), "{income:?}");
    assert!(close(income[1], equal_pool));
    assert!(close(income[2], 3.0 + equal_pool));
}

#[test]
fn the_pay_cap_keeps_the_total_and_bounds_the_ratio() {
    let regime = Regime {
        pay_cap: Some(4.0),
        ..Regime::default()
    };
    let fx = Fixture::new(
        World {
            outside_wage: 0.0,
            ..world(3)
        },
        regime,
    );
    let mut p = fx.producers();
    let mut f = fx.flows();
    f.holder_revenue = vec![0.1, 1.0, 10.0];
    fx.reward(&mut p, &mut f);
    // The floor f solves f + f + 4 f = 11.1: the two lowest are raised to it,
    // the highest is cut to 4 f.
    let income = &f.producers.income;
    let floor = 11.1 / 6.0;
    assert!(
        close(income[0], floor) && close(income[1], floor),
        "{income:?}"
    );
    assert!(close(income[2], 4.0 * floor));
    assert!(close(income.iter().sum(), 11.1) && close(f.ledger.paid, 11.1));
}

#[test]
fn sanctions_grow_with_offences_and_contributors_are_forgiven() {
    let regime = Regime {
        monitoring: 1.0,
        norm: 0.5,
        sanction: 0.25,
        monitoring_cost: 0.03,
        ..Regime::default()
    };
    let fx = Fixture::new(world(3), regime);
    let mut p = fx.producers();
    p.offences = vec![1, 1, 9];
    let mut f = fx.flows();
    f.producers.exerted = vec![2, 8, 0];
    f.producers.income = vec![1.0, 1.0, 1.0];
    f.producers.outside = vec![0.4, 0.0, 0.4];
    let mut space = governance::Workspace::default();
    governance(
        fx.cx(1),
        &mut p,
        &mut f.producers,
        &mut f.ledger,
        &mut f.pools,
        &mut space,
    );
    // Producer 0 shirks (2 of 10 trials): a second offence, fined 0.25 x 2 of
    // its earnings 1.4. Producer 1 contributes: forgiven. Producer 2's tenth
    // offence would cost 2.5 times its earnings: the fine stops at them.
    assert_eq!(p.offences, vec![2, 0, 10]);
    assert!(close(f.producers.fine[0], 0.7));
    assert_eq!(f.producers.fine[1], 0.0);
    assert_eq!(f.producers.fine[2], 1.4);
    assert_eq!(f.ledger.sanctions, 2);
    assert!(close(f.ledger.fines, 2.1));
    assert!(close(f.ledger.monitoring_cost, 0.09));
}

#[test]
fn a_pay_cap_within_groups_bounds_each_group_and_keeps_its_total() {
    let regime = Regime {
        pay_cap: Some(4.0),
        pay_cap_scope: PayCapScope::Group,
        ..Regime::default()
    };
    // Two groups of three (producers 0-2 and 3-5); revenue goes to each producer.
    let fx = Fixture::new(
        World {
            groups: 2,
            outside_wage: 0.0,
            ..world(6)
        },
        regime,
    );
    let mut p = fx.producers();
    let mut f = fx.flows();
    f.holder_revenue = vec![0.1, 1.0, 10.0, 100.0, 500.0, 50.0];
    fx.reward(&mut p, &mut f);
    let income = &f.producers.income;
    // Each group is water-filled on its own: floors 11.1 / 6 and 650 / 6.
    let (low, high) = (11.1 / 6.0, 650.0 / 6.0);
    let expected = [low, low, 4.0 * low, high, 4.0 * high, high];
    for (i, (&got, &want)) in income.iter().zip(&expected).enumerate() {
        assert!(close(got, want), "producer {i}: {got} vs {want}");
    }
    for group in [0..3, 3..6] {
        let pay = &income[group.clone()];
        let max = pay.iter().cloned().fold(f64::MIN, f64::max);
        let min = pay.iter().cloned().fold(f64::MAX, f64::min);
        assert!(max <= 4.0 * min * (1.0 + 1e-12));
        let before: f64 = f.holder_revenue[group].iter().sum();
        assert!(close(pay.iter().sum(), before));
    }
    // Across the economy the ratio is far above the cap: the cap is per group.
    assert!(income[4] / income[0] > 200.0);
    assert!(close(f.ledger.paid, 661.1));
}
