//! `regimes serve` without a browser: the real binary on a free port, spoken to
//! over plain HTTP/1.1 sockets. Runs are tiny so the suite stays fast in debug.

use std::process::Command;

use crate::support::*;
use polars::prelude::{DataType, ParquetReader, SerReader};
use serde_json::{Value, json};

mod client;
mod mixed;
use client::*;

/// A tiny run: 2 regimes x `replicates` of `steps` steps on a small world.
fn tiny(steps: u32, replicates: u32, seed: u64) -> Value {
    json!({
        "name": "lesson",
        "steps": steps,
        "replicates": replicates,
        "seed": seed,
        "world": {"producers": 40, "problems": 12, "groups": 4},
        "regimes": ["enclosure", {"preset": "commons", "name": "commons_levy", "levy": 0.3}],
    })
}

#[test]
fn the_page_its_assets_and_the_catalogue_are_served() {
    let server = Server::start();
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.headers.contains("text/html"));
    assert!(page.text().contains("/assets/app.js"));
    for asset in ["app.js", "app.css", "uPlot.iife.min.js", "uPlot.min.css"] {
        let r = server.get(&format!("/assets/{asset}"));
        assert_eq!(r.status, 200, "{asset}");
        assert!(r.bytes.len() > 500, "{asset}");
    }
    assert!(
        server
            .get("/assets/LICENSE-uPlot.txt")
            .text()
            .contains("MIT")
    );
    assert_eq!(server.get("/assets/missing.js").status, 404);
    let nowhere = server.get("/nowhere");
    assert_eq!(nowhere.status, 404);
    assert!(nowhere.error().contains("no such page"));

    let cat = server.get("/api/catalogue").json();
    let keys: Vec<&str> = cat["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    for name in ["default", "tragedy", "rent"] {
        assert!(keys.contains(&name), "{keys:?}");
    }
    let loci = cat["world"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "loci")
        .unwrap();
    assert_eq!(loci["control"]["max"], 64.0);
    assert!(
        loci["meaning"]
            .as_str()
            .unwrap()
            .contains("bits per genome")
    );
    assert_eq!(cat["limits"]["steps"], 3000);
    assert!(cat["presets"].as_array().unwrap().len() >= 3);
}

