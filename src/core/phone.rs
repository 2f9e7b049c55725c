//! Phone numbers as agents meet them on CRM pages and in the toolbar's number field, turned into
//! the digits the desktop dials (`DIAL_NUMBER`).
//!
//! A full numbering-plan library (libphonenumber's metadata, or the `phonenumber` crate built
//! on it) is several hundred KB: larger than the whole content module. What a dial needs is
//! much less: where the country code ends and the national number starts for the countries an
//! organisation calls, their trunk and international prefixes, and the organisation's own dial
//! rules. That is this table and these rules; anything else written with a `+` is dialled as the
//! E.164 number it is, checked only for length.
//!
//! The rules (organisation policy or the agent's options):
//! - `country`: the agent's default country (ISO 3166 code), for numbers written nationally.
//! - `format`: what the desktop's dial plan expects: `e164` (country code and national number,
//!   digits only: `14155550100`, as in the SDK's example) or `national` (domestic numbers with
//!   the trunk prefix, foreign ones with the international prefix: `02079460018`,
//!   `0014155550100`).
//! - `outside_prefix`: digits for an outside line (`9`), put before every number that is not an
//!   internal extension.
//! - `internal_max`: numbers of at most this many digits are internal extensions, dialled as
//!   they are.
//!
//! An extension written after a number (`ext. 12`, `x12`, `#12`, `;ext=12`) cannot be sent by
//! this SDK: the number is dialled and the extension returned for the toolbar to show.

/// How the desktop's dial plan wants numbers written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DialFormat {
    #[default]
    E164,
    National,
}

impl DialFormat {
    pub fn parse(s: &str) -> Option<DialFormat> {
        match s {
            "e164" => Some(DialFormat::E164),
            "national" => Some(DialFormat::National),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DialFormat::E164 => "e164",
            DialFormat::National => "national",
        }
    }
}

/// The organisation's dial rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialRules {
    pub country: String,
    pub format: DialFormat,
    pub outside_prefix: String,
    pub internal_max: usize,
}

impl Default for DialRules {
    fn default() -> Self {
        DialRules { country: "US".into(), format: DialFormat::E164, outside_prefix: String::new(), internal_max: 6 }
    }
}

/// A country's numbering facts: ISO code, calling code, trunk prefix (dialled before national
/// numbers at home, dropped after the country code), international prefix, and the length range
/// of its national significant numbers.
struct Country {
    iso: &'static str,
    calling: &'static str,
    trunk: &'static str,
    intl: &'static str,
    nsn: (usize, usize),
}

const fn c(iso: &'static str, calling: &'static str, trunk: &'static str, intl: &'static str, lo: usize, hi: usize) -> Country {
    Country { iso, calling, trunk, intl, nsn: (lo, hi) }
}

/// The countries whose national numbers can be dialled without a `+`. Italy keeps its leading 0
/// after the country code (no trunk prefix); Spain, Portugal and Mexico have none either.
const COUNTRIES: &[Country] = &[
    c("US", "1", "1", "011", 10, 10),
    c("CA", "1", "1", "011", 10, 10),
    c("MX", "52", "", "00", 10, 10),
    c("GB", "44", "0", "00", 9, 10),
    c("IE", "353", "0", "00", 7, 9),
    c("ES", "34", "", "00", 9, 9),
    c("PT", "351", "", "00", 9, 9),
    c("FR", "33", "0", "00", 9, 9),
    c("DE", "49", "0", "00", 5, 13),
    c("AT", "43", "0", "00", 4, 13),
    c("CH", "41", "0", "00", 9, 9),
    c("IT", "39", "", "00", 6, 11),
    c("NL", "31", "0", "00", 9, 9),
    c("BE", "32", "0", "00", 8, 9),
    c("AU", "61", "0", "0011", 9, 9),
    c("NZ", "64", "0", "00", 8, 10),
    c("IN", "91", "0", "00", 10, 10),
];

/// The ISO codes the rules accept as a default country.
pub fn countries() -> impl Iterator<Item = &'static str> {
    COUNTRIES.iter().map(|c| c.iso)
}

