//! The confidentiality guard (domain.md, "Confidentiality"): a partner-visible text must never
//! name another party of the contest (its name or MPN) or quote its PoE. The tool cannot know
//! intent, so it warns before sending and lets the reviewer decide.

/// Another party of the contest, as far as the guard needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherParty {
    /// The partner's name (empty for an incumbent known only by its MPN).
    pub name: String,
    /// Its MPN ID.
    pub mpn_id: String,
    /// The summaries of its PoE items.
    pub poe_summaries: Vec<String>,
}

/// One way a text gives another party away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leak {
    /// The text names the party.
    Name(String),
    /// The text gives the party's MPN ID.
    Mpn(String),
    /// The text quotes the party's PoE summary.
    PoeQuote { party: String, quote: String },
}

impl Leak {
    /// One line for the warning.
    pub fn describe(&self) -> String {
        match self {
            Leak::Name(name) => format!("names another party: {name}"),
            Leak::Mpn(mpn) => format!("gives another party's MPN: {mpn}"),
            Leak::PoeQuote { party, quote } => {
                format!("quotes the PoE of {party}: \"{quote}\"")
            }
        }
    }
}

/// Words of at least this many in a row, taken from another party's PoE, count as a quote.
const QUOTE_WORDS: usize = 5;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// What in `text` gives away one of `others`, in their order; empty when nothing does.
pub fn leaks(text: &str, others: &[OtherParty]) -> Vec<Leak> {
    let text_words = words(text);
    let mut out = Vec::new();
    for party in others {
        let name_words = words(&party.name);
        // The whole name, or its distinctive first word ("Contoso" of "Contoso Consulting").
        let first_is_distinctive = name_words.first().is_some_and(|w| w.chars().count() >= 5);
        if contains_run(&text_words, &name_words)
            || (first_is_distinctive && contains_run(&text_words, &name_words[..1]))
        {
            out.push(Leak::Name(party.name.clone()));
        }
        let mpn = words(&party.mpn_id);
        if contains_run(&text_words, &mpn) {
            out.push(Leak::Mpn(party.mpn_id.clone()));
        }
        for summary in &party.poe_summaries {
            let summary_words = words(summary);
            let run = QUOTE_WORDS.min(summary_words.len());
            if run < 3 {
                continue;
            }
            if let Some(quote) = summary_words
                .windows(run)
                .find(|w| contains_run(&text_words, w))
            {
                let label = if party.name.is_empty() {
                    party.mpn_id.clone()
                } else {
                    party.name.clone()
                };
                out.push(Leak::PoeQuote {
                    party: label,
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
            poe_summaries: vec![
                "Sales pipeline design workshop with the customer's sales leads".into(),
            ],
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
}
