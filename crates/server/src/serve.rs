//! The connection loop, in place of `axum::serve` (which gives hyper no
//! timer, so a half-sent request held its connection for as long as the
//! client liked): HTTP/1 with `--header-timeout` for each request's headers
//! — a new connection's first request and each next one on a kept-alive
//! connection — while `JsonBody` bounds the body (`--body-timeout`). At
//! `shutdown` it stops accepting and lets requests in flight finish.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::app::App;
use crate::routes::router;

/// How long requests in flight may take to finish at shutdown.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves the router on `listener` until `shutdown` completes.
pub async fn run(listener: TcpListener, app: App, shutdown: impl Future<Output = ()>) {
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(app.config.header_timeout));
    let router = router(app);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router.clone().map_request(move |mut request: axum::http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(addr));
            request.map(axum::body::Body::new)
        });
        let connection =
            graceful.watch(http1.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%addr, "connection ended: {e}");
            }
        });
    }
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still open after {} s at shutdown: dropped", DRAIN.as_secs());
    }
}
