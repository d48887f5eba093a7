//! Security headers on every answer, the app's and the API's: the content
//! security policy the app runs under, no sniffing, no framing, no
//! referrer. They are read from `pwa/headers.txt`, which the browser
//! tests' static server (`tests/e2e/serve.mjs`) reads too, so the policy
//! the suites run under is the one served.

use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// `pwa/headers.txt`, compiled in.
pub const SOURCE: &str = include_str!("../../../pwa/headers.txt");

/// The headers of `text`: `Name: value` lines, continuation lines (leading
/// whitespace) joined with a space, `#` comment lines skipped.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(trimmed);
            }
            continue;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    headers
}

static HEADERS: LazyLock<Vec<(HeaderName, HeaderValue)>> = LazyLock::new(|| {
    parse(SOURCE)
        .into_iter()
        .map(|(name, value)| {
            let name = HeaderName::try_from(name).expect("pwa/headers.txt: a header name");
            let value = HeaderValue::try_from(value).expect("pwa/headers.txt: a header value");
            (name, value)
        })
        .collect()
});

/// The headers, parsed (at start, so a broken file stops the server there).
pub fn all() -> &'static [(HeaderName, HeaderValue)] {
    &HEADERS
}

/// Adds every header a handler did not set itself.
pub async fn add(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in all() {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_file_parses_into_the_expected_headers() {
        let headers = super::parse(super::SOURCE);
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"]);
        let csp = &headers[0].1;
        assert!(csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"), "{csp}");
        assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains('#'), "comments stay out: {csp}");
        assert_eq!(super::all().len(), 4);
    }
}
