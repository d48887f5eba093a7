//! Tidy checks: project invariants as ordinary tests (they run in
//! `cargo xtask test`'s `native` suite, and with `cargo test -p xtask`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

// --- The domain crate knows nothing of the web. ---------------------------

/// Crates that tie code to a browser or to the UI framework.
fn is_web_crate(name: &str) -> bool {
    name == "web-sys"
        || name == "js-sys"
        || name.starts_with("leptos")
        || name.starts_with("wasm-bindgen")
        || name.starts_with("gloo")
}

/// Every dependency a Cargo.toml names, in any dependency table (normal, dev,
/// build, target-specific; `name = ..`, `name.workspace = ..`,
/// `[dependencies.name]`, and `package = "real-name"` renames).
fn dependency_names(manifest: &str) -> BTreeSet<String> {
    #[derive(PartialEq)]
    enum Section {
        Other,
        /// `[dependencies]`: one dependency per key.
        List,
        /// `[dependencies.name]`: one dependency's fields.
        Table,
    }
    let mut names = BTreeSet::new();
    let mut section = Section::Other;
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']').trim();
            section = Section::Other;
            if let Some((before, after)) = header.rsplit_once("dependencies") {
                let before = before.trim_end_matches("dev-").trim_end_matches("build-");
                if before.is_empty() || before.ends_with('.') {
                    if let Some(name) = after.strip_prefix('.') {
                        names.insert(name.trim_matches('"').to_string());
                        section = Section::Table;
                    } else if after.is_empty() {
                        section = Section::List;
                    }
                }
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if line.starts_with('#') || section == Section::Other {
            continue;
        }
        if section == Section::List {
            names.insert(key.split('.').next().unwrap().trim_matches('"').to_string());
        }
        // A rename: `alias = { package = "real", .. }` or `package = "real"`.
        let renamed = if key == "package" {
            Some(value)
        } else if section == Section::List {
            value.split_once("package").map(|(_, rest)| rest.trim_start_matches([' ', '=']))
        } else {
            None
        };
        if let Some(real) = renamed.and_then(|v| v.trim().trim_start_matches('"').split('"').next()) {
            names.insert(real.to_string());
        }
    }
    names
}

#[test]
fn dependency_names_reads_every_form() {
    let manifest = r#"
[package]
name = "x"
package-extra = "not a dependency"

[dependencies]
serde.workspace = true
csv = "1"
ws = { package = "gloo-net", version = "0.6" }

[target.'cfg(target_arch = "wasm32")'.dependencies]
getrandom = { version = "0.3" }

[dev-dependencies.leptos]
version = "0.8"

[build-dependencies.js]
package = "js-sys"

[features]
web = []
"#;
    let names: Vec<_> = dependency_names(manifest).into_iter().collect();
    assert_eq!(names, ["csv", "getrandom", "gloo-net", "js", "js-sys", "leptos", "serde", "ws"]);
}

#[test]
fn core_crate_has_no_web_dependencies() {
    let names = dependency_names(&read("crates/core/Cargo.toml"));
    assert!(names.contains("serde"), "the parser found no dependencies: {names:?}");
    let web: Vec<_> = names.iter().filter(|n| is_web_crate(n)).collect();
    assert!(web.is_empty(), "crates/core must build and test natively, without the web; it depends on {web:?}");
}

// --- CI runs exactly the README's test command. ---------------------------

/// The command lines of the README's "Quick start" section (its code block).
fn quick_start_commands(readme: &str) -> Vec<String> {
    let mut lines = readme.lines();
    let heading = lines.by_ref().find(|l| l.starts_with('#') && l.to_lowercase().contains("quick start"));
    assert!(heading.is_some(), "README.md has no \"Quick start\" heading");
    let mut commands = Vec::new();
    let mut in_code = false;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            if in_code {
                break;
            }
            in_code = true;
        } else if !in_code && trimmed.starts_with('#') {
            break;
        } else if in_code && !trimmed.is_empty() && !trimmed.starts_with('#') {
            commands.push(trimmed.trim_start_matches("$ ").to_string());
        }
    }
    commands
}

/// The last command of a shell script (no blank lines, comments, `fi`...).
fn last_command(script: &str) -> Option<&str> {
    script
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('#') && !matches!(*l, "fi" | "done" | "}" | "esac"))
}

