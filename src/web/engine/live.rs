//! The sink of a live run: each row goes to the page as it comes, and is kept
//! for the run's tables.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Result, anyhow};
use tokio::sync::mpsc::Sender;

use super::{Event, Run, lock};
use crate::experiment::runner::{Outcome, Rows, Sink, WORLD};
use crate::experiment::sweep::RunSpec;
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
        // The page shows the world's rows; a mixed world's populations' rows go
        // to the tables only.
        let world = (rows.steps.iter().zip(&rows.values).zip(&rows.population))
            .filter(|&(_, &k)| k == WORLD)
            .map(|(row, _)| row);
        for (step, values) in world {
            let mut used = self.used.load(Ordering::Relaxed);
            self.run.pass(&mut used)?;
            self.used.store(used, Ordering::Relaxed);
            let row = Event::Row {
                regime: self.regime,
                replicate: spec.replicate,
                step: *step,
                values: self.run.streamed.iter().map(|&k| values[k]).collect(),
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
