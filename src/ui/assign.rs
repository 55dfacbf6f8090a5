//! The `A` picker: the active reviewers a lead can assign a claim (and its contest) to.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::editor::centred;
use super::text::fit;
use super::theme::Theme;
use crate::app::view::{Loadable, Modal};
use crate::app::{Command, Context, State};

/// Draws the picker, if it shows.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Modal::Assign(picker) = &state.modal else {
        return;
    };
    let width = area.width.saturating_sub(4).min(60);
    let w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = vec![
        Line::styled(
            fit(
                &format!(
                    "{} and the open claims of its contest go to:",
                    picker.claim_id
                ),
                w,
            ),
            theme.text,
        ),
        Line::default(),
    ];
    match &picker.reviewers {
        Loadable::Loading(_) => lines.push(Line::styled("Loading the reviewers…", theme.muted)),
        Loadable::Failed(e) => lines.push(Line::styled(
            fit(&format!("Could not read the reviewers: {e}"), w),
            theme.error,
        )),
        Loadable::Loaded(reviewers) if reviewers.is_empty() => lines.push(Line::styled(
            "No active reviewer is registered.",
            theme.muted,
        )),
        Loadable::Loaded(reviewers) => {
            for (i, r) in reviewers.iter().enumerate() {
                let selected = i == picker.row;
                let marker = if selected { "▶ " } else { "  " };
                let text = format!(
                    "{marker}{} · {} ({})",
                    r.login,
                    r.display_name,
                    r.role.code()
                );
                let style = if selected { theme.selected } else { theme.text };
                lines.push(Line::styled(fit(&text, w), style));
            }
        }
    }
    let k = |c: Command| state.keymap.hint_in(Context::Assign, c);
    let footer = if picker.sending.is_some() {
        " assigning… ".to_string()
    } else {
        format!(
            " {} assign · {}/{} move · {} cancel ",
            k(Command::Open),
            k(Command::Down),
            k(Command::Up),
            k(Command::Back)
        )
    };
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centred(area, width, height);
    let block = Block::bordered()
        .border_style(theme.border)
        .style(theme.text)
        .title(Span::styled(" Assign to a reviewer ", theme.title))
        .title_bottom(Span::styled(footer, theme.muted));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), inner);
}