#[test]
fn bad_requests_get_a_4xx_with_the_reason_and_the_server_stays_up() {
    let server = Server::start();
    let refused = |body: &str, status: u16, needle: &str| {
        let r = server.request("POST", "/api/runs", body);
        assert_eq!(r.status, status, "{body}: {}", r.text());
        assert!(r.error().contains(needle), "{body}: {}", r.error());
    };
    refused("{\"steps\": ", 400, "malformed JSON");
    refused("[]", 400, "expected a JSON object");
    refused(r#"{"world": {"loci": 65}}"#, 400, "world.loci = 65");
    refused(r#"{"world": {"loci": "many"}}"#, 400, "world.loci");
    refused(r#"{"regimes": ["enclosur"]}"#, 400, "enclosure");
    refused(r#"{"sweep": {}}"#, 400, "unknown key `sweep`");
    refused(r#"{"steps": 100000}"#, 400, "limit of 3000");
    refused(r#"{"metrics": ["welfair"]}"#, 400, "did you mean `welfare`");
    refused(r#"{"delay_ms": 99999}"#, 400, "delay_ms");

    let missing = server.get("/api/runs/999");
    assert_eq!(missing.status, 404);
    assert!(missing.error().contains("no run 999"));
    assert_eq!(server.get("/api/runs/abc").status, 404);
    assert_eq!(server.get("/api/runs/abc/events").status, 404);
    assert_eq!(server.get("/api/runs/999/scenario.toml").status, 404);
    assert_eq!(server.request("DELETE", "/api/runs/999", "").status, 404);

    let id = server.create(&tiny(5, 1, 1));
    let control = |body: &str| server.request("POST", &format!("/api/runs/{id}/control"), body);
    assert_eq!(control("{").status, 400);
    let fly = control(r#"{"action": "fly"}"#);
    assert_eq!(fly.status, 400);
    assert!(
        fly.error()
            .contains("allowed \"pause\", \"resume\" or \"step\"")
    );
    assert_eq!(control(r#"{"delay_ms": -3}"#).status, 400);
    let early = server.get(&format!("/api/runs/{id}/files/summary.csv"));
    assert_eq!(early.status, 409);
    assert!(early.error().contains("has not finished"));
    let all = server.events(id).all();
    assert_eq!(all.last().unwrap().0, "done");
    // Watched once only; files outside the run's own list are not served.
    assert_eq!(server.get(&format!("/api/runs/{id}/events")).status, 409);
    let sneaky = server.get(&format!("/api/runs/{id}/files/../../Cargo.toml"));
    assert!(sneaky.status == 404, "{}", sneaky.status);
    assert_eq!(control(r#"{"action": "pause"}"#).status, 409);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_run_streams_every_row_and_its_download_reruns_bit_for_bit() {
    let server = Server::start();
    let (steps, replicates) = (12, 2);
    let id = server.create(&tiny(steps, replicates, 5));
    let events = server.events(id).all();
    let rows: Vec<&Value> = events
        .iter()
        .filter(|(n, _)| n == "row")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(rows.len(), 2 * replicates as usize * steps as usize);
    let replicate_events: Vec<&Value> = events
        .iter()
        .filter(|(n, _)| n == "replicate")
        .map(|(_, d)| &d["replicate"])
        .collect();
    assert_eq!(replicate_events, [&json!(0), &json!(1)]);
    let (last, done) = events.last().unwrap();
    assert_eq!(last, "done");
    let files: Vec<&str> = done["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in [
        "timeseries.parquet",
        "timeseries.csv",
        "runs.parquet",
        "runs.csv",
        "summary.csv",
        "scenario.toml",
        "charts/overview.png",
        "charts/overview.svg",
    ] {
        assert!(files.contains(&f), "{f} in {files:?}");
    }
    let status = server.get(&format!("/api/runs/{id}")).json();
    assert_eq!(status["phase"], "finished");
    assert_eq!(status["rows"], rows.len());

    // The downloaded scenario, through `regimes run`, writes the same tables byte for byte.
    let dir = scratch("rerun");
    let toml = server.get(&format!("/api/runs/{id}/scenario.toml"));
    assert!(toml.headers.contains("lesson.toml"));
    std::fs::write(dir.join("lesson.toml"), &toml.bytes).unwrap();
    let out = dir.join("out");
    let cli = Command::new(env!("CARGO_BIN_EXE_regimes"))
        .args([
            "run",
            "lesson.toml",
            "--out",
            "out",
            "--quiet",
            "--format",
            "svg",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    for table in [
        "timeseries.parquet",
        "runs.parquet",
        "summary.csv",
        "scenario.toml",
    ] {
        let served = server.get(&format!("/api/runs/{id}/files/{table}"));
        assert_eq!(served.status, 200);
        let written = std::fs::read(out.join(table)).unwrap();
        assert!(
            served.bytes == written,
            "{table} differs from regimes run's"
        );
    }

    // What was streamed is what regimes run recorded, bit for bit.
    let frame = ParquetReader::new(std::fs::File::open(out.join("timeseries.parquet")).unwrap())
        .finish()
        .unwrap();
    let column = |name: &str| -> Vec<f64> {
        let c = frame
            .column(name)
            .unwrap()
            .cast(&DataType::Float64)
            .unwrap();
        c.f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect()
    };
    let (runs, steps_col) = (column("run"), column("step"));
    let metrics = [
        "duplicated_share",
        "approach_diversity",
        "welfare",
        "gini_wealth",
        "contribution",
    ];
    let values: Vec<Vec<f64>> = metrics.iter().map(|m| column(m)).collect();
    for row in rows {
        let run = row["regime"].as_u64().unwrap() * u64::from(replicates)
            + row["replicate"].as_u64().unwrap();
        let step = row["step"].as_u64().unwrap();
        let i = (0..runs.len())
            .find(|&i| runs[i] as u64 == run && steps_col[i] as u64 == step)
            .expect("the row is in the table");
        for (k, streamed) in row["exact"].as_array().unwrap().iter().enumerate() {
            let table = values[k][i];
            match streamed.as_str().unwrap().parse::<f64>().ok() {
                Some(x) => assert_eq!(
                    x.to_bits(),
                    table.to_bits(),
                    "{} at run {run} step {step}",
                    metrics[k]
                ),
                None => assert!(table.is_nan(), "null streamed for a number"),
            }
        }
    }
}

#[test]
fn a_paused_run_moves_one_recorded_step_per_press() {
    let server = Server::start();
    let mut body = tiny(6, 1, 2);
    body["paused"] = json!(true);
    let id = server.create(&body);
    let mut events = server.events(id);
    let control = |action: &str| {
        let r = server.post(
            &format!("/api/runs/{id}/control"),
            &json!({ "action": action }),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    };
    for press in 1..=2u64 {
        control("step");
        let mut got = Vec::new();
        while got.len() < 2 {
            let (name, data) = events.next().expect("a row after a press");
            assert_eq!(name, "row");
            got.push(data["step"].as_u64().unwrap());
        }
        // Both regimes moved one step; the gate lets no thread further.
        assert_eq!(got, [press - 1, press - 1]);
        let status = server.get(&format!("/api/runs/{id}")).json();
        assert_eq!(status["rows"], 2 * press);
        assert_eq!(status["paused"], true);
    }
    let resumed = control("resume");
    assert_eq!(resumed["paused"], false);
    let rest = events.all();
    assert_eq!(rest.iter().filter(|(n, _)| n == "row").count(), 2 * 4);
    assert_eq!(rest.last().unwrap().0, "done");
}

#[test]
fn concurrent_runs_each_get_their_own_rows_within_the_live_limit() {
    let server = Server::start();
    let seeds = [3u64, 3, 4];
    let ids: Vec<u64> = seeds
        .iter()
        .map(|&s| server.create(&tiny(8, 1, s)))
        .collect();
    let streams: Vec<Vec<Value>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ids
            .iter()
            .map(|&id| {
                let server = &server;
                scope.spawn(move || {
                    let mut rows: Vec<Value> = server
                        .events(id)
                        .all()
                        .into_iter()
                        .filter(|(n, _)| n == "row")
                        .map(|(_, d)| d)
                        .collect();
                    rows.sort_by_key(|r| (r["regime"].as_u64(), r["step"].as_u64()));
                    rows
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(streams[0].len(), 16);
    assert_eq!(streams[0], streams[1], "the same seed gives the same run");
    assert_ne!(streams[0], streams[2], "another seed, another run");

    // Four runs may go at once; a fifth is refused until one is reset.
    let waiting: Vec<u64> = (0..4).map(|_| server.create(&tiny(5, 1, 1))).collect();
    let busy = server.post("/api/runs", &tiny(5, 1, 1));
    assert_eq!(busy.status, 503);
    assert!(busy.error().contains("limit"), "{}", busy.error());
    let reset = server.request("DELETE", &format!("/api/runs/{}", waiting[0]), "");
    assert_eq!(reset.status, 204);
    assert_eq!(server.get(&format!("/api/runs/{}", waiting[0])).status, 404);
    server.create(&tiny(5, 1, 1));
}

#[test]
fn a_page_that_goes_away_stops_its_run() {
    let server = Server::start();
    // Running: the run notices when a row cannot be sent.
    let mut slow = tiny(3000, 1, 1);
    slow["delay_ms"] = json!(5);
    let id = server.create(&slow);
    let mut events = server.events(id);
    for _ in 0..4 {
        assert_eq!(events.next().unwrap().0, "row");
    }
    drop(events);
    server.wait_for(id, "cancelled");

    // Paused: the keep-alives find the closed connection.
    let mut paused = tiny(50, 1, 1);
    paused["paused"] = json!(true);
    let id = server.create(&paused);
    drop(server.events(id));
    server.wait_for(id, "cancelled");
    assert_eq!(server.get("/").status, 200);
    server.create(&tiny(5, 1, 1));
}

#[test]
fn serve_refuses_an_unknown_scenario() {
    let out = Command::new(env!("CARGO_BIN_EXE_regimes"))
        .args(["serve", "no_such_scenario", "--port", "0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no_such_scenario") && err.contains("regimes list"),
        "{err}"
    );
}