#[test]
fn quick_start_commands_are_read() {
    let readme = "# Zhibu\n\n## Quick start\n\n```sh\n# serve\n$ cargo xtask run\ncargo xtask test\n```\n\nMore.\n```\nnot this\n```\n";
    assert_eq!(quick_start_commands(readme), ["cargo xtask run", "cargo xtask test"]);
    assert_eq!(last_command("set -e\ncargo xtask test\n# done\n"), Some("cargo xtask test"));
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let root = root();
    assert!(root.join("README.md").exists(), "README.md is missing (its Quick start shows the run and test commands)");
    let commands = quick_start_commands(&read("README.md"));
    assert_eq!(commands.len(), 2, "the README's Quick start has exactly two commands (run, test): {commands:?}");
    let test: Vec<_> = commands.iter().filter(|c| c.split_whitespace().any(|w| w == "test")).collect();
    assert_eq!(test.len(), 1, "exactly one Quick start command runs the tests: {commands:?}");
    let ci = read(".ci/run");
    assert_eq!(last_command(&ci), Some(test[0].as_str()), ".ci/run must end by running the README's test command");
}

#[test]
fn ci_script_is_executable() {
    use std::os::unix::fs::PermissionsExt;
    let mode = root().join(".ci/run").metadata().unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, ".ci/run is not executable (mode {mode:o}); chmod +x it");
}

// --- Every locale has every key. ------------------------------------------

/// A flat JSON object of string → string; its keys.
fn locale_keys(file: &str) -> BTreeSet<String> {
    let value: serde_json::Value =
        serde_json::from_str(&read(file)).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
    let object = value.as_object().unwrap_or_else(|| panic!("{file} must be one flat JSON object"));
    for (key, value) in object {
        assert!(value.is_string(), "{file}: `{key}` must be a string, not {value}");
    }
    object.keys().cloned().collect()
}

#[test]
fn every_locale_has_every_key() {
    let zh = locale_keys("locales/zh-CN.json");
    let en = locale_keys("locales/en.json");
    assert!(!zh.is_empty(), "locales/zh-CN.json has no keys");
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(
        only_zh.is_empty() && only_en.is_empty(),
        "locale keys differ\n  missing from en.json: {only_zh:?}\n  missing from zh-CN.json: {only_en:?}"
    );
}

// --- One door for downloads, and no download's failure dropped. ----------

