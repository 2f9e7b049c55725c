//! Numbers found in page text and links: what the call control appears next to, and what it
//! must leave alone (dates, amounts, codes, IP addresses).

use bp_toolbar::core::phone::DialRules;
use bp_toolbar::core::scan::{link_number, may_hold, numbers};

fn found(country: &str, text: &str) -> Vec<String> {
    let rules = DialRules { country: country.into(), ..DialRules::default() };
    let units: Vec<u16> = text.encode_utf16().collect();
    numbers(text, &rules)
        .into_iter()
        .map(|f| {
            // The UTF-16 range (the DOM's) and the text agree.
            assert_eq!(String::from_utf16(&units[f.start as usize..f.end as usize]).unwrap(), f.text);
            f.text.to_string()
        })
        .collect()
}

#[test]
fn numbers_in_text_are_found_whole() {
    // (default country, text, numbers found in it)
    let table: &[(&str, &str, &[&str])] = &[
        ("US", "Call (415) 555-0100 today", &["(415) 555-0100"]),
        ("US", "Mobile: 415.555.0100, office 415-555-0199.", &["415.555.0100", "415-555-0199"]),
        ("US", "+1 415 555 0100", &["+1 415 555 0100"]),
        ("US", "Tel:+1-415-555-0100", &["+1-415-555-0100"]),
        ("US", "(415-555-0100)", &["415-555-0100"]),
        ("US", "Desk 415-555-0100 ext. 204 (mornings)", &["415-555-0100 ext. 204"]),
        ("US", "415 555 0100 x12", &["415 555 0100 x12"]),
        ("US", "UK office +44 (0)20 7946 0018", &["+44 (0)20 7946 0018"]),
        ("GB", "Ring 020 7946 0018 or 07700 900123", &["020 7946 0018", "07700 900123"]),
        ("ES", "Teléfono: 912 345 678 · móvil +34 612 34 56 78", &["912 345 678", "+34 612 34 56 78"]),
        ("MX", "Tel. 55 1234 5678 anexo 12", &["55 1234 5678 anexo 12"]),
        ("MX", "Tel. 55 1234 5678, ext. en recepción", &["55 1234 5678"]),
        ("DE", "Zentrale 030 1234567, Fax 030/1234568", &["030 1234567", "030/1234568"]),
        ("US", "+1\u{a0}415\u{a0}555\u{a0}0100 (no-break spaces)", &["+1\u{a0}415\u{a0}555\u{a0}0100"]),
        // Offsets count UTF-16 units: text before the number outside the BMP.
        ("US", "📞 415-555-0100", &["415-555-0100"]),
        ("US", "Numbers 415-555-0100\n415-555-0101", &["415-555-0100", "415-555-0101"]),
        ("ES", "Atención: 912 345 678", &["912 345 678"]),
    ];
    for (country, text, want) in table {
        assert_eq!(found(country, text), *want, "{country}: {text:?}");
    }
}

#[test]
fn what_is_not_a_number_is_left_alone() {
    let table: &[(&str, &str)] = &[
        ("US", "Opened 2024-01-05, closed 05/01/2024 and 5.1.2024"),
        ("US", "Total $1,234,567.89 or 1.234.567 or 1 234 567"),
        ("US", "Server 192.168.100.200 answered"),
        ("US", "Version 12345678.90"),
        ("US", "Order #4155550100 shipped"),
        ("US", "Case ABC4155550100 and ID_4155550100"),
        ("US", "https://crm.example.com/case/4155550100"),
        ("US", "card 4111 1111 1111 1111 1111"),
        ("US", "mail 4155550100@example.com"),
        ("US", "ext 4711 and room 1234"),
        ("US", "Serial 415-555-0100-22"),
        // A US number with an area code starting 0 or 1 is no number.
        ("US", "Ticket 015-555-0100"),
        ("US", "Reference 4155550100abc"),
        ("ES", "Código ñ4155550100 and Ж4155550100"),
    ];
    for (country, text) in table {
        assert_eq!(found(country, text), Vec::<String>::new(), "{country}: {text:?}");
    }
}

#[test]
fn only_text_with_enough_digits_is_looked_at() {
    assert!(!may_hold("Account 12345, page 2"));
    assert!(may_hold("415 555 0100"));
}

#[test]
fn links_name_the_number_they_dial() {
    assert_eq!(link_number("tel:+14155550100").as_deref(), Some("+14155550100"));
    assert_eq!(link_number("TEL:+1-415-555-0100").as_deref(), Some("+1-415-555-0100"));
    assert_eq!(link_number("tel:+1%20415%20555%200100").as_deref(), Some("+1 415 555 0100"));
    assert_eq!(link_number("tel:4155550100;ext=12").as_deref(), Some("4155550100;ext=12"));
    assert_eq!(link_number("tel:7946-0018;phone-context=+44-20").as_deref(), Some("7946-0018"));
    assert_eq!(link_number("callto:+442079460018").as_deref(), Some("+442079460018"));
    assert_eq!(link_number("callto://+442079460018").as_deref(), Some("+442079460018"));
    assert_eq!(link_number("tel:+14155550100?call").as_deref(), Some("+14155550100"));
    assert_eq!(link_number("https://example.com/tel:1"), None);
    assert_eq!(link_number("mailto:a@example.com"), None);
    assert_eq!(link_number("tel:%zz"), None);
    assert_eq!(link_number("tel:"), None);
}
