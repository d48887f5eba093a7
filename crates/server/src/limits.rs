//! Limits: rate limits per token and per client address (GCRA, in memory
//! per instance), and a JSON body reader that answers 408/413/415/422 with
//! a JSON error instead of axum's plain-text rejections.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use serde::de::DeserializeOwned;

use crate::app::App;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::Failure;

/// A rate limiter per key, on the server's clock.
type Limiter<K> = RateLimiter<K, DefaultKeyedStateStore<K>, Clock, NoOpMiddleware<Nanos>>;

/// The server's rate limiters.
pub struct Limits {
    token: Option<Limiter<String>>,
    address: Option<Limiter<IpAddr>>,
    login: Option<Limiter<IpAddr>>,
    /// Whether X-Forwarded-For names the client.
    pub trust_proxy: bool,
}

fn per_second(n: u32) -> Option<Quota> {
    let n = NonZeroU32::new(n)?;
    Some(Quota::per_second(n).allow_burst(n.saturating_mul(NonZeroU32::new(2).expect("2 > 0"))))
}

impl Limits {
    /// Limiters as configured (0 turns one off).
    pub fn new(config: &Config) -> Limits {
        fn keyed<K: std::hash::Hash + Eq + Clone>(quota: Quota, clock: &Clock) -> Limiter<K> {
            RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone())
        }
        let clock = &config.clock;
        Limits {
            token: per_second(config.rate_per_token).map(|q| keyed(q, clock)),
            address: per_second(config.rate_per_address).map(|q| keyed(q, clock)),
            login: NonZeroU32::new(config.rate_login).map(|n| keyed(Quota::per_minute(n).allow_burst(n), clock)),
            trust_proxy: config.trust_proxy,
        }
    }

    /// One request by a token (keyed by its hash).
    pub fn per_token(&self, hash: &str) -> Result<(), Failure> {
        match &self.token {
            Some(l) if l.check_key(&hash.to_owned()).is_err() => Err(Failure::RateLimited),
            _ => Ok(()),
        }
    }

    /// One request from an address.
    pub fn per_address(&self, ip: IpAddr) -> Result<(), Failure> {
        match &self.address {
            Some(l) if l.check_key(&ip).is_err() => Err(Failure::RateLimited),
            _ => Ok(()),
        }
    }

    /// One password or invitation attempt from an address.
    pub fn login_attempt(&self, ip: IpAddr) -> Result<(), Failure> {
        match &self.login {
            Some(l) if l.check_key(&ip).is_err() => Err(Failure::RateLimited),
            _ => Ok(()),
        }
    }

    /// Forgets idle keys (called now and then so the maps stay small).
    pub fn shrink(&self) {
        if let Some(l) = &self.token {
            l.retain_recent();
        }
        if let Some(l) = &self.address {
            l.retain_recent();
        }
        if let Some(l) = &self.login {
            l.retain_recent();
        }
    }
}

/// The client's address: the socket's, or behind a trusted proxy the last
/// X-Forwarded-For entry — the one the proxy appended. The entries before
/// it came with the request, so a client could name any address there.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// The last entry of the last X-Forwarded-For header (a proxy may append a
/// header line of its own instead of extending the client's).
fn forwarded_for(headers: &axum::http::HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    last.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
}

impl FromRequestParts<App> for ClientIp {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if app.limits.trust_proxy
            && let Some(ip) = forwarded_for(&parts.headers)
        {
            return Ok(ClientIp(ip));
        }
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([127, 0, 0, 1]), |ConnectInfo(addr)| addr.ip());
        Ok(ClientIp(ip))
    }
}

/// Query parameters; unreadable ones → 422 as JSON.
pub struct QueryArgs<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<App> for QueryArgs<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        axum::extract::Query::from_request_parts(parts, app)
            .await
            .map(|axum::extract::Query(q)| QueryArgs(q))
            .map_err(|e| Failure::Invalid(e.body_text()))
    }
}

/// A path parameter; an undecodable one → 400 as JSON.
pub struct PathArg<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<App> for PathArg<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        axum::extract::Path::from_request_parts(parts, app)
            .await
            .map(|axum::extract::Path(p)| PathArg(p))
            .map_err(|e| Failure::BadRequest(e.body_text()))
    }
}

/// A JSON body: not sent as `application/json` → 415 (so a cross-site
/// form or `text/plain` fetch, which needs no CORS preflight, is never
/// read), over the size limit → 413, slower than `--body-timeout` → 408,
/// not JSON or the wrong shape → 422 with the parser's words.
pub struct JsonBody<T>(pub T);

/// Whether the request says its body is JSON (`application/json`, any
/// parameters such as `charset`).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    value.split(';').next().is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

impl<T: DeserializeOwned> FromRequest<App> for JsonBody<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(Failure::UnsupportedMediaType);
        }
        let limit = std::time::Duration::from_secs(app.config.body_timeout);
        let read = tokio::time::timeout(limit, axum::body::Bytes::from_request(req, app))
            .await
            .map_err(|_| Failure::SlowBody(app.config.body_timeout))?;
        let bytes = read.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Failure::TooLarge(format!("the body is larger than {} bytes", app.config.max_body))
            } else {
                Failure::BadRequest(e.body_text())
            }
        })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| Failure::Invalid(format!("body: {e}")))
    }
}
