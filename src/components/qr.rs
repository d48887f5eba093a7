//! QR codes as inline SVG: error correction M, a four-module quiet zone,
//! black on white, scaled to the container (at most 320 px wide).
//!
//! Text that is all ASCII gets the encoder's mixed segments (digits and
//! capitals pack tighter); anything else is one UTF-8 byte segment, because
//! the encoder's optimiser takes many UTF-8 Chinese byte pairs for Shift JIS
//! kanji, which phone scanners then show as mojibake.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, Version};
use std::fmt::Write as _;

/// White modules around the code; the standard asks for four.
const QUIET_ZONE: usize = 4;

fn encode(text: &str) -> Option<qrcode::QrCode> {
    let data = text.as_bytes();
    if text.is_ascii() {
        return qrcode::QrCode::with_error_correction_level(data, EcLevel::M).ok();
    }
    (1..=40).find_map(|version| {
        let mut bits = Bits::new(Version::Normal(version));
        bits.push_byte_data(data).ok()?;
        bits.push_terminator(EcLevel::M).ok()?;
        qrcode::QrCode::with_bits(bits, EcLevel::M).ok()
    })
}

/// The code's modules without the quiet zone: its width and, row by row,
/// `true` for dark. `None` if the text does not fit in a QR code.
pub fn qr_modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code = encode(text)?;
    Some((code.width(), code.to_colors().into_iter().map(|c| c == Color::Dark).collect()))
}

/// Standalone SVG markup for `text` (`data-testid="qr"`, `data-text` =
/// the text). `None` if the text is too long for a QR code.
pub fn qr_svg(text: &str) -> Option<String> {
    svg(text, None)
}

fn svg(text: &str, label: Option<&str>) -> Option<String> {
    let (width, modules) = qr_modules(text)?;
    let size = width + 2 * QUIET_ZONE;
    // One sub-path per horizontal run of dark modules.
    let mut path = String::new();
    for (y, row) in modules.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] {
                x += 1;
            }
            let run = x - start;
            let _ = write!(path, "M{} {}h{run}v1h-{run}z", start + QUIET_ZONE, y + QUIET_ZONE);
        }
    }
    let named = match label {
        Some(label) => format!(r#" role="img" aria-label="{}""#, escape(label)),
        None => String::new(),
    };
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="100%" shape-rendering="crispEdges"{named} data-testid="qr" data-text="{text}"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##,
        text = escape(text),
    ))
}

/// Escapes text for a double-quoted XML attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a QR code; `label` names it for screen readers.
#[component]
pub fn QrCode(text: Signal<String>, label: String) -> impl IntoView {
    let i18n = use_i18n();
    let markup = Memo::new(move |_| text.with(|text| svg(text, Some(&label))));
    view! {
        <div class="qr">
            {move || match markup.get() {
                Some(markup) => view! { <div class="qr-code" inner_html=markup></div> }.into_any(),
                None => view! { <p class="qr-error" role="status">{i18n.t("scan.qr_too_long")}</p> }.into_any(),
            }}
        </div>
    }
}
