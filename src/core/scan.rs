//! Phone numbers in a CRM page's text and links: where they are, for the call control that
//! appears next to them. A number here is what [`phone::normalise`] accepts as a full number of
//! the agent's country or an international one (never an internal extension: a bare "4711" on
//! a page is more often a quantity than a colleague), written as CRM pages write numbers, and
//! not a date, an amount, an IP address or part of a longer code.
//!
//! The page side hands over one text node's text at a time; offsets come back in UTF-16 code
//! units, as the DOM's `Range` counts them.

use super::phone::{self, DialRules};

/// Fewest digits of a number found in page text (national numbers of the countries in the
/// table have at least seven).
const MIN_DIGITS: usize = 7;
/// Most digits a number can have (E.164), plus an extension.
const MAX_DIGITS: usize = 15;

/// Characters that may separate a number's digit groups.
fn separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '.' | '(' | ')' | '/')
}

/// Characters that, right before or after a run of digits, make it part of something else: a
/// word, a code, a URL, an amount, an e-mail address. Letters are ASCII, Latin, Greek and
/// Cyrillic (the standard library's full Unicode tables cost more than the rest of the scanner).
fn glued(c: char) -> bool {
    let letter = matches!(c as u32, 0xc0..=0x24f | 0x370..=0x4ff) && c != '\u{d7}' && c != '\u{f7}';
    c.is_ascii_alphanumeric() || letter || matches!(c, '_' | '/' | '-' | '.' | '@' | '=' | '#' | '&' | '%' | '$' | '€' | '£' | '+' | ',' | '\\')
}

/// Whether `text` can hold a number at all: cheap enough to run on every text node.
pub fn may_hold(text: &str) -> bool {
    text.bytes().filter(u8::is_ascii_digit).count() >= MIN_DIGITS
}

/// A number found in a text: where it is in UTF-16 code units (as a `Range` counts), and how
/// it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub start: u32,
    pub end: u32,
    pub text: &'a str,
}

/// The numbers in `text` that `rules` can dial.
pub fn numbers<'a>(text: &'a str, rules: &DialRules) -> Vec<Found<'a>> {
    let mut found = Vec::new();
    if !may_hold(text) {
        return found;
    }
    // Byte by byte: numbers start at ASCII; other characters matter only as what precedes one.
    let bytes = text.as_bytes();
    let (mut at, mut units, mut prev_glued) = (0, 0u32, false);
    while let Some(&b) = bytes.get(at) {
        if b >= 0x80 {
            let c = text.get(at..).and_then(|r| r.chars().next()).unwrap_or(' ');
            prev_glued = glued(c);
            at += c.len_utf8();
            units += c.len_utf16() as u32;
            continue;
        }
        if (b.is_ascii_digit() || b == b'+' || b == b'(') && !prev_glued {
            if let Some(end) = candidate(text, at, rules) {
                let number = text.get(at..end).unwrap_or_default();
                let len = utf16_len(number);
                found.push(Found { start: units, end: units + len, text: number });
                prev_glued = number.chars().next_back().is_some_and(glued);
                (at, units) = (end, units + len);
                continue;
            }
            // Not a number: skip the whole run, so that its inner digits do not start one
            // (after a "(" the number may start inside: "(555-123-4567)").
            let skip = run_end(text, at);
            if b != b'(' && skip > at + 1 {
                let run = text.get(at..skip).unwrap_or_default();
                prev_glued = true;
                (at, units) = (skip, units + utf16_len(run));
                continue;
            }
        }
        prev_glued = glued(b as char);
        at += 1;
        units += 1;
    }
    found
}

/// Length in UTF-16 code units.
fn utf16_len(s: &str) -> u32 {
    if s.is_ascii() {
        s.len() as u32
    } else {
        s.chars().map(|c| c.len_utf16() as u32).sum()
    }
}

/// Where the run of digits, separators and a leading `+` that starts at `start` ends (its last
/// digit, or a closing parenthesis after one).
fn run_end(text: &str, start: usize) -> usize {
    let mut last_digit = start;
    let mut gap = 0;
    for (i, c) in text.get(start..).unwrap_or_default().char_indices() {
        let at = start + i;
        if c.is_ascii_digit() {
            gap = 0;
            last_digit = at + 1;
        } else if (c == '+' && at == start) || separator(c) {
            gap += 1;
            // " - " and ") " are separators; a longer gap ends the number.
            if gap > 3 {
                break;
            }
        } else {
            break;
        }
    }
    last_digit
}

/// The end of the number that starts at `start`, if one does: the run, its extension, and the
/// checks that tell numbers from dates, amounts and codes.
fn candidate(text: &str, start: usize, rules: &DialRules) -> Option<usize> {
    let end = run_end(text, start);
    let run = text.get(start..end)?;
    let digits = run.bytes().filter(u8::is_ascii_digit).count();
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) || looks_like_other(run) {
        return None;
    }
    // A "(0)" or a "(" before the digits is fine; an unbalanced ")" is not.
    let count = |b: u8| run.bytes().filter(|c| *c == b).count();
    let (open, close) = (count(b'('), count(b')'));
    if open != close {
        return None;
    }
    let end = extension_end(text, end).unwrap_or(end);
    if text.get(end..).and_then(|r| r.chars().next()).is_some_and(glued) {
        // "555-0100-22", "555.0100.", "+1 415 555 0100x": part of something longer. A full stop
        // that ends a sentence is fine.
        let after = text.get(end..).unwrap_or_default();
        let sentence_end = after.starts_with(['.', ',']) && after.get(1..).is_none_or(|r| r.is_empty() || r.starts_with(char::is_whitespace));
        if !sentence_end {
            return None;
        }
    }
    let dial = phone::normalise(text.get(start..end)?, rules).ok()?;
    dial.e164.is_some().then_some(end)
}

