//! The part of RFC 8941 (Structured Field Values) the IETF `RateLimit` and
//! `RateLimit-Policy` fields use: a List of Items with Parameters. Inner lists
//! are skipped; a field that does not parse is ignored as a whole, as the RFC
//! asks, and nothing here can panic on hostile input.

/// A bare item. Decimals, byte sequences and booleans are kept only as far
/// as the rate-limit fields need them.
#[derive(Debug, Clone, PartialEq)]
pub enum Bare {
    Integer(i64),
    Decimal(f64),
    String(String),
    Token(String),
    Bytes(String),
    Boolean(bool),
}

impl Bare {
    /// Strings and tokens both name a policy (older drafts used tokens).
    pub fn as_name(&self) -> Option<&str> {
        match self {
            Bare::String(s) | Bare::Token(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_non_negative(&self) -> Option<u64> {
        match self {
            Bare::Integer(n) => u64::try_from(*n).ok(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub value: Bare,
    pub params: Vec<(String, Bare)>,
}

impl Item {
    pub fn param(&self, key: &str) -> Option<&Bare> {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// Parses a List field; `None` when it is not a valid one.
pub fn parse_list(input: &str) -> Option<Vec<Item>> {
    let mut p = Parser { s: input.as_bytes(), i: 0 };
    p.skip(|b| b == b' ');
    let mut items = Vec::new();
    if p.done() {
        return Some(items);
    }
    loop {
        if p.peek() == Some(b'(') {
            p.inner_list()?;
        } else {
            items.push(p.item()?);
        }
        p.skip(|b| b == b' ' || b == b'\t');
        if p.done() {
            return Some(items);
        }
        if p.next()? != b',' {
            return None;
        }
        p.skip(|b| b == b' ' || b == b'\t');
        if p.done() {
            // A trailing comma is invalid.
            return None;
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn skip(&mut self, what: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&what) {
            self.i += 1;
        }
    }

    fn item(&mut self) -> Option<Item> {
        let value = self.bare()?;
        let params = self.params()?;
        Some(Item { value, params })
    }

    fn inner_list(&mut self) -> Option<()> {
        self.next()?;
        loop {
            self.skip(|b| b == b' ');
            if self.peek()? == b')' {
                self.i += 1;
                self.params()?;
                return Some(());
            }
            self.item()?;
            if !matches!(self.peek()?, b' ' | b')') {
                return None;
            }
        }
    }

    fn params(&mut self) -> Option<Vec<(String, Bare)>> {
        let mut params = Vec::new();
        while self.peek() == Some(b';') {
            self.i += 1;
            self.skip(|b| b == b' ');
            let key = self.key()?;
            let value = if self.peek() == Some(b'=') {
                self.i += 1;
                self.bare()?
            } else {
                Bare::Boolean(true)
            };
            // A repeated key keeps its last value (RFC 8941 §4.2.3.2).
            params.retain(|(k, _)| *k != key);
            params.push((key, value));
        }
        Some(params)
    }

    fn key(&mut self) -> Option<String> {
        let start = self.i;
        let first = self.peek()?;
        if !(first.is_ascii_lowercase() || first == b'*') {
            return None;
        }
        self.skip(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.' | b'*'));
        Some(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn bare(&mut self) -> Option<Bare> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => self.number(),
            b'"' => self.string(),
            b':' => self.bytes(),
            b'?' => self.boolean(),
            b if b.is_ascii_alphabetic() || b == b'*' => Some(self.token()),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Bare> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        self.skip(|b| b.is_ascii_digit());
        let int_len = self.i - int_start;
        if int_len == 0 {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let frac_start = self.i;
            self.skip(|b| b.is_ascii_digit());
            let frac_len = self.i - frac_start;
            if int_len > 12 || frac_len == 0 || frac_len > 3 {
                return None;
            }
            let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
            return text.parse().ok().map(Bare::Decimal);
        }
        if int_len > 15 {
            return None;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        text.parse().ok().map(Bare::Integer)
    }

    fn string(&mut self) -> Option<Bare> {
        self.next()?;
        let mut out = String::new();
        loop {
            match self.next()? {
                b'\\' => match self.next()? {
                    c @ (b'"' | b'\\') => out.push(char::from(c)),
                    _ => return None,
                },
                b'"' => return Some(Bare::String(out)),
                c if (0x20..0x7f).contains(&c) => out.push(char::from(c)),
                _ => return None,
            }
        }
    }

    fn token(&mut self) -> Bare {
        let start = self.i;
        self.i += 1;
        self.skip(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&b));
        Bare::Token(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn bytes(&mut self) -> Option<Bare> {
        self.next()?;
        let start = self.i;
        self.skip(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
        (self.next()? == b':').then_some(Bare::Bytes(text))
    }

    fn boolean(&mut self) -> Option<Bare> {
        self.next()?;
        match self.next()? {
            b'1' => Some(Bare::Boolean(true)),
            b'0' => Some(Bare::Boolean(false)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_draft_examples() {
        let items = parse_list(r#""burst";q=100;w=60,"daily";q=1000;w=86400"#).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].value.as_name(), Some("burst"));
        assert_eq!(items[0].param("q"), Some(&Bare::Integer(100)));
        assert_eq!(items[1].param("w"), Some(&Bare::Integer(86400)));
        let items = parse_list(r#""peruser";q=65535;qu="content-bytes";w=10;pk=:sdfjLJUOUH==:"#).unwrap();
        assert_eq!(items[0].param("qu"), Some(&Bare::String("content-bytes".into())));
        assert_eq!(items[0].param("pk"), Some(&Bare::Bytes("sdfjLJUOUH==".into())));
    }

    #[test]
    fn parses_tokens_integers_and_flags() {
        let items = parse_list("default;r=50;t=30, 100;w=60 , x;flag").unwrap();
        assert_eq!(items[0].value, Bare::Token("default".into()));
        assert_eq!(items[1].value, Bare::Integer(100));
        assert_eq!(items[2].param("flag"), Some(&Bare::Boolean(true)));
        assert_eq!(parse_list("").unwrap(), vec![]);
        // Inner lists are valid but carry nothing we use.
        assert_eq!(parse_list(r#"("a" "b");x=1, "p";q=1"#).unwrap().len(), 1);
        assert_eq!(parse_list("a;q=1.5").unwrap()[0].param("q"), Some(&Bare::Decimal(1.5)));
        assert_eq!(parse_list("a;q=?0").unwrap()[0].param("q"), Some(&Bare::Boolean(false)));
    }

    #[test]
    fn escapes_in_strings() {
        let items = parse_list(r#""a\"b\\c";q=1"#).unwrap();
        assert_eq!(items[0].value.as_name(), Some(r#"a"b\c"#));
    }

    #[test]
    fn malformed_fields_are_rejected_without_panicking() {
        let bad = [
            "\"unterminated",
            "a;=1",
            "a;Q=1",
            "a,",
            ",a",
            "a;q=",
            "a;q=1.",
            "a;q=1.2345",
            "a;q=9999999999999999",
            ":abc",
            "?2",
            "\"bad\\n\"",
            "a b",
            "(a",
            "\u{00e9}",
            "-",
            "a;q=--1",
        ];
        for text in bad {
            assert_eq!(parse_list(text), None, "{text:?} should be rejected");
        }
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        let alphabet = br#"a"\;=,:?() 0123456789.-*"#;
        let mut seed: u32 = 7;
        for _ in 0..5000 {
            let len = (seed % 12) as usize;
            let mut text = Vec::with_capacity(len);
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push(alphabet[(seed >> 16) as usize % alphabet.len()]);
            }
            let _ = parse_list(&String::from_utf8_lossy(&text));
            seed = seed.wrapping_add(1);
        }
    }
}
