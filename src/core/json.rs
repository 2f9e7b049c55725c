//! A small JSON reader and writer for the content script's module.
//!
//! The content script runs on CRM pages, where its module is fetched and compiled when the
//! Agent Desktop appears; serde and serde_json (with their collections and float formatting)
//! were the largest part of it. The content path reads and writes its few message shapes
//! through this instead; the extension's own pages keep serde. Tests pin every shape against
//! serde's output, so both sides always agree on the wire.
//!
//! Reading is strict JSON (RFC 8259) with a nesting limit. Numbers are read as `f64`; written
//! numbers are whole (every figure the content script sends is a count, an id or milliseconds).

/// A parsed JSON value. Objects keep their keys in order; a repeated key: the last one wins
/// (as in `JSON.parse`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>),
}

/// Deeper nesting than this is refused (no real message comes near; recursion stays bounded).
pub const MAX_DEPTH: usize = 64;

impl Value {
    /// A field of an object (`None` for a missing key or a non-object).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Arr(a) => Some(a),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Obj(_))
    }

    /// A string field.
    pub fn str_of(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Value::as_str).map(str::to_string)
    }

    /// A whole, non-negative number that fits in `u32`.
    pub fn u32_of(&self, key: &str) -> Option<u32> {
        self.get(key).and_then(Value::as_f64).filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX)).map(|n| n as u32)
    }

    /// A list of strings (non-strings skipped).
    pub fn strings_of(&self, key: &str) -> Option<Vec<String>> {
        self.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
    }

    /// The JSON text.
    pub fn write(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }
}

/// Builds an object from fields, leaving out `None`s.
pub fn obj(fields: Vec<(&str, Option<Value>)>) -> Value {
    Value::Obj(fields.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect())
}

pub fn s(text: &str) -> Option<Value> {
    Some(Value::Str(text.to_string()))
}

pub fn num(n: f64) -> Option<Value> {
    Some(Value::Num(n))
}

pub fn boolean(b: bool) -> Option<Value> {
    Some(Value::Bool(b))
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        // Whole numbers only (see the module comment); NaN and infinities have no JSON form.
        Value::Num(n) if n.is_finite() => out.push_str(&(n.round() as i64).to_string()),
        Value::Num(_) => out.push_str("null"),
        Value::Str(s) => write_str(s, out),
        Value::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Obj(fields) => {
            out.push('{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let n = c as usize;
                out.push_str("\\u00");
                out.push(HEX[n >> 4] as char);
                out.push(HEX[n & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses a JSON text (surrounding white space allowed, nothing else after the value).
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser { b: text.as_bytes(), i: 0 };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

/// The value of a JSON number already checked by the grammar. Exact for integers up to 2^53
/// (every id and count on the wire); fractions and exponents are computed in `f64` arithmetic,
/// which may differ from the correctly rounded value in the last bits. That is all the content
/// path needs (minutes, pixels), and it keeps the standard library's float parser and its
/// tables out of the module.
fn number_value(text: &[u8]) -> f64 {
    let (negative, rest) = match text.split_first() {
        Some((b'-', r)) => (true, r),
        _ => (false, text),
    };
    // The first 19 significant digits, exact in a u64; the integer digits after them only
    // scale the value, the fraction digits after them are below its precision.
    let mut mantissa: u64 = 0;
    let mut significant = 0;
    let mut exp10: i32 = 0;
    let mut i = 0;
    let mut digit = |d: u8, fraction: bool, exp10: &mut i32| {
        if significant < 19 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            if mantissa != 0 {
                significant += 1;
            }
            if fraction {
                *exp10 -= 1;
            }
        } else if !fraction {
            *exp10 = exp10.saturating_add(1);
        }
    };
    while let Some(&d) = rest.get(i).filter(|c| c.is_ascii_digit()) {
        digit(d, false, &mut exp10);
        i += 1;
    }
    if rest.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&d) = rest.get(i).filter(|c| c.is_ascii_digit()) {
            digit(d, true, &mut exp10);
            i += 1;
        }
    }
    if let Some(b'e' | b'E') = rest.get(i) {
        i += 1;
        let sign = match rest.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 1,
        };
        let mut e: i32 = 0;
        while let Some(d) = rest.get(i).filter(|c| c.is_ascii_digit()) {
            e = e.saturating_mul(10).saturating_add(i32::from(d - b'0'));
            i += 1;
        }
        exp10 = exp10.saturating_add(sign * e);
    }
    let mut v = mantissa as f64;
    // Scale in steps that stay exact as long as possible (10^22 is the largest exact power);
    // once the value is 0 or infinite, it stays so.
    while exp10 > 0 && v.is_finite() && v != 0.0 {
        let step = exp10.min(22);
        v *= 10f64.powi(step);
        exp10 -= step;
    }
    while exp10 < 0 && v != 0.0 {
        let step = (-exp10).min(22);
        v /= 10f64.powi(step);
        exp10 += step;
    }
    if negative {
        -v
    } else {
        v
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> Option<()> {
        self.b.get(self.i..self.i + lit.len()).filter(|s| *s == lit)?;
        self.i += lit.len();
        Some(())
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'n' => self.eat(b"null").map(|_| Value::Null),
            b't' => self.eat(b"true").map(|_| Value::Bool(true)),
            b'f' => self.eat(b"false").map(|_| Value::Bool(false)),
            b'"' => self.string().map(Value::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(Value::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match *self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Value::Arr(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Some(Value::Obj(fields));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key = self.string()?;
                    self.ws();
                    self.eat(b":")?;
                    let v = self.value(depth + 1)?;
                    fields.push((key, v));
                    self.ws();
                    match *self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Value::Obj(fields));
                        }
                        _ => return None,
                    }
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > s
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return None,
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        // Out of range (1e400): refused, as serde_json and most JSON readers do.
        Some(number_value(&self.b[start..self.i])).filter(|v| v.is_finite()).map(Value::Num)
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        self.i += 4;
        let mut n = 0;
        for c in h {
            n = n * 16 + (*c as char).to_digit(16)?;
        }
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            // Copy a run of plain bytes at once (the input is valid UTF-8: it came from a &str).
            let start = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(std::str::from_utf8(&self.b[start..self.i]).ok()?);
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair; a lone surrogate becomes U+FFFD, as browsers do.
                                if self.b.get(self.i..self.i + 2) == Some(b"\\u") {
                                    let save = self.i;
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    } else {
                                        self.i = save;
                                        Some('\u{fffd}')
                                    }
                                } else {
                                    Some('\u{fffd}')
                                }
                            } else {
                                Some(char::from_u32(hi).unwrap_or('\u{fffd}'))
                            };
                            out.push(c?);
                        }
                        _ => return None,
                    }
                }
                _ => return None, // a raw control character
            }
        }
    }
}
