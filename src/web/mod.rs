//! `regimes serve`: a page a lecturer projects in class. It runs regimes side by
//! side on the same engine as `regimes run`, streams their metrics while they
//! step (server-sent events), and offers the tables, charts and a scenario file
//! that reproduces the run. Interface layer: it calls experiment and output.

mod api;
mod assets;
mod catalogue;
mod engine;
mod limits;
mod request;
mod runs;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};

pub use api::{AppState, router};
pub use catalogue::{Control, control};
pub use engine::{Event, Phase, Status};
pub use limits::Limits;
pub use request::RunRequest;

use crate::experiment::InputError;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    /// Scenarios offered: every file in this directory, and the embedded default.
    pub scenarios: PathBuf,
    /// A scenario file to offer and open first.
    pub initial: Option<PathBuf>,
    pub limits: Limits,
}

/// The shared state of a server, with runs' files under `work`.
pub fn state(options: &Options, work: PathBuf) -> Result<AppState, InputError> {
    let scenarios = catalogue::scenarios(&options.scenarios, options.initial.as_deref())?;
    let initial = match &options.initial {
        Some(p) => p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string(),
        None => "default".to_string(),
    };
    let catalogue = catalogue::catalogue(&scenarios, &initial, &options.limits).to_string();
    Ok(AppState {
        catalogue,
        registry: runs::Registry::new(work, options.limits.clone()),
        limits: options.limits.clone(),
    })
}

/// Serves until Ctrl-C; `ready` hears the bound address (port 0 picks a free one).
pub fn serve(options: Options, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let work = std::env::temp_dir().join(format!("regimes-serve-{}", std::process::id()));
    let state = Arc::new(state(&options, work.clone())?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .with_context(|| format!("cannot listen on {}", options.addr))?;
        ready(listener.local_addr()?);
        let stopping = state.clone();
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                // Open event streams end once their runs stop.
                stopping.registry.cancel_all();
            })
            .await
            .context("the server stopped")
    });
    let _ = std::fs::remove_dir_all(&work);
    result
}
