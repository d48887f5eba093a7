//! The built app (`dist/`, `cargo xtask`'s release bundle), served beside
//! the API: hashed files are cached for good, everything else is revalidated
//! (the service worker and index.html must never be stale). The bundle
//! carries `.br` and `.gz` copies of its files; the one the browser accepts
//! is sent (`Content-Encoding`, `Vary: Accept-Encoding`).

use std::path::Path;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::ServeDir;

/// Files named `name-<16 hex>.ext` (the bundle's hashed output) never change.
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
    // The body depends on Accept-Encoding (ServeDir picks `.br`/`.gz` but
    // does not say so): a shared cache must not hand brotli to a browser
    // that did not ask for it.
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// The static service for `dist`.
pub fn service(dist: &Path) -> axum::Router {
    axum::Router::new()
        .fallback_service(ServeDir::new(dist).precompressed_br().precompressed_gzip())
        .layer(middleware::from_fn(cache_headers))
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
        assert!(super::hashed("/zhibu_bg-0123456789abcdef.wasm"));
        assert!(super::hashed("/split_rounds-0123456789abcdef.wasm"));
    }

    /// The bundle's `.br`/`.gz` copies go to browsers that accept them.
    #[tokio::test]
    async fn precompressed_copies_are_negotiated() {
        use axum::body::{Body, to_bytes};
        use axum::http::{Request, header};
        use tower::ServiceExt;

        let dist = tempfile::tempdir().unwrap();
        let name = "zhibu_bg-0123456789abcdef.wasm";
        std::fs::write(dist.path().join(name), b"plain").unwrap();
        std::fs::write(dist.path().join(format!("{name}.br")), b"brotli").unwrap();
        std::fs::write(dist.path().join(format!("{name}.gz")), b"gzip").unwrap();
        let get = |accept: &'static str| {
            let app = super::service(dist.path());
            let request = Request::get(format!("/{name}")).header(header::ACCEPT_ENCODING, accept);
            async move { app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap() }
        };
        for (accept, encoding, body) in
            [("gzip, deflate, br", Some("br"), "brotli"), ("gzip", Some("gzip"), "gzip"), ("identity", None, "plain")]
        {
            let response = get(accept).await;
            assert_eq!(response.status(), 200, "{accept}");
            let got = response.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(got.as_deref(), encoding, "{accept}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/wasm", "{accept}");
            assert!(response.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
            let bytes = to_bytes(response.into_body(), 1024).await.unwrap();
            assert_eq!(bytes, body.as_bytes(), "{accept}");
        }
    }
}
