//! The help overlay, generated from the live keymap (defaults plus the config's `[keys]`), so it
//! always shows the keys that really work: the context it was opened from first (the editor's
//! keys in the editor, compare's in compare), then every other context. It also explains the
//! symbols that carry meaning.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::text::fit;
use super::theme::Theme;
use crate::app::{Command, Context, State};

/// The help text: the current context's keys, then every other context's, then the symbols.
pub fn lines(state: &State, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let here = state.help_context();
    let order = std::iter::once(here).chain(Context::ALL.into_iter().filter(|c| *c != here));
    let mut out = Vec::new();
    for (i, context) in order.enumerate() {
        if i > 0 {
            out.push(Line::default());
        }
        let title = if i == 0 {
            format!("Keys here: {}", context.title())
        } else {
            format!("Keys: {}", context.title())
        };
        out.push(Line::styled(title, theme.title));
        for entry in state.keymap.entries(context) {
            let keys = if entry.keys.is_empty() {
                "(unbound)".to_string()
            } else {
                entry
                    .keys
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            out.push(Line::from(vec![
                Span::styled(format!("  {:<16} ", fit(&keys, 16)), theme.key_hint_text()),
                Span::styled(
                    fit(&entry.description, width.saturating_sub(19)),
                    theme.text,
                ),
            ]));
        }
    }
    out.push(Line::default());
    out.push(Line::styled("Symbols", theme.title));
    let legend = [
        ("✓ 3d 4h", "SLA: business time left", theme.sla_ok),
        ("! 9h 30m", "SLA: under the warning margin", theme.sla_warn),
        ("✗ -1d 2h", "SLA: overdue by this much", theme.sla_breached),
        ("⇄3", "contested by 3 parties", theme.contested),
        ("!2", "2 findings", theme.finding_error),
        ("?1", "1 check unknown (no data)", theme.unknown),
        ("I", "an incumbent partner holds it", theme.incumbent),
        (
            "@bob",
            "bob holds the claim (a 30-minute lease)",
            theme.label,
        ),
    ];
    for (symbol, meaning, style) in legend {
        out.push(Line::from(vec![
            Span::styled(format!("  {symbol:<16} "), style),
            Span::styled(fit(meaning, width.saturating_sub(19)), theme.text),
        ]));
    }
    out.push(Line::default());
    out.push(Line::styled(
        fit(
            &format!(
                "Theme: {} ({} switches). Keys can be rebound in [keys] of the config file.",
                state.theme_name(),
                state.keymap.hint_in(Context::Queue, Command::Theme)
            ),
            width,
        ),
        theme.muted,
    ));
    out
}

impl Theme {
    /// Keys in the help list: the key-hint role without its bar background.
    fn key_hint_text(&self) -> ratatui::style::Style {
        self.header
    }
}

/// Draws the overlay centred on `area`; returns how far it can scroll.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> usize {
    let width = if area.width < 90 { area.width } else { 80 };
    let inner_width = width.saturating_sub(2) as usize;
    let text = lines(state, theme, inner_width);
    let height = (text.len() as u16 + 2).min(area.height.saturating_sub(2));
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    let k = |c: Command| state.keymap.hint_in(Context::Help, c);
    let footer = format!(
        " {} closes · {}/{} scroll ",
        k(Command::Back),
        k(Command::Down),
        k(Command::Up)
    );
    let block = Block::bordered()
        .border_style(theme.border)
        .style(theme.text)
        .title(Span::styled(" Help ", theme.title))
        .title_bottom(Span::styled(footer, theme.muted));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let max_scroll = text.len().saturating_sub(inner.height as usize);
    let scroll = state.help().unwrap_or(0).min(max_scroll);
    let shown: Vec<Line> = text
        .into_iter()
        .skip(scroll)
        .take(inner.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
    max_scroll
}
