//! Phase 6, market and consumption (spec §2.6, docs/MODEL.md §7.6). On each
//! problem a unit mass of users with type `theta ~ U[0,1]` values quality q at
//! theta * v * q. The holder of the best private solution can charge only for
//! its premium over the best alternative (the open solution, and without
//! exclusive rights the best rival's); pricing leaves the users below the price
//! unserved (deadweight loss). On every problem: potential surplus = consumer
//! surplus + revenue + deadweight loss.

use super::Context;
use crate::model::config::Visibility;
use crate::model::flows::{Ledger, Pool, Sale};
use crate::model::network::MixedSight;
use crate::model::state::Problems;

/// The monopoly-on-a-premium outcome for value `v`, the leader's quality `q1`,
/// the best rival's `q2` (0 if none), the open quality and the frontier.
pub fn sale(v: f64, q1: Option<f64>, q2: f64, open: f64, frontier: f64, exclusive: bool) -> Sale {
    let potential = v * frontier / 2.0;
    let alternative = if exclusive { open } else { q2.max(open) };
    match q1 {
        Some(q1) if q1 - alternative > 0.0 => {
            let delta = q1 - alternative;
            Sale {
                potential,
                consumer_surplus: v * alternative / 2.0 + v * delta / 8.0,
                revenue: v * delta / 4.0,
                deadweight_loss: v * delta / 8.0,
            }
        }
        _ => Sale {
            potential,
            consumer_surplus: potential,
            revenue: 0.0,
            deadweight_loss: 0.0,
        },
    }
}

/// Every problem's sale, the revenue of each holder and the step's surplus
/// totals; in a mixed world also the consumer surplus credited to each
/// population's pool (spec §5).
pub fn market(
    cx: Context,
    problems: &Problems,
    sales: &mut [Sale],
    holder_revenue: &mut [f64],
    ledger: &mut Ledger,
    pools: &mut [Pool],
) {
    if let Some(m) = cx.setting.sight.mixed.as_deref() {
        return mixed_market(cx, m, problems, sales, holder_revenue, ledger, pools);
    }
    let private = cx.setting.sight.visibility != Visibility::Open;
    let exclusive = cx.regimes[0].exclusive;
    let q = problems;
    holder_revenue.iter_mut().for_each(|r| *r = 0.0);
    let l = ledger;
    for (j, split) in sales.iter_mut().enumerate() {
        let records = if private { q.records(j) } else { &[] };
        // One record per holder, best first: the second record is the best rival.
        let leader = records.first();
        let q2 = records.get(1).map_or(0.0, |r| r.solution.quality);
        let s = sale(
            q.value[j],
            leader.map(|r| r.solution.quality),
            q2,
            q.open_quality(j),
            q.frontier[j],
            exclusive,
        );
        if let Some(leader) = leader
            && s.revenue > 0.0
        {
            holder_revenue[leader.holder as usize] += s.revenue;
        }
        *split = s;
        l.potential_surplus += s.potential;
        l.consumer_surplus += s.consumer_surplus;
        l.revenue += s.revenue;
        l.deadweight_loss += s.deadweight_loss;
    }
}

/// The market of a mixed world (spec §5): one market per problem over every
/// holder's records, where the records of open populations' holders are free
/// (they are at most the open solution) and only the others sell; the leader's
/// population says whether rights are exclusive. The population holding
/// `Qopen` is credited with `v Qopen / 2` of the consumer surplus, the leader's
/// population (or, with no private record, the open one) with the rest.
fn mixed_market(
    cx: Context,
    m: &MixedSight,
    q: &Problems,
    sales: &mut [Sale],
    holder_revenue: &mut [f64],
    l: &mut Ledger,
    pools: &mut [Pool],
) {
    holder_revenue.iter_mut().for_each(|r| *r = 0.0);
    for (j, split) in sales.iter_mut().enumerate() {
        let mut private = q.records(j).iter().filter(|r| !m.is_open(r.holder));
        let leader = private.next();
        let q2 = private.next().map_or(0.0, |r| r.solution.quality);
        let leader_population = leader.map(|r| m.holder_population(r.holder));
        let exclusive = leader_population.is_some_and(|k| cx.regime(k).exclusive);
        let (v, open) = (q.value[j], q.open_quality(j));
        let s = sale(
            v,
            leader.map(|r| r.solution.quality),
            q2,
            open,
            q.frontier[j],
            exclusive,
        );
        if let Some(leader) = leader
            && s.revenue > 0.0
        {
            holder_revenue[leader.holder as usize] += s.revenue;
        }
        let open_population = q.open_population[j] as usize;
        let open_part = if q.open[j].is_some() {
            v * open / 2.0
        } else {
            0.0
        };
        pools[open_population].surplus += open_part;
        let rest = leader_population.map_or(open_population, |k| k as usize);
        pools[rest].surplus += s.consumer_surplus - open_part;
        // What observation reads (docs/MODEL.md D52): the leader's population
        // sells and loses the deadweight; the potential surplus is the
        // frontier holder's (the best record's, or the open solution's).
        let tally = &mut pools[rest].tally;
        tally.revenue += s.revenue;
        tally.deadweight_loss += s.deadweight_loss;
        let best = q.records(j).first().filter(|r| r.solution.quality >= open);
        let holder = best.map_or(open_population, |r| m.holder_population(r.holder) as usize);
        pools[holder].tally.potential_surplus += s.potential;
        *split = s;
        l.potential_surplus += s.potential;
        l.consumer_surplus += s.consumer_surplus;
        l.revenue += s.revenue;
        l.deadweight_loss += s.deadweight_loss;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_private_holder_takes_a_quarter_and_wastes_a_quarter() {
        let (v, q) = (2.0, 0.6);
        let s = sale(v, Some(q), 0.0, 0.0, q, false);
        assert!((s.revenue - v * q / 4.0).abs() < 1e-12);
        assert!((s.consumer_surplus - v * q / 8.0).abs() < 1e-12);
        assert!((s.deadweight_loss - v * q / 8.0).abs() < 1e-12);
        assert!((s.potential - v * q / 2.0).abs() < 1e-12);
        assert_eq!(s, sale(v, Some(q), 0.0, 0.0, q, true));
    }

    #[test]
    fn an_equal_rival_drives_the_price_to_zero_without_exclusive_rights() {
        let s = sale(1.0, Some(0.5), 0.5, 0.2, 0.5, false);
        assert_eq!(s.revenue, 0.0);
        assert_eq!(s.consumer_surplus, 0.25);
        // With exclusive rights the rival may not sell: only the open solution competes.
        let s = sale(1.0, Some(0.5), 0.5, 0.2, 0.5, true);
        assert!((s.revenue - 0.3 / 4.0).abs() < 1e-12);
    }
}
