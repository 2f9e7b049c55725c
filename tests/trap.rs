//! A trap in the content module (a panic: the release build aborts on it) takes the toolbar off
//! the page and silences every guarded listener. A real panic, in a callback the browser runs, as
//! a bug would. Its own test binary: after a panic the module is not fit for other tests.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use bp_toolbar::web::content::HOST_TAG;
use bp_toolbar::web::{guard, trap};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_panic_takes_the_toolbar_off_the_page_and_silences_it() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host = doc.create_element(HOST_TAG).unwrap();
    doc.document_element().unwrap().append_child(&host).unwrap();
    trap::install_content();
    let heard = Rc::new(Cell::new(0));
    let h = heard.clone();
    let forged: guard::Forged = Rc::new(|_| {});
    let _listener = guard::on(&web_sys::window().unwrap(), "message", &forged, move |_| h.set(h.get() + 1));
    web_sys::window().unwrap().post_message(&"before".into(), "*").unwrap();
    sleep(20).await;
    assert_eq!(heard.get(), 1, "listening before the trap");

    let _bug = gloo_timers::callback::Timeout::new(0, || panic!("a bug in a callback"));
    sleep(50).await;
    assert!(!host.is_connected(), "the toolbar host left the page");
    assert!(guard::stopped());
    web_sys::window().unwrap().post_message(&"after".into(), "*").unwrap();
    sleep(20).await;
    assert_eq!(heard.get(), 1, "nothing heard after the trap");
}
