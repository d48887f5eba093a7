//! The installable app's runtime side: registers the service worker
//! (`dist/sw.js`, written after each build by `pwa/precache.mjs`) and tells
//! the shell when a new version is installed and waiting.
//!
//! A new worker never takes over by itself: the shell shows
//! "新版本可用，点击刷新" and [`apply_update`] asks the waiting worker to
//! activate, then reloads once it controls the page. Records live in
//! localStorage, which a version switch never touches.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// How often an open app asks the server for a new version.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// This build's version (a hash of its files), as stamped into index.html;
/// empty when the page was not built by trunk (tests).
pub fn version() -> String {
    meta("zhibu-version").unwrap_or_default()
}

/// Registers the worker and watches for updates; `ready` turns true when a
/// new version waits. Under the development server (`zhibu-pwa` = off) it
/// removes any worker an earlier production build left on this address.
pub fn start(ready: RwSignal<bool>) {
    let Some(container) = container() else { return };
    if meta("zhibu-pwa").as_deref() != Some("on") {
        leptos::task::spawn_local(unregister_all(container));
        return;
    }
    // After the first screen is drawn: the worker's install downloads every
    // chunk, which must not compete with what the first screen needs.
    request_animation_frame(move || set_timeout(move || register(container, ready), std::time::Duration::ZERO));
}

fn register(container: ServiceWorkerContainer, ready: RwSignal<bool>) {
    leptos::task::spawn_local(async move {
        let options = web_sys::RegistrationOptions::new();
        // Always fetch sw.js itself from the network when checking.
        options.set_update_via_cache(web_sys::ServiceWorkerUpdateViaCache::None);
        let registered = JsFuture::from(container.register_with_options("sw.js", &options)).await;
        match registered.map(JsCast::unchecked_into::<ServiceWorkerRegistration>) {
            Ok(registration) => watch(&container, registration, ready),
            // Offline on the very first visit, or storage refused: the app
            // works as a plain page; the next start tries again.
            Err(err) => leptos::logging::warn!("service worker not registered: {err:?}"),
        }
    });
}

/// Lets the waiting version take over, then reloads into it.
pub fn apply_update() {
    let Some(container) = container() else { return };
    leptos::task::spawn_local(async move {
        let Ok(found) = JsFuture::from(container.get_registration()).await else { return };
        let Some(waiting) = found.dyn_into::<ServiceWorkerRegistration>().ok().and_then(|r| r.waiting()) else {
            // Nothing waits (another tab applied it already): a reload
            // loads whichever version now controls the page.
            reload();
            return;
        };
        // (watch() reloads on controllerchange; set here too for a page
        // that had no controller when it started.)
        let reload_once = Closure::once_into_js(reload);
        container.set_oncontrollerchange(Some(reload_once.unchecked_ref()));
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"zhibu:apply-update".into());
        let _ = waiting.post_message(&message);
    });
}

fn watch(container: &ServiceWorkerContainer, registration: ServiceWorkerRegistration, ready: RwSignal<bool>) {
    // With no controller this is the first install: nothing to announce.
    let controlled = {
        let container = container.clone();
        move || container.controller().is_some()
    };
    if controlled() {
        // A new version took over (this tab applied it, or another tab
        // did): reload into it, so old and new code never share storage.
        let reload_now = Closure::<dyn FnMut()>::new(reload);
        container.set_oncontrollerchange(Some(reload_now.as_ref().unchecked_ref()));
        reload_now.forget();
    }
    if registration.waiting().is_some() && controlled() {
        ready.set(true);
    }
    // Announces `worker` once it has installed (and waits).
    let follow = move |worker: web_sys::ServiceWorker| {
        let watched = worker.clone();
        let controlled = controlled.clone();
        let on_state = Closure::<dyn FnMut()>::new(move || {
            if watched.state() == ServiceWorkerState::Installed && controlled() {
                ready.set(true);
            }
        });
        worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        // Lives as long as the worker it watches, i.e. the page.
        on_state.forget();
    };
    // The browser's own check at page load may have started installing
    // before this ran: follow that one too.
    if let Some(installing) = registration.installing() {
        follow(installing);
    }
    let on_update_found = {
        let registration = registration.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(installing) = registration.installing() {
                follow.clone()(installing);
            }
        })
    };
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();

    // Phones keep the app open for days: check now and then, and when it
    // comes back to the foreground.
    let check = move || {
        if let Ok(promise) = registration.update() {
            leptos::task::spawn_local(async move {
                // Offline: the check fails quietly and runs again later.
                let _ = JsFuture::from(promise).await;
            });
        }
    };
    let _ = set_interval_with_handle(check.clone(), CHECK_EVERY);
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            check();
        }
    });
}

async fn unregister_all(container: ServiceWorkerContainer) {
    let Ok(list) = JsFuture::from(container.get_registrations()).await else { return };
    for registration in js_sys::Array::from(&list).iter() {
        if let Ok(promise) = registration.unchecked_into::<ServiceWorkerRegistration>().unregister() {
            let _ = JsFuture::from(promise).await;
        }
    }
}

/// The service worker container, where the browser has one (not on plain
/// http to a LAN address: service workers need a secure context).
fn container() -> Option<ServiceWorkerContainer> {
    let window = web_sys::window()?;
    if !window.is_secure_context() {
        return None;
    }
    let navigator = window.navigator();
    // `navigator.serviceWorker` is missing in some embedded browsers.
    let present = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

fn meta(name: &str) -> Option<String> {
    document().query_selector(&format!("meta[name='{name}']")).ok()??.get_attribute("content")
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
