//! `/metrics`: the read caches' hits and misses since start, in Prometheus text, for the
//! operator and the bench. Off unless `metrics_enabled`; then it answers only connections from
//! this machine (the peer address, never a forwarded header), so nothing about use leaks out.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

pub async fn metrics(State(st): State<AppState>, req: Request) -> Response {
    let local = req.extensions().get::<ConnectInfo<std::net::SocketAddr>>().is_some_and(|ConnectInfo(a)| a.ip().is_loopback());
    if !crate::app::settings::metrics_enabled(&st) || !local {
        return (StatusCode::NOT_FOUND, "未找到").into_response();
    }
    let mut out = String::from("# HELP lianzheng_cache_hits_total Reads served from a node-local cache.\n# TYPE lianzheng_cache_hits_total counter\n");
    let stats = st.caches.stats();
    for (name, hits, _) in &stats {
        out.push_str(&format!("lianzheng_cache_hits_total{{cache=\"{name}\"}} {hits}\n"));
    }
    out.push_str("# HELP lianzheng_cache_misses_total Reads that went to the database.\n# TYPE lianzheng_cache_misses_total counter\n");
    for (name, _, misses) in &stats {
        out.push_str(&format!("lianzheng_cache_misses_total{{cache=\"{name}\"}} {misses}\n"));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}
