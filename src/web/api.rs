//! The HTTP endpoints. Every refusal is a 4xx with a JSON body
//! `{"error": "...", "problems": [...]}` naming what was wrong.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event as Sse, KeepAlive};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::stream::{self, Stream};
use serde_json::{Value as Json, json};
use tokio::sync::mpsc::Receiver;

use super::assets;
use super::engine::{Event, Phase, Run};
use super::limits::Limits;
use super::request::{self, MAX_DELAY_MS};
use super::runs::{Refusal, Registry};
use crate::model::METRICS;

/// What every handler shares.
pub struct AppState {
    /// The catalogue, rendered once.
    pub catalogue: String,
    pub registry: Registry,
    pub limits: Limits,
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(|| async { assets::page() }))
        .route("/assets/{name}", get(asset))
        .route("/api/catalogue", get(catalogue))
        .route("/api/runs", post(create))
        .route("/api/runs/{id}", get(status).delete(reset))
        .route("/api/runs/{id}/events", get(events))
        .route("/api/runs/{id}/control", post(control))
        .route("/api/runs/{id}/scenario.toml", get(scenario))
        .route("/api/runs/{id}/files/{*name}", get(file))
        .fallback(|| async { refuse(StatusCode::NOT_FOUND, vec!["no such page".into()]) })
        .with_state(state)
}

type Shared = State<Arc<AppState>>;

/// A JSON answer.
fn reply(status: StatusCode, body: impl serde::Serialize) -> Response {
    match serde_json::to_string(&body) {
        Ok(text) => (status, [(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// A refusal: the status and one line per problem.
fn refuse(status: StatusCode, problems: Vec<String>) -> Response {
    reply(
        status,
        json!({ "error": problems.join("\n"), "problems": problems }),
    )
}

fn unknown(id: &str) -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        vec![format!(
            "no run {id} on this server (finished runs are kept a while, then dropped)"
        )],
    )
}

/// The run an `{id}` names.
fn find(state: &AppState, id: &str) -> Option<Arc<Run>> {
    id.parse::<u64>().ok().and_then(|n| state.registry.get(n))
}

async fn asset(Path(name): Path<String>) -> Response {
    match assets::asset(&name) {
        Some((mime, body)) => ([(header::CONTENT_TYPE, mime)], body).into_response(),
        None => refuse(StatusCode::NOT_FOUND, vec![format!("no asset {name}")]),
    }
}

async fn catalogue(State(state): Shared) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.catalogue.clone(),
    )
        .into_response()
}

async fn create(State(state): Shared, body: Bytes) -> Response {
    let request = match request::parse(&body, &state.limits) {
        Ok(r) => r,
        Err(problems) => return refuse(StatusCode::BAD_REQUEST, problems),
    };
    let metrics = request.metrics.clone();
    match state.registry.create(request, metrics) {
        Ok(run) => {
            let s = &run.scenario;
            let body = json!({
                "id": run.id,
                "name": s.name,
                "steps": s.steps,
                "record_every": s.record_every,
                "replicates": s.replicates,
                "regimes": s.regimes.iter().map(|r| &r.name).collect::<Vec<_>>(),
                // A mixed world's populations: each row carries their shares.
                "populations": (s.regimes.iter().flat_map(|r| &r.populations))
                    .map(|p| &p.name)
                    .collect::<Vec<_>>(),
                "metrics": run.streamed.iter().map(|&k| METRICS[k].name).collect::<Vec<_>>(),
                "scenario": run.toml,
                "status": run.status(),
            });
            reply(StatusCode::CREATED, body)
        }
        Err(Refusal::Busy(why)) => refuse(StatusCode::SERVICE_UNAVAILABLE, vec![why]),
        Err(other) => refuse(StatusCode::CONFLICT, vec![format!("{other:?}")]),
    }
}

async fn status(State(state): Shared, Path(id): Path<String>) -> Response {
    match find(&state, &id) {
        Some(run) => reply(StatusCode::OK, run.status()),
        None => unknown(&id),
    }
}

async fn reset(State(state): Shared, Path(id): Path<String>) -> Response {
    match id
        .parse::<u64>()
        .ok()
        .and_then(|n| state.registry.remove(n))
    {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => unknown(&id),
    }
}

/// Cancels its run if the page goes before the run is done.
struct Watch {
    run: Arc<Run>,
    events: Receiver<Event>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if self.run.phase().is_live() {
            self.run.cancel();
        }
    }
}

