//! What text claimdesk accepts and how stored text is shown safely: one place for both.
//!
//! Input is held to the same limits whichever backend stores it (PostgreSQL refuses a NUL that
//! SQLite keeps; neither should hold a megabyte claim id), so an import, a comment or a decision
//! is refused alike everywhere, with the same words. Output that reaches a terminal never carries
//! a control character raw: an escape sequence in a partner name must not clear a reviewer's
//! screen, retitle their window or write their clipboard, and a newline in a claim id must not
//! forge a line of `audit`.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

/// The longest id (claim, MPN, reply, reviewer login), in characters.
pub const ID_MAX: usize = 64;
/// The longest short text (a name, product, domain, PoE kind or author, attachment reference,
/// a subscription id as typed), in characters.
pub const SHORT_MAX: usize = 256;
/// The longest long text (a PoE summary, a comment, a reason, a template), in characters.
pub const LONG_MAX: usize = 20_000;

/// The first day a claim, PoE or comment may carry.
pub const EARLIEST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The first day past the range a claim, PoE or comment may carry.
pub const END_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2100, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Which limit a text field is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// An identifier: 1 to `ID_MAX` printable characters, no whitespace.
    Id,
    /// A name or other short text: at most `SHORT_MAX` characters.
    Short,
    /// A body of text: at most `LONG_MAX` characters.
    Long,
}

/// Why a text was refused; the message names what is wrong, never echoes a huge value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("too long: {len} characters (at most {max})")]
    TooLong { len: usize, max: usize },
    #[error("contains a NUL character")]
    Nul,
    #[error("contains whitespace at character {at} (ids have none)")]
    Whitespace { at: usize },
    #[error("contains the control character {shown} at character {at} (ids are printable)")]
    Control { shown: String, at: usize },
}

/// Checks `text` against the rules for `kind`. Free text may hold newlines and tabs; every kind
/// refuses NUL (PostgreSQL cannot store it) and text past its limit.
pub fn check(kind: TextKind, text: &str) -> Result<(), TextError> {
    let max = match kind {
        TextKind::Id => ID_MAX,
        TextKind::Short => SHORT_MAX,
        TextKind::Long => LONG_MAX,
    };
    // Counting stops just past the limit, so a megabyte value costs no more than a short one.
    let len = text.chars().take(max + 1).count();
    if len > max {
        return Err(TextError::TooLong {
            len: text.chars().count(),
            max,
        });
    }
    if text.contains('\0') {
        return Err(TextError::Nul);
    }
    if kind != TextKind::Id {
        return Ok(());
    }
    if text.trim().is_empty() {
        return Err(TextError::Empty);
    }
    for (i, c) in text.chars().enumerate() {
        if is_unsafe(c) || is_invisible(c) {
            return Err(TextError::Control {
                shown: escape(&c.to_string()).into_owned(),
                at: i + 1,
            });
        }
        if c.is_whitespace() {
            return Err(TextError::Whitespace { at: i + 1 });
        }
    }
    Ok(())
}

/// A character a terminal may act on instead of showing: C0 and C1 controls, DEL, the bidi
/// embedding, override and isolate marks (they reorder what follows), and the Unicode line and
/// paragraph separators (they start a new line in some terminals and viewers).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// Invisible format characters (zero-width spaces and joiners, soft hyphen, byte order mark):
/// harmless on screen, but they make two ids that look the same differ.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206a}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// `text` with every unsafe character written as a Rust-style escape (`\u{1b}`), for any
/// human-readable output of stored or typed text. Borrowed when nothing needed escaping.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A line of JSON with every unsafe character inside its strings written as a JSON `\uXXXX`
/// escape: still the same JSON to a parser, never raw to a terminal. serde_json escapes the C0
/// controls already; this adds DEL, the C1 controls, bidi marks and the line separators.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one \u escape each.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether an instant falls in the range claimdesk accepts (`EARLIEST_DAY` to before `END_DAY`,
/// UTC): outside it a typo (year 9999) would poison every export and SLA computation.
pub fn in_range(at: DateTime<Utc>) -> bool {
    day_in_range(at.date_naive())
}

