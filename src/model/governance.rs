//! Phase 8, governance (MODEL.md §2.8): monitoring with graduated sanctions
//! (Ostrom). Observed shirkers are fined more for each repeated offence; observed
//! contributors have an offence forgiven. Observation is a real cost.

use rand::RngExt;
use rand::distr::Bernoulli;

use super::rng::{Phase, Streams};
use super::simulation::Simulation;
use super::state::map_into;

/// A monitoring outcome: observed, offences after, fine.
pub(crate) type Verdict = (bool, u32, f64);

pub(super) fn run(sim: &mut Simulation) {
    let r = &sim.config.regime;
    let p = &mut sim.producers;
    if r.monitoring <= 0.0 {
        p.fine.iter_mut().for_each(|f| *f = 0.0);
        return;
    }
    let (t, seed) = (sim.time, sim.seed);
    let p_ro = &*p;
    let streams = Streams::new(seed, t, Phase::Governance);
    // Built once, drawn like `random_bool(monitoring)`.
    let observes = Bernoulli::new(r.monitoring).expect("validated probability");
    let verdicts = &mut sim.buffers.verdicts;
    map_into(p_ro.len(), verdicts, |i| {
        let mut rng = streams.get(i as u64);
        if !rng.sample(observes) {
            return (false, p_ro.offences[i], 0.0);
        }
        let exerted_share = p_ro.exerted[i] as f64 / p_ro.budget[i];
        if exerted_share < r.norm {
            let offences = p_ro.offences[i] + 1;
            let earnings = (p_ro.income[i] + p_ro.outside[i]).max(0.0);
            let fine = (r.sanction * offences as f64 * earnings).min(earnings);
            (true, offences, fine)
        } else {
            (true, p_ro.offences[i].saturating_sub(1), 0.0)
        }
    });
    let (mut observed, mut fines, mut sanctions) = (0u32, 0.0, 0u32);
    let records = p.offences.iter_mut().zip(&mut p.fine);
    for ((offences_now, fine_now), &(seen, offences, fine)) in records.zip(verdicts.iter()) {
        sanctions += (offences > *offences_now) as u32;
        observed += seen as u32;
        *offences_now = offences;
        *fine_now = fine;
        fines += fine;
    }
    sim.ledger.fines = fines;
    sim.ledger.sanctions = sanctions;
    sim.ledger.monitoring_cost = observed as f64 * r.monitoring_cost;
}
