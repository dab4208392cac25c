//! The rules of one step, one file per phase in the order of spec §2
//! (docs/MODEL.md §3 and §7): [`shocks`], [`allocation`], [`adoption`],
//! [`search`], [`disclosure`], [`market`], [`reward`], [`governance`],
//! [`adaptation`], [`observation`].
//!
//! Each rule is a plain function whose signature states what it borrows: the
//! [`Context`] every rule reads (parameters, which step, what the run fixed at
//! its start), the state it reads (`&`) or changes (`&mut`), this step's flows,
//! and its own workspace (space kept between steps so that a step does not
//! allocate). `Simulation::step` lends each rule those parts in turn. The fast
//! algorithms a rule needs are in `kernels`, beside their naive references.

use super::config::{Regime, World};
use super::state::Setting;

pub mod adaptation;
pub mod adoption;
pub mod allocation;
pub mod disclosure;
pub mod governance;
pub mod market;
pub mod migration;
pub mod observation;
pub mod reward;
pub mod search;
pub mod shocks;

#[cfg(test)]
mod tests;

/// Which run and which step: what the random streams are keyed by.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub seed: u64,
    /// The step being run (0 for the first).
    pub time: u32,
}

/// What every rule reads and none changes.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub world: &'a World,
    /// The regime of each population (spec §5), in population order: one in a
    /// single-regime run. A producer lives under `regimes[population[i]]`.
    pub regimes: &'a [Regime],
    pub clock: Clock,
    pub setting: &'a Setting,
}

impl<'a> Context<'a> {
    /// The regime of population `k`.
    #[inline]
    pub fn regime(&self, k: u8) -> &'a Regime {
        &self.regimes[k as usize]
    }

    /// The regime of producer `i` (of `population`). With one population it
    /// is the one regime without a look at `population`: a test of the
    /// number of regimes that does not change inside a loop.
    #[inline]
    pub fn regime_of(&self, population: &[u8], i: usize) -> &'a Regime {
        per_population(self.regimes, population, i)
    }

    /// The one regime of a one-population world, `None` in a mixed world.
    #[inline]
    pub fn single(&self) -> Option<&'a Regime> {
        match self.regimes {
            [r] => Some(r),
            _ => None,
        }
    }

    /// Whether any population's regime satisfies `f`.
    #[inline]
    pub fn any(&self, f: impl Fn(&Regime) -> bool) -> bool {
        self.regimes.iter().any(f)
    }
}

/// Producer `i`'s entry of a per-population table (`xs[population[i]]`),
/// read without a look at `population` when there is one population.
#[inline]
pub fn per_population<'x, T>(xs: &'x [T], population: &[u8], i: usize) -> &'x T {
    match xs {
        [x] => x,
        _ => &xs[population[i] as usize],
    }
}

/// Match of a producer to a problem (spec §2.2, §2.4): its skill, reduced
/// outside its own domain.
#[inline]
pub fn matching(skill: f64, own: u16, problem: u16, cross_domain: f64) -> f64 {
    if own == problem {
        skill
    } else {
        skill * cross_domain
    }
}
