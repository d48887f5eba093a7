use leptos::prelude::{request_animation_frame, set_timeout};
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = mark)]
    fn performance_mark(name: &str);
}

fn main() {
    console_error_panic_hook::set_once();
    // A start in English waits for its texts (src/english.rs), so the first
    // screen is drawn in the language it stays in.
    let english = zhibu::i18n::wanted() == zhibu::i18n::Lang::En && !zhibu::english::ready();
    let pinyin = zhibu::pinyin::reading_early();
    if english || pinyin {
        wasm_bindgen_futures::spawn_local(async move {
            if english {
                zhibu::english::fetch().await;
            }
            if pinyin {
                // A later start: the table comes from the service worker's
                // cache while the page is still loading (src/pinyin.rs).
                zhibu::pinyin::early().await;
            }
            start();
        });
    } else {
        start();
    }
}

fn start() {
    // The page's placeholder (index.html) gives way to the app.
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    leptos::mount::mount_to_body(zhibu::app::App);
    // Start-up's end for `cargo xtask bench` (bench/README.md). mount_to_body
    // has built the roster's DOM synchronously, but nothing is on screen yet
    // and work queued while mounting (Leptos effects, the start-up
    // compaction's lock request) has not run. A requestAnimationFrame
    // callback runs just before the first frame's style, layout and paint; a
    // task posted from it runs after that frame. So the mark means "the
    // roster is on screen", the moment a user can start reading and tapping.
    // (Work queued for later, such as the start-up compaction, may still
    // follow; the bench reports when it ends.) The baseline page marks the
    // same way.
    request_animation_frame(|| {
        set_timeout(
            || {
                performance_mark("zhibu:ready");
                // After the first screen, never before it.
                zhibu::pinyin::fetch_after_first_screen();
            },
            std::time::Duration::ZERO,
        )
    });
}
