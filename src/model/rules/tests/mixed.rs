//! Mixed worlds (spec §5): rules on tiny worlds of two populations, where
//! visibility, the market and the pools follow each holder's population.

use super::{Fixture, close, solution};
use crate::model::config::{Regime, Split, Visibility, World};
use crate::model::heads::{Head, OPEN_HOLDER, sees_head};
use crate::model::kernels::view::HeadsSeen;
use crate::model::network::NO_LINK;
use crate::model::rules::market::market;

fn world(producers: usize) -> World {
    World {
        producers,
        problems: 1,
        groups: 2,
        base_budget: 10.0,
        outside_wage: 0.0,
        ..World::default()
    }
}

/// An enclosed population (private, exclusive rights) and an open one.
fn enclosed_and_open() -> Vec<Regime> {
    let enclosed = Regime {
        visibility: Visibility::Private,
        exclusive: true,
        levy: 0.1,
        ..Regime::default()
    };
    let open = Regime {
        visibility: Visibility::Open,
        levy: 0.1,
        ..Regime::default()
    };
    vec![enclosed, open]
}

#[test]
fn open_work_of_another_population_caps_the_enclosed_leaders_premium() {
    // Producers 0 and 1 live under enclosure, 2 and 3 in the open population.
    let fx = Fixture::mixed(world(4), enclosed_and_open(), &[0.5, 0.5]);
    let mut q = fx.problems();
    q.value[0] = 2.0;
    q.offer(0, 0, solution(0.8, 1), 0);
    // The open producer's record, and its open solution (published at once).
    q.offer(0, 2, solution(0.5, 2), 0);
    q.open[0] = Some(solution(0.5, 2));
    q.open_population[0] = 1;
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
    // The premium is measured against the other population's open 0.5 (its
    // record does not sell: it is free), not against nothing.
    let s = f.problems.sales[0];
    assert!(close(s.revenue, 2.0 * 0.3 / 4.0), "{s:?}");
    assert!(close(f.holder_revenue[0], s.revenue));
    assert!(f.holder_revenue[1..].iter().all(|&r| r == 0.0));
    // The open population is credited v Qopen / 2 of the surplus, the
    // leader's population the rest; together, all of it.
    assert!(close(f.pools[1].surplus, 2.0 * 0.5 / 2.0));
    assert!(close(f.pools[0].surplus, s.consumer_surplus - 0.5));
    assert!(close(
        f.pools[0].surplus + f.pools[1].surplus,
        f.ledger.consumer_surplus
    ));

    // Open work above the enclosed record: nothing to charge, and the whole
    // potential is consumer surplus.
    q.open[0] = Some(solution(0.9, 3));
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
    let s = f.problems.sales[0];
    assert_eq!(s.revenue, 0.0);
    assert!(close(s.consumer_surplus, s.potential));
}

#[test]
fn the_market_books_each_populations_part_for_observation() {
    // The enclosed leader (population 0) at 0.8 above the open 0.5 (population 1).
    let fx = Fixture::mixed(world(4), enclosed_and_open(), &[0.5, 0.5]);
    let mut q = fx.problems();
    q.value[0] = 2.0;
    q.offer(0, 0, solution(0.8, 1), 0);
    q.open[0] = Some(solution(0.5, 2));
    q.open_population[0] = 1;
    q.recompute_frontier(0);
    let mut f = fx.flows();
    let (sales, revenue) = (&mut f.problems.sales, &mut f.holder_revenue);
    market(fx.cx(1), &q, sales, revenue, &mut f.ledger, &mut f.pools);
    let s = f.problems.sales[0];
    let (closed, open) = (f.pools[0].tally, f.pools[1].tally);
    // The leader's population sells and its users lose the deadweight; the
    // potential is the frontier holder's, the enclosed leader's.
    assert_eq!(
        (closed.revenue, closed.deadweight_loss),
        (s.revenue, s.deadweight_loss)
    );
    assert_eq!((open.revenue, open.deadweight_loss), (0.0, 0.0));
    assert_eq!(
        (closed.potential_surplus, open.potential_surplus),
        (s.potential, 0.0)
    );

    // With open work at the frontier, the potential is the open population's.
    q.open[0] = Some(solution(0.9, 3));
    q.recompute_frontier(0);
    let mut f = fx.flows();
    let (sales, revenue) = (&mut f.problems.sales, &mut f.holder_revenue);
    market(fx.cx(1), &q, sales, revenue, &mut f.ledger, &mut f.pools);
    let s = f.problems.sales[0];
    assert_eq!(f.pools[1].tally.potential_surplus, s.potential);
    assert_eq!(f.pools[0].tally.potential_surplus, 0.0);
}

#[test]
fn each_levy_pool_is_paid_to_its_own_population_only() {
    let mut regimes = enclosed_and_open();
    regimes[1].pool_rule = Split::Equal;
    let fx = Fixture::mixed(world(5), regimes, &[0.4, 0.6]);
    let mut p = fx.producers();
    assert_eq!(p.population, vec![0, 0, 1, 1, 1]);
    let mut f = fx.flows();
    f.producers.exerted = vec![10; 5];
    f.pools[0].surplus = 10.0;
    f.pools[1].surplus = 30.0;
    fx.reward(&mut p, &mut f);
    // Each population levies 0.1 of the surplus credited to it and pays it to
    // its own members in equal shares.
    assert!(close(f.ledger.levy, 1.0 + 3.0));
    for i in 0..2 {
        assert!(close(f.producers.income[i], 1.0 / 2.0), "{i}");
    }
    for i in 2..5 {
        assert!(close(f.producers.income[i], 3.0 / 3.0), "{i}");
    }
    assert!(close(f.ledger.paid, f.ledger.levy));
}

