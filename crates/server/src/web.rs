//! The built app (trunk's `dist/`), served beside the API: hashed files are
//! cached for good, everything else is revalidated (the service worker and
//! index.html must never be stale).

use std::path::Path;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::ServeDir;

/// Files named `name-<16 hex>.ext` (trunk's hashed output) never change.
fn hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let forever = hashed(request.uri().path());
    let mut response = next.run(request).await;
    let value =
        if forever && response.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// The static service for `dist`.
pub fn service(dist: &Path) -> axum::Router {
    axum::Router::new().fallback_service(ServeDir::new(dist)).layer(middleware::from_fn(cache_headers))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_trunks_hashed_names_are_immutable() {
        assert!(super::hashed("/zhibu-0123456789abcdef_bg.wasm") || super::hashed("/zhibu-0123456789abcdef.js"));
        assert!(super::hashed("/zhibu-0123456789abcdef.js"));
        assert!(!super::hashed("/index.html"));
        assert!(!super::hashed("/sw.js"));
        assert!(!super::hashed("/icons/icon-192.png"));
    }
}
