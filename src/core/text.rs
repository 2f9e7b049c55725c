//! User-visible text as message keys with arguments. The core never builds a sentence in one
//! language: it names a message of `extension/_locales/*/messages.json` and its arguments; the
//! glue renders it with the browser's `i18n.getMessage` in the agent's language.

#[cfg(any(not(target_arch = "wasm32"), feature = "english"))]
mod table {
    include!(concat!(env!("OUT_DIR"), "/messages_en.rs"));
}

/// The shipped modules leave the table out: in an installed extension `i18n.getMessage` always
/// answers, so English would only be dead weight on every CRM page (see Cargo.toml's features).
#[cfg(all(target_arch = "wasm32", not(feature = "english")))]
mod table {
    pub static EN: &[(&str, &str)] = &[];
}

/// One argument of a message: text from the wire or the agent, or another message's key
/// (rendered in the same language first, e.g. a status label inside a sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Key(&'static str),
}

/// A message to show: a key of messages.json and up to nine arguments ($1..$9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<Arg>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg { key, args: Vec::new() }
    }

    /// A message whose arguments are all text.
    pub fn with(key: &'static str, args: &[&str]) -> Msg {
        Msg { key, args: args.iter().map(|a| Arg::Text(a.to_string())).collect() }
    }

    pub fn args(key: &'static str, args: Vec<Arg>) -> Msg {
        Msg { key, args }
    }

    /// Renders with `lookup` (key -> template with $1..$9), resolving key arguments with it too.
    pub fn render(&self, lookup: impl Fn(&str) -> String) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Text(t) => t.clone(),
                Arg::Key(k) => lookup(k),
            })
            .collect();
        substitute(&lookup(self.key), &args)
    }

    /// The English text (tests, and the fallback where no i18n API exists).
    pub fn english(&self) -> String {
        self.render(english_template)
    }
}

/// The English template of a key (the key itself if unknown).
pub fn english_template(key: &str) -> String {
    table::EN.binary_search_by(|(k, _)| k.cmp(&key)).map(|i| table::EN[i].1).unwrap_or(key).to_string()
}

/// Replaces `$1`..`$9` with the arguments (and `$$` with `$`), as `i18n.getMessage` does.
pub fn substitute(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            match chars.peek().copied() {
                Some(d @ '1'..='9') => {
                    chars.next();
                    let i = d as usize - '1' as usize;
                    out.push_str(args.get(i).map(String::as_str).unwrap_or(""));
                    continue;
                }
                Some('$') => {
                    chars.next();
                    out.push('$');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// Whether the English table has a key (tests check that every key the code uses exists).
pub fn has_key(key: &str) -> bool {
    table::EN.binary_search_by(|(k, _)| k.cmp(&key)).is_ok()
}

/// Every key of the English table.
pub fn keys() -> impl Iterator<Item = &'static str> {
    table::EN.iter().map(|(k, _)| *k)
}
