//! Phase 7, reward (spec §2.7, docs/MODEL.md §7.7): who is paid. Revenue goes
//! to the leader's holder (a group splits it equally or by credit); a levy on
//! consumer surplus plus last step's fines, net of last step's monitoring
//! costs, fill a pool; with social credit a share of a positive pool buys
//! compute granted by credit, and the rest is paid out equally or by credit;
//! unexerted base trials earn the outside wage; an optional pay cap compresses
//! earnings keeping their total, across the economy or within each group (the
//! water fill of `kernels::water_fill`).

use super::Context;
use crate::model::config::{PayCapScope, Split};
use crate::model::csr::Csr;
use crate::model::flows::{Ledger, Pool, ProducerFlows};
use crate::model::kernels::water_fill::{self, water_fill};
use crate::model::state::Producers;

/// Credit below this counts as none.
const CREDIT_FLOOR: f64 = 1e-6;

/// Credit as the pool reads it: below the floor, none.
#[inline]
fn counted(c: f64) -> f64 {
    if c < CREDIT_FLOOR { 0.0 } else { c }
}

/// Space for the pay cap, kept between steps.
#[derive(Default)]
pub struct Workspace {
    /// Earnings before the cap.
    pay: Vec<f64>,
    water_fill: water_fill::Workspace,
    /// Mixed worlds: producers by population and by group, and one
    /// population's (or group's) income gathered for the cap.
    keys: Vec<u32>,
    members: Csr,
    groups: Csr,
    gathered: Vec<f64>,
}

/// Updates credit, then pays every producer its revenue, pool share and
/// outside wage, capped, and grants compute by social credit.
pub fn reward(
    cx: Context,
    producers: &mut Producers,
    flows: &mut ProducerFlows,
    holder_revenue: &[f64],
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) {
    // Credit: moving average of the value added to the frontier. (The loop
    // zips its vectors: no bounds checks, so it vectorises.)
    let decay = cx.world.credit_decay;
    for (credit, &new) in producers.credit.iter_mut().zip(flows.new_credit.iter()) {
        *credit = decay * *credit + (1.0 - decay) * new;
    }
    let Some(r) = cx.single() else {
        return mixed_reward(cx, producers, flows, holder_revenue, ledger, pools, space);
    };
    let w = cx.world;
    let n = producers.len();
    let ProducerFlows {
        income,
        granted,
        outside,
        exerted,
        ..
    } = flows;

    let credits = &producers.credit;

    income.iter_mut().for_each(|x| *x = 0.0);
    let groups = r.visibility.by_group();
    for (h, &rev) in holder_revenue.iter().enumerate() {
        if rev <= 0.0 {
            continue;
        }
        if !groups {
            income[h] += rev;
            continue;
        }
        let members = group_members(h, n, w.groups);
        let total: f64 = members.clone().map(|i| counted(credits[i])).sum();
        for i in members.clone() {
            let share = match r.group_share {
                Split::Contribution if total > 0.0 => counted(credits[i]) / total,
                _ => 1.0 / members.len() as f64,
            };
            income[i] += rev * share;
        }
    }

    let levy = r.levy * ledger.consumer_surplus;
    ledger.levy = levy;
    let mut pool = levy + ledger.fines_carried - ledger.monitoring_carried;
    let total: f64 = credits.iter().map(|&c| counted(c)).sum();

    // Social credit: a share of a positive pool buys compute for next step,
    // granted by credit; what the budget ceiling leaves is paid out below.
    granted.iter_mut().for_each(|g| *g = 0.0);
    ledger.credit_compute = 0.0;
    if r.credit_compute > 0.0 && pool > 0.0 {
        let room = w.max_budget - w.base_budget;
        let money = r.credit_compute * pool;
        let spent = grant_compute(money, r.compute_price, room, credits, total, granted);
        ledger.credit_compute = spent;
        pool -= spent;
    }

    if pool != 0.0 {
        for (income, &c) in income.iter_mut().zip(credits.iter()) {
            let share = match r.pool_rule {
                Split::Contribution if total > 0.0 => counted(c) / total,
                _ => 1.0 / n as f64,
            };
            *income += pool * share;
        }
    }

    // Outside option: unexerted trials of the base budget earn the outside wage.
    let budget = &producers.budget;
    for ((outside, &budget), &exerted) in outside.iter_mut().zip(budget).zip(exerted.iter()) {
        let idle = (budget - exerted as f64).clamp(0.0, w.base_budget);
        *outside = w.outside_wage * idle;
    }

    if let Some(cap) = r.pay_cap {
        let pay = &mut space.pay;
        pay.clear();
        pay.extend(income.iter().zip(outside.iter()).map(|(i, o)| i + o));
        match r.pay_cap_scope {
            PayCapScope::Economy => cap_pay(pay, income, cap, &mut space.water_fill),
            PayCapScope::Group => {
                for g in 0..w.groups {
                    let members = group_members(g, n, w.groups);
                    let (pay, income) = (&pay[members.clone()], &mut income[members]);
                    cap_pay(pay, income, cap, &mut space.water_fill);
                }
            }
        }
    }
    ledger.paid = income.iter().sum();
}

