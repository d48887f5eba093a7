//! The OpenAPI document of the API, served at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
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
    modifiers(&Bearer, &Failures),
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

/// The failures every operation of a kind can answer, so each handler's
/// annotation lists only its own: any request may be rate limited (429);
/// one with a token may find it unknown, expired or revoked (401); one
/// with a body may send it too slowly, too large, not as JSON or of the
/// wrong shape (408, 413, 415, 400, 422); a path or query parameter may be
/// unreadable (400, 422). All with an `ApiError` body.
struct Failures;

impl Modify for Failures {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        for item in openapi.paths.paths.values_mut() {
            let operations =
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten();
            for op in operations {
                let mut codes = vec![("429", "Too many requests; wait and try again")];
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    codes.push(("401", "No token, or an unknown, expired or revoked one"));
                }
                if op.request_body.is_some() {
                    codes.extend([
                        ("400", "The body could not be read"),
                        ("408", "The body did not arrive in time"),
                        ("413", "The body is too large"),
                        ("415", "The body is not sent as application/json"),
                        ("422", "The body is not JSON of the documented shape, or a value is refused"),
                    ]);
                }
                let within = |place: ParameterIn| op.parameters.iter().flatten().any(|p| p.parameter_in == place);
                if within(ParameterIn::Path) {
                    codes.push(("400", "A path parameter could not be read"));
                }
                if within(ParameterIn::Query) {
                    codes.push(("422", "A query parameter could not be read"));
                }
                for (code, description) in codes {
                    op.responses.responses.entry(code.to_owned()).or_insert_with(|| failure(description));
                }
            }
        }
    }
}

/// A failure answer: `description`, with an `ApiError` body.
fn failure(description: &str) -> RefOr<Response> {
    let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build();
    RefOr::T(ResponseBuilder::new().description(description).content("application/json", body).build())
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(Doc::openapi())
}
