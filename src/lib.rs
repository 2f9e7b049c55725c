//! Call Toolbar for Bright Pattern: finish a call from any CRM page in one click.
//!
//! `core` is pure Rust (protocol, state, rules) and is tested on the host; `web` is the glue
//! that touches the browser and exists only on wasm32. The `#[wasm_bindgen]` entry points per
//! surface live in `web`: `start_content`, `start_frame`, `start_popup`, `start_background`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;