/// Reward in a mixed world (spec §5): revenue to its holder (a group splits
/// it by its population's rule), then each population's pool (its levy on
/// the surplus credited to it, its fines, less its monitoring costs) paid to
/// its own members by its own rule, the outside wage, and each population's
/// pay cap over its members (or each of its groups).
fn mixed_reward(
    cx: Context,
    producers: &mut Producers,
    flows: &mut ProducerFlows,
    holder_revenue: &[f64],
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) {
    let w = cx.world;
    let n = producers.len();
    let ProducerFlows {
        income,
        granted,
        outside,
        exerted,
        ..
    } = flows;
    let credits = &producers.credit;
    let Workspace {
        pay,
        water_fill: fill,
        keys,
        members,
        groups,
        gathered,
    } = space;
    keys.clear();
    keys.extend(producers.population.iter().map(|&k| k as u32));
    members.build(keys, cx.regimes.len());
    let layout = &cx.setting.layout;
    // Producers by group, built only when a group is paid or capped: in most
    // mixed worlds no population holds by group.
    let mut grouped = false;
    let mut by_group = |groups: &mut Csr| {
        if !grouped {
            groups.build(&producers.group, layout.groups());
            grouped = true;
        }
    };

    income.iter_mut().for_each(|x| *x = 0.0);
    for (h, &rev) in holder_revenue.iter().enumerate() {
        if rev <= 0.0 {
            continue;
        }
        let Some(g) = h.checked_sub(n) else {
            income[h] += rev;
            continue;
        };
        by_group(groups);
        let group = groups.on(g);
        let r = cx.regime(layout.group_population[g]);
        let total: f64 = group.iter().map(|&i| counted(credits[i as usize])).sum();
        for &i in group {
            let share = match r.group_share {
                Split::Contribution if total > 0.0 => counted(credits[i as usize]) / total,
                _ => 1.0 / group.len() as f64,
            };
            income[i as usize] += rev * share;
        }
    }

    granted.iter_mut().for_each(|g| *g = 0.0);
    ledger.levy = 0.0;
    ledger.credit_compute = 0.0;
    // What the pools settle of last step's fines and costs: a population that
    // migration emptied has nobody to settle them (docs/MODEL.md D50).
    ledger.fines_carried = 0.0;
    ledger.monitoring_carried = 0.0;
    for (k, account) in pools.iter_mut().enumerate() {
        let (r, mine) = (&cx.regimes[k], members.on(k));
        // An empty population levies nothing (spec §5).
        if mine.is_empty() {
            continue;
        }
        ledger.fines_carried += account.fines_carried;
        ledger.monitoring_carried += account.monitoring_carried;
        let levy = r.levy * account.surplus;
        account.levy = levy;
        ledger.levy += levy;
        let mut pool = levy + account.fines_carried - account.monitoring_carried;
        let total: f64 = mine.iter().map(|&i| counted(credits[i as usize])).sum();
        let equal = 1.0 / mine.len() as f64;
        let share = |i: u32| match r.pool_rule {
            Split::Contribution if total > 0.0 => counted(credits[i as usize]) / total,
            _ => equal,
        };
        if r.credit_compute > 0.0 && pool > 0.0 {
            let room = w.max_budget - w.base_budget;
            let trials = r.credit_compute * pool / r.compute_price;
            let mut given = 0.0;
            for &i in mine {
                let credit_share = if total > 0.0 {
                    counted(credits[i as usize]) / total
                } else {
                    equal
                };
                granted[i as usize] = (trials * credit_share).min(room);
                given += granted[i as usize];
            }
            let spent = given * r.compute_price;
            ledger.credit_compute += spent;
            account.tally.credit_compute = spent;
            pool -= spent;
        }
        if pool != 0.0 {
            for &i in mine {
                income[i as usize] += pool * share(i);
            }
        }
        account.paid = pool;
    }

    let budget = &producers.budget;
    for ((outside, &budget), &exerted) in outside.iter_mut().zip(budget).zip(exerted.iter()) {
        let idle = (budget - exerted as f64).clamp(0.0, w.base_budget);
        *outside = w.outside_wage * idle;
    }

    for (k, r) in cx.regimes.iter().enumerate() {
        let Some(cap) = r.pay_cap else { continue };
        let mut capped = |who: &[u32]| {
            pay.clear();
            pay.extend(
                who.iter()
                    .map(|&i| income[i as usize] + outside[i as usize]),
            );
            gathered.clear();
            gathered.extend(who.iter().map(|&i| income[i as usize]));
            cap_pay(pay, gathered, cap, fill);
            for (&i, &y) in who.iter().zip(gathered.iter()) {
                income[i as usize] = y;
            }
        };
        match r.pay_cap_scope {
            PayCapScope::Economy => capped(members.on(k)),
            PayCapScope::Group => {
                by_group(groups);
                for g in layout.group_blocks[k].clone() {
                    capped(groups.on(g));
                }
            }
        }
    }
    ledger.paid = income.iter().sum();
}

