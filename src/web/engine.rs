//! One run of the page: the threads that step it, the gate that paces, pauses
//! and steps them, and the files it leaves. Each run goes through
//! `runner::simulate`, the code `regimes run` uses, with a sink that streams
//! every recorded row and keeps it for the tables, so what the page shows and
//! offers is what `regimes run` of the same scenario computes, bit for bit.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use serde::Serialize;
use tokio::sync::mpsc::Sender;

use crate::experiment::runner::{self, Outcome, Rows};
use crate::experiment::scenario::Scenario;
use crate::output::charts::{self, Format};
use crate::output::files::write_atomic;
use crate::output::parts::Parts;
use crate::output::tables::{self, SCENARIO};

mod files;
mod live;

use files::{csv_copy, listing};
use live::LiveSink;

/// What the page hears while a run goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// One recorded step of one regime: the streamed metrics, NaN where there was nothing to measure.
    Row {
        regime: usize,
        replicate: u32,
        step: u32,
        values: Vec<f64>,
        /// A mixed world's populations' shares of the producers at this step,
        /// in population order (empty for one regime).
        shares: Vec<f64>,
    },
    /// Every regime finished this replicate.
    Replicate(u32),
    /// The tables and charts stand; the files that can be downloaded.
    Done(Vec<String>),
    Failed(String),
}

/// Where a run is in its life.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Created; nobody has opened its event stream yet.
    Waiting,
    Running,
    /// Writing the tables and drawing the charts.
    Assembling,
    Finished,
    Failed,
    /// Its page went away, or asked to reset.
    Cancelled,
}

impl Phase {
    /// Still using a thread.
    pub fn is_live(self) -> bool {
        matches!(self, Phase::Waiting | Phase::Running | Phase::Assembling)
    }
}

/// The settings the page's buttons change.
#[derive(Debug)]
struct Control {
    paused: bool,
    /// Step presses so far; a paused run thread passes once per press.
    presses: u64,
    delay: Duration,
    cancelled: bool,
}

/// What the page can ask about a run.
#[derive(Serialize, Debug, Clone)]
pub struct Status {
    pub id: u64,
    pub phase: Phase,
    pub paused: bool,
    pub delay_ms: u64,
    pub replicates_done: u32,
    pub rows: u64,
    pub files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    replicates_done: u32,
    files: Vec<String>,
    message: Option<String>,
    changed: Instant,
}