/// Whether a day falls in the range claimdesk accepts.
pub fn day_in_range(day: NaiveDate) -> bool {
    (EARLIEST_DAY..END_DAY).contains(&day)
}

/// The accepted range in words, for messages.
pub fn range_words() -> String {
    format!("{EARLIEST_DAY} .. {END_DAY} (exclusive)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_printable_without_whitespace_and_at_most_64_characters() {
        assert_eq!(check(TextKind::Id, "CPOR-1-0000001"), Ok(()));
        assert_eq!(check(TextKind::Id, "株式会社-1"), Ok(()));
        assert_eq!(check(TextKind::Id, &"x".repeat(64)), Ok(()));
        assert_eq!(
            check(TextKind::Id, &"x".repeat(1_000_000)),
            Err(TextError::TooLong {
                len: 1_000_000,
                max: 64
            })
        );
        assert_eq!(check(TextKind::Id, ""), Err(TextError::Empty));
        assert_eq!(
            check(TextKind::Id, "C 1"),
            Err(TextError::Whitespace { at: 2 })
        );
        let err = check(TextKind::Id, "C-1\nforged").unwrap_err();
        assert_eq!(
            err.to_string(),
            "contains the control character \\u{a} at character 4 (ids are printable)"
        );
        assert!(check(TextKind::Id, "C-\u{202e}1").is_err());
        assert!(check(TextKind::Id, "C-\u{200b}1").is_err());
        assert!(check(TextKind::Id, "C-\u{85}1").is_err());
    }

    #[test]
    fn free_text_keeps_newlines_but_never_nul_or_too_much() {
        assert_eq!(check(TextKind::Long, "line one\nline two\ttab"), Ok(()));
        assert_eq!(check(TextKind::Short, ""), Ok(()));
        assert_eq!(check(TextKind::Long, "a\0b"), Err(TextError::Nul));
        assert!(check(TextKind::Short, &"é".repeat(257)).is_err());
        assert_eq!(check(TextKind::Short, &"é".repeat(256)), Ok(()));
    }

    #[test]
    fn escape_shows_controls_c1_and_bidi_overrides_as_escapes() {
        assert_eq!(escape("Contoso"), Cow::Borrowed("Contoso"));
        assert_eq!(escape("株式会社フジ"), "株式会社フジ");
        assert_eq!(escape("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(
            escape("\u{1b}]52;c;cHduZWQ=\u{7}"),
            "\\u{1b}]52;c;cHduZWQ=\\u{7}"
        );
        assert_eq!(escape("a\u{9b}b\u{7f}"), "a\\u{9b}b\\u{7f}");
        assert_eq!(escape("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
        assert_eq!(escape("C-1\nforged"), "C-1\\u{a}forged");
        assert_eq!(escape("x\u{2066}y\u{2028}"), "x\\u{2066}y\\u{2028}");
    }

    #[test]
    fn escape_json_keeps_the_json_and_hides_what_a_terminal_would_act_on() {
        let line = serde_json::json!({ "body": "a\u{9b}2J\u{202e}b\u{1b}" }).to_string();
        let escaped = escape_json(&line);
        assert_eq!(escaped, r#"{"body":"a\u009b2J\u202eb\u001b"}"#);
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["body"], "a\u{9b}2J\u{202e}b\u{1b}");
    }

    #[test]
    fn dates_outside_2000_to_2100_are_out_of_range() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(day_in_range(day(2000, 1, 1)));
        assert!(day_in_range(day(2099, 12, 31)));
        assert!(!day_in_range(day(2100, 1, 1)));
        assert!(!day_in_range(day(1999, 12, 31)));
        assert!(!day_in_range(day(9999, 1, 1)));
    }
}
