//! The status bar: what is happening (loading, errors, notices) on the left, key hints on the
//! right, taken from the current context's keymap entries (the same entries help lists), cut to
//! fit.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::{fit, width};
use super::theme::Theme;
use crate::app::State;

/// Draws the bar into the one-row `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let hints: Vec<(String, &str)> = state
        .keymap
        .entries(state.context())
        .iter()
        .filter_map(|e| {
            let hint = e.hint.as_deref()?;
            Some((e.keys.first()?.to_string(), hint))
        })
        .collect();

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