/// Every `.rs` file under `dir` (relative to the root), sorted.
fn rust_files(dir: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![root().join(dir)];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap_or_else(|e| panic!("reading {}: {e}", at.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path.strip_prefix(root()).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

/// `src/download.rs` alone makes a file for the browser to download (an
/// object URL, a link's `download`), and its callers use what it returns:
/// a failed download is shown to the user, not dropped.
#[test]
fn downloads_go_through_one_door_and_failures_are_shown() {
    let files = rust_files("src");
    assert!(files.iter().any(|f| f == "src/download.rs"), "src/download.rs is missing: {files:?}");
    for file in files {
        let text = read(&file);
        let code: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect();
        let code = code.join("\n");
        if file != "src/download.rs" {
            for door in ["create_object_url", "set_download("] {
                assert!(!code.contains(door), "{file} offers a download itself ({door}); use crate::download");
            }
        }
        for dropped in ["let _ = download::", "let _ = crate::download::"] {
            assert!(!code.contains(dropped), "{file} drops a download's failure (`{dropped}`); show it");
        }
    }
}

// --- The records and storage know nothing of the sync client. -------------

/// Lines (comments aside) that name the app's `sync` module: `crate::sync`,
/// or a bare `sync::` path (after `use crate::{.., sync}`). Qualified paths
/// such as `zhibu_core::sync::` or `std::sync::` are other modules.
fn names_app_sync(source: &str) -> Vec<String> {
    source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .filter(|code| {
            code.contains("crate::sync")
                || code.match_indices("sync::").any(|(at, _)| {
                    let before = code[..at].chars().next_back();
                    !before.is_some_and(|c| c == ':' || c == '_' || c.is_alphanumeric())
                })
        })
        .map(|code| code.trim().to_owned())
        .collect()
}

#[test]
fn names_app_sync_tells_the_app_module_from_others() {
    let source = "use crate::sync::Connection;\nuse std::sync::Mutex;\nuse zhibu_core::sync::outbox;\n\
                  // crate::sync in a comment\n    let c = sync::Connection::load();\nfn async_sync() {}";
    assert_eq!(names_app_sync(source), ["use crate::sync::Connection;", "let c = sync::Connection::load();"]);
}

/// The session and storage are plain data and the door to localStorage;
/// the sync client (HTTP, when to sync) sits above them, and the pure half
/// of sync is the core's (`zhibu_core::sync`).
#[test]
fn session_and_storage_do_not_use_the_sync_client() {
    let mut files = vec!["src/session.rs".to_owned(), "src/storage.rs".to_owned()];
    files.extend(rust_files("src/session"));
    files.extend(rust_files("src/storage"));
    for file in files {
        let found = names_app_sync(&read(&file));
        assert!(found.is_empty(), "{file} uses the app's sync client: {found:?}");
    }
}

// --- Invariants of the code's shape (issue 17, item 5). --------------------

/// Code lines (comments aside) of `source` naming any of `names`.
fn code_naming<'a>(source: &'a str, names: &[&str]) -> Vec<&'a str> {
    source
        .lines()
        .filter(|line| {
            let code = line.split("//").next().unwrap_or_default();
            names.iter().any(|n| code.contains(n))
        })
        .map(str::trim)
        .collect()
}

#[test]
fn code_naming_skips_comments() {
    let source = "let s = LocalStorage::get(k);\n// LocalStorage in a comment\nlet t = 1; // localStorage";
    assert_eq!(code_naming(source, &["LocalStorage", "localStorage"]), ["let s = LocalStorage::get(k);"]);
}

/// localStorage is reached through `storage` only: it alone knows the keys,
/// the quota and what a full storage means. (`StoredValue<_, LocalStorage>`
/// is Leptos' thread-local arena, not the browser's storage.)
#[test]
fn only_storage_touches_local_storage() {
    let mut found = Vec::new();
    for file in rust_files("src") {
        if file == "src/storage.rs" || file.starts_with("src/storage/") {
            continue;
        }
        let source = read(&file);
        for line in code_naming(&source, &["local_storage(", "gloo_storage", "\"localStorage\"", "LocalStorage"]) {
            if !line.contains("StoredValue<") {
                found.push(format!("{file}: {line}"));
            }
        }
    }
    assert!(found.is_empty(), "localStorage outside storage: {found:#?}");
}

/// The push/pull protocol's messages: what goes over the wire between a
/// device and the server.
const WIRE_MESSAGES: &[&str] = &[
    "PushRequest",
    "PushResponse",
    "PullResponse",
    "EventResult",
    "BallotResult",
    "BallotPush",
    "BoxedBallot",
    "BoxResponse",
];

/// Only the app's sync module, the server and the core's `sync` know the
/// wire format: the session, storage and screens see events and ballots.
#[test]
fn only_sync_and_the_server_know_the_wire_format() {
    let mut found = Vec::new();
    for file in rust_files("src") {
        if file == "src/sync.rs" || file.starts_with("src/sync/") {
            continue;
        }
        for line in code_naming(&read(&file), WIRE_MESSAGES) {
            found.push(format!("{file}: {line}"));
        }
    }
    for file in rust_files("crates/core/src") {
        if file == "crates/core/src/sync.rs" || file.starts_with("crates/core/src/sync/") {
            continue;
        }
        for line in code_naming(&read(&file), WIRE_MESSAGES) {
            found.push(format!("{file}: {line}"));
        }
    }
    assert!(found.is_empty(), "wire messages outside sync and the server: {found:#?}");
}

/// The longest a source file may be, in lines.
const MAX_LINES: usize = 400;

/// Files still over [`MAX_LINES`], each with the most it may have: the list
/// only shrinks (a file that is split must leave it; none may grow).
const OVER_THE_LIMIT: &[(&str, usize)] = &[];

#[test]
fn no_source_file_is_over_the_limit() {
    let mut files = rust_files("src");
    for dir in ["crates/core/src", "crates/server/src", "xtask/src"] {
        files.extend(rust_files(dir));
    }
    let mut over = Vec::new();
    for file in &files {
        let lines = read(file).lines().count();
        match OVER_THE_LIMIT.iter().find(|(f, _)| f == file) {
            Some((_, most)) if lines > *most => over.push(format!("{file}: {lines} lines, more than its {most}")),
            Some(_) if lines <= MAX_LINES => over.push(format!("{file}: {lines} lines; take it off the list")),
            Some(_) => {}
            None if lines > MAX_LINES => over.push(format!("{file}: {lines} lines (limit {MAX_LINES})")),
            None => {}
        }
    }
    for (file, _) in OVER_THE_LIMIT {
        if !files.iter().any(|f| f == file) {
            over.push(format!("{file} is listed but gone"));
        }
    }
    assert!(over.is_empty(), "{over:#?}");
}

/// The names of an enum's variants, from its source.
fn variants(source: &str, enum_name: &str) -> Vec<String> {
    let start = source.find(&format!("pub enum {enum_name} {{")).unwrap_or_else(|| panic!("enum {enum_name}"));
    let mut out = Vec::new();
    let mut depth = 0;
    for line in source[start..].lines().skip(1) {
        let code = line.split("//").next().unwrap_or_default().trim();
        if depth == 0 && code == "}" {
            break;
        }
        if depth == 0 && code.starts_with(|c: char| c.is_ascii_uppercase()) {
            out.push(code.split(|c: char| !c.is_alphanumeric()).next().unwrap().to_owned());
        }
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
    }
    out
}

/// The body of `fn name` in `source` (to its closing brace at the same indent).
fn fn_body<'a>(source: &'a str, signature: &str) -> &'a str {
    let start = source.find(signature).unwrap_or_else(|| panic!("{signature}"));
    let indent = source[..start].rsplit('\n').next().unwrap_or_default();
    let end = source[start..].find(&format!("\n{indent}}}")).unwrap_or_else(|| panic!("end of {signature}"));
    &source[start..start + end]
}

