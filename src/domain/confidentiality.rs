//! The confidentiality guard (domain.md, "Confidentiality"): a partner-visible text must never
//! name another party of the contest (its name or MPN), point at its claim, or quote its PoE
//! (a summary or an attachment's name). The tool cannot know intent, so it warns before sending
//! and lets the reviewer decide.
//!
//! Matching folds case and diacritics the way people type ("Muller" finds Müller, "celik"
//! Çelik, "SOCIETE GENERALE" Société Générale; full-width letters and half-width katakana count
//! as their plain forms), and names written in scripts without spaces between words (Japanese,
//! Chinese, Korean) are found inside a sentence.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Another party of the contest, as far as the guard needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OtherParty {
    /// The partner's name (empty when unknown: an incumbent known only by its MPN).
    pub name: String,
    /// Its MPN ID.
    pub mpn_id: String,
    /// Its claim in the contest (`None` for the incumbent).
    pub claim_id: Option<String>,
    /// The summaries of its PoE items.
    pub poe_summaries: Vec<String>,
    /// The attachment names of its PoE items.
    pub attachments: Vec<String>,
}

/// One way a text gives another party away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leak {
    /// The text names the party.
    Name(String),
    /// The text gives the party's MPN ID.
    Mpn(String),
    /// The text gives the party's claim id.
    ClaimId(String),
    /// The text quotes the party's PoE summary.
    PoeQuote { party: String, quote: String },
    /// The text names one of the party's PoE attachments.
    Attachment { party: String, name: String },
}

impl Leak {
    /// One line for the warning.
    pub fn describe(&self) -> String {
        match self {
            Leak::Name(name) => format!("names another party: {name}"),
            Leak::Mpn(mpn) => format!("gives another party's MPN: {mpn}"),
            Leak::ClaimId(id) => format!("gives another party's claim id: {id}"),
            Leak::PoeQuote { party, quote } => {
                format!("quotes the PoE of {party}: \"{quote}\"")
            }
            Leak::Attachment { party, name } => {
                format!("names a PoE attachment of {party}: {name}")
            }
        }
    }
}

/// Words of at least this many in a row, taken from another party's PoE, count as a quote.
const QUOTE_WORDS: usize = 5;

/// `text` as matching sees it: compatibility-decomposed, without combining marks, lower-case,
/// with the letters that do not decompose spelt out (ß → ss, ø → o, æ → ae, ł → l, ...).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ı' => out.push('i'),
            'þ' | 'Þ' => out.push_str("th"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Whether `c` belongs to a script written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility ideographs
    )
}

fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The text folded and without anything but letters and digits: how a name written without
/// spaces is looked for inside a sentence.
fn squeezed(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The text prepared once for every party's checks.
struct Haystack {
    words: Vec<String>,
    squeezed: String,
}

impl Haystack {
    /// Whether `phrase` appears: as a run of whole words, or (for a name in a script without
    /// spaces) anywhere in the text.
    fn has(&self, phrase: &str) -> bool {
        if phrase.chars().any(unspaced) {
            let needle = squeezed(phrase);
            return !needle.is_empty() && self.squeezed.contains(&needle);
        }
        contains_run(&self.words, &words(phrase))
    }
}

/// What in `text` gives away one of `others`, in their order; empty when nothing does.
pub fn leaks(text: &str, others: &[OtherParty]) -> Vec<Leak> {
    let hay = Haystack {
        words: words(text),
        squeezed: squeezed(text),
    };
    let mut out = Vec::new();
    for party in others {
        let label = if party.name.is_empty() {
            party.mpn_id.clone()
        } else {
            party.name.clone()
        };
        let name_words = words(&party.name);
        // The whole name, or its distinctive first word ("Contoso" of "Contoso Consulting").
        let first_is_distinctive = name_words.first().is_some_and(|w| w.chars().count() >= 5);
        let named = !party.name.trim().is_empty()
            && (hay.has(&party.name)
                || (first_is_distinctive && contains_run(&hay.words, &name_words[..1])));
        if named {
            out.push(Leak::Name(party.name.clone()));
        }
        if hay.has(&party.mpn_id) {
            out.push(Leak::Mpn(party.mpn_id.clone()));
        }
        if let Some(id) = party.claim_id.as_ref().filter(|id| hay.has(id)) {
            out.push(Leak::ClaimId(id.clone()));
        }
        if let Some(name) = party.attachments.iter().find(|a| hay.has(a)) {
            out.push(Leak::Attachment {
                party: label.clone(),
                name: name.clone(),
            });
        }
        for summary in &party.poe_summaries {
            let summary_words = words(summary);
            let run = QUOTE_WORDS.min(summary_words.len());
            if run < 3 {
                continue;
            }
            if let Some(quote) = summary_words
                .windows(run)
                .find(|w| contains_run(&hay.words, w))
            {
                out.push(Leak::PoeQuote {
                    party: label.clone(),
                    quote: quote.join(" "),
                });
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contoso() -> OtherParty {
        OtherParty {
            name: "Contoso Consulting".into(),
            mpn_id: "1000001".into(),
            claim_id: Some("CPOR-00001".into()),
            poe_summaries: vec![
                "Sales pipeline design workshop with the customer's sales leads".into(),
            ],
            attachments: vec!["sow-4471.pdf".into()],
        }
    }

    fn named(name: &str) -> OtherParty {
        OtherParty {
            name: name.into(),
            mpn_id: "9999999".into(),
            ..OtherParty::default()
        }
    }

    #[test]
    fn names_mpns_and_quotes_are_caught() {
        let others = [contoso()];
        assert!(leaks("Please send the signed SOW.", &others).is_empty());
        assert_eq!(
            leaks("contoso consulting says otherwise", &others),
            vec![Leak::Name("Contoso Consulting".into())]
        );
        assert_eq!(
            leaks("Unlike Contoso, you...", &others),
            vec![Leak::Name("Contoso Consulting".into())]
        );
        assert_eq!(
            leaks("MPN 1000001 also claims it", &others),
            vec![Leak::Mpn("1000001".into())]
        );
        let quoted = leaks(
            "Another partner ran a pipeline design workshop with the customer.",
            &others,
        );
        assert!(
            matches!(&quoted[..], [Leak::PoeQuote { quote, .. }] if quote == "pipeline design workshop with the")
        );
        // Digits inside a longer number are not the MPN.
        assert!(leaks("ticket 10000012", &others).is_empty());
    }

    #[test]
    fn case_and_diacritics_fold_as_people_type() {
        let others = [
            named("Müller IT"),
            named("Société Générale Conseil"),
            named("Çelik Danışmanlık"),
        ];
        let found = leaks(
            "Muller IT and SOCIETE GENERALE CONSEIL asked; celik too",
            &others,
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(fold("Straße Øre Łódź ＣＰＯＲ"), "strasse ore lodz cpor");
    }

    #[test]
    fn a_japanese_name_is_found_inside_a_sentence() {
        let others = [named("株式会社フジ")];
        let found = leaks(
            "株式会社フジの提案書によると、導入は完了しています。",
            &others,
        );
        assert_eq!(found, vec![Leak::Name("株式会社フジ".into())]);
        // Half-width katakana is the same name.
        assert_eq!(leaks("株式会社ﾌｼﾞの件", &others).len(), 1);
        assert!(leaks("株式会社の提案", &others).is_empty());
    }

    #[test]
    fn claim_ids_and_attachment_names_are_caught() {
        let others = [contoso()];
        assert_eq!(
            leaks("As in cpor-00001, please add dates.", &others),
            vec![Leak::ClaimId("CPOR-00001".into())]
        );
        assert_eq!(
            leaks("Send something like SOW-4471.pdf", &others),
            vec![Leak::Attachment {
                party: "Contoso Consulting".into(),
                name: "sow-4471.pdf".into()
            }]
        );
    }
}
