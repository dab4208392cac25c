//! `regimes serve`: the live classroom page (the work is in `crate::web`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Result;

use super::scenario_path;
use crate::experiment::InputError;
use crate::web::{self, Limits, Options};

/// Arguments of `regimes serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Scenario to open first: a file, or the name of one under scenarios/ (default: the embedded default).
    pub scenario: Option<String>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; the default serves this computer only.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
}

pub fn run(args: ServeArgs) -> Result<()> {
    let initial = match args.scenario.as_deref() {
        None | Some("default") => None,
        Some(name) => {
            let path = scenario_path(name);
            if !path.exists() {
                return Err(InputError::new(format!(
                    "serve {name}: no such scenario file ({} not found); `regimes list` shows the scenarios",
                    path.display()
                ))
                .into());
            }
            Some(path)
        }
    };
    let options = Options {
        addr: SocketAddr::new(args.bind, args.port),
        scenarios: PathBuf::from("scenarios"),
        initial,
        limits: Limits::default(),
    };
    web::serve(options, |addr| {
        // The first line says where; tests and scripts read it.
        println!("serving on http://{addr}/ (Ctrl-C stops)");
    })
}
