//! The page and its scripts, compiled into the binary: a classroom needs no
//! internet. uPlot (MIT, `assets/web/LICENSE-uPlot.txt`) draws the charts.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("../../assets/web/index.html");

const ASSETS: &[(&str, &str)] = &[
    ("app.js", include_str!("../../assets/web/app.js")),
    ("app.css", include_str!("../../assets/web/app.css")),
    (
        "uPlot.iife.min.js",
        include_str!("../../assets/web/uPlot.iife.min.js"),
    ),
    (
        "uPlot.min.css",
        include_str!("../../assets/web/uPlot.min.css"),
    ),
    (
        "LICENSE-uPlot.txt",
        include_str!("../../assets/web/LICENSE-uPlot.txt"),
    ),
];

pub fn page() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response()
}

/// An embedded file and its content type.
pub fn asset(name: &str) -> Option<(&'static str, &'static str)> {
    ASSETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, body)| (mime(n), *body))
}

/// The content type of a file, by its extension.
pub fn mime(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("toml") => "application/toml; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
