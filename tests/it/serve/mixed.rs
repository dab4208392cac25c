//! A mixed world (spec §5) on the page: the catalogue lists a scenario's
//! populations, a request names them in order, and each streamed row carries
//! their shares of the producers.

use serde_json::{Value, json};

use super::client::*;

#[test]
fn a_mixed_world_runs_live_with_its_populations_shares() {
    let server = Server::start();
    let cat = server.get("/api/catalogue").json();
    let open_vs_closed = cat["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "open_vs_closed")
        .expect("scenarios/open_vs_closed.toml is offered");
    let pops = &open_vs_closed["regimes"][0]["populations"];
    assert_eq!(
        (pops[0]["name"].as_str(), pops[0]["preset"].as_str()),
        (Some("open"), Some("commons"))
    );
    assert_eq!(
        pops[1]["share"],
        Value::Null,
        "the closed population takes the rest"
    );

    let (steps, replicates) = (8, 2);
    let body = json!({
        "name": "mixed_lesson", "steps": steps, "replicates": replicates, "seed": 3,
        "world": {"producers": 40, "problems": 12, "groups": 4, "migration_rate": 0.05},
        "populations": [
            {"name": "open", "regime": "commons", "share": 0.25},
            {"name": "closed", "regime": "enclosure"},
        ],
    });
    let id = server.create(&body);
    let info = server.get(&format!("/api/runs/{id}")).json();
    assert_eq!(info["phase"], "waiting");
    let events = server.events(id).all();
    let rows: Vec<&Value> = events
        .iter()
        .filter(|(n, _)| n == "row")
        .map(|(_, d)| d)
        .collect();
    // The world's rows only, each with the populations' shares, summing to 1.
    assert_eq!(rows.len(), (steps * replicates) as usize);
    for row in &rows {
        let shares: Vec<f64> = row["shares"]
            .as_array()
            .unwrap_or_else(|| panic!("no shares in {row}"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(shares.len(), 2);
        assert!(
            (shares.iter().sum::<f64>() - 1.0).abs() < 1e-9,
            "{shares:?}"
        );
    }
    assert_eq!(rows[0]["shares"][0].as_f64(), Some(0.25));
    let (last, done) = events.last().unwrap();
    assert_eq!(last, "done");
    let files: Vec<&str> = (done["files"].as_array().unwrap().iter())
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.contains(&"charts/population_shares.svg"), "{files:?}");
    let toml = server.get(&format!("/api/runs/{id}/scenario.toml")).text();
    let (open, closed) = (
        toml.find("[populations.open]"),
        toml.find("[populations.closed]"),
    );
    assert!(open.is_some() && open < closed, "{toml}");
}
