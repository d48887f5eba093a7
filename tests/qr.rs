//! Browser tests of the QR pieces, in headless Chromium: the SVG is made (or
//! refused), carries its text, and what it draws decodes back to the text,
//! both from the module matrix and from the SVG as the browser paints it.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};
use zhibu::components::qr::{qr_modules, qr_svg};
use zhibu::components::scanner::{decode_luma, rgba_to_luma};

wasm_bindgen_test_configure!(run_in_browser);

/// A check-in link of exactly `len` characters.
fn url(len: usize) -> String {
    let mut url = String::from("https://zhibu.example.org/#/checkin?m=01JDX7Q3&t=");
    while url.len() < len {
        url.push(char::from(b'a' + (url.len() % 26) as u8));
    }
    url
}

const TEXTS: [&str; 3] =
    ["第一党小组 2026年11月 主题党日签到：张三", "1234567890", "a \"quoted\" <tag> & 'x'\nnext line"];

/// The modules of `text` as a greyscale picture: `scale` px a module, a
/// four-module white margin.
fn picture(text: &str, scale: usize) -> (usize, Vec<u8>) {
    let (width, modules) = qr_modules(text).expect("fits");
    let side = (width + 8) * scale;
    let mut luma = vec![255u8; side * side];
    for (i, _) in modules.iter().enumerate().filter(|(_, dark)| **dark) {
        let (mx, my) = (i % width + 4, i / width + 4);
        for y in my * scale..(my + 1) * scale {
            luma[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
        }
    }
    (side, luma)
}

#[wasm_bindgen_test]
fn a_120_character_url_makes_an_svg() {
    let link = url(120);
    assert_eq!(link.len(), 120);
    let svg = qr_svg(&link).expect("a 120-character URL fits");
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    for part in
        ["viewBox=\"0 0 ", "width=\"100%\"", "shape-rendering=\"crispEdges\"", "data-testid=\"qr\"", "fill=\"#000\""]
    {
        assert!(svg.contains(part), "{part} missing from {svg}");
    }
    assert!(svg.contains(&format!("data-text=\"{}\"", link.replace('&', "&amp;"))));
}

#[wasm_bindgen_test]
fn text_too_long_for_a_qr_makes_none() {
    assert_eq!(qr_svg(&"x".repeat(5_000)), None);
    assert_eq!(qr_modules(&"支".repeat(1_000)), None);
}

#[wasm_bindgen_test]
fn the_svg_carries_its_text_through_the_dom() {
    let document = web_sys::window().unwrap().document().unwrap();
    for text in TEXTS.iter().copied().chain([url(120).as_str()]) {
        let host = document.create_element("div").unwrap();
        host.set_inner_html(&qr_svg(text).unwrap());
        let svg = host.query_selector("[data-testid=qr]").unwrap().expect("an element with data-testid=qr");
        assert_eq!(svg.tag_name(), "svg");
        assert_eq!(svg.get_attribute("data-text").as_deref(), Some(text));
    }
}

#[wasm_bindgen_test]
fn the_module_matrix_decodes_back_to_the_text() {
    for text in TEXTS.iter().copied().chain([url(120).as_str()]) {
        let (side, luma) = picture(text, 4);
        assert_eq!(decode_luma(side, side, &luma).as_deref(), Some(text));
    }
    // Nothing to find in a blank picture.
    assert_eq!(decode_luma(64, 64, &[255; 64 * 64]), None);
}

#[wasm_bindgen_test]
async fn the_painted_svg_decodes_back_to_the_text() {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    let (w, h) = (640u32, 480u32);
    canvas.set_width(w);
    canvas.set_height(h);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    for text in [url(120).as_str(), TEXTS[0]] {
        // As a camera would see it: the code 440 px wide in a white 640×480 frame.
        let svg = qr_svg(text).unwrap().replacen("width=\"100%\"", "width=\"440\" height=\"440\"", 1);
        let image = HtmlImageElement::new().unwrap();
        let src = format!("data:image/svg+xml;charset=utf-8,{}", js_sys::encode_uri_component(&svg));
        image.set_src(&src);
        JsFuture::from(image.decode()).await.expect("the SVG loads as an image");
        context.set_fill_style_str("#fff");
        context.fill_rect(0.0, 0.0, w.into(), h.into());
        context.draw_image_with_html_image_element_and_dw_and_dh(&image, 100.0, 20.0, 440.0, 440.0).unwrap();
        let rgba = context.get_image_data(0.0, 0.0, w.into(), h.into()).unwrap().data();
        let luma = rgba_to_luma(&rgba);
        assert_eq!(decode_luma(w as usize, h as usize, &luma).as_deref(), Some(text));
    }
}

#[wasm_bindgen_test]
fn luma_weights_green_most() {
    assert_eq!(rgba_to_luma(&[255, 255, 255, 255, 0, 0, 0, 255, 0, 255, 0, 255]), vec![255, 0, 149]);
}
