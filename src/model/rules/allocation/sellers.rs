//! How many sell on each problem (spec §2.2): what crowds a market choice.

use super::super::Context;
use crate::model::csr::Csr;

/// The market's sellers on each problem (spec §2.2): the distinct holders (a
/// producer, or its group under group visibility) among last step's team. A
/// team is in slot order and groups are contiguous blocks of slots, so holders
/// come sorted and each new one starts a run. Not capped by `S`.
pub(super) fn count_sellers(
    cx: Context,
    group: &[u32],
    teams: &Csr,
    sellers: &mut [u32],
    holders: &mut Vec<u32>,
) {
    let sight = &cx.setting.sight;
    if sight.mixed.is_some() {
        return count_sellers_mixed(cx, group, teams, sellers, holders);
    }
    for (j, sellers) in sellers.iter_mut().enumerate() {
        let mut last = None;
        *sellers = 0;
        for &i in teams.on(j) {
            let holder = sight.holder(i as usize, group[i as usize]);
            *sellers += (last != Some(holder)) as u32;
            last = Some(holder);
        }
    }
}

/// [`count_sellers`] in a mixed world, where migrants leave a group's members
/// out of slot order: each team's holders are sorted, then counted.
#[inline(never)]
fn count_sellers_mixed(
    cx: Context,
    group: &[u32],
    teams: &Csr,
    sellers: &mut [u32],
    holders: &mut Vec<u32>,
) {
    let sight = &cx.setting.sight;
    for (j, sellers) in sellers.iter_mut().enumerate() {
        holders.clear();
        holders.extend((teams.on(j).iter()).map(|&i| sight.holder(i as usize, group[i as usize])));
        holders.sort_unstable();
        holders.dedup();
        *sellers = holders.len() as u32;
    }
}
