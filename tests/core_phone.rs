//! The dial rules on numbers as CRM pages and agents write them: US, UK, Spain, Mexico,
//! Germany, a few more, extensions, vanity numbers, and what is refused.

use bp_toolbar::core::phone::{normalise, Dial, DialFormat, DialRules, PhoneError};

fn rules(country: &str) -> DialRules {
    DialRules { country: country.into(), ..DialRules::default() }
}

fn dial(text: &str, r: &DialRules) -> Result<(String, Option<String>), PhoneError> {
    normalise(text, r).map(|d| (d.digits, d.extension))
}

#[test]
fn numbers_in_the_formats_pages_use_become_e164_digits() {
    // (default country, as written, dialled)
    let table: &[(&str, &str, &str)] = &[
        // United States
        ("US", "(415) 555-0100", "14155550100"),
        ("US", "415.555.0100", "14155550100"),
        ("US", "415-555-0100", "14155550100"),
        ("US", "1 415 555 0100", "14155550100"),
        ("US", "1-415-555-0100", "14155550100"),
        ("US", "+1 (415) 555-0100", "14155550100"),
        ("US", "+1\u{a0}415\u{a0}555\u{a0}0100", "14155550100"),
        ("US", "011 44 20 7946 0018", "442079460018"),
        ("US", "1-800-FLOWERS", "18003569377"),
        // United Kingdom
        ("GB", "020 7946 0018", "442079460018"),
        ("GB", "+44 20 7946 0018", "442079460018"),
        ("GB", "+44 (0)20 7946 0018", "442079460018"),
        ("GB", "+44 020 7946 0018", "442079460018"),
        ("GB", "0044 20 7946 0018", "442079460018"),
        ("GB", "07700 900123", "447700900123"),
        ("US", "+44 (0)7700 900123", "447700900123"),
        // Spain
        ("ES", "912 345 678", "34912345678"),
        ("ES", "91 234 56 78", "34912345678"),
        ("ES", "+34 612 34 56 78", "34612345678"),
        ("ES", "0034 612345678", "34612345678"),
        ("US", "+34 912-345-678", "34912345678"),
        // Mexico (10-digit national numbers; the old 01/044/045 and +52 1 forms still seen)
        ("MX", "55 1234 5678", "525512345678"),
        ("MX", "(55) 1234-5678", "525512345678"),
        ("MX", "01 55 1234 5678", "525512345678"),
        ("MX", "044 55 1234 5678", "525512345678"),
        ("MX", "+52 1 55 1234 5678", "525512345678"),
        ("MX", "+52 55 1234 5678", "525512345678"),
        ("US", "011 52 55 1234 5678", "525512345678"),
        // Germany
        ("DE", "030 123456", "4930123456"),
        ("DE", "030/1234567", "49301234567"),
        ("DE", "+49 (0)30 1234567", "49301234567"),
        ("DE", "0049 30 1234567", "49301234567"),
        ("DE", "0171 1234567", "491711234567"),
        ("US", "+49 171 1234567", "491711234567"),
        // Italy keeps its 0 after the country code
        ("IT", "06 1234 5678", "390612345678"),
        ("US", "+39 06 1234 5678", "390612345678"),
        ("US", "+39 (0)6 1234 5678", "390612345678"),
        // France, Australia
        ("FR", "01 23 45 67 89", "33123456789"),
        ("AU", "(02) 9876 5432", "61298765432"),
        ("AU", "0011 1 415 555 0100", "14155550100"),
        // A country outside the table, written with its +
        ("US", "+81 3-1234-5678", "81312345678"),
    ];
    for (country, text, want) in table {
        assert_eq!(dial(text, &rules(country)), Ok((want.to_string(), None)), "{country} {text:?}");
    }
}