/// Dates (2024-01-05, 05/01/2024, 5.1.2024), amounts and versions (1.234.567, 12.50), IP
/// addresses: runs of digit groups that phone numbers are not written as.
fn looks_like_other(run: &str) -> bool {
    if run.starts_with('+') || run.contains('(') {
        return false;
    }
    // The digit groups' lengths (the first eight) and which separators occur.
    const DASH: u8 = 1;
    const SLASH: u8 = 2;
    const DOT: u8 = 4;
    const COMMA: u8 = 8;
    const SPACE: u8 = 16;
    let (mut lens, mut groups, mut cur, mut seps) = ([0usize; 8], 0, 0, 0u8);
    for c in run.chars() {
        if c.is_ascii_digit() {
            cur += 1;
            continue;
        }
        if cur > 0 {
            if let Some(l) = lens.get_mut(groups) {
                *l = cur;
            }
            groups += 1;
            cur = 0;
        }
        seps |= match c {
            '-' => DASH,
            '/' => SLASH,
            '.' => DOT,
            ',' => COMMA,
            ' ' => SPACE,
            _ => 32,
        };
    }
    if cur > 0 {
        if let Some(l) = lens.get_mut(groups) {
            *l = cur;
        }
        groups += 1;
    }
    let lens = &lens[..groups.min(8)];
    let short = |l: usize| (1..=2).contains(&l);
    // A date: three groups, one separator, a four-digit year first or last.
    if groups == 3 && matches!(seps, DASH | SLASH | DOT) && ((lens[0] == 4 && short(lens[1]) && short(lens[2])) || (short(lens[0]) && short(lens[1]) && lens[2] == 4)) {
        return true;
    }
    // A date and a time, or two dates: "2024-01-05 10:30" never reaches here (":" ends a run),
    // but "05/01/2024 0930" does.
    if groups >= 4 && lens.contains(&4) && seps & SLASH != 0 {
        return true;
    }
    // Thousands (1.234.567, 1 234 567) and dotted quads (192.168.100.200). With spaces only
    // a short first group: Spain writes its numbers 912 345 678.
    let threes = groups >= 3 && lens.get(1..).is_some_and(|rest| rest.iter().all(|l| *l == 3));
    if threes && ((matches!(seps, DOT | COMMA) && lens[0] <= 3) || (seps == SPACE && lens[0] <= 2)) {
        return true;
    }
    // A decimal: one dot, nothing else.
    groups == 2 && seps == DOT
}

/// The end of an extension written after a number that ends at `end`: `ext. 12`, `x12`, `#12`,
/// `extension 12`, `anexo 12`.
fn extension_end(text: &str, end: usize) -> Option<usize> {
    let after = text.get(end..)?;
    let trimmed = after.trim_start_matches([' ', '\u{a0}']);
    let head = trimmed.as_bytes();
    let marker = ["extension", "anexo", "ext", "x", "#"].into_iter().find(|m| head.get(..m.len()).is_some_and(|h| h.eq_ignore_ascii_case(m.as_bytes())))?;
    let rest = trimmed.get(marker.len()..)?;
    let rest_trim = rest.trim_start_matches(['.', ':', ' ', '\u{a0}']);
    let n = rest_trim.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 8 {
        return None;
    }
    Some(text.len() - rest_trim.len() + n)
}

/// The number a `tel:` or `callto:` link dials, as text for [`phone::normalise`]: percent
/// escapes decoded, the `;ext=` parameter kept (as an extension), other parameters
/// (`;phone-context=`, `;isub=`) and a query dropped. `None` for any other link.
pub fn link_number(href: &str) -> Option<String> {
    let lower = href.get(..href.len().min(9))?.to_ascii_lowercase();
    let scheme = ["tel:", "callto:"].into_iter().find(|s| lower.starts_with(s))?;
    let rest = href.get(scheme.len()..)?.trim_start_matches('/');
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(rest)?;
    let mut parts = decoded.split(';');
    let mut number = parts.next().unwrap_or_default().trim().to_string();
    for p in parts {
        if let Some(ext) = p.strip_prefix("ext=").or_else(|| p.strip_prefix("EXT=")) {
            number.push_str(";ext=");
            number.push_str(ext);
        }
    }
    (!number.is_empty() && number.len() <= 64).then_some(number)
}

/// `%20` → ` `; `None` for a broken escape or an escaped byte outside ASCII (no number has one).
fn percent_decode(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '%' {
            let hex = rest.get(1..3)?;
            let b = u8::from_str_radix(hex, 16).ok().filter(u8::is_ascii)?;
            out.push(b as char);
            rest = rest.get(3..)?;
        } else {
            out.push(c);
            rest = rest.get(c.len_utf8()..)?;
        }
    }
    Some(out)
}
