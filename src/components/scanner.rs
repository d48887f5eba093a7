//! Reads a QR code with the camera: the rear camera if there is one, the
//! live picture in a square frame, and every 200 ms one frame drawn to an
//! offscreen canvas (at most 640 px on the long side), turned grey and
//! searched with `rqrr`. The first code read goes to `on_text` and the
//! camera is switched off; "Scan again" switches it on.
//!
//! The camera is switched off whenever scanning stops: a code is read, an
//! error, or the component goes away (also while `getUserMedia` is still
//! asking: a stream that arrives too late is stopped at once).

use crate::i18n::use_i18n;
use leptos::html::Video;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, MediaDevices, MediaStream, MediaStreamConstraints};

/// Time between two looks at the picture.
const EVERY: Duration = Duration::from_millis(200);
/// Frames are scaled down to this on their long side before decoding.
const LONG_SIDE: u32 = 640;

/// Why the camera could not be used.
#[derive(Clone, Debug, PartialEq)]
enum Failure {
    Denied,
    NoCamera,
    Insecure,
    Busy,
    Other(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Opening,
    Scanning,
    Found,
    Failed(Failure),
}

impl Phase {
    fn name(&self) -> &'static str {
        match self {
            Phase::Opening => "opening",
            Phase::Scanning => "scanning",
            Phase::Found => "found",
            Phase::Failed(_) => "failed",
        }
    }
}

/// Luma (0 = black) of RGBA pixels, BT.601 weights.
pub fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8)
        .collect()
}

/// The text of the first QR code found in a `w`×`h` greyscale picture
/// (row by row), if any decodes.
pub fn decode_luma(w: usize, h: usize, luma: &[u8]) -> Option<String> {
    if w == 0 || h == 0 || luma.len() < w * h {
        return None;
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    image.detect_grids().into_iter().find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

/// `w`×`h` scaled down (never up) so the long side is at most `long`.
fn fit(w: u32, h: u32, long: u32) -> (u32, u32) {
    let side = w.max(h);
    if side <= long {
        return (w, h);
    }
    let scale = |n: u32| ((u64::from(n) * u64::from(long) + u64::from(side) / 2) / u64::from(side)).max(1) as u32;
    (scale(w), scale(h))
}

fn failure(error: &JsValue) -> Failure {
    let (name, message) = match error.dyn_ref::<web_sys::DomException>() {
        Some(e) => (e.name(), e.message()),
        None => match error.dyn_ref::<js_sys::Error>() {
            Some(e) => (String::from(e.name()), String::from(e.message())),
            None => (String::new(), format!("{error:?}")),
        },
    };
    match name.as_str() {
        "NotAllowedError" | "PermissionDeniedError" | "SecurityError" => Failure::Denied,
        "NotFoundError" | "DevicesNotFoundError" | "OverconstrainedError" => Failure::NoCamera,
        "NotReadableError" | "TrackStartError" | "AbortError" => Failure::Busy,
        _ if message.is_empty() => Failure::Other(name),
        _ => Failure::Other(format!("{name}: {message}")),
    }
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}

async fn get_user_media(devices: &MediaDevices, video: &JsValue) -> Result<MediaStream, JsValue> {
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::FALSE);
    constraints.set_video(video);
    let stream = JsFuture::from(devices.get_user_media_with_constraints(&constraints)?).await?;
    stream.dyn_into::<MediaStream>()
}

/// The rear camera, else any camera.
async fn open_camera() -> Result<MediaStream, Failure> {
    let window = web_sys::window().ok_or(Failure::NoCamera)?;
    if !window.is_secure_context() {
        return Err(Failure::Insecure);
    }
    // `navigator.mediaDevices` is missing outside secure contexts and in
    // browsers without camera support.
    let devices = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("mediaDevices"))
        .ok()
        .filter(|d| d.is_object())
        .ok_or(Failure::NoCamera)?
        .unchecked_into::<MediaDevices>();
    let facing = js_sys::Object::new();
    set(&facing, "ideal", &JsValue::from_str("environment"));
    let rear = js_sys::Object::new();
    set(&rear, "facingMode", &facing);
    match get_user_media(&devices, &rear).await {
        Ok(stream) => Ok(stream),
        Err(error) => match failure(&error) {
            denied @ Failure::Denied => Err(denied),
            _ => get_user_media(&devices, &JsValue::TRUE).await.map_err(|e| failure(&e)),
        },
    }
}

fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// The scanner's state; every part is a handle into the component's owner,
/// so a disposed scanner reads as "not running" instead of panicking.
#[derive(Clone, Copy)]
struct Scanner {
    phase: RwSignal<Phase>,
    video: NodeRef<Video>,
    stream: StoredValue<Option<MediaStream>, LocalStorage>,
    canvas: StoredValue<Option<(HtmlCanvasElement, CanvasRenderingContext2d)>, LocalStorage>,
    /// Bumped by every start and stop: a timer or camera request of an
    /// older run finds it changed and gives up.
    run: StoredValue<u32>,
    on_text: Callback<String>,
}

impl Scanner {
    fn is_current(self, run: u32) -> bool {
        self.run.try_get_value() == Some(run)
    }