#[test]
fn extensions_after_a_number_are_split_off_and_internal_numbers_dialled_as_written() {
    let us = rules("US");
    let ext = |d: &str, e: &str| Ok((d.to_string(), Some(e.to_string())));
    assert_eq!(dial("415.555.0100 ext. 12", &us), ext("14155550100", "12"));
    assert_eq!(dial("(415) 555-0100 ext 1234", &us), ext("14155550100", "1234"));
    assert_eq!(dial("(415) 555-0100 x12", &us), ext("14155550100", "12"));
    assert_eq!(dial("4155550100x12", &us), ext("14155550100", "12"));
    assert_eq!(dial("+1 415 555 0100;ext=77", &us), ext("14155550100", "77"));
    assert_eq!(dial("415 555 0100 #204", &us), ext("14155550100", "204"));
    assert_eq!(dial("415-555-0100 Extension 9", &us), ext("14155550100", "9"));
    assert_eq!(dial("55 1234 5678 anexo 204", &rules("MX")), ext("525512345678", "204"));
    assert_eq!(dial("020 7946 0018 ext: 3", &rules("GB")), ext("442079460018", "3"));
    // Internal extensions: no outside line, no country code.
    let plan = DialRules { outside_prefix: "9".into(), ..rules("US") };
    assert_eq!(dial("1012", &plan), Ok(("1012".into(), None)));
    assert_eq!(normalise("1012", &plan).map(|d| d.e164), Ok(None));
    assert_eq!(dial("20045", &rules("DE")), Ok(("20045".into(), None)));
    // 1-800-BOX-5555: the X is a letter of the number, not an extension marker.
    assert_eq!(dial("1-800-BOX-5555", &us), Ok(("18002695555".into(), None)));
}

#[test]
fn the_organisations_dial_rules_shape_what_is_sent() {
    let national = |country: &str, prefix: &str| DialRules {
        country: country.into(),
        format: DialFormat::National,
        outside_prefix: prefix.into(),
        internal_max: 6,
    };
    assert_eq!(dial("+44 20 7946 0018", &national("GB", "")), Ok(("02079460018".into(), None)));
    assert_eq!(dial("+1 415 555 0100", &national("GB", "9")), Ok(("90014155550100".into(), None)));
    assert_eq!(dial("(415) 555-0100", &national("US", "9")), Ok(("914155550100".into(), None)));
    assert_eq!(dial("+44 20 7946 0018", &national("US", "")), Ok(("011442079460018".into(), None)));
    assert_eq!(dial("912 345 678", &national("ES", "")), Ok(("912345678".into(), None)));
    assert_eq!(dial("+34 912 345 678", &national("MX", "")), Ok(("0034912345678".into(), None)));
    let e164 = DialRules { outside_prefix: "9".into(), ..rules("DE") };
    assert_eq!(dial("030 1234567", &e164), Ok(("949301234567".into(), None)));
    assert_eq!(
        normalise("030 1234567", &e164),
        Ok(Dial { digits: "949301234567".into(), e164: Some("+49301234567".into()), extension: None })
    );
    assert_eq!(DialFormat::parse("national"), Some(DialFormat::National));
    assert_eq!(DialFormat::parse("E164"), None);
}

#[test]
fn what_is_not_a_number_is_refused_with_a_reason() {
    let us = rules("US");
    assert_eq!(dial("", &us), Err(PhoneError::Empty));
    assert_eq!(dial("  - ", &us), Err(PhoneError::NotANumber));
    assert_eq!(dial("call me", &us), Err(PhoneError::NotANumber));
    assert_eq!(dial("Room 4B", &us), Err(PhoneError::NotANumber));
    assert_eq!(dial("415-555-01OO", &us), Ok(("14155550166".into(), None)), "letters dial as the keypad does");
    assert_eq!(dial("4155550100; DROP", &us), Err(PhoneError::NotANumber));
    assert_eq!(dial("555-0100", &us), Err(PhoneError::TooShort));
    assert_eq!(dial("+44 20 79", &us), Err(PhoneError::TooShort));
    assert_eq!(dial("+1 415 555 0100 0100 0100", &us), Err(PhoneError::TooLong));
    assert_eq!(dial("415 555 0100 99", &us), Err(PhoneError::TooLong));
    assert_eq!(dial("+8", &us), Err(PhoneError::TooShort));
    // A North American number one digit short: the leading 1 is the trunk prefix, not an area code.
    assert_eq!(dial("1415555010", &us), Err(PhoneError::TooShort));
    assert_eq!(dial("+1 141 555 0100", &us), Err(PhoneError::TooShort));
    assert_eq!(dial("(+44) 20 7946 0018", &us), Ok(("442079460018".into(), None)), "a plus inside the first parenthesis");
    assert_eq!(dial("44 + 20", &us), Err(PhoneError::NotANumber), "a plus after digits");
    assert_eq!(dial("4155550100", &rules("ZZ")), Err(PhoneError::UnknownCountry));
    assert_eq!(PhoneError::TooShort.key(), "dial_err_short");
}
