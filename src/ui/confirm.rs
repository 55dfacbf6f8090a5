//! Confirmations (what happens to every claim touched; `y` confirms, `Enter` takes the default,
//! No) and the information request's scope prompt (the focused party, or all of them).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::editor::centred;
use super::text::wrap;
use super::theme::Theme;
use crate::app::{Command, Context, State};

fn popup(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    footer: String,
    body: &[String],
) {
    let width = area.width.saturating_sub(4).min(86);
    let w = width.saturating_sub(2) as usize;
    let lines: Vec<Line> = body
        .iter()
        .flat_map(|l| {
            let indent = l.len() - l.trim_start().len();
            wrap(l, w.saturating_sub(indent))
                .into_iter()
                .map(move |piece| {
                    Line::styled(format!("{}{piece}", " ".repeat(indent)), theme.text)
                })
        })
        .collect();
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centred(area, width, height);
    let block = Block::bordered()
        .border_style(theme.error)
        .style(theme.text)
        .title(Span::styled(format!(" {title} "), theme.title))
        .title_bottom(Span::styled(footer, theme.muted));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Draws the open confirmation, if any.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(confirm) = state.confirm() else {
        return;
    };
    let no: Vec<String> = state
        .keymap
        .keys_in(Context::Confirm, Command::No)
        .iter()
        .filter(|k| k.code != crate::app::KeyCode::Enter)
        .map(ToString::to_string)
        .collect();
    let footer = format!(
        " {} yes · {} no · Enter = No ",
        state.keymap.hint_in(Context::Confirm, Command::Yes),
        no.join("/")
    );
    popup(frame, area, theme, &confirm.title, footer, &confirm.lines);
}

/// Draws the scope prompt after `r` in compare.
pub fn render_scope(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    if !state.info_scope() {
        return;
    }
    let k = |c: Command| state.keymap.hint_in(Context::InfoScope, c);
    let focused = state
        .compare
        .as_ref()
        .and_then(|c| c.focused())
        .map(crate::app::compare::label)
        .unwrap_or_default();
    let askable = state
        .compare
        .as_ref()
        .and_then(|c| c.parties.loaded())
        .map_or(0, |v| crate::app::compare::askable(v));
    let body = vec![
        format!(
            "{}  the focused party only: {focused}",
            k(Command::InfoFocused)
        ),
        format!(
            "{}  every party that can be asked ({askable}): one comment on each party's own claim",
            k(Command::InfoAll)
        ),
    ];
    popup(
        frame,
        area,
        theme,
        "Request information from",
        format!(" {} cancels ", k(Command::Back)),
        &body,
    );
}
