//! The compare view: one column per party (at most three at once, then it scrolls sideways),
//! rows aligned by field, long values wrapped inside their cell. A field whose values differ
//! between the parties is marked `≠` before its label (and in the contest colour), so the
//! difference reads without colour. The focused party's header is reversed and marked `▶`.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::text::{fit, local_time, sla_cell, width, wrap};
use super::theme::Theme;
use crate::app::view::{Column, CompareView};
use crate::app::{Loadable, State};
use crate::domain::findings::parse_subscription_id;
use chrono::NaiveDate;

use crate::domain::PoeItem;
use crate::model::ClaimView;

/// Cells of the label column.
const LABEL: usize = 15;
/// The narrowest a party column may get before fewer columns show.
const MIN_COLUMN: usize = 18;
/// Party columns shown at once, at most.
const MAX_COLUMNS: usize = 3;

/// One field of every party: its label, its value per column, and whether values differ.
struct Field {
    label: String,
    cells: Vec<(String, Style)>,
    /// Compare values across the claims (every field that tells the parties apart).
    compare: bool,
}

/// A cell's value as compared: a subscription GUID by its value, not its spelling.
fn compared(label: &str, value: &str) -> String {
    if label == "Subscription" {
        let typed = value.split(" (").next().unwrap_or(value);
        if let Some(id) = parse_subscription_id(typed) {
            return value.replacen(typed, &id.to_string(), 1);
        }
    }
    value.to_string()
}

fn mpn_cell(view: &ClaimView) -> String {
    let mpn = &view.claim.partner.mpn_id;
    match &view.facts.mpn {
        Some(m) => {
            let enrolled = if m.enrolled {
                "enrolled"
            } else {
                "NOT enrolled"
            };
            match &m.partner_type {
                Some(t) => format!("{mpn} · {enrolled} · {t}"),
                None => format!("{mpn} · {enrolled}"),
            }
        }
        None => format!("{mpn} · enrollment unknown"),
    }
}

fn subscription_cell(view: &ClaimView) -> String {
    let Some(typed) = &view.claim.subscription_id else {
        return "(none given)".into();
    };
    let state = match (&view.facts.tenant, parse_subscription_id(typed)) {
        (None, _) => "state unknown".to_string(),
        (Some(_), None) => "not a subscription ID".to_string(),
        (Some(t), Some(id)) => t
            .subscriptions
            .iter()
            .find(|s| s.subscription_id == id)
            .map_or_else(
                || "not on this tenant".to_string(),
                |s| s.state.label().to_string(),
            ),
    };
    format!("{typed} ({state})")
}