/// One run of the page.
#[derive(Debug)]
pub struct Run {
    pub id: u64,
    pub scenario: Scenario,
    /// The resolved scenario: `regimes run` of it gives the same tables.
    pub toml: String,
    /// Column positions (in `METRICS`) of the streamed metrics.
    pub streamed: Vec<usize>,
    dir: PathBuf,
    control: Mutex<Control>,
    wake: Condvar,
    state: Mutex<State>,
    rows: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking run thread must not take the server with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Run {
    pub fn new(
        id: u64,
        scenario: Scenario,
        streamed: Vec<usize>,
        dir: PathBuf,
        delay_ms: u64,
        paused: bool,
    ) -> Run {
        Run {
            id,
            toml: scenario.to_toml(),
            scenario,
            streamed,
            dir,
            control: Mutex::new(Control {
                paused,
                presses: 0,
                delay: Duration::from_millis(delay_ms),
                cancelled: false,
            }),
            wake: Condvar::new(),
            state: Mutex::new(State {
                phase: Phase::Waiting,
                replicates_done: 0,
                files: Vec::new(),
                message: None,
                changed: Instant::now(),
            }),
            rows: AtomicU64::new(0),
        }
    }

    pub fn status(&self) -> Status {
        let (paused, delay_ms) = {
            let c = lock(&self.control);
            (c.paused, c.delay.as_millis() as u64)
        };
        let s = lock(&self.state);
        Status {
            id: self.id,
            phase: s.phase,
            paused,
            delay_ms,
            replicates_done: s.replicates_done,
            rows: self.rows.load(Ordering::Relaxed),
            files: s.files.clone(),
            message: s.message.clone(),
        }
    }

    pub fn phase(&self) -> Phase {
        lock(&self.state).phase
    }

    /// Time since the phase last changed.
    pub fn idle(&self) -> Duration {
        lock(&self.state).changed.elapsed()
    }

    /// Moves from `from` to `to`, unless the run has moved on (a cancel came first).
    fn advance(&self, from: Phase, to: Phase) -> bool {
        let mut s = lock(&self.state);
        let moved = s.phase == from;
        if moved {
            s.phase = to;
            s.changed = Instant::now();
        }
        moved
    }

    /// The file a download names, if the finished run left it.
    pub fn file(&self, name: &str) -> Option<PathBuf> {
        let s = lock(&self.state);
        s.files
            .iter()
            .any(|f| f == name)
            .then(|| self.dir.join(name))
    }

    /// Pause, resume, step one recorded step, or change the pace.
    pub fn control(&self, paused: Option<bool>, step: bool, delay_ms: Option<u64>) {
        let mut c = lock(&self.control);
        if let Some(p) = paused {
            c.paused = p;
        }
        if step {
            c.paused = true;
            c.presses += 1;
        }
        if let Some(d) = delay_ms {
            c.delay = Duration::from_millis(d);
        }
        self.wake.notify_all();
    }

    /// Stops the threads at their next row; a finished run keeps its files.
    pub fn cancel(&self) {
        lock(&self.control).cancelled = true;
        self.wake.notify_all();
        let mut s = lock(&self.state);
        if s.phase.is_live() {
            s.phase = Phase::Cancelled;
            s.changed = Instant::now();
        }
    }

    /// Waits until a run thread may hand over its next row: at once when
    /// running (after the pace delay), on a step press when paused.
    fn pass(&self, used: &mut u64) -> Result<()> {
        let mut c = lock(&self.control);
        loop {
            if c.cancelled {
                return Err(anyhow!("run {} was cancelled", self.id));
            }
            if !c.paused {
                break;
            }
            if c.presses > *used {
                *used += 1;
                break;
            }
            c = self.wake.wait(c).unwrap_or_else(|e| e.into_inner());
        }
        let delay = c.delay;
        if !delay.is_zero() {
            let (c, _) = self
                .wake
                .wait_timeout_while(c, delay, |c| !c.cancelled)
                .unwrap_or_else(|e| e.into_inner());
            if c.cancelled {
                return Err(anyhow!("run {} was cancelled", self.id));
            }
        }
        Ok(())
    }

    /// Steps every run, replicate after replicate (the regimes of a replicate side
    /// by side, each on its own thread), then writes the tables and charts.
    pub fn drive(&self, events: Sender<Event>) {
        if !self.advance(Phase::Waiting, Phase::Running) {
            return self.clean();
        }
        let result = self.step_all(&events).and_then(|()| {
            if !self.advance(Phase::Running, Phase::Assembling) {
                return Err(anyhow!("run {} was cancelled", self.id));
            }
            self.assemble()
        });
        let cancelled = lock(&self.control).cancelled;
        match result {
            Ok(files) if !cancelled => {
                {
                    let mut s = lock(&self.state);
                    s.files = files.clone();
                    s.phase = Phase::Finished;
                    s.changed = Instant::now();
                }
                let _ = events.blocking_send(Event::Done(files));
            }
            Ok(_) => self.clean(),
            Err(_) if cancelled => self.clean(),
            Err(e) => {
                let message = format!("{e:#}");
                {
                    let mut s = lock(&self.state);
                    s.message = Some(message.clone());
                    s.phase = Phase::Failed;
                    s.changed = Instant::now();
                }
                // The page may be gone: then nobody needs to hear it.
                let _ = events.blocking_send(Event::Failed(message));
                self.clean();
            }
        }
    }

    fn step_all(&self, events: &Sender<Event>) -> Result<()> {
        let s = &self.scenario;
        let parts = Parts::of(&self.dir);
        parts.create()?;
        // Step presses used so far: a press made before a thread starts is its to use.
        let mut presses = 0;
        for replicate in 0..s.replicates {
            let results: Vec<(Result<Outcome>, u64)> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..s.regimes.len())
                    .map(|regime| {
                        let parts = &parts;
                        scope.spawn(move || {
                            // The run order of sweep.rs at sweep point 0.
                            let index = regime as u32 * s.replicates + replicate;
                            let sink = LiveSink {
                                run: self,
                                events,
                                parts,
                                regime,
                                used: AtomicU64::new(presses),
                                kept: Mutex::new(Rows::default()),
                            };
                            let outcome = runner::simulate(s, &s.run_spec(index), 1, &sink);
                            (outcome, sink.used.load(Ordering::Relaxed))
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| (Err(anyhow!("a run thread panicked")), presses))
                    })
                    .collect()
            });
            for (result, used) in results {
                result?;
                presses = presses.max(used);
            }
            lock(&self.state).replicates_done = replicate + 1;
            events
                .blocking_send(Event::Replicate(replicate))
                .map_err(|_| anyhow!("the page closed"))?;
        }
        Ok(())
    }

    /// The tables and charts `regimes run` would write, from the same parts.
    fn assemble(&self) -> Result<Vec<String>> {
        let parts = Parts::of(&self.dir);
        tables::assemble(&self.scenario, &parts, &self.dir)?;
        write_atomic(&self.dir.join(SCENARIO), |f| {
            std::io::Write::write_all(f, self.toml.as_bytes())?;
            Ok(())
        })?;
        for name in [tables::TIMESERIES, tables::RUNS] {
            csv_copy(&self.dir.join(name))?;
        }
        charts::draw_all(&self.dir, Format::Both, true)?;
        parts.retire()?;
        let mut files = listing(&self.dir, "")?;
        files.sort();
        Ok(files)
    }

    fn clean(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.clean();
    }
}
