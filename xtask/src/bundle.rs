//! The release bundle in `dist/`, split into wasm chunks loaded on demand.
//!
//! Why not `trunk build`: splitting needs steps between cargo and
//! wasm-bindgen that trunk has no hook for (its hooks run before cargo or
//! after wasm-bindgen; trunk issue 1022). So the release build runs them
//! itself, the way cargo-leptos' `--split` does:
//!
//! 1. `cargo build --release --no-default-features --features split` with
//!    `--emit-relocs`, so the linked wasm keeps the relocations the splitter
//!    needs (and without the built-in pinyin table, fetched after the first
//!    screen); on the rustup route std is built too, with
//!    `-Cpanic=immediate-abort` ([`crate::wasm::immediate_abort`]);
//! 2. `wasm-split-cli` (crate `wasm_split_cli_support`, pinned in
//!    [`crate::setup`]) cuts it at the `#[wasm_split]` loaders of
//!    `src/chunks.rs`: a main module, one module per chunk, shared pieces,
//!    and `__wasm_split.js` that fetches them;
//! 3. `wasm-bindgen --target web --keep-lld-exports` on the main module (the
//!    chunks import its exports);
//! 4. `wasm-opt -Oz` on the main module and on every chunk;
//! 5. `pwa/assemble.mjs`: content-hashed names (the pinyin table too),
//!    `index.html` (no inline
//!    script: the CSP allows only files), the CSS, manifest and icons, the
//!    service worker (`pwa/precache.mjs`, so every chunk is precached),
//!    precompressed `.br`/`.gz` beside each file, and
//!    `target/bundle/sizes.txt` for the size gate.
//!
//! `cargo xtask dev` keeps `trunk serve` (no split feature: one module).

use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::proc;
use crate::wasm::{TARGET, Wasm};

/// The split main module before wasm-bindgen, with function names.
pub fn named_main(root: &Path) -> PathBuf {
    root.join(WORK).join("split/zhibu.wasm")
}

/// Where the intermediate files go (`dist/` receives only the result).
const WORK: &str = "target/bundle";

/// The features `wasm-opt` must accept: the ones rustc emits (the stripped
/// build carries no features section).
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Builds `dist/`. A failed step ends the build with its status.
pub fn build(sh: &Shell, wasm: &Wasm) -> Result<ExitStatus> {
    wasm.fetch(sh)?;
    let root = sh.current_dir();
    let work = root.join(WORK);
    let (split, bindgen) = (work.join("split"), work.join("bindgen"));
    for dir in [&split, &bindgen] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        std::fs::create_dir_all(dir)?;
    }

    let mut flags = String::from("-Clink-args=--emit-relocs --cfg erase_components");
    let mut cargo = wasm
        .cmd(sh, "cargo")
        .args(["build", "--release", "--locked", "--target", TARGET, "--bin", "zhibu"])
        // No built-in pinyin table: the app fetches it after the first
        // screen (src/pinyin.rs; assemble.mjs writes it).
        .args(["--no-default-features", "--features", "split"])
        // Keep the function names until wasm-opt (which strips them): the
        // bench's breakdown reads them from the split main module.
        .env("CARGO_PROFILE_RELEASE_STRIP", "debuginfo");
    match crate::wasm::immediate_abort(sh, wasm.route) {
        Ok(()) => {
            println!("bundle: cargo build (release, split feature, --emit-relocs, std with panic=immediate-abort)");
            // A panic traps where it happens, as `panic = "abort"` ends
            // the app anyway, without the formatting code to report it.
            flags.push_str(" -Zunstable-options -Cpanic=immediate-abort");
            cargo = cargo.arg("-Zbuild-std=std,panic_abort").env("RUSTC_BOOTSTRAP", "1");
        }
        Err(why) => println!("bundle: cargo build (release, split feature, --emit-relocs; {why})"),
    }
    let status = run(cargo.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", flags))?;
    if !status.success() {
        return Ok(status);
    }
    let linked = wasm.target_dir.join(TARGET).join("release/zhibu.wasm");

    println!("bundle: wasm-split-cli");
    let status = run(wasm.cmd(sh, "wasm-split-cli").arg(&linked).arg(&split).args(["--out-name", "zhibu"]))?;
    if !status.success() {
        return Ok(status);
    }

    println!("bundle: wasm-bindgen");
    let status = run(wasm
        .cmd(sh, "wasm-bindgen")
        .arg(split.join("zhibu.wasm"))
        .arg("--out-dir")
        .arg(&bindgen)
        .args(["--target", "web", "--keep-lld-exports", "--no-demangle", "--no-typescript", "--out-name", "zhibu"]))?;
    if !status.success() {
        return Ok(status);
    }

    println!("bundle: wasm-opt -Oz on the main module and every chunk");
    let mut modules = vec![bindgen.join("zhibu_bg.wasm")];
    modules.extend(wasm_files(&split)?.into_iter().filter(|p| !p.ends_with("zhibu.wasm")));
    for module in &modules {
        let status = run(wasm
            .cmd(sh, "wasm-opt")
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .args(WASM_FEATURES)
            .arg(module)
            .arg("-o")
            .arg(module))?;
        if !status.success() {
            return Ok(status);
        }
    }

    println!("bundle: pwa/assemble.mjs → dist/");
    run(wasm
        .cmd(sh, "node")
        .arg("pwa/assemble.mjs")
        .env("ZHIBU_BINDGEN", &bindgen)
        .env("ZHIBU_SPLIT", &split)
        .env("ZHIBU_DIST", root.join("dist"))
        .env("ZHIBU_SIZES", work.join("sizes.txt")))
}

fn run(cmd: xshell::Cmd<'_>) -> Result<ExitStatus> {
    let mut cmd = std::process::Command::from(cmd);
    cmd.envs(proc::colour_env());
    let shown = proc::display(&cmd);
    cmd.status().with_context(|| format!("running {shown}"))
}

fn wasm_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// What `pwa/assemble.mjs` measured: gzip bytes of the first screen's files
/// and of the whole app.
#[derive(Debug, PartialEq, Eq)]
pub struct Sizes {
    pub first_gzip: u64,
    pub all_gzip: u64,
    /// One line per file, for the build's note and the bench.
    pub table: String,
}

/// Reads `target/bundle/sizes.txt` (`key value` lines, then the table).
pub fn sizes(root: &Path) -> Result<Sizes> {
    let path = root.join(WORK).join("sizes.txt");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse_sizes(&text).with_context(|| format!("{} is not what pwa/assemble.mjs writes", path.display()))
}

fn parse_sizes(text: &str) -> Result<Sizes> {
    let value = |key: &str| -> Result<u64> {
        let line = text.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')).context(key.to_string())?;
        line.trim().parse().with_context(|| format!("{key}: {line}"))
    };
    let table: Vec<&str> = text.lines().filter(|l| l.starts_with("  ")).collect();
    if table.is_empty() {
        bail!("no file lines");
    }
    Ok(Sizes { first_gzip: value("first_gzip")?, all_gzip: value("all_gzip")?, table: table.join("\n") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_from_assembles_output() {
        let text = "first_gzip 123456\nall_gzip 654321\n  index.html 1 1 1 first\n  x.wasm 2 2 2\n";
        let sizes = parse_sizes(text).unwrap();
        assert_eq!((sizes.first_gzip, sizes.all_gzip), (123_456, 654_321));
        assert_eq!(sizes.table.lines().count(), 2);
        assert!(parse_sizes("first_gzip 1\n").is_err());
        assert!(parse_sizes("first_gzip x\nall_gzip 2\n  a 1 1 1\n").is_err());
    }
}
