//! Generates the English message table from `extension/_locales/en/messages.json`, the one
//! source of every user-visible string. The core renders `Msg`s in English with it (for its
//! own tests, and as the fallback where no extension i18n API exists); the browser renders
//! them in the agent's language through `i18n.getMessage`.
use std::{env, fs, path::Path};

fn main() {
    let src = "extension/_locales/en/messages.json";
    println!("cargo:rerun-if-changed={src}");
    let text = fs::read_to_string(src).expect("read en messages");
    let json: serde_json::Value = serde_json::from_str(&text).expect("parse en messages");
    let mut out = String::from("/// English messages: (key, text with $1..$9 for the arguments).\npub static EN: &[(&str, &str)] = &[\n");
    let mut entries: Vec<_> = json.as_object().expect("object").iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (key, m) in entries {
        let mut message = m["message"].as_str().expect("message").to_string();
        // Named placeholders ($ITEM$) become their positional content ($1).
        if let Some(ph) = m.get("placeholders").and_then(|p| p.as_object()) {
            for (name, def) in ph {
                let content = def["content"].as_str().expect("placeholder content");
                message = message.replace(&format!("${}$", name.to_uppercase()), content);
                message = message.replace(&format!("${}$", name), content);
            }
        }
        out.push_str(&format!("    ({key:?}, {message:?}),\n"));
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("messages_en.rs"), out).expect("write table");
}
