//! The status bar: what is happening (loading, errors, notices) on the left, key hints from the
//! live keymap on the right, cut to fit.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::{fit, width};
use super::theme::Theme;
use crate::app::{Command, Screen, State};

/// Draws the bar into the one-row `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let k = |c: Command| state.keymap.hint(c);
    let hints: Vec<(String, &str)> = if state.help_open && state.editor.is_none() {
        vec![(k(Command::Back), "close help")]
    } else if state.confirm.is_some() {
        vec![(k(Command::Yes), "yes"), (k(Command::No), "no")]
    } else if state.editor.is_some() {
        vec![
            (k(Command::Send), "send"),
            (k(Command::Back), "cancel"),
            (k(Command::Template), "template"),
        ]
    } else if state.info_scope {
        vec![
            (k(Command::InfoFocused), "focused"),
            (k(Command::InfoAll), "all"),
        ]
    } else if state.screen == Screen::Compare {
        vec![
            (k(Command::FocusRight), "party"),
            (k(Command::Open), "PoE"),
            (k(Command::RequestInfo), "ask"),
            (k(Command::Approve), "approve"),
            (k(Command::Reject), "reject"),
            (k(Command::Comment), "comment"),
            (k(Command::Back), "back"),
        ]
    } else if state.screen == Screen::Queue && state.queue.filter_editing {
        vec![
            ("Enter".into(), "keep filter"),
            ("Esc".into(), "clear filter"),
        ]
    } else if state.screen == Screen::Detail {
        vec![
            (k(Command::Compare), "compare"),
            (k(Command::Comment), "comment"),
            (k(Command::RequestInfo), "ask"),
            (k(Command::Approve), "approve"),
            (k(Command::Reject), "reject"),
            (k(Command::Back), "back"),
            (k(Command::Help), "help"),
        ]
    } else {
        vec![
            (k(Command::Help), "help"),
            (k(Command::Filter), "filter"),
            (k(Command::Open), "open"),
            (k(Command::Quit), "quit"),
            (k(Command::Sort), "sort"),
            (k(Command::NextTab), "tab"),
            (k(Command::Theme), "theme"),
        ]
    };

    let (left, left_style) = if let Some(err) = &state.queue.error {
        (err.clone(), theme.error)
    } else if let Some(reason) = &state.offline {
        let text = match &state.notice {
            Some(notice) => format!("OFFLINE: {notice}"),
            None => format!("OFFLINE: others' changes not seen ({reason})"),
        };
        (text, theme.error)
    } else if let Some(notice) = &state.notice {
        (notice.clone(), theme.status_bar)
    } else if state.queue.pending.is_some() {
        ("Loading…".to_string(), theme.status_bar)
    } else {
        let who = match &state.holds.actor {
            // Who and in what role; the program's name gives way to it on a narrow screen.
            Some(_) => crate::app::holds::identity(state),
            None => format!("claimdesk · {}", state.reviewer),
        };
        (who, theme.status_bar)
    };

    let total = area.width as usize;
    let mut right: Vec<Span> = Vec::new();
    let mut right_width = 0;
    // A message (an error, a refusal, others' news) is read in full: the hints give way to it.
    let message = state.notice.is_some() || state.queue.error.is_some() || state.offline.is_some();
    let left_min = if message {
        width(&left) + 1
    } else {
        width(&left).min(30) + 1
    };
    for (key, what) in hints {
        let piece = width(&key) + width(what) + 3;
        if right_width + piece + left_min > total {
            break;
        }
        right_width += piece;
        right.push(Span::styled(format!(" {key} "), theme.key_hint));
        right.push(Span::styled(format!("{what} "), theme.status_bar));
    }
    let left = fit(&format!(" {left}"), total.saturating_sub(right_width));
    let pad = total.saturating_sub(width(&left) + right_width);
    let mut spans = vec![
        Span::styled(left, left_style),
        Span::styled(" ".repeat(pad), theme.status_bar),
    ];
    spans.extend(right);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar),
        area,
    );
}
