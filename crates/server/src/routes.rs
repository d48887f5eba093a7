//! The router: `/api/...` and the built app, from one origin.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use zhibu_core::document::SCHEMA;
use zhibu_core::sync::{Health, PROTOCOL};

use crate::app::App;
use crate::error::{ApiResult, Failure};
use crate::limits::ClientIp;
use crate::{accounts, ballots, openapi, push, web};

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, body = Health), (status = 503, body = zhibu_core::sync::ApiError)))]
pub async fn health(State(app): State<App>) -> ApiResult<Json<Health>> {
    app.db.ping().await?;
    Ok(Json(Health { status: "ok".into(), database: app.db.engine().into(), protocol: PROTOCOL, schema: SCHEMA }))
}

/// Every API request counts against its address's rate limit.
async fn per_address(State(app): State<App>, ClientIp(ip): ClientIp, request: Request, next: Next) -> Response {
    match app.limits.per_address(ip) {
        Ok(()) => next.run(request).await,
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

async fn no_route() -> Failure {
    Failure::NotFound("no such endpoint")
}

async fn wrong_method() -> Failure {
    Failure::WrongMethod
}

/// The whole service.
pub fn router(app: App) -> axum::Router {
    let api = axum::Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi::document))
        .route("/branches", post(accounts::create_branch))
        .route("/login", post(accounts::login))
        .route("/session", get(accounts::whoami).delete(accounts::logout))
        .route("/invitations", post(accounts::invite))
        .route("/invitations/accept", post(accounts::accept))
        .route("/devices", get(accounts::devices))
        .route("/devices/{id}", axum::routing::delete(accounts::revoke))
        .route("/devices/{id}/role", put(accounts::set_role))
        .route("/branch", get(accounts::settings).put(accounts::set_settings))
        .route("/sync/push", post(push::push))
        .route("/sync/pull", get(push::pull))
        .route("/rounds/{round}/box", get(ballots::fetch).post(ballots::close))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(app.clone(), per_address))
        .layer(DefaultBodyLimit::max(app.config.max_body));
    // `/api/` itself is not matched by the nest: answer it like any unknown path.
    let router = axum::Router::new().nest("/api", api).route("/api/", axum::routing::any(no_route));
    let router = match &app.config.dist {
        Some(dist) => router.fallback_service(web::service(dist)),
        None => router,
    };
    // Logs say who asked what and how it went: never bodies (ballots).
    let trace = TraceLayer::new_for_http()
        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    // Security headers on everything, API errors and static files alike.
    router.layer(middleware::from_fn(crate::headers::add)).layer(trace).with_state(app)
}
