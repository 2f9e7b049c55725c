//! Glue tests in a real headless browser (wasm-bindgen-test): the toolbar DOM, the content
//! script's mount and teardown, text-only rendering. Run by scripts/test.sh with chromedriver.
#![cfg(target_arch = "wasm32")]

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::protocol::FromDesktop;
use bp_toolbar::core::session::{Button, Input, Session};
use bp_toolbar::core::view::View;
use bp_toolbar::web::content::{start_content, stop_content, HOST_TAG};
use bp_toolbar::web::toolbar::Toolbar;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn buttons(root: &Element) -> Vec<(String, bool)> {
    let list = root.query_selector_all(".buttons button").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<HtmlButtonElement>().unwrap())
        .filter(|b| b.closest("[hidden]").unwrap().is_none())
        .map(|b| (b.text_content().unwrap(), b.disabled()))
        .collect()
}

async fn next_tick() {
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL)).await.unwrap();
}

#[wasm_bindgen_test]
fn toolbar_renders_the_view_and_reports_clicks() {
    let d = doc();
    let root = d.create_element("div").unwrap();
    d.body().unwrap().append_child(&root).unwrap();
    let clicks = Rc::new(RefCell::new(Vec::new()));
    let forged = Rc::new(RefCell::new(0));
    let (c, f) = (clicks.clone(), forged.clone());
    let mut bar = Toolbar::build(&d, &root, Rc::new(move |ev| match ev {
        bp_toolbar::web::toolbar::UiEvent::Click(b) => c.borrow_mut().push(b),
        bp_toolbar::web::toolbar::UiEvent::Forged => *f.borrow_mut() += 1,
        _ => {}
    }))
    .unwrap();

    let mut s = Session::new("http://localhost:8101", "crm", Trust::Trusted, 1);
    s.start();
    s.apply(Input::ProxyLoaded { now: 0.0 });
    bar.render(&View::of(&s));
    assert_eq!(
        buttons(&root),
        vec![("Get State".into(), false), ("Wrap up".into(), true), ("Terminate".into(), true), ("Complete".into(), true)]
    );

    // Hostile wire text stays text: no element is created from it.
    let evil = r#"<img src=x onerror=alert(1)>"#;
    let msg = format!(r#"{{"command":"STATE_CHANGED","data":{{"status":"not_ready","reason":"{evil}"}}}}"#);
    s.apply(Input::Message { text: msg, now: 1.0 });
    s.apply(Input::Message { text: r#"{"command":"INTERACTION_RENDERED","data":{"item_id":"A-1"}}"#.into(), now: 2.0 });
    bar.render(&View::of(&s));
    assert!(root.query_selector("img").unwrap().is_none());
    assert!(root.text_content().unwrap().contains(evil));
    let input: HtmlInputElement = root.query_selector("input").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(input.value(), "A-1");
    assert_eq!(
        buttons(&root),
        vec![("Get State".into(), false), ("Wrap up".into(), false), ("Terminate".into(), false), ("Complete".into(), false)]
    );

    let all = root.query_selector_all("button").unwrap();
    let terminate = (0..all.length())
        .map(|i| all.item(i).unwrap().dyn_into::<HtmlButtonElement>().unwrap())
        .find(|b| b.text_content().as_deref() == Some("Terminate"))
        .unwrap();
    // A script's click (this test is one) is not the agent's: reported as forged, not as a press.
    // Real clicks are the end-to-end suite's.
    terminate.click();
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    assert_eq!(*clicks.borrow(), Vec::<Button>::new());
    assert_eq!(*forged.borrow(), 2);
    assert!(FromDesktop::parse("{}").is_err());
    root.remove();
}

#[wasm_bindgen_test]
async fn content_script_mounts_with_the_repeater_and_leaves_with_it() {
    let d = doc();
    start_content(wasm_bindgen::JsValue::UNDEFINED, wasm_bindgen::JsValue::UNDEFINED, wasm_bindgen::JsValue::UNDEFINED, wasm_bindgen::JsValue::NULL).unwrap();
    assert!(d.query_selector(HOST_TAG).unwrap().is_none(), "no repeater: nothing injected");

    let frame = d.create_element("iframe").unwrap();
    frame.set_attribute("src", "http://127.0.0.1:9/agentdesktop/UniversalRepeater.jsp?x=1#y").unwrap();
    d.body().unwrap().append_child(&frame).unwrap();
    next_tick().await; // the MutationObserver runs as a microtask: before the next frame
    let host = d.query_selector(HOST_TAG).unwrap().expect("toolbar host after insertion");
    // Closed: a page script (this test is one) cannot reach inside; the toolbar is drawn.
    assert!(host.shadow_root().is_none(), "the shadow root is closed");
    let rect = host.get_bounding_client_rect();
    assert!(rect.width() > 300.0 && rect.height() > 80.0, "rendered: {}x{}", rect.width(), rect.height());

    frame.remove();
    next_tick().await;
    assert!(d.query_selector(HOST_TAG).unwrap().is_none(), "repeater removed: toolbar removed");

    // A look-alike path is not a repeater.
    let fake = d.create_element("iframe").unwrap();
    fake.set_attribute("src", "http://127.0.0.1:9/x/agentdesktop/UniversalRepeater.jsp").unwrap();
    d.body().unwrap().append_child(&fake).unwrap();
    next_tick().await;
    assert!(d.query_selector(HOST_TAG).unwrap().is_none());
    fake.remove();
    stop_content();
}

/// A shell as detect.js draws it: the host in the document, a closed root with a placeholder.
fn shell(d: &web_sys::Document) -> (Element, web_sys::ShadowRoot, wasm_bindgen::JsValue) {
    let host = d.create_element(HOST_TAG).unwrap();
    let root = host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Closed)).unwrap();
    root.set_text_content(Some("shell placeholder"));
    d.document_element().unwrap().append_child(&host).unwrap();
    let obj = js_sys::Object::new();
    js_sys::Reflect::set(&obj, &"host".into(), &host).unwrap();
    js_sys::Reflect::set(&obj, &"root".into(), &root).unwrap();
    (host, root, obj.into())
}

#[wasm_bindgen_test]
async fn the_shell_is_filled_in_place_or_removed_where_no_toolbar_belongs() {
    let d = doc();
    let undef = wasm_bindgen::JsValue::UNDEFINED;
    stop_content();
    // No repeater the Rust takes (a look-alike path): the shell leaves with the start.
    let fake = d.create_element("iframe").unwrap();
    fake.set_attribute("src", "http://127.0.0.1:9/x/agentdesktop/UniversalRepeater.jsp").unwrap();
    d.body().unwrap().append_child(&fake).unwrap();
    let (host, _, js) = shell(&d);
    start_content(undef.clone(), undef.clone(), js, wasm_bindgen::JsValue::NULL).unwrap();
    assert!(!host.is_connected(), "shell removed");
    assert!(d.query_selector(HOST_TAG).unwrap().is_none());
    stop_content();
    fake.remove();

    // A repeater: the toolbar is built in the shell's own host and root, and it is the only one.
    let frame = d.create_element("iframe").unwrap();
    frame.set_attribute("src", "http://127.0.0.1:9/agentdesktop/UniversalRepeater.jsp").unwrap();
    d.body().unwrap().append_child(&frame).unwrap();
    let (host, root, js) = shell(&d);
    start_content(undef.clone(), undef, js, wasm_bindgen::JsValue::NULL).unwrap();
    assert!(host.is_connected());
    assert_eq!(d.query_selector_all(HOST_TAG).unwrap().length(), 1);
    let text = root.text_content().unwrap_or_default();
    assert!(!text.contains("shell placeholder"), "placeholder replaced: {text}");
    assert!(root.query_selector("button").unwrap().is_some(), "the toolbar drawn in the shell's root");
    assert!(host.get_attribute("style").unwrap_or_default().contains("position: fixed"), "styled as the toolbar's host");
    frame.remove();
    next_tick().await;
    assert!(!host.is_connected(), "the repeater left: so does the toolbar");
    stop_content();
}

/// The content module's allocator (`web::heap`, the global allocator of the shipped content and
/// frame modules): blocks are aligned, never overlap, keep their bytes through a realloc, and a
/// freed block is handed out again instead of growing the memory.
#[wasm_bindgen_test]
fn the_size_class_heap_aligns_reuses_and_keeps_bytes() {
    use bp_toolbar::web::heap::SizeClasses;
    use std::alloc::{GlobalAlloc, Layout};
    let heap = SizeClasses::new();
    let mut live: Vec<(*mut u8, Layout)> = Vec::new();
    let shapes = [(1, 1), (7, 1), (16, 8), (17, 4), (100, 8), (4096, 16), (5, 64), (70_000, 8), (33, 128)];
    for round in 0..3u8 {
        for &(size, align) in &shapes {
            let layout = Layout::from_size_align(size, align).unwrap();
            let p = unsafe { heap.alloc(layout) };
            assert!(!p.is_null());
            assert_eq!(p as usize % align, 0, "aligned to {align}");
            unsafe { std::ptr::write_bytes(p, round ^ size as u8, size) };
            live.push((p, layout));
        }
    }
    for (i, &(p, l)) in live.iter().enumerate() {
        for &(q, m) in &live[i + 1..] {
            let (a, b) = (p as usize, q as usize);
            assert!(a + l.size() <= b || b + m.size() <= a, "blocks overlap");
        }
        let want = (i / shapes.len()) as u8 ^ l.size() as u8;
        assert!((0..l.size()).all(|k| unsafe { *p.add(k) } == want), "bytes kept");
    }
    // Freed blocks come back for the same class: the memory does not grow.
    let pages = core::arch::wasm32::memory_size(0);
    for &(p, l) in &live {
        unsafe { heap.dealloc(p, l) };
    }
    for _ in 0..50 {
        for &(size, align) in &shapes {
            let layout = Layout::from_size_align(size, align.min(16)).unwrap();
            let p = unsafe { heap.alloc(layout) };
            unsafe { heap.dealloc(p, layout) };
        }
    }
    assert_eq!(core::arch::wasm32::memory_size(0), pages, "freed blocks reused");
    // realloc: in place within a class, moved with its bytes past it.
    let l = Layout::from_size_align(20, 8).unwrap();
    let p = unsafe { heap.alloc(l) };
    unsafe { std::ptr::copy_nonoverlapping(b"0123456789abcdefghij".as_ptr(), p, 20) };
    let same = unsafe { heap.realloc(p, l, 30) };
    assert_eq!(same, p, "20 and 30 bytes share the 32-byte class");
    let moved = unsafe { heap.realloc(same, Layout::from_size_align(30, 8).unwrap(), 300) };
    assert_ne!(moved, p);
    assert_eq!(unsafe { std::slice::from_raw_parts(moved, 20) }, b"0123456789abcdefghij");
    unsafe { heap.dealloc(moved, Layout::from_size_align(300, 8).unwrap()) };
}
