//! Browser tests of the words a refusal is shown in: no English reaches a
//! zh-CN user — not the server's messages, not the browser's, not the JSON
//! parser's — while the English texts keep them (they help a reader there).

use wasm_bindgen_test::*;
use zhibu::i18n::Lang;
use zhibu::sync::api::Failure;
use zhibu::words;
use zhibu_core::document;
use zhibu_core::join;
use zhibu_core::sync::ApiError;

wasm_bindgen_test_configure!(run_in_browser);

/// Latin words in a text (a status number, a path like `events[0]` or a
/// product name is not a sentence; two or more letters in a row are).
fn english(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            if word.len() >= 3 && !["JSON", "schema", "events"].contains(&word.as_str()) {
                words.push(std::mem::take(&mut word));
            }
            word.clear();
        }
    }
    words
}

fn from_server(status: u16) -> Failure {
    Failure::Status(status, ApiError { error: "invalid".into(), message: "the ballot box is sealed already".into() })
}

#[wasm_bindgen_test]
fn a_servers_english_message_is_shown_only_in_english() {
    let failures = [
        Failure::Network("TypeError: Failed to fetch".into()),
        from_server(400),
        from_server(403),
        from_server(404),
        from_server(409),
        from_server(413),
        from_server(422),
        from_server(500),
    ];
    for failure in &failures {
        let zh = words::sync_failure(Lang::Zh, failure);
        assert_eq!(english(&zh), Vec::<String>::new(), "{failure:?}: {zh}");
        let en = words::sync_failure(Lang::En, failure);
        assert!(en.contains("sealed") || en.contains("fetch"), "English keeps the server's words: {en}");
    }
}

#[wasm_bindgen_test]
fn a_backup_or_receipt_with_a_wrong_field_is_refused_in_chinese() {
    let backup = r#"{"schema": 3, "events": [{"not": "an event"}]}"#;
    let error = document::parse(backup).expect_err("no event there");
    assert!(matches!(error, document::DocError::Invalid { .. }), "{error:?}");
    let zh = words::doc_error(Lang::Zh, &error);
    assert_eq!(english(&zh), Vec::<String>::new(), "{zh}");
    assert!(words::doc_error(Lang::En, &error).contains("events[0]"), "the place is named");

    let receipt = format!("{}{}", join::RECEIPT_PREFIX, r#"[{"not": "an event"}]"#);
    let error = join::open_receipt(&receipt).expect_err("no event there");
    let zh = words::doc_error(Lang::Zh, &error);
    assert_eq!(english(&zh), Vec::<String>::new(), "{zh}");
}
