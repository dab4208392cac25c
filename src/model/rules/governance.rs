//! Phase 8, governance (spec §2.8, docs/MODEL.md §7.8): monitoring with
//! graduated sanctions (Ostrom). Each producer is observed with probability
//! `monitoring`; an observed shirker (exerted share below `norm`) is fined
//! `sanction` times its offences times its earnings (at most its earnings),
//! an observed contributor has an offence forgiven. Observation is a real
//! cost; fines and costs settle through the next step's pool.

use rand::RngExt;
use rand::distr::Bernoulli;

use super::{Context, per_population};
use crate::model::config::Regime;
use crate::model::flows::{Ledger, Pool, ProducerFlows};
use crate::model::kernels::par::map_into;
use crate::model::rng::{Phase, Streams};
use crate::model::state::Producers;

/// A monitoring outcome: observed, offences after, fine.
type Verdict = (bool, u32, f64);

/// Space for the verdicts of a step, kept between steps.
#[derive(Default)]
pub struct Workspace {
    verdicts: Vec<Verdict>,
    /// Each population's draw of `monitoring`.
    observes: Vec<Bernoulli>,
}

/// Monitors every producer and fines the observed shirkers.
pub fn governance(
    cx: Context,
    producers: &mut Producers,
    flows: &mut ProducerFlows,
    ledger: &mut Ledger,
    pools: &mut [Pool],
    space: &mut Workspace,
) {
    // Each population monitors its own members by its own rule (spec §5).
    if !cx.any(|r| r.monitoring > 0.0) {
        flows.fine.iter_mut().for_each(|f| *f = 0.0);
        return;
    }
    let (p, f) = (&*producers, &*flows);
    let streams = Streams::new(cx.clock.seed, cx.clock.time, Phase::Governance);
    // Built once per population, drawn like `random_bool(monitoring)`.
    let observers = &mut space.observes;
    observers.clear();
    observers.extend(
        cx.regimes
            .iter()
            .map(|r| Bernoulli::new(r.monitoring.max(0.0)).expect("validated probability")),
    );
    let verdicts = &mut space.verdicts;
    // One regime: its rule is the same for every producer (a loop of its own).
    match cx.single() {
        Some(r) => map_into(
            p.len(),
            verdicts,
            #[inline(always)]
            |i| verdict(p, f, &streams, i, r, observers[0]),
        ),
        None => map_into(
            p.len(),
            verdicts,
            #[inline(always)]
            |i| {
                let observes = *per_population(observers, &p.population, i);
                verdict(p, f, &streams, i, cx.regime_of(&p.population, i), observes)
            },
        ),
    }
    let (mut observed, mut fines, mut sanctions) = (0u32, 0.0, 0u32);
    let mixed = cx.single().is_none();
    let Producers {
        offences: offences_then,
        population,
        ..
    } = producers;
    let records = offences_then.iter_mut().zip(&mut flows.fine);
    for (i, ((offences_now, fine_now), &(seen, offences, fine))) in
        records.zip(verdicts.iter()).enumerate()
    {
        let sanctioned = (offences > *offences_now) as u32;
        sanctions += sanctioned;
        if mixed {
            pools[population[i] as usize].tally.sanctions += sanctioned;
        }
        observed += seen as u32;
        *offences_now = offences;
        *fine_now = fine;
        fines += fine;
    }
    ledger.fines = fines;
    ledger.sanctions = sanctions;
    if let Some(r) = cx.single() {
        ledger.monitoring_cost = observed as f64 * r.monitoring_cost;
        return;
    }
    // A mixed world: each population's fines and costs go to its own pool.
    let mut cost = 0.0;
    for (i, &(seen, _, fine)) in verdicts.iter().enumerate() {
        let k = producers.population[i];
        let pool = &mut pools[k as usize];
        pool.fines += fine;
        let each = cx.regime(k).monitoring_cost * seen as u8 as f64;
        pool.monitoring_cost += each;
        cost += each;
    }
    ledger.monitoring_cost = cost;
}

/// Producer `i`'s monitoring outcome under its regime `r`. Inlined into the
/// loops of [`governance`], as their closures are: called out of line, the
/// call and its returned tuple cost as much as the rule.
#[inline(always)]
fn verdict(
    p: &Producers,
    f: &ProducerFlows,
    streams: &Streams,
    i: usize,
    r: &Regime,
    observes: Bernoulli,
) -> Verdict {
    if r.monitoring <= 0.0 {
        return (false, p.offences[i], 0.0);
    }
    let mut rng = streams.get(i as u64);
    if !rng.sample(observes) {
        return (false, p.offences[i], 0.0);
    }
    let exerted_share = f.exerted[i] as f64 / p.budget[i];
    if exerted_share < r.norm {
        let offences = p.offences[i] + 1;
        let earnings = (f.income[i] + f.outside[i]).max(0.0);
        let fine = (r.sanction * offences as f64 * earnings).min(earnings);
        (true, offences, fine)
    } else {
        (true, p.offences[i].saturating_sub(1), 0.0)
    }
}