    fn start(self) {
        self.stop();
        let Some(run) = self.run.try_get_value() else { return };
        self.phase.set(Phase::Opening);
        leptos::task::spawn_local(async move {
            let opened = open_camera().await;
            if !self.is_current(run) {
                if let Ok(stream) = opened {
                    stop_tracks(&stream);
                }
                return;
            }
            match opened {
                Ok(stream) => {
                    if let Some(video) = self.video.get_untracked() {
                        video.set_muted(true);
                        video.set_src_object(Some(&stream));
                        if let Ok(playing) = video.play() {
                            // A rejected play() (page hidden...) is not an error
                            // here; autoplay starts it when it can.
                            leptos::task::spawn_local(async move {
                                let _ = JsFuture::from(playing).await;
                            });
                        }
                    }
                    self.stream.set_value(Some(stream));
                    self.phase.set(Phase::Scanning);
                    self.schedule(run);
                }
                Err(failure) => self.phase.set(Phase::Failed(failure)),
            }
        });
    }

    /// Ends the current run and switches the camera off.
    fn stop(self) {
        self.run.update_value(|run| *run = run.wrapping_add(1));
        if let Some(Some(stream)) = self.stream.try_update_value(Option::take) {
            stop_tracks(&stream);
        }
        if let Some(video) = self.video.try_get_untracked().flatten() {
            video.set_src_object(None);
        }
    }

    fn schedule(self, run: u32) {
        set_timeout(move || self.tick(run), EVERY);
    }

    fn tick(self, run: u32) {
        if !self.is_current(run) {
            return;
        }
        match self.read_frame() {
            Some(text) => {
                self.stop();
                self.phase.set(Phase::Found);
                self.on_text.run(text);
            }
            None => self.schedule(run),
        }
    }

    /// The code in the video's current frame, if one decodes.
    fn read_frame(self) -> Option<String> {
        let video = self.video.get_untracked()?;
        // HAVE_CURRENT_DATA: there is a frame to draw.
        if video.ready_state() < 2 || video.video_width() == 0 || video.video_height() == 0 {
            return None;
        }
        let (w, h) = fit(video.video_width(), video.video_height(), LONG_SIDE);
        let context = self.context(w, h)?;
        context.draw_image_with_html_video_element_and_dw_and_dh(&video, 0.0, 0.0, w.into(), h.into()).ok()?;
        let pixels = context.get_image_data(0.0, 0.0, w.into(), h.into()).ok()?.data();
        decode_luma(w as usize, h as usize, &rgba_to_luma(&pixels))
    }

    /// The offscreen canvas's 2D context, the canvas sized `w`×`h`.
    fn context(self, w: u32, h: u32) -> Option<CanvasRenderingContext2d> {
        if self.canvas.with_value(Option::is_none) {
            let canvas: HtmlCanvasElement = document().create_element("canvas").ok()?.dyn_into().ok()?;
            let options = js_sys::Object::new();
            set(&options, "willReadFrequently", &JsValue::TRUE);
            let context = canvas.get_context_with_context_options("2d", &options).ok()??.dyn_into().ok()?;
            self.canvas.set_value(Some((canvas, context)));
        }
        self.canvas.with_value(|canvas| {
            let (canvas, context) = canvas.as_ref()?;
            // Setting a size clears the canvas; only do it when it changes.
            if canvas.width() != w || canvas.height() != h {
                canvas.set_width(w);
                canvas.set_height(h);
            }
            Some(context.clone())
        })
    }
}

/// The camera picture and what is going on; `on_text` gets the first code read.
#[component]
pub fn QrScanner(#[prop(into)] on_text: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let scanner = Scanner {
        phase: RwSignal::new(Phase::Opening),
        video: NodeRef::new(),
        stream: StoredValue::new_local(None),
        canvas: StoredValue::new_local(None),
        run: StoredValue::new(0),
        on_text,
    };
    let phase = scanner.phase;
    Effect::new(move |_| untrack(move || scanner.start()));
    on_cleanup(move || scanner.stop());

    let live = move || matches!(phase.get(), Phase::Opening | Phase::Scanning);
    let status = move || match phase.get() {
        Phase::Opening => i18n.now("scan.opening"),
        Phase::Scanning => i18n.now("scan.aim"),
        Phase::Found => i18n.now("scan.found"),
        Phase::Failed(Failure::Denied) => i18n.now("scan.denied"),
        Phase::Failed(Failure::NoCamera) => i18n.now("scan.no_camera"),
        Phase::Failed(Failure::Insecure) => i18n.now("scan.insecure"),
        Phase::Failed(Failure::Busy) => i18n.now("scan.busy"),
        Phase::Failed(Failure::Other(why)) => i18n.fmt("scan.failed", &[("why", &why)]),
    };
    let again = move || match phase.get() {
        Phase::Found => Some(i18n.now("scan.again")),
        Phase::Failed(Failure::Insecure) => None,
        Phase::Failed(_) => Some(i18n.now("scan.retry")),
        Phase::Opening | Phase::Scanning => None,
    };
    view! {
        <div class="scanner" data-testid="scanner" data-phase=move || phase.with(Phase::name)>
            <div class="scanner-frame" aria-hidden="true" hidden=move || !live()>
                <video node_ref=scanner.video class="scanner-video" autoplay muted playsinline prop:muted=true></video>
                <div class="scanner-guide"></div>
            </div>
            <p
                class="scanner-status"
                class:scanner-error=move || matches!(phase.get(), Phase::Failed(_))
                role="status"
                data-testid="scan-status"
            >
                {status}
            </p>
            {move || {
                again()
                    .map(|label| {
                        view! {
                            <button
                                type="button"
                                class="button"
                                data-testid="scan-again"
                                on:click=move |_| scanner.start()
                            >
                                {label}
                            </button>
                        }
                    })
            }}
        </div>
    }
}
