//! Small doors to the browser: clock, randomness, reading a chosen file,
//! fetching one of the app's own files, printing (downloads are `download`).

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Wall-clock now, Unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// 16 bytes from the browser's CSPRNG.
pub fn random16() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    match crypto {
        Some(c) if c.get_random_values_with_u8_array(&mut bytes).is_ok() => {}
        // No Web Crypto (very old browser): Math.random still keeps ids apart.
        _ => bytes.iter_mut().for_each(|b| *b = (js_sys::Math::random() * 256.0) as u8),
    }
    bytes
}

/// Decodes GB18030 bytes (Excel's "CSV" on Chinese Windows) with the
/// browser's own decoder; `None` when they are not GB18030.
pub fn gb18030(bytes: &[u8]) -> Option<String> {
    let options = web_sys::TextDecoderOptions::new();
    options.set_fatal(true);
    let decoder = web_sys::TextDecoder::new_with_label_and_options("gb18030", &options).ok()?;
    decoder.decode_with_u8_array(bytes).ok()
}

/// Reads a chosen file's bytes.
pub async fn read_file(file: web_sys::File) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(file.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Today's date in the branch's zone (China Standard Time), for file names.
pub fn today_cst() -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + 8.0 * 3600.0 * 1000.0));
    format!("{:04}-{:02}-{:02}", date.get_utc_full_year(), date.get_utc_month() + 1, date.get_utc_date())
}

/// Opens the browser's print dialog (the print stylesheet makes the A4 page).
pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// One of the app's own files, fetched (the service worker answers from its
/// cache once it holds it).
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, JsValue> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url)).await?.dyn_into()?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()).into());
    }
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The `content` of `<meta name="…">` in the page (where the release build
/// names its hashed files).
pub fn meta(name: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name={name}]"))
        .ok()
        .flatten()?
        .get_attribute("content")
}