/// The claims of the party `lead` leads: one, or several (a partner's claims under its other
/// MPNs) listed latest PoE first, `▲` marking the one the party's other cells show.
fn claims_cell(state: &State, lead: &ClaimView) -> String {
    let party = state
        .compare
        .as_ref()
        .map(|c| c.party_of(lead))
        .filter(|p| p.len() > 1)
        .unwrap_or_else(|| vec![lead]);
    let one = |v: &ClaimView| format!("{} · {}", v.claim.claim_id, v.claim.status.label());
    if party.len() == 1 {
        return one(lead);
    }
    party
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mark = if i == 0 { "▲ " } else { "" };
            format!("{mark}{} ({})", one(v), v.claim.partner.mpn_id)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn poe_cell(item: &PoeItem) -> String {
    format!(
        "{} {}: {} (by {})",
        item.date, item.kind, item.summary, item.by
    )
}

/// The PoE of a claim, the most recent first (the order a contest is weighed in; the same
/// date keeps the order filed).
pub fn poe_newest_first(view: &ClaimView) -> Vec<&PoeItem> {
    let mut items: Vec<&PoeItem> = view.claim.poe.iter().collect();
    items.sort_by_key(|p| std::cmp::Reverse(p.date));
    items
}

/// The PoE of a claim in date order.
pub fn poe_in_date_order(view: &ClaimView) -> Vec<&PoeItem> {
    let mut items: Vec<&PoeItem> = view.claim.poe.iter().collect();
    items.sort_by_key(|p| p.date);
    items
}

fn fields(state: &State, theme: &Theme, columns: &[Column]) -> Vec<Field> {
    let text = theme.text;
    let dash = || ("—".to_string(), theme.muted);
    let per = |f: &dyn Fn(&ClaimView) -> (String, Style), incumbent: (String, Style)| {
        columns
            .iter()
            .map(|c| match c {
                Column::Claim(v) => f(v),
                Column::Incumbent(..) => incumbent.clone(),
            })
            .collect::<Vec<_>>()
    };
    let mut out = vec![
        Field {
            label: "Partner".into(),
            cells: columns
                .iter()
                .map(|c| match c {
                    Column::Claim(v) if v.is_incumbent() => (
                        format!("{} · incumbent (associated)", v.claim.partner.name),
                        theme.incumbent,
                    ),
                    Column::Claim(v) => (v.claim.partner.name.clone(), text),
                    Column::Incumbent(_, name) => (
                        format!(
                            "{} · incumbent (associated, no claim here)",
                            name.unwrap_or("Partner unknown")
                        ),
                        theme.incumbent,
                    ),
                })
                .collect(),
            compare: true,
        },
        Field {
            label: "MPN".into(),
            cells: columns
                .iter()
                .map(|c| match c {
                    Column::Claim(v) => (mpn_cell(v), text),
                    Column::Incumbent(m, _) => (m.to_string(), theme.incumbent),
                })
                .collect(),
            compare: true,
        },
        Field {
            label: "Claim".into(),
            cells: per(&|v| (claims_cell(state, v), text), dash()),
            compare: true,
        },
        Field {
            label: "Activity".into(),
            cells: per(&|v| (v.claim.activity.label().to_string(), text), dash()),
            compare: true,
        },
        Field {
            label: "Channel".into(),
            cells: per(
                &|v| (v.claim.purchase_channel.label().to_string(), text),
                dash(),
            ),
            compare: true,
        },
        Field {
            label: "Subscription".into(),
            cells: per(&|v| (subscription_cell(v), text), dash()),
            compare: true,
        },
        Field {
            label: "Submitted".into(),
            cells: per(&|v| (local_time(state, v.claim.submitted_at), text), dash()),
            compare: true,
        },
        Field {
            label: "SLA".into(),
            cells: per(
                &|v| sla_cell(state, theme, v.claim.submitted_at, v.claim.status, &v.clock),
                dash(),
            ),
            compare: true,
        },
        Field {
            label: "Findings".into(),
            cells: per(
                &|v| {
                    let a = v.assessment();
                    let mut parts: Vec<String> = a
                        .findings
                        .iter()
                        .map(|f| format!("✗ {}", f.code.label()))
                        .collect();
                    parts.extend(a.unknown.iter().map(|c| format!("? {} unknown", c.label())));
                    if a.findings.is_empty() && a.unknown.is_empty() {
                        ("✓ none".into(), theme.sla_ok)
                    } else if a.findings.is_empty() {
                        (parts.join("; "), theme.unknown)
                    } else {
                        (parts.join("; "), theme.finding_error)
                    }
                },
                dash(),
            ),
            compare: true,
        },
    ];
    // Microsoft weighs the most recent valid PoE: each party's newest first, its date lined up
    // with the others', and the newest of the contest starred.
    let latest: Vec<Option<NaiveDate>> = columns
        .iter()
        .map(|c| match c {
            Column::Claim(v) => v.claim.poe.iter().map(|p| p.date).max(),
            Column::Incumbent(..) => None,
        })
        .collect();
    let newest = latest.iter().flatten().max().copied();
    let parties_with_poe = latest.iter().flatten().count();
    out.push(Field {
        label: "Latest PoE".into(),
        cells: columns
            .iter()
            .zip(&latest)
            .map(|(c, date)| match (c, date) {
                (Column::Incumbent(..), _) => dash(),
                (Column::Claim(_), None) => ("(no PoE)".to_string(), theme.muted),
                (Column::Claim(_), Some(d)) if Some(*d) == newest && parties_with_poe > 1 => {
                    (format!("{d} (the contest's newest)"), theme.sla_ok)
                }
                (Column::Claim(_), Some(d)) => (d.to_string(), text),
            })
            .collect(),
        compare: true,
    });
    let most_poe = columns
        .iter()
        .map(|c| match c {
            Column::Claim(v) => v.claim.poe.len(),
            Column::Incumbent(..) => 0,
        })
        .max()
        .unwrap_or(0);
    for i in 0..most_poe.max(1) {
        out.push(Field {
            label: format!("PoE {}", i + 1),
            cells: columns
                .iter()
                .map(|c| match c {
                    Column::Claim(v) => poe_newest_first(v).get(i).map_or_else(
                        || ("(none)".to_string(), theme.muted),
                        |p| {
                            let mark = if i == 0 { "▲ " } else { "" };
                            (format!("{mark}{}", poe_cell(p)), text)
                        },
                    ),
                    Column::Incumbent(..) => dash(),
                })
                .collect(),
            compare: true,
        });
    }
    out
}

/// Whether the claims' values differ (the incumbent's dashes do not count).
fn differs(field: &Field, columns: &[Column]) -> bool {
    let mut values = field
        .cells
        .iter()
        .zip(columns)
        .filter(|(_, c)| matches!(c, Column::Claim(_)))
        .map(|((v, _), _)| compared(&field.label, v));
    match values.next() {
        Some(first) => values.any(|v| v != first),
        None => false,
    }
}

/// How many party columns fit in `width`.
pub fn columns_that_fit(width: usize, parties: usize) -> usize {
    let room = width.saturating_sub(LABEL) / MIN_COLUMN;
    room.clamp(1, MAX_COLUMNS).min(parties.max(1))
}

/// Draws the compare view; returns (columns shown, how far it can scroll, PoE overlay scroll).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    theme: &Theme,
) -> (usize, usize, usize) {
    let Some(c) = &state.compare else {
        return (1, 0, 0);
    };
    let columns = c.columns();
    let inner_width = area.width.saturating_sub(2) as usize;
    let shown = columns_that_fit(inner_width, columns.len());
    let first = c.first_column.min(columns.len().saturating_sub(shown));
    let left_more = first;
    let right_more = columns.len().saturating_sub(first + shown);
    let core = match c.parties.loaded().and_then(|v| v.first()) {
        Some(v) => format!(
            " Compare · {} · {} · {} part{} ",
            v.claim.customer.domain,
            v.claim.product,
            columns.len(),
            if columns.len() == 1 { "y" } else { "ies" }
        ),
        None => format!(" Compare · {} ", c.claim_id),
    };
    // The "more" markers are what tells a party is out of view: the rest of the title gives way
    // to them on a narrow terminal.
    let left = if left_more > 0 {
        format!(" ◀ {left_more} more ·")
    } else {
        String::new()
    };
    let right = if right_more > 0 {
        format!("· {right_more} more ▶ ")
    } else {
        String::new()
    };
    let room = inner_width.saturating_sub(width(&left) + width(&right));
    let title = format!("{left}{}{right}", fit(&core, room));
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(fit(&title, inner_width), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = match &c.parties {
        Loadable::Loading(_) => vec![Line::styled("Loading the contest…", theme.muted)],
        Loadable::Failed(e) => wrap(&format!("Could not read the contest: {e}"), inner_width)
            .into_iter()
            .map(|l| Line::styled(l, theme.error))
            .collect(),
        Loadable::Loaded(_) => Vec::new(),
    };
    if !lines.is_empty() {
        frame.render_widget(Paragraph::new(lines), inner);
        return (shown, 0, 0);
    }
    let visible: Vec<Column> = columns.iter().skip(first).take(shown).copied().collect();
    let col_width = (inner_width.saturating_sub(LABEL) / shown.max(1)).max(4);
    let focus_in_view = c.focus.checked_sub(first).filter(|f| *f < shown);

    // The header (party names) stays put; the fields below it scroll.
    let mut header: Vec<Span> = vec![Span::styled(" ".repeat(LABEL), theme.header)];
    for (i, column) in visible.iter().enumerate() {
        let name = match column {
            Column::Claim(v) if v.is_incumbent() => format!("★ {}", v.claim.partner.name),
            Column::Claim(v) => v.claim.partner.name.clone(),
            Column::Incumbent(m, name) => format!("★ {}", name.unwrap_or(m)),
        };
        let focused = focus_in_view == Some(i);
        // The focused party's `▶` stands where the other columns have their separator.
        let marker = if focused { "▶" } else { " " };
        let cell = fit(&format!("{marker}{name}"), col_width.saturating_sub(1));
        let pad = col_width.saturating_sub(width(&cell));
        let style = if focused {
            theme.selected
        } else {
            theme.header
        };
        header.push(Span::styled(cell, style));
        header.push(Span::styled(" ".repeat(pad), theme.header));
    }
    let all_fields = fields(state, theme, &columns);
    let mut body: Vec<Line> = Vec::new();
    for field in &all_fields {
        let marked = field.compare && differs(field, &columns);
        let label = if marked {
            format!("≠ {}", field.label)
        } else {
            format!("  {}", field.label)
        };
        let label_style = if marked { theme.contested } else { theme.label };
        let wrapped: Vec<Vec<String>> = field
            .cells
            .iter()
            .skip(first)
            .take(shown)
            .map(|(v, _)| wrap(v, col_width.saturating_sub(2)))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for row in 0..height {
            let head = if row == 0 {
                fit(&label, LABEL - 1)
            } else {
                String::new()
            };
            let mut spans = vec![Span::styled(format!("{head:<w$}", w = LABEL), label_style)];
            for (i, cell_lines) in wrapped.iter().enumerate() {
                let style = field.cells[first + i].1;
                let style = if marked {
                    style.patch(theme.contested)
                } else {
                    style
                };
                let piece = cell_lines.get(row).cloned().unwrap_or_default();
                let pad = col_width.saturating_sub(width(&piece) + 1);
                spans.push(Span::styled(format!("│{piece}"), style));
                spans.push(Span::raw(" ".repeat(pad)));
            }
            body.push(Line::from(spans));
        }
    }
    body.push(Line::default());
    body.push(Line::styled(
        "≠ marks a field whose value differs between the parties (a GUID's spelling aside).",
        theme.muted,
    ));
    body.push(Line::styled(
        "★ the incumbent (associated partner) · ▲ a party's latest PoE",
        theme.muted,
    ));
    let [head_area, body_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(Line::from(header)), head_area);
    let rows = body_area.height as usize;
    let max_scroll = body.len().saturating_sub(rows);
    let scroll = c.scroll.min(max_scroll);
    let shown_lines: Vec<Line> = body.into_iter().skip(scroll).take(rows).collect();
    frame.render_widget(Paragraph::new(shown_lines), body_area);
    let poe_max = if c.poe_open {
        render_poe(frame, area, c, theme)
    } else {
        0
    };
    (shown, max_scroll, poe_max)
}

/// The focused party's PoE in full, over the view; returns how far it can scroll.
fn render_poe(frame: &mut Frame, area: Rect, c: &CompareView, theme: &Theme) -> usize {
    let Some(view) = c.focused() else {
        return 0;
    };
    let popup_width = area.width.saturating_sub(4).min(90);
    let [popup] = Layout::horizontal([Constraint::Length(popup_width)])
        .flex(Flex::Center)
        .areas(area);
    let popup = popup.inner(ratatui::layout::Margin::new(0, 1));
    let block = Block::bordered()
        .border_style(theme.border)
        .style(theme.text)
        .title(Span::styled(
            format!(
                " PoE · {} ",
                fit(&crate::app::compare::label(view), popup_width as usize - 10)
            ),
            theme.title,
        ))
        .title_bottom(Span::styled(
            " Esc closes · ↑/↓ scroll · h/l party ",
            theme.muted,
        ));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let items = poe_in_date_order(view);
    if items.is_empty() {
        lines.push(Line::styled("No PoE attached.", theme.muted));
    }
    for (i, p) in items.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        lines.push(Line::styled(
            fit(
                &format!("{}. {} · {} · by {}", i + 1, p.date, p.kind, p.by),
                w,
            ),
            theme.title,
        ));
        for piece in wrap(&p.summary, w.saturating_sub(2)) {
            lines.push(Line::styled(format!("  {piece}"), theme.text));
        }
        lines.push(Line::styled(
            fit(&format!("  attachment: {}", p.attachment), w),
            theme.muted,
        ));
    }
    let rows = inner.height as usize;
    let max = lines.len().saturating_sub(rows);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(c.poe_scroll.min(max))
        .take(rows)
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
    max
}
