//! The OpenAPI document of the API, served at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API's description, built from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "支部 Zhibu sync server", description = "Sync protocol, accounts and ballots of the Zhibu sync server."),
    paths(
        crate::routes::health,
        crate::accounts::create_branch, crate::accounts::login, crate::accounts::logout, crate::accounts::whoami,
        crate::accounts::invite, crate::accounts::accept, crate::accounts::devices, crate::accounts::revoke,
        crate::accounts::set_role, crate::accounts::settings, crate::accounts::set_settings,
        crate::push::push, crate::push::pull,
        crate::ballots::close, crate::ballots::fetch,
    ),
    components(schemas(zhibu_core::sync::ApiError)),
    modifiers(&Bearer),
    tags((name = "sync"), (name = "accounts"), (name = "ballots"), (name = "server"))
)]
pub struct Doc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(Doc::openapi())
}
