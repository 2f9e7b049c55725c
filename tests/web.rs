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
    let c = clicks.clone();
    let mut bar = Toolbar::build(&d, &root, Rc::new(move |ev| {
        if let bp_toolbar::web::toolbar::UiEvent::Click(b) = ev {
            c.borrow_mut().push(b)
        }
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
    assert_eq!(terminate.text_content().unwrap(), "Terminate");
    terminate.click();
    assert_eq!(*clicks.borrow(), vec![Button::Terminate]);
    assert!(FromDesktop::parse("{}").is_err());
    root.remove();
}

#[wasm_bindgen_test]
async fn content_script_mounts_with_the_repeater_and_leaves_with_it() {
    let d = doc();
    start_content(wasm_bindgen::JsValue::UNDEFINED, wasm_bindgen::JsValue::UNDEFINED).unwrap();
    assert!(d.query_selector(HOST_TAG).unwrap().is_none(), "no repeater: nothing injected");

    let frame = d.create_element("iframe").unwrap();
    frame.set_attribute("src", "http://127.0.0.1:9/agentdesktop/UniversalRepeater.jsp?x=1#y").unwrap();
    d.body().unwrap().append_child(&frame).unwrap();
    next_tick().await; // the MutationObserver runs as a microtask: before the next frame
    let host = d.query_selector(HOST_TAG).unwrap().expect("toolbar host after insertion");
    let shadow = host.shadow_root().expect("open shadow root");
    // No extension storage here: the origin is not trusted, so the prompt shows and no proxy exists.
    let trust = shadow.query_selector("button.primary").unwrap().unwrap();
    assert_eq!(trust.text_content().unwrap(), "Trust http://127.0.0.1:9");
    assert!(shadow.query_selector("iframe").unwrap().is_none());

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