#[test]
fn variants_and_bodies_are_read() {
    let source = "pub enum P {\n    /// A.\n    A {\n        x: u8,\n    },\n    B(u8),\n    C,\n}\n\
                  impl S {\n    pub fn apply(&self) {\n        match p {\n            P::A { .. } => {}\n        }\n    }\n}";
    assert_eq!(variants(source, "P"), ["A", "B", "C"]);
    assert!(fn_body(source, "pub fn apply").ends_with("        }"));
}

/// Every event the log can hold is folded by `State::apply`, named there
/// (no catch-all arm that would silently drop a new kind of event).
#[test]
fn every_payload_is_applied() {
    let payloads = variants(&read("crates/core/src/event.rs"), "Payload");
    assert!(payloads.len() > 20, "read {payloads:?}");
    let state = read("crates/core/src/state/mod.rs");
    let apply = fn_body(&state, "pub fn apply(&mut self, event: &Event)");
    assert!(!apply.contains("_ =>"), "State::apply has a catch-all arm");
    let missing: Vec<_> = payloads.iter().filter(|p| !apply.contains(&format!("Payload::{p}"))).collect();
    assert!(missing.is_empty(), "State::apply does not name {missing:?}");
}

/// Every event from outside is checked by its feature (`content::check`):
/// the dispatcher names each `Payload` variant, with no catch-all, so a
/// new kind of event cannot arrive unchecked.
#[test]
fn every_payload_has_a_content_check() {
    let payloads = variants(&read("crates/core/src/event.rs"), "Payload");
    let content = read("crates/core/src/content.rs");
    let check = fn_body(&content, "pub fn check(event: &Event)");
    assert!(!check.contains("_ =>"), "content::check has a catch-all arm");
    let missing: Vec<_> = payloads.iter().filter(|p| !check.contains(&format!("P::{p} "))).collect();
    assert!(missing.is_empty(), "content::check does not name {missing:?}");
}

/// Every table of `Extras` is joined (merge) and has its clocks read (the
/// next clock after a snapshot); the ballot box alone has no clock, by
/// design: a ballot carries no time.
#[test]
fn every_table_is_joined_and_clocked() {
    let state = read("crates/core/src/state/extras.rs");
    let start = state.find("pub struct Extras {").unwrap();
    let end = start + state[start..].find("\n}").unwrap();
    let tables: Vec<&str> =
        state[start..end].lines().skip(1).filter_map(|l| l.trim().strip_prefix("pub ")?.split(':').next()).collect();
    assert!(tables.len() > 15, "read {tables:?}");
    let join = fn_body(&state, "pub fn join(&mut self, other: &Extras)");
    let clocks = fn_body(&state[start..], "pub fn clocks(&self) -> impl Iterator");
    for table in &tables {
        assert!(join.contains(&format!("self.{table}")), "Extras::join leaves out {table}");
        if *table != "ballots" {
            assert!(clocks.contains(&format!("self.{table}")), "Extras::clocks leaves out {table}");
        }
    }
}

// --- The domain tests need nothing outside the repository. ---------------

/// A plain `cargo test` in a clone runs the crates' tests: none of them
/// reads `../shared` (the end-to-end specs still do, for the import walk).
#[test]
fn crate_tests_read_nothing_outside_the_repository() {
    for file in rust_files("crates") {
        for (n, line) in read(&file).lines().enumerate() {
            let outside = line.contains("shared/fixtures") || line.contains("\"/../../../");
            assert!(!outside, "{file}:{}: reads outside the repository: {}", n + 1, line.trim());
        }
    }
}

/// The domain tests' fixtures are the shared roster exports, byte for byte
/// (compared where `../shared` is beside the repository, as `cargo xtask
/// test` has it).
#[test]
fn the_fixture_copies_are_the_shared_exports() {
    let shared = root().join("../shared/fixtures");
    if !shared.is_dir() {
        let note = format!("the_fixture_copies_are_the_shared_exports: no {}, nothing to compare\n", shared.display());
        let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
        return;
    }
    for name in ["roster-excel-gb18030.csv", "roster-utf8-bom.csv"] {
        let copy = std::fs::read(root().join("crates/core/tests/fixtures").join(name)).expect("the copy");
        let original = std::fs::read(shared.join(name)).expect("the shared export");
        assert!(copy == original, "crates/core/tests/fixtures/{name} differs from ../shared/fixtures/{name}");
    }
}
