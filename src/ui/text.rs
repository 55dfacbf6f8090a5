//! Small text helpers shared by the screens: fitting to a width, wrapping, and the words and
//! symbols that carry meaning without colour (SLA state, flags).

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::theme::Theme;
use crate::app::State;
use crate::domain::{ClockMarks, Severity, SlaState, Status};
use crate::model::QueueRow;

/// The display width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to `max` cells, ending in `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Word-wraps `text` to `max` cells; words longer than a line are cut.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed = if line.is_empty() {
                width(word)
            } else {
                width(&line) + 1 + width(word)
            };
            if needed > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&fit(word, max));
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

pub use crate::model::thousands;

/// The symbol of an SLA state, so it reads without colour: `✓` ok, `!` warning, `✗` breached.
pub fn sla_symbol(state: SlaState) -> &'static str {
    match state {
        SlaState::Ok => "✓",
        SlaState::Warning => "!",
        SlaState::Breached => "✗",
    }
}

/// The theme role of an SLA state.
pub fn sla_style(theme: &Theme, state: SlaState) -> Style {
    match state {
        SlaState::Ok => theme.sla_ok,
        SlaState::Warning => theme.sla_warn,
        SlaState::Breached => theme.sla_breached,
    }
}

/// The SLA cell of a claim: its countdown (symbol + time) while open; while it waits on the
/// partner, the partner's reply countdown (`reply 2d 4h`, then `no reply`); while disputed, the
/// dispute's own countdown (`dispute 4d 1h`); its status once closed.
pub fn sla_cell(
    state: &State,
    theme: &Theme,
    submitted_at: DateTime<Utc>,
    status: Status,
    marks: &ClockMarks,
) -> (String, Style) {
    let clocks = state.clocks(submitted_at, status, marks);
    let (prefix, c) = match (clocks.reply, clocks.dispute) {
        (Some(_), _) if clocks.no_reply() => {
            return (
                format!("{} no reply", sla_symbol(SlaState::Breached)),
                sla_style(theme, SlaState::Breached),
            )
        }
        (Some(reply), _) => ("reply ", reply),
        (_, Some(dispute)) => ("dispute ", dispute),
        _ if !status.is_open() => return (status.label().to_lowercase(), theme.muted),
        _ => ("", clocks.review),
    };
    (
        format!("{} {prefix}{}", sla_symbol(c.state), c.label()),
        sla_style(theme, c.state),
    )
}

/// The symbol of a finding's severity.
pub fn severity_symbol(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✗",
        Severity::Warning => "!",
    }
}

/// The flags of a queue row as (text, role) pieces: `⇄3` contested by 3 parties, `!2` two
/// findings, `?1` one unknown check, `I` an incumbent holds the association, `@bob` bob holds
/// the claim (`me`'s own holds in the title style).
pub fn flags(row: &QueueRow, theme: &Theme, now: DateTime<Utc>, me: &str) -> Vec<(String, Style)> {
    let mut out = Vec::new();
    if row.contested() {
        out.push((format!("⇄{}", row.parties.max(2)), theme.contested));
    }
    if !row.findings.is_empty() {
        out.push((format!("!{}", row.findings.len()), theme.finding_error));
    }
    if row.unknown_checks > 0 {
        out.push((format!("?{}", row.unknown_checks), theme.unknown));
    }
    if row.incumbent_mpn_id.is_some() {
        out.push(("I".to_string(), theme.incumbent));
    }
    if let Some(who) = row.holder(now) {
        let style = if who == me { theme.title } else { theme.label };
        out.push((format!("@{who}"), style));
    }
    out
}

/// The width `flags` takes on screen (pieces and the spaces between them), without making them:
/// the queue sizes its flags column over every row of its window on each frame.
pub fn flags_width(row: &QueueRow, now: DateTime<Utc>) -> usize {
    fn digits(n: u64) -> usize {
        n.checked_ilog10().map_or(1, |d| d as usize + 1)
    }
    let pieces = [
        row.contested()
            .then(|| 1 + digits(u64::from(row.parties.max(2)))),
        (!row.findings.is_empty()).then(|| 1 + digits(row.findings.len() as u64)),
        (row.unknown_checks > 0).then(|| 1 + digits(u64::from(row.unknown_checks))),
        row.incumbent_mpn_id.is_some().then_some(1),
        row.holder(now).map(|who| 1 + who.width()),
    ];
    let shown = pieces.iter().flatten().count();
    pieces.iter().flatten().sum::<usize>() + shown.saturating_sub(1)
}

/// An instant in the calendar's time zone, to the minute.
pub fn local_time(state: &State, at: DateTime<Utc>) -> String {
    at.with_timezone(&state.calendar.timezone())
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_and_wrapping() {
        assert_eq!(fit("Contoso Consulting", 8), "Contoso…");
        assert_eq!(fit("short", 8), "short");
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }

    #[test]
    fn flags_width_is_the_width_of_the_flags() {
        let theme = Theme::by_name("dark").unwrap();
        let now = crate::app::fixtures::now();
        for n in 0..60 {
            let mut row = crate::app::fixtures::row(n);
            if n % 7 == 0 {
                row.assigned_to = Some("bøb".into());
                row.held_until = Some(now + chrono::TimeDelta::minutes(5));
            }
            if n % 11 == 0 {
                row.parties = 12;
                row.unknown_checks = 10;
            }
            let f = flags(&row, &theme, now, "alice");
            let shown: usize =
                f.iter().map(|(t, _)| t.width()).sum::<usize>() + f.len().saturating_sub(1);
            assert_eq!(flags_width(&row, now), shown, "row {n}: {f:?}");
        }
    }
}
