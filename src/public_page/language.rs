//! French or English: `?lang=` wins, else the best of `Accept-Language`
//! (q-values honoured), else English.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

pub fn choose(query: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = query.and_then(Lang::from_tag) {
        return lang;
    }
    let mut best: Option<(f32, Lang)> = None;
    for part in accept_language.unwrap_or_default().split(',') {
        let mut pieces = part.split(';');
        let Some(lang) = pieces.next().and_then(Lang::from_tag) else { continue };
        let q =
            pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok())).unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l).unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_then_header_then_english() {
        assert_eq!(choose(Some("fr"), Some("en")), Lang::Fr);
        assert_eq!(choose(Some("de"), Some("fr-FR,fr;q=0.9,en;q=0.8")), Lang::Fr);
        assert_eq!(choose(None, Some("de-DE, en;q=0.5, fr;q=0.7")), Lang::Fr);
        assert_eq!(choose(None, Some("fr;q=0, en")), Lang::En);
        assert_eq!(choose(None, Some("garbage;;q=x")), Lang::En);
        assert_eq!(choose(None, None), Lang::En);
    }
}
