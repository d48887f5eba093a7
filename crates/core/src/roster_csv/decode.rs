//! Reading a roster file's bytes: UTF-8 (with or without a BOM) or
//! GB18030, as Excel on a Chinese Windows saves CSV.

use super::*;

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes GB18030 bytes, `None` when they are not GB18030.
pub type Gb18030 = dyn Fn(&[u8]) -> Option<String>;

/// GB18030 by encoding_rs (native builds and the server). The browser app
/// passes its own `TextDecoder('gb18030')` instead: encoding_rs' tables
/// would sit in the first screen's wasm (wasm-split leaves data there).
#[cfg(feature = "gb18030")]
pub fn gb18030(bytes: &[u8]) -> Option<String> {
    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).map(|t| t.into_owned())
}

/// Reads bytes as text: a UTF-8 BOM, else valid UTF-8, else GB18030.
#[cfg(feature = "gb18030")]
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), ImportError> {
    decode_with(bytes, &gb18030)
}

/// [`decode`] with the GB18030 decoder given.
pub fn decode_with(bytes: &[u8], gb18030: &Gb18030) -> Result<(String, TextEncoding), ImportError> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(BOM) {
        let text = std::str::from_utf8(rest).map_err(|_| ImportError::Undecodable)?;
        (text.to_owned(), TextEncoding::Utf8Bom)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), TextEncoding::Utf8)
    } else {
        (gb18030(bytes).ok_or(ImportError::Undecodable)?, TextEncoding::Gb18030)
    };
    // Text never holds NUL; a workbook (a zip) or BOM-less UTF-16 does, and
    // would otherwise "decode" into a header that names nothing.
    if text.contains('\0') {
        return Err(ImportError::Undecodable);
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok((text, encoding))
}
