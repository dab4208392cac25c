//! Phase 7, reward (MODEL.md §2.7): who is paid. Revenue goes to the leader's
//! holder (a group splits it); a levy on consumer surplus plus last step's fines,
//! net of last step's monitoring costs, fill a pool paid out equally or by credit;
//! an optional pay cap compresses earnings keeping their total.

use super::config::{Split, Visibility};
use super::simulation::Simulation;

/// Credit below this counts as none.
const CREDIT_FLOOR: f64 = 1e-6;

pub(super) fn run(sim: &mut Simulation) {
    let w = &sim.config.world;
    let r = &sim.config.regime;
    let n = sim.producers.len();
    let p = &mut sim.producers;

    // Credit: moving average of the value added to the frontier.
    for i in 0..n {
        p.credit[i] = w.credit_decay * p.credit[i] + (1.0 - w.credit_decay) * p.new_credit[i];
    }
    let credit = |c: f64| if c < CREDIT_FLOOR { 0.0 } else { c };

    p.income.iter_mut().for_each(|x| *x = 0.0);
    let groups = r.visibility == Visibility::Groups;
    for (h, &rev) in sim.holder_revenue.iter().enumerate() {
        if rev <= 0.0 {
            continue;
        }
        if !groups {
            p.income[h] += rev;
            continue;
        }
        let members = group_members(h, n, w.groups);
        let total: f64 = members.clone().map(|i| credit(p.credit[i])).sum();
        for i in members.clone() {
            let share = match r.group_share {
                Split::Contribution if total > 0.0 => credit(p.credit[i]) / total,
                _ => 1.0 / members.len() as f64,
            };
            p.income[i] += rev * share;
        }
    }

    let levy = r.levy * sim.ledger.consumer_surplus;
    sim.ledger.levy = levy;
    let pool = levy + sim.ledger.fines_carried - sim.ledger.monitoring_carried;
    if pool != 0.0 {
        let total: f64 = p.credit.iter().map(|&c| credit(c)).sum();
        for i in 0..n {
            let share = match r.pool_rule {
                Split::Contribution if total > 0.0 => credit(p.credit[i]) / total,
                _ => 1.0 / n as f64,
            };
            p.income[i] += pool * share;
        }
    }

    // Outside option: unexerted trials of the base budget earn the outside wage.
    for i in 0..n {
        let idle = (p.budget[i] - p.exerted[i] as f64).clamp(0.0, w.base_budget);
        p.outside[i] = w.outside_wage * idle;
    }

    if let Some(cap) = r.pay_cap {
        let scratch = &mut sim.scratch;
        scratch.clear();
        scratch.extend((0..n).map(|i| p.income[i] + p.outside[i]));
        let capped = water_fill(scratch, cap);
        for (income, &y) in p.income.iter_mut().zip(scratch.iter()) {
            if y > 0.0 {
                *income += capped(y) - y;
            }
        }
    }
    sim.ledger.paid = p.income.iter().sum();
}

/// Producers of group `g` (groups are contiguous blocks: group(i) = i*G/N).
pub(crate) fn group_members(g: usize, n: usize, groups: usize) -> std::ops::Range<usize> {
    let first = |g: usize| (g * n).div_ceil(groups);
    first(g)..first(g + 1)
}

/// Water-filling of the positive values in `y` so that max/min <= `cap` with the
/// same total: finds `f` with `sum clamp(y, f, cap*f) = sum y` and returns the
/// map `y -> clamp(y, f, cap*f)` (non-positive values are left alone).
pub fn water_fill(y: &[f64], cap: f64) -> impl Fn(f64) -> f64 + use<> {
    let positive: Vec<f64> = y.iter().copied().filter(|&v| v > 0.0).collect();
    let total: f64 = positive.iter().sum();
    let (lo, hi) = positive
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if positive.is_empty() || hi <= cap * lo {
        return Box::new(|v: f64| v) as Box<dyn Fn(f64) -> f64>;
    }
    let filled = |f: f64| positive.iter().map(|&v| v.clamp(f, cap * f)).sum::<f64>();
    // filled() increases with f; the solution lies between lo and hi / cap.
    let (mut a, mut b) = (lo, hi / cap);
    for _ in 0..200 {
        let mid = 0.5 * (a + b);
        let stuck = mid == a || mid == b;
        if filled(mid) < total {
            a = mid;
        } else {
            b = mid;
        }
        // Once the midpoint is an end of the interval, no later iteration can
        // change `a`: stop early (typically after ~60 of the 200 iterations).
        if stuck {
            break;
        }
    }
    // Solve exactly on the piece where the clamping pattern of `a` holds.
    let f = a;
    let (mut n_low, mut n_high, mut middle) = (0.0, 0.0, 0.0);
    for &v in &positive {
        if v <= f {
            n_low += 1.0;
        } else if v >= cap * f {
            n_high += 1.0;
        } else {
            middle += v;
        }
    }
    let exact = (total - middle) / (n_low + cap * n_high);
    let f = if exact.is_finite() && exact > 0.0 {
        exact
    } else {
        f
    };
    Box::new(move |v: f64| v.clamp(f, cap * f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
        #[test]
        fn pay_cap_bounds_the_ratio_and_keeps_the_total(
            y in proptest::collection::vec(-1.0f64..100.0, 1..60),
            cap in 1.0f64..20.0,
        ) {
            let capped = water_fill(&y, cap);
            let after: Vec<f64> = y.iter().map(|&v| if v > 0.0 { capped(v) } else { v }).collect();
            let before_total: f64 = y.iter().filter(|&&v| v > 0.0).sum();
            let after_total: f64 = after.iter().zip(&y).filter(|(_, v)| **v > 0.0).map(|(a, _)| a).sum();
            prop_assert!((before_total - after_total).abs() <= 1e-9 * before_total.max(1.0));
            let pos: Vec<f64> = after.iter().zip(&y).filter(|(_, v)| **v > 0.0).map(|(a, _)| *a).collect();
            if !pos.is_empty() {
                let max = pos.iter().cloned().fold(f64::MIN, f64::max);
                let min = pos.iter().cloned().fold(f64::MAX, f64::min);
                prop_assert!(max <= cap * min * (1.0 + 1e-9), "max {} min {} cap {}", max, min, cap);
            }
        }
    }
}
