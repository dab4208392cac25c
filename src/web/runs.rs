//! The runs of every tab: created by a request, started when their page opens
//! the event stream, cancelled when it goes, kept a while for downloads.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::{self, Receiver};

use super::engine::{Event, Phase, Run};
use super::limits::Limits;
use super::request::RunRequest;

/// A run nobody watches is dropped after this long.
const UNWATCHED: Duration = Duration::from_secs(60);

/// Rows buffered between the run threads and a slow page.
const BACKLOG: usize = 1024;

#[derive(Debug)]
struct Entry {
    run: Arc<Run>,
    watched: bool,
}

/// Every run the server knows, and where their files go.
#[derive(Debug)]
pub struct Registry {
    entries: Mutex<Vec<Entry>>,
    next: AtomicU64,
    dir: PathBuf,
    limits: Limits,
}

/// Why a run cannot be created or watched.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Busy(String),
    Unknown(u64),
    Watched(u64),
}

impl Registry {
    pub fn new(dir: PathBuf, limits: Limits) -> Registry {
        Registry {
            entries: Mutex::new(Vec::new()),
            next: AtomicU64::new(1),
            dir,
            limits,
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new run, if the server has room for it.
    pub fn create(&self, request: RunRequest, streamed: Vec<usize>) -> Result<Arc<Run>, Refusal> {
        let mut entries = self.entries();
        prune(&mut entries, self.limits.kept);
        let live = entries.iter().filter(|e| e.run.phase().is_live()).count();
        if live >= self.limits.live {
            return Err(Refusal::Busy(format!(
                "{live} runs are going already, this server's limit: wait for one to finish, \
                 or reset a run in another tab"
            )));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let run = Arc::new(Run::new(
            id,
            request.scenario,
            streamed,
            self.dir.join(format!("run-{id}")),
            request.delay_ms,
            request.paused,
        ));
        entries.push(Entry {
            run: run.clone(),
            watched: false,
        });
        Ok(run)
    }

    pub fn get(&self, id: u64) -> Option<Arc<Run>> {
        self.entries()
            .iter()
            .find(|e| e.run.id == id)
            .map(|e| e.run.clone())
    }

    /// Starts the run on its own thread and hands over its events; a run is
    /// watched by one page only.
    pub fn watch(&self, id: u64) -> Result<(Arc<Run>, Receiver<Event>), Refusal> {
        let mut entries = self.entries();
        let entry = entries
            .iter_mut()
            .find(|e| e.run.id == id)
            .ok_or(Refusal::Unknown(id))?;
        if entry.watched || entry.run.phase() != Phase::Waiting {
            return Err(Refusal::Watched(id));
        }
        entry.watched = true;
        let (tx, rx) = mpsc::channel(BACKLOG);
        let run = entry.run.clone();
        let driven = run.clone();
        std::thread::Builder::new()
            .name(format!("run-{id}"))
            .spawn(move || driven.drive(tx))
            .map_err(|e| Refusal::Busy(format!("cannot start a thread: {e}")))?;
        Ok((run, rx))
    }

    /// Cancels a run and forgets it (its files go with it).
    pub fn remove(&self, id: u64) -> Option<Arc<Run>> {
        let mut entries = self.entries();
        let i = entries.iter().position(|e| e.run.id == id)?;
        let entry = entries.remove(i);
        entry.run.cancel();
        Some(entry.run)
    }

    /// Cancels every run (the server is stopping).
    pub fn cancel_all(&self) {
        for e in self.entries().drain(..) {
            e.run.cancel();
        }
    }
}

/// Drops cancelled and failed runs, runs nobody opened, and the oldest finished
/// runs beyond `kept`.
fn prune(entries: &mut Vec<Entry>, kept: usize) {
    for e in entries.iter() {
        if !e.watched && e.run.phase() == Phase::Waiting && e.run.idle() > UNWATCHED {
            e.run.cancel();
        }
    }
    entries.retain(|e| !matches!(e.run.phase(), Phase::Cancelled | Phase::Failed));
    let finished = entries
        .iter()
        .filter(|e| e.run.phase() == Phase::Finished)
        .count();
    let mut excess = finished.saturating_sub(kept);
    entries.retain(|e| {
        if excess > 0 && e.run.phase() == Phase::Finished {
            excess -= 1;
            false
        } else {
            true
        }
    });
}
