//! A minimal XLSX writer: one sheet of text cells, a bold frozen header.
//!
//! Hand-written on purpose: rust_xlsxwriter (tried first) brings a deflate
//! and zopfli compressor and adds ~210 KB gzip to the browser bundle, more
//! than the app's whole transfer budget, for files of a few kilobytes. An
//! XLSX is a zip of six small XML parts; stored (uncompressed) entries and a
//! CRC-32 (crc32fast) are all it needs. Cells are inline strings, never
//! formulas, so a name starting with `=` stays text; columns the caller
//! names as numeric hold numbers (学时 a spreadsheet can add up).

/// Builds the workbook's bytes; cells of the `numeric` columns that read as
/// plain decimals are written as numbers.
pub fn workbook(sheet_name: &str, header: &[String], rows: &[Vec<String>], numeric: &[usize]) -> Vec<u8> {
    let name = sheet_title(sheet_name);
    let width = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
    let mut sheet = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
        r#"<sheetViews><sheetView workbookViewId="0">"#,
        r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#,
        r#"</sheetView></sheetViews>"#,
    ));
    sheet.push_str(&format!(r#"<cols><col min="1" max="{width}" width="16" customWidth="1"/></cols><sheetData>"#));
    let header = header.to_vec();
    for (r, cells) in std::iter::once(&header).chain(rows).enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, text) in cells.iter().enumerate() {
            let style = if r == 0 { r#" s="1""# } else { "" };
            if r > 0 && numeric.contains(&c) && is_decimal(text) {
                sheet.push_str(&format!(r#"<c r="{}{}"><v>{text}</v></c>"#, column(c), r + 1));
                continue;
            }
            sheet.push_str(&format!(
                r#"<c r="{}{}" t="inlineStr"{style}><is><t xml:space="preserve">{}</t></is></c>"#,
                column(c),
                r + 1,
                escape(text)
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");

    let parts: [(&str, String); 6] = [
        (
            "[Content_Types].xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                r#"<Default Extension="xml" ContentType="application/xml"/>"#,
                r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
                r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
                r#"</Types>"#
            )
            .to_owned(),
        ),
        (
            "_rels/.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
                r#"</Relationships>"#
            )
            .to_owned(),
        ),
        (
            "xl/workbook.xml",
            format!(
                concat!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                    r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#,
                    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
                    r#"<sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
                escape(&name)
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
                r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
                r#"</Relationships>"#
            )
            .to_owned(),
        ),
        (
            "xl/styles.xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
                r#"<fonts count="2"><font><sz val="11"/><name val="等线"/></font>"#,
                r#"<font><b/><sz val="11"/><name val="等线"/></font></fonts>"#,
                r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
                r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
                r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
                r#"<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
                r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>"#,
                r#"</styleSheet>"#
            )
            .to_owned(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    zip_stored(&parts)
}

/// Excel's column letters: 0 → A, 25 → Z, 26 → AA.
fn column(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII")
}

/// A sheet title Excel accepts: no `[]:*?/\`, at most 31 characters.
fn sheet_title(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.trim().is_empty() { "Sheet1".into() } else { clean }
}

/// XML text; characters XML 1.0 cannot hold (most control characters) are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A zip of stored entries with UTF-8 names (flag bit 11), dated 1980-01-01.
fn zip_stored(parts: &[(&str, String)]) -> Vec<u8> {
    const DATE: u16 = (1 << 5) | 1; // 1980-01-01
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, text) in parts {
        let data = text.as_bytes();
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let (size, name_len) = (data.len() as u32, name.len() as u16);
        for (buf, sig) in [(&mut out, 0x0403_4b50u32), (&mut central, 0x0201_4b50)] {
            buf.extend_from_slice(&sig.to_le_bytes());
            if sig == 0x0201_4b50 {
                buf.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            for v in [20u16, 0x0800, 0, 0, DATE] {
                buf.extend_from_slice(&v.to_le_bytes()); // needed, flags, method, time, date
            }
            for v in [crc, size, size] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            buf.extend_from_slice(&name_len.to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra
            if sig == 0x0201_4b50 {
                for v in [0u16, 0, 0] {
                    buf.extend_from_slice(&v.to_le_bytes()); // comment, disk, internal
                }
                buf.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                buf.extend_from_slice(&offset.to_le_bytes());
            }
            buf.extend_from_slice(name.as_bytes());
        }
        out.extend_from_slice(data);
    }
    let (cd_offset, cd_size, count) = (out.len() as u32, central.len() as u32, parts.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// `12`, `1.5`, `-3`: digits with at most one point, nothing a spreadsheet
/// could read another way (no exponent, no leading zero but `0.x`).
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all(whole) && all(frac) && (whole == "0" || !whole.starts_with('0')) && whole.len() <= 12
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_titles() {
        assert_eq!(
            [column(0), column(25), column(26), column(27), column(701), column(702)],
            ["A", "Z", "AA", "AB", "ZZ", "AAA"]
        );
        assert_eq!(sheet_title("2026年出勤/台账[1]"), "2026年出勤台账1");
        assert_eq!(sheet_title("::"), "Sheet1");
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