fn sse(event: &Event) -> Sse {
    let (name, data) = match event {
        Event::Row {
            regime,
            replicate,
            step,
            values,
            shares,
        } => {
            // NaN (nothing to measure) travels as null.
            let mut row =
                json!({ "regime": regime, "replicate": replicate, "step": step, "values": values });
            if !shares.is_empty() {
                row["shares"] = json!(shares);
            }
            ("row", row)
        }
        Event::Replicate(r) => ("replicate", json!({ "replicate": r })),
        Event::Done(files) => ("done", json!({ "files": files })),
        Event::Failed(message) => ("failed", json!({ "error": message })),
    };
    Sse::default().event(name).data(data.to_string())
}

async fn events(State(state): Shared, Path(id): Path<String>) -> Response {
    let Ok(n) = id.parse::<u64>() else {
        return unknown(&id);
    };
    let (run, events) = match state.registry.watch(n) {
        Ok(w) => w,
        Err(Refusal::Unknown(_)) => return unknown(&id),
        Err(Refusal::Watched(_)) => {
            return refuse(
                StatusCode::CONFLICT,
                vec![format!(
                    "run {id} is already watched or over; start a new run to watch one"
                )],
            );
        }
        Err(Refusal::Busy(why)) => return refuse(StatusCode::SERVICE_UNAVAILABLE, vec![why]),
    };
    let stream = rows(Watch { run, events });
    // Frequent keep-alives let a closed tab be noticed while its run is paused.
    axum::response::Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
        .into_response()
}

fn rows(watch: Watch) -> impl Stream<Item = Result<Sse, Infallible>> {
    stream::unfold(watch, |mut w| async move {
        let event = w.events.recv().await?;
        Some((Ok(sse(&event)), w))
    })
}

async fn control(State(state): Shared, Path(id): Path<String>, body: Bytes) -> Response {
    let Some(run) = find(&state, &id) else {
        return unknown(&id);
    };
    let doc: Json = match serde_json::from_slice(&body) {
        Ok(d) => d,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                vec![format!("malformed JSON: {e}")],
            );
        }
    };
    let action = doc.get("action").and_then(Json::as_str);
    let (paused, step) = match action {
        Some("pause") => (Some(true), false),
        Some("resume") => (Some(false), false),
        Some("step") => (None, true),
        None if doc.get("action").is_none() => (None, false),
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                vec![format!(
                    "action = {}: allowed \"pause\", \"resume\" or \"step\"",
                    doc["action"]
                )],
            );
        }
    };
    let delay = match doc.get("delay_ms") {
        None => None,
        Some(d) => match d.as_u64().filter(|d| *d <= MAX_DELAY_MS) {
            Some(ms) => Some(ms),
            None => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    vec![format!(
                        "delay_ms = {d}: allowed an integer in 0..={MAX_DELAY_MS}"
                    )],
                );
            }
        },
    };
    if !run.phase().is_live() {
        return refuse(
            StatusCode::CONFLICT,
            vec![format!("run {id} is {:?}: nothing to control", run.phase()).to_lowercase()],
        );
    }
    run.control(paused, step, delay);
    reply(StatusCode::OK, run.status())
}

async fn scenario(State(state): Shared, Path(id): Path<String>) -> Response {
    match find(&state, &id) {
        Some(run) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/toml; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.toml\"", run.scenario.name),
                ),
            ],
            run.toml.clone(),
        )
            .into_response(),
        None => unknown(&id),
    }
}

async fn file(State(state): Shared, Path((id, name)): Path<(String, String)>) -> Response {
    let Some(run) = find(&state, &id) else {
        return unknown(&id);
    };
    if run.phase() != Phase::Finished {
        return refuse(
            StatusCode::CONFLICT,
            vec![format!(
                "run {id} has not finished: its tables and charts stand once it has"
            )],
        );
    }
    let Some(path) = run.file(&name) else {
        return refuse(
            StatusCode::NOT_FOUND,
            vec![format!("run {id} has no file {name}")],
        );
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let download = name.rsplit('/').next().unwrap_or(&name).to_string();
            (
                [
                    (header::CONTENT_TYPE, assets::mime(&name).to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"{download}\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => refuse(StatusCode::GONE, vec![format!("{name}: {e}")]),
    }
}
