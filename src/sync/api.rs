//! The sync server's HTTP API through the browser's `fetch` (no HTTP crate:
//! the wasm stays small). Bodies are `zhibu_core::sync`'s types as JSON.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use zhibu_core::sync::ApiError;

/// Why a request (or a sync) failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// No answer: offline, the server is down, or the address is wrong.
    Network(String),
    /// The server answered with an error status and body.
    Status(u16, ApiError),
    /// The answer was not what the protocol says.
    Garbled(String),
    /// The server writes a newer schema than this app reads: update the app.
    Newer(u64),
    /// This device could not store what it pulled (storage full): the
    /// pull stops before its cursor moves on.
    Local(String),
    /// Ballots of the round are still waiting to reach the server.
    Pending,
}

impl Failure {
    /// The token is revoked or expired (or the password is wrong).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Failure::Status(401, _))
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Status(status, _) => Some(*status),
            _ => None,
        }
    }
}

/// A server: its address and, once logged in, the bearer token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// `http(s)://host[:port]`, no trailing slash.
    pub base: String,
    /// The session's token.
    pub token: Option<String>,
}

/// A typed address as the server's base: scheme added if missing, path
/// and trailing slashes dropped, so `example.org/` and a pasted invitation
/// link both give `https://example.org`.
pub fn normalise_base(typed: &str) -> String {
    let typed = typed.trim();
    let with_scheme = if typed.contains("://") { typed.to_owned() } else { format!("https://{typed}") };
    let (scheme, rest) = with_scheme.split_once("://").unwrap_or(("https", &with_scheme));
    let host = rest.split(['/', '#', '?']).next().unwrap_or_default();
    format!("{scheme}://{host}")
}

impl Server {
    /// A server with no session yet.
    pub fn new(base: &str) -> Server {
        Server { base: normalise_base(base), token: None }
    }

    /// The same server with a token.
    pub fn with_token(base: &str, token: &str) -> Server {
        Server { base: normalise_base(base), token: Some(token.to_owned()) }
    }

    /// `GET path` → `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let text = self.send("GET", path, None).await?;
        parse(&text)
    }

    /// `method path` with a JSON body → `T`.
    pub async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        let body = serde_json::to_string(body).map_err(|e| Failure::Garbled(e.to_string()))?;
        let text = self.send(method, path, Some(body)).await?;
        parse(&text)
    }

    /// `POST path` with no body → `T`.
    pub async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let text = self.send("POST", path, None).await?;
        parse(&text)
    }

    /// `method path` whose answer has no body we need (204).
    pub async fn call(&self, method: &str, path: &str, body: Option<String>) -> Result<(), Failure> {
        self.send(method, path, body).await.map(|_| ())
    }

    /// One request; the answer's text when the status is 2xx.
    async fn send(&self, method: &str, path: &str, body: Option<String>) -> Result<String, Failure> {
        let window = web_sys::window().ok_or_else(|| Failure::Network("no window".into()))?;
        let headers = web_sys::Headers::new().map_err(js_failure)?;
        headers.set("Accept", "application/json").map_err(js_failure)?;
        if body.is_some() {
            headers.set("Content-Type", "application/json").map_err(js_failure)?;
        }
        if let Some(token) = &self.token {
            headers.set("Authorization", &format!("Bearer {token}")).map_err(js_failure)?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        init.set_headers(&headers);
        init.set_cache(web_sys::RequestCache::NoStore);
        if let Some(body) = &body {
            init.set_body(&wasm_bindgen::JsValue::from_str(body));
        }
        let url = format!("{}{path}", self.base);
        let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await.map_err(js_failure)?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| Failure::Garbled("not a response".into()))?;
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            Err(_) => String::new(),
        };
        if response.ok() {
            return Ok(text);
        }
        let status = response.status();
        let error = serde_json::from_str::<ApiError>(&text).unwrap_or_else(|_| ApiError {
            error: "http".into(),
            message: format!("HTTP {status} {}", response.status_text()),
        });
        Err(Failure::Status(status, error))
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|e| Failure::Garbled(e.to_string()))
}

fn js_failure(err: wasm_bindgen::JsValue) -> Failure {
    let message = err
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    Failure::Network(message)
}
