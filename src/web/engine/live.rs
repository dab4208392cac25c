//! The sink of a live run: each row goes to the page as it comes, and is kept
//! for the run's tables.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Result, anyhow};
use tokio::sync::mpsc::Sender;

use super::{Event, Run, lock};
use crate::experiment::runner::{Outcome, Rows, Sink, WORLD};
use crate::experiment::sweep::RunSpec;
use crate::model::METRICS;
use crate::output::parts::Parts;

/// Streams each row of one run as it comes, and keeps them for the tables.
pub(super) struct LiveSink<'a> {
    pub(super) run: &'a Run,
    pub(super) events: &'a Sender<Event>,
    pub(super) parts: &'a Parts,
    pub(super) regime: usize,
    /// Step presses this thread has used.
    pub(super) used: AtomicU64,
    pub(super) kept: Mutex<Rows>,
}

impl Sink for LiveSink<'_> {
    fn chunk(&self, spec: &RunSpec, _chunk: u32, rows: &Rows) -> Result<()> {
        // The page shows the world's rows, each with its populations' shares
        // of the producers (the rows of one step follow the world's); their
        // other metrics go to the tables only.
        let share = METRICS.iter().position(|m| m.name == "population_share");
        for (i, (step, values)) in rows.steps.iter().zip(&rows.values).enumerate() {
            if rows.population[i] != WORLD {
                continue;
            }
            let shares = (i + 1..rows.steps.len())
                .take_while(|&j| rows.population[j] != WORLD && rows.steps[j] == *step)
                .filter_map(|j| share.map(|k| rows.values[j][k]))
                .collect();
            let mut used = self.used.load(Ordering::Relaxed);
            self.run.pass(&mut used)?;
            self.used.store(used, Ordering::Relaxed);
            let row = Event::Row {
                regime: self.regime,
                replicate: spec.replicate,
                step: *step,
                values: self.run.streamed.iter().map(|&k| values[k]).collect(),
                shares,
            };
            // Counted before it is sent, so a page that has it sees it counted.
            self.run.rows.fetch_add(1, Ordering::Relaxed);
            self.events
                .blocking_send(row)
                .map_err(|_| anyhow!("the page closed"))?;
        }
        let mut kept = lock(&self.kept);
        kept.steps.extend_from_slice(&rows.steps);
        kept.population.extend_from_slice(&rows.population);
        kept.values.extend_from_slice(&rows.values);
        Ok(())
    }

    /// One part per run: the rows arrive one at a time, but a run holds at most
    /// `steps` of them (bounded by the server's limits).
    fn finish(&self, spec: &RunSpec, outcome: &Outcome) -> Result<()> {
        let rows = std::mem::take(&mut *lock(&self.kept));
        self.parts.chunk(spec, 0, &rows)?;
        let whole = Outcome {
            chunks: 1,
            ..outcome.clone()
        };
        self.parts.finish(spec, &whole)
    }
}
