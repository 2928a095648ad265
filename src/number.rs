//! Numbers as written, compared and summed exactly.
//!
//! Attribute values are text (`gpus: 8`, `cost: "1.10"`, `1e3`), and an
//! agreement compares them with `<`, `>=` or weighs a share by them. Floats
//! would make `0.1 + 0.2 > 0.3` true and lose digits past 2^53, so every
//! number is a [`Decimal`]: 28 significant digits, exact, and a value past
//! that range fails to parse (a located warning) rather than growing
//! without bound on hostile input.

pub use rust_decimal::Decimal;

/// The number `text` writes (`8`, `-0.5`, `1e3`, `2.5E-2`), if it is one
/// that fits 28 significant digits. Leading `+`, spaces, `_` separators,
/// hex and `inf`/`nan` are not numbers here.
pub fn parse(text: &str) -> Option<Decimal> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    match exponent {
        None => Decimal::from_str_exact(text).ok(),
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            if !digits(e) || e.len() > 3 {
                return None;
            }
            Decimal::from_scientific(text).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_written_parse_exactly() {
        assert_eq!(parse("8"), Some(Decimal::from(8)));
        assert_eq!(parse("1.10"), parse("1.1"));
        assert_eq!(parse("1e3"), Some(Decimal::from(1000)));
        assert_eq!(parse("-2.5E-1"), Decimal::from_str_exact("-0.25").ok());
        assert!(parse("0.1").unwrap() + parse("0.2").unwrap() == parse("0.3").unwrap());
    }

    #[test]
    fn text_that_is_not_a_plain_number_is_none() {
        for t in [
            "", "abc", "0x1F", "1_000", "+1", " 1", "1.", ".5", "inf", "NaN", "1e", "1e9999",
        ] {
            assert_eq!(parse(t), None, "{t}");
        }
        assert_eq!(parse("123456789012345678901234567890123"), None);
    }
}
