//! The pure core: everything the extension decides, with no browser in sight.
//!
//! Nothing here may import `wasm_bindgen`, `web_sys`, `js_sys` or `gloo`: those crates are
//! wasm32-only dependencies, so a leak fails the host build of `cargo test`. Time comes in as
//! a number of milliseconds, so every timeout is a plain unit test.

pub mod acw;
pub mod detect;
pub mod health;
pub mod json;
pub mod live;
pub mod log;
pub mod messages;
pub mod phone;
pub mod protocol;
pub mod protocol2;
pub mod requests;
pub mod scan;
pub mod screenpop;
pub mod session;
pub mod settings;
pub mod status;
pub mod text;
pub mod transfer;
pub mod view;
pub mod wire;
pub mod wrapup;

/// The position of the first `pat` in `text`. The core's substring searches go through this
/// and [`split_str`] rather than `str::find`/`split_once` with a string pattern: those bring the
/// standard library's two-way searcher and its panicking slicing (with their formatting and
/// Unicode tables) into the content module, several KB for a few short fixed patterns.
pub fn find_str(text: &str, pat: &str) -> Option<usize> {
    if pat.is_empty() {
        return Some(0);
    }
    text.as_bytes().windows(pat.len()).position(|w| w == pat.as_bytes())
}

/// `text` around the first `pat`, like `str::split_once` (see [`find_str`]). A match of valid
/// UTF-8 in valid UTF-8 starts and ends on character boundaries, so the halves always exist.
pub fn split_str<'a>(text: &'a str, pat: &str) -> Option<(&'a str, &'a str)> {
    let i = find_str(text, pat)?;
    Some((text.get(..i)?, text.get(i + pat.len()..)?))
}

/// Errors of the core. The glue wraps them; they never cross into JavaScript unconverted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// A message from the desktop was not a JSON object with a `command` string.
    Malformed(&'static str),
    /// A message was larger than [`protocol::MAX_MESSAGE_LEN`].
    TooLarge(usize),
    /// A URL or origin that the core cannot use.
    BadOrigin(String),
}

impl std::fmt::Display for CoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CoreError::Malformed(why) => write!(f, "malformed desktop message: {why}"),
            CoreError::TooLarge(n) => write!(f, "desktop message too large: {n} bytes"),
            CoreError::BadOrigin(o) => write!(f, "not a usable origin: {o}"),
        }
    }
}

impl std::error::Error for CoreError {}