/// Water-fills the positive earnings `pay` so that max/min <= `cap` with their
/// total kept, booking each change in `income`.
fn cap_pay(pay: &[f64], income: &mut [f64], cap: f64, space: &mut water_fill::Workspace) {
    let capped = water_fill(pay, cap, space);
    for (income, &y) in income.iter_mut().zip(pay.iter()) {
        if y > 0.0 {
            *income += capped(y) - y;
        }
    }
}

/// Social credit (spec §2.7): `money` buys `money / price` trials, granted for
/// next step in proportion to credit (in equal shares when nobody has credit,
/// as the pool), each grant at most `room` trials. Returns the money spent: what
/// the ceiling leaves ungranted stays in the pool.
fn grant_compute(
    money: f64,
    price: f64,
    room: f64,
    credits: &[f64],
    total: f64,
    granted: &mut [f64],
) -> f64 {
    let trials = money / price;
    let equal = 1.0 / granted.len() as f64;
    let mut given = 0.0;
    for (g, &c) in granted.iter_mut().zip(credits) {
        let share = if total > 0.0 {
            counted(c) / total
        } else {
            equal
        };
        *g = (trials * share).min(room);
        given += *g;
    }
    given * price
}

/// Producers of group `g` (groups are contiguous blocks: group(i) = i*G/N).
pub fn group_members(g: usize, n: usize, groups: usize) -> std::ops::Range<usize> {
    let first = |g: usize| (g * n).div_ceil(groups);
    first(g)..first(g + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_members_partition_the_producers() {
        let (n, g) = (103, 10);
        let mut seen = vec![0; n];
        for k in 0..g {
            for i in group_members(k, n, g) {
                assert_eq!(i * g / n, k);
                seen[i] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }
}
