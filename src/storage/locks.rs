//! Cross-tab Web Locks (`navigator.locks`): compaction and the sync run
//! each hold one, so two tabs never do either at once.

use wasm_bindgen::JsCast;

/// `navigator.locks` and its `request` method, where the browser has them.
fn lock_manager() -> Option<(wasm_bindgen::JsValue, js_sys::Function)> {
    let locks = js_sys::Reflect::get(&web_sys::window()?.navigator(), &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())?;
    let request = js_sys::Reflect::get(&locks, &"request".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    Some((locks, request))
}

/// Runs the future `f` makes while holding the cross-tab Web Lock `name`
/// (held until the future ends; other tabs asking wait their turn) and
/// returns its output (`None` if it was cut short). Where the browser has
/// no Web Locks it just runs.
pub async fn locked<T: 'static, F>(name: &str, f: impl FnOnce() -> F + 'static) -> Option<T>
where
    F: std::future::Future<Output = T> + 'static,
{
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::Closure;
    let Some((locks, request)) = lock_manager() else { return Some(f().await) };
    let out: Rc<RefCell<Option<T>>> = Rc::default();
    let job = Rc::new(RefCell::new(Some(f)));
    let (slot, queued) = (out.clone(), job.clone());
    let callback = Closure::once_into_js(move |_lock: wasm_bindgen::JsValue| {
        let f = queued.borrow_mut().take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(f) = f {
                *slot.borrow_mut() = Some(f().await);
            }
            Ok(wasm_bindgen::JsValue::UNDEFINED)
        })
    });
    if let Ok(promise) = request.call2(&locks, &name.into(), &callback) {
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await;
    }
    if let Some(value) = out.borrow_mut().take() {
        return Some(value);
    }
    // The lock could not be had (the request threw or was aborted): run
    // unlocked rather than never.
    let f = job.borrow_mut().take();
    match f {
        Some(f) => Some(f().await),
        None => None,
    }
}

/// Runs `f` holding the cross-tab Web Lock `name`, or right away where the
/// browser has no Web Locks (then two tabs might compact at once; each
/// still only drops what a read-back snapshot covers).
pub fn with_lock(name: &str, f: impl FnOnce() + 'static) {
    use wasm_bindgen::prelude::Closure;
    match lock_manager() {
        Some((locks, request)) => {
            let callback = Closure::once_into_js(move |_lock: wasm_bindgen::JsValue| f());
            if request.call2(&locks, &name.into(), &callback).is_err() {
                leptos::logging::warn!("navigator.locks.request failed; compaction skipped");
            }
        }
        _ => f(),
    }
}