#[test]
fn what_a_holder_holds_follows_its_populations_rule() {
    // Population 0 holds by (federated) group, population 1 is open, 2 private.
    let regimes = vec![
        Regime {
            visibility: Visibility::Federated,
            ..Regime::default()
        },
        Regime {
            visibility: Visibility::Open,
            ..Regime::default()
        },
        Regime::default(),
    ];
    let w = World {
        groups: 4, // apportioned 2, 1, 1
        ..world(6)
    };
    let fx = Fixture::mixed(w, regimes, &[2.0 / 6.0, 2.0 / 6.0, 2.0 / 6.0]);
    let p = fx.producers();
    let sight = &fx.setting.sight;
    assert_eq!(p.population, vec![0, 0, 1, 1, 2, 2]);
    // Group holders are numbered after the producers.
    let group_holder = sight.holder(0, p.group[0]);
    assert_eq!(group_holder, 6 + p.group[0]);
    assert_ne!(p.group[0], p.group[1]);
    assert_eq!(sight.holder(1, p.group[1]), 6 + p.group[1]);
    assert_eq!(sight.holder(4, p.group[4]), 4);
    for viewer in 0..6 {
        let sees = |holder: u32| sight.sees_holder(viewer, p.group[viewer], holder, &[]);
        // The group's record: its members only.
        assert_eq!(sees(group_holder), viewer == 0, "viewer {viewer}");
        // The open population's records: everyone.
        assert!(sees(2) && sees(3));
        // A private record: its holder only.
        assert_eq!(sees(4), viewer == 4);
    }
    assert!(sight.is_open(3) && !sight.is_open(4) && !sight.is_open(group_holder));
    // The heads a producer sees are those the rule lets it see (`sees_head`),
    // a federation link included.
    let holders = [
        group_holder,
        6 + p.group[1],
        6 + p.group[4],
        2,
        4,
        5,
        OPEN_HOLDER,
    ];
    let row: Vec<Head> = (holders.iter())
        .map(|&holder| Head {
            holder,
            last_improved: 0,
            tried: 0,
            solution: solution(0.5, 1),
        })
        .collect();
    let mut links = vec![NO_LINK; fx.setting.layout.groups()];
    links[p.group[0] as usize] = p.group[1];
    for viewer in 0..6 {
        let g = p.group[viewer];
        let seen = HeadsSeen::of(&row, sight, &links, viewer, g);
        let visible: Vec<u32> = seen.visible().map(|h| h.holder).collect();
        let expected: Vec<u32> = (holders.iter().copied())
            .filter(|&h| sees_head(sight, &links, viewer, g, h))
            .collect();
        assert_eq!(visible, expected, "viewer {viewer}");
    }
}

#[test]
fn a_migrant_joins_the_group_it_compared_with_and_opens_what_it_holds() {
    use crate::model::flows::Ledger;
    use crate::model::rules::migration::{self, migration};
    let w = World {
        migration_rate: 1.0,
        temperature: 1e-6,
        ..world(4)
    };
    let fx = Fixture::mixed(w, enclosed_and_open(), &[0.5, 0.5]);
    let mut p = fx.producers();
    // The open population is paid far better: the enclosed producers join it.
    p.payoff = vec![0.0, 0.0, 10.0, 10.0];
    let mut q = fx.problems();
    q.offer(0, 0, solution(0.7, 1), 0);
    q.offer(0, 1, solution(0.6, 2), 0);
    q.recompute_frontier(0);
    let mut setting = fx.setting.clone();
    let (mut ledger, mut space) = (Ledger::default(), migration::Workspace::default());
    let regimes = fx.regimes.clone();
    migration(
        &fx.world,
        &regimes,
        fx.cx(1).clock,
        &mut p,
        &mut q,
        &mut setting,
        &mut ledger,
        &mut space,
    );
    assert_eq!(ledger.migrants, 2);
    assert_eq!(p.population, vec![1, 1, 1, 1]);
    // Each joined the group of an open producer; the open stayed.
    let open_group = setting.layout.group_blocks[1].clone();
    assert!(p.group.iter().all(|&g| open_group.contains(&(g as usize))));
    // Its best record is now the open solution, credited to the open population,
    // and what it holds is visible to all.
    assert_eq!(q.open[0], Some(solution(0.7, 1)));
    assert_eq!(q.open_population[0], 1);
    assert!(setting.sight.is_open(0) && setting.sight.sees_holder(3, p.group[3], 0, &[]));
    // Imitation peers are of one population: now everyone's.
    let pool = setting.peers.on(setting.peer_key[0] as usize);
    assert!(pool.iter().all(|&i| p.population[i as usize] == 1));
    assert_eq!(p.invest_share[0], 0.0);
}