fn country(iso: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.iso.eq_ignore_ascii_case(iso))
}

/// What the desktop is asked to dial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dial {
    /// The digits sent in `DIAL_NUMBER`.
    pub digits: String,
    /// The number in E.164 with its `+` (for the log and the agent), or `None` for an internal
    /// extension.
    pub e164: Option<String>,
    /// An extension written after the number, which the agent keys in once connected.
    pub extension: Option<String>,
}

/// Why a text is not something to dial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing but separators.
    Empty,
    /// Characters no phone number has.
    NotANumber,
    /// Too few digits for a number of the default country (and too many for an extension).
    TooShort,
    /// More digits than any number has (E.164: 15).
    TooLong,
    /// The rules name a country this table does not know.
    UnknownCountry,
}

impl PhoneError {
    /// The message key that explains it to the agent.
    pub fn key(self) -> &'static str {
        match self {
            PhoneError::Empty => "dial_err_empty",
            PhoneError::NotANumber => "dial_err_not_number",
            PhoneError::TooShort => "dial_err_short",
            PhoneError::TooLong => "dial_err_long",
            PhoneError::UnknownCountry => "dial_err_country",
        }
    }
}

/// Digits for letters on a phone keypad (vanity numbers such as 1-800-FLOWERS).
fn keypad(c: char) -> Option<char> {
    let d = match c.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        _ => return None,
    };
    Some(d)
}

