//! The preview pane: the claim under the cursor with its findings, from the queue row alone (no
//! database read per cursor move). Lines of fixed place come first and the findings (of varying
//! length) last, so moving the cursor rewrites only what differs between two claims.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use super::text::{fit, local_time, severity_symbol, sla_cell, width, wrap};
use super::theme::Theme;
use crate::app::{Command, State};
use crate::domain::{Severity, SolutionArea, Status};
use crate::model::QueueRow;

/// Draws the preview of the selected claim into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(row) = state.queue.selected() else {
        let block = Block::bordered()
            .border_style(theme.border)
            .title(" Preview ");
        frame.render_widget(block, area);
        return;
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", row.claim_id), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let rows = inner.height as usize;

    let (sla, sla_style) = sla_cell(state, theme, row.submitted_at, row.status, &row.clock);
    let mut lines: Vec<Line> = vec![
        Line::from(vec![
            Span::styled(format!("{sla} "), sla_style),
            Span::styled(row.status.label().to_string(), theme.text),
            Span::styled(
                match (row.holder(state.now), &row.assignee) {
                    (Some(who), _) => format!(" · held by {who}"),
                    (None, Some(to)) => format!(" · assigned to {to}"),
                    (None, None) => " · unassigned".to_string(),
                },
                theme.muted,
            ),
        ]),
        // Fields of few values or one length first, the long free text last: moving to the next
        // claim leaves what the two share in place ("MPN 410…", "Microsoft 365 · Usage · ").
        Line::styled(
            fit(&format!("MPN {} · {}", row.mpn_id, row.partner_name), w),
            theme.text,
        ),
        Line::styled(fit(&row.customer_domain, w), theme.text),
        Line::styled(fit(&offering(row, w), w), theme.text),
    ];
    // Held by one reviewer while a lead assigned it to another: both matter, on a line of its own.
    if let (Some(who), Some(to)) = (row.holder(state.now), &row.assignee) {
        if who != to.as_str() {
            lines.insert(
                1,
                Line::styled(fit(&format!("assigned to {to}"), w), theme.muted),
            );
        }
    }
    // Lines whose place never moves come first, so the next claim rewrites only what differs;
    // on a short pane the findings matter more than the submission time.
    let findings = row.findings.len().max(1) + usize::from(row.unknown_checks > 0);
    let roomy = rows >= lines.len() + 2 + findings;
    if roomy {
        lines.push(Line::styled(
            fit(
                &format!("Submitted {}", local_time(state, row.submitted_at)),
                w,
            ),
            theme.muted,
        ));
    }
    if row.contested() {
        let incumbent = row
            .incumbent_mpn_id
            .as_ref()
            .map_or_else(String::new, |m| format!(" · incumbent MPN {m}"));
        lines.push(Line::styled(
            fit(
                &format!("⇄ Contested: {} parties{incumbent}", row.parties.max(2)),
                w,
            ),
            theme.contested,
        ));
    } else if roomy {
        lines.push(Line::styled("Not contested", theme.muted));
    }
    if let Some(dispute) = row
        .clock
        .dispute
        .as_ref()
        .filter(|_| row.status == Status::Disputed)
    {
        // The partner's words come first: the detail has the disputed decision beside them.
        lines.push(Line::styled(
            fit(&format!("Disputed: “{}”", dispute.body), w),
            theme.contested,
        ));
    }
    let detailed = rows > lines.len() + 2 * row.findings.len() + 1;
    for code in &row.findings {
        let severity = code.severity();
        let style = match severity {
            Severity::Error => theme.finding_error,
            Severity::Warning => theme.finding_warning,
        };
        lines.push(Line::styled(
            fit(
                &format!("{} {}", severity_symbol(severity), code.label()),
                w,
            ),
            style,
        ));
        if detailed {
            for l in wrap(code.explanation(), w.saturating_sub(2)) {
                lines.push(Line::styled(format!("  {l}"), theme.muted));
            }
        }
    }
    if row.findings.is_empty() {
        lines.push(Line::styled("No findings", theme.muted));
    }
    if row.unknown_checks > 0 {
        lines.push(Line::styled(
            fit(
                &format!(
                    "? {} check(s) unknown: no data ({} opens the claim)",
                    row.unknown_checks,
                    state
                        .keymap
                        .hint_in(crate::app::Context::Queue, Command::Open)
                ),
                w,
            ),
            theme.unknown,
        ));
    }
    lines.truncate(rows);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `area · activity · product`, with the area's short name when the whole line does not fit (the
/// product matters more than the area's long name).
fn offering(row: &QueueRow, w: usize) -> String {
    let line = |area: &str| format!("{area} · {} · {}", row.activity.label(), row.product);
    let full = line(row.solution_area.label());
    if width(&full) <= w {
        return full;
    }
    line(match row.solution_area {
        SolutionArea::BusinessApplications => "BizApps",
        SolutionArea::Microsoft365 => "M365",
    })
}
