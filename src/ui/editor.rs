//! The editor modal: who the text goes to, whether the partner reads it (always shown, in words),
//! the text itself (ratatui-textarea), the draft's state, the last error, and the keys. The
//! template picker opens over it.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::text::{fit, wrap};
use super::theme::Theme;
use crate::app::view::{DraftState, Editor, Purpose};
use crate::app::{Command, Context, State};
use crate::domain::DecisionOutcome;

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    popup
}

fn title(editor: &Editor) -> String {
    match &editor.purpose {
        Purpose::Comment(r) => format!(" Comment on {} ", r.seen.claim_id),
        Purpose::Info(rs) if rs.len() == 1 => {
            format!(" Request for information · {} ", rs[0].seen.claim_id)
        }
        Purpose::Info(rs) => format!(" Request for information · {} parties ", rs.len()),
        Purpose::Decision(plan) => {
            let what = match plan.current().map(|p| p.outcome) {
                Some(DecisionOutcome::Approved) => "approve",
                Some(DecisionOutcome::Rejected) => "reject",
                Some(DecisionOutcome::Withdrawn) => "withdraw",
                None => "decide",
            };
            format!(
                " Reason {} of {}: {what} {} ",
                plan.step + 1,
                plan.items.len(),
                plan.current()
                    .map(|p| p.recipient.seen.claim_id.as_str())
                    .unwrap_or("")
            )
        }
    }
}

/// Draws the editor over `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(editor) = state.editor() else {
        return;
    };
    let popup = centred(
        area,
        90.min(area.width.saturating_sub(2)),
        area.height.saturating_sub(2).min(20),
    );
    let k = |c: Command| state.keymap.hint_in(Context::Editor, c);
    let footer = format!(
        " {} send · {} cancel · {} partner/internal · {} template ",
        k(Command::Send),
        k(Command::Back),
        k(Command::ToggleVisibility),
        k(Command::Template)
    );
    let block = Block::bordered()
        .border_style(theme.border)
        .style(theme.text)
        .title(Span::styled(title(editor), theme.title))
        .title_bottom(Span::styled(footer, theme.muted));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let w = inner.width as usize;

    let mut head: Vec<Line> = Vec::new();
    let to: Vec<String> = editor
        .recipients()
        .iter()
        .map(|r| r.label.clone())
        .collect();
    let to_lines = wrap(&format!("To: {}", to.join("; ")), w);
    let extra = to_lines.len().saturating_sub(2);
    for l in to_lines.into_iter().take(2) {
        head.push(Line::styled(l, theme.text));
    }
    if extra > 0 {
        head.push(Line::styled(
            format!("  …and {extra} more line(s)"),
            theme.muted,
        ));
    }
    // A decision's reason is written with the claim's findings in view.
    if let Purpose::Decision(plan) = &editor.purpose {
        if let Some(item) = plan.current() {
            let text = if item.findings.is_empty() {
                "Findings: none".to_string()
            } else {
                format!("Findings: {}", item.findings.join("; "))
            };
            let style = if item.findings.iter().any(|f| f.starts_with('✗')) {
                theme.finding_error
            } else {
                theme.muted
            };
            head.push(Line::styled(fit(&text, w), style));
        }
    }
    let (vis, vis_style) = if editor.partner_visible() {
        (
            "[PARTNER-VISIBLE] the partner reads this",
            theme.partner_visible,
        )
    } else {
        ("[INTERNAL] reviewers only", theme.internal)
    };
    let draft = match (&editor.draft, editor.sending) {
        (_, Some(_)) => "sending…",
        (DraftState::Loading(_), _) => "loading draft…",
        (DraftState::Saved, _) => "draft saved",
        (DraftState::Saving, _) => "saving draft…",
        (DraftState::Typed { .. }, _) => "draft not saved yet",
        // The other session's draft is waiting for the reviewer's choice, not for the store.
        (DraftState::Unsaved(_), _) if editor.draft_theirs.is_some() => {
            "draft NOT saved: changed in another session"
        }
        (DraftState::Unsaved(_), _) => "draft NOT saved (saved again once the store is back)",
        (DraftState::Untouched, _) => "",
    };
    head.push(Line::from(vec![
        Span::styled(vis.to_string(), vis_style),
        Span::styled(format!("  {draft}"), theme.muted),
    ]));
    let error_lines: Vec<Line> = editor
        .error
        .as_deref()
        .map(|e| {
            wrap(e, w)
                .into_iter()
                .take(2)
                .map(|l| Line::styled(l, theme.error))
                .collect()
        })
        .unwrap_or_default();
    let [head_area, text_area, error_area] = Layout::vertical([
        Constraint::Length(head.len() as u16),
        Constraint::Fill(1),
        Constraint::Length(error_lines.len() as u16),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(head), head_area);
    let text_block = Block::bordered().border_style(theme.border);
    let text_inner = text_block.inner(text_area);
    frame.render_widget(text_block, text_area);
    frame.render_widget(editor.text.area(), text_inner);
    frame.render_widget(Paragraph::new(error_lines), error_area);

    if let Some(cursor) = state.picker() {
        render_picker(frame, popup, state, editor, cursor, theme);
    }
}

fn render_picker(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    editor: &Editor,
    cursor: usize,
    theme: &Theme,
) {
    let templates = editor.templates(&state.templates);
    let height = (templates.len() as u16 + 2).min(area.height.saturating_sub(2));
    let popup = centred(area, area.width.saturating_sub(6), height);
    let block = Block::bordered()
        .border_style(theme.border)
        .style(theme.text)
        .title(Span::styled(" Templates ", theme.title))
        .title_bottom(Span::styled(" Enter inserts · Esc closes ", theme.muted));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let rows = inner.height as usize;
    let offset = (cursor + 1).saturating_sub(rows);
    let w = inner.width as usize;
    let lines: Vec<Line> = templates
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, t)| {
            let own = if t.kind == crate::domain::reasons::TemplateKind::Own {
                " (yours)"
            } else {
                ""
            };
            let text = fit(&format!("{}{own}: {}", t.name, t.text), w);
            let style = if i == cursor {
                theme.selected
            } else {
                theme.text
            };
            Line::styled(format!("{text:<w$}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