/// Splits an extension off the end: `ext. 12`, `ext 12`, `extension 12`, `x12`, `#12`, `;ext=12`,
/// `anexo 12`, `ext: 12`. The marker must follow the number (a digit, space or closing
/// parenthesis before it) and be followed by 1–8 digits and nothing else.
fn split_extension(text: &str) -> (&str, Option<String>) {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    // The extension's digits at the end.
    let mut end = bytes.len();
    while end > 0 && bytes[end - 1] == b' ' {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && bytes[start - 1].is_ascii_digit() {
        start -= 1;
    }
    if start == end || end - start > 8 {
        return (text, None);
    }
    let mut m = start;
    while m > 0 && matches!(bytes[m - 1], b' ' | b'.' | b':' | b'=') {
        m -= 1;
    }
    for marker in [";ext", "extension", "anexo", "ext", "x", "#"] {
        if let Some(head) = lower.get(..m).and_then(|h| h.strip_suffix(marker)) {
            let before = head.trim_end_matches(' ');
            let joined = head.len() != before.len() || marker.len() > 1 || marker == "#";
            let after_number = before.ends_with(|c: char| c.is_ascii_digit() || c == ')');
            if after_number && (joined || before.ends_with(|c: char| c.is_ascii_digit())) {
                let digits = lower.get(start..end).unwrap_or_default().to_string();
                return (text.get(..before.len()).unwrap_or(text), Some(digits));
            }
        }
    }
    (text, None)
}

/// North American numbers: the area code starts with 2–9 (a 10-digit run starting with 1 is
/// the trunk prefix and nine digits: one short).
fn nanp_ok(c: &Country, nsn: &str) -> bool {
    c.calling != "1" || nsn.bytes().next().is_some_and(|b| (b'2'..=b'9').contains(&b))
}

/// Reads `text` as the agent or the page wrote it and returns what to dial under `rules`.
pub fn normalise(text: &str, rules: &DialRules) -> Result<Dial, PhoneError> {
    let home = country(&rules.country).ok_or(PhoneError::UnknownCountry)?;
    let text = text.trim();
    let (main, extension) = split_extension(text);
    // "+44 (0)20 7946 0018": the "(0)" is the trunk prefix written for domestic callers; the
    // rule for a trunk prefix after the country code drops it (Italy's 0 stays).
    let mut plus = false;
    let mut digits = String::new();
    let mut letters = 0;
    for ch in main.trim().chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            // "+44 …", "(+44) …": a plus before the first digit.
            '+' if digits.is_empty() && !plus => plus = true,
            ' ' | '\u{a0}' | '\u{202f}' | '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '.' | '(' | ')' | '/' => {}
            _ => match keypad(ch) {
                // Letters only after at least one digit (1-800-FLOWERS), never a word.
                Some(d) if !digits.is_empty() || plus => {
                    letters += 1;
                    digits.push(d)
                }
                _ => return Err(PhoneError::NotANumber),
            },
        }
    }
    if digits.is_empty() {
        return Err(if plus || !main.trim().is_empty() { PhoneError::NotANumber } else { PhoneError::Empty });
    }
    // A vanity number spells at most seven letters after real digits (1-800-FLOWERS).
    if letters > 7 || (letters > 0 && digits.len() - letters < 3) {
        return Err(PhoneError::NotANumber);
    }
    // International: a `+`, or the home country's international prefix.
    let international = if plus {
        Some(digits.clone())
    } else {
        digits.strip_prefix(home.intl).map(str::to_string)
    };
    let (calling, nsn) = match international {
        Some(full) => {
            if full.len() > 15 {
                return Err(PhoneError::TooLong);
            }
            match COUNTRIES.iter().find(|c| full.starts_with(c.calling)) {
                Some(c) => {
                    let mut nsn = full.get(c.calling.len()..).unwrap_or_default();
                    // A trunk prefix written after the country code ("+44 020 …") is dropped.
                    if !c.trunk.is_empty() && nsn.len() > c.nsn.0 {
                        nsn = nsn.strip_prefix(c.trunk).filter(|n| n.len() >= c.nsn.0).unwrap_or(nsn);
                    }
                    // Mexico's mobile "1" after +52, dropped from the numbering plan in 2019.
                    if c.iso == "MX" && nsn.len() == 11 && nsn.starts_with('1') {
                        nsn = nsn.get(1..).unwrap_or(nsn);
                    }
                    if nsn.len() < c.nsn.0 || !nanp_ok(c, nsn) {
                        return Err(PhoneError::TooShort);
                    }
                    if nsn.len() > c.nsn.1 {
                        return Err(PhoneError::TooLong);
                    }
                    (c.calling.to_string(), nsn.to_string())
                }
                // A country outside the table: dialled as the E.164 number it is.
                None if full.len() >= 8 => (String::new(), full),
                None => return Err(PhoneError::TooShort),
            }
        }
        // An internal extension: a few digits, dialled as written, no outside line. (Written
        // national numbers of that length start with a trunk 0.)
        None if digits.len() <= rules.internal_max && letters == 0 && !digits.starts_with('0') => {
            return Ok(Dial { digits, e164: None, extension });
        }
        None => {
            let national = if !home.trunk.is_empty() && digits.len() > home.nsn.1 {
                digits.strip_prefix(home.trunk).unwrap_or(&digits)
            } else if !home.trunk.is_empty() && digits.starts_with(home.trunk) && digits.len() > home.nsn.0 {
                digits.strip_prefix(home.trunk).filter(|n| n.len() >= home.nsn.0).unwrap_or(&digits)
            } else {
                &digits
            };
            // Mexico's old national prefixes: 01 (long distance), 044/045 (mobile).
            let national = if home.iso == "MX" && national.len() > 10 {
                ["044", "045", "01"].iter().find_map(|p| national.strip_prefix(p)).filter(|n| n.len() == 10).unwrap_or(national)
            } else {
                national
            };
            if (home.nsn.0..=home.nsn.1).contains(&national.len()) && nanp_ok(home, national) {
                (home.calling.to_string(), national.to_string())
            } else if national.len() <= home.nsn.1 {
                return Err(PhoneError::TooShort);
            } else {
                return Err(PhoneError::TooLong);
            }
        }
    };
    let e164 = format!("+{calling}{nsn}");
    let number = match rules.format {
        DialFormat::E164 => format!("{calling}{nsn}"),
        DialFormat::National if calling == home.calling => format!("{}{nsn}", home.trunk),
        DialFormat::National => format!("{}{calling}{nsn}", home.intl),
    };
    Ok(Dial { digits: format!("{}{number}", rules.outside_prefix), e164: Some(e164), extension })
}
