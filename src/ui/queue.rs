//! The queue screen: tabs with counts, the filter line, the claim list and the preview pane.
//!
//! The list is built from the visible rows only (the claim and flags columns fit the window, at
//! most `MAX_WINDOW` rows, so that scrolling rarely moves them), and its columns drop
//! in priority order when the terminal is narrow, so nothing overlaps at 80 columns.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::preview;
use super::text::{fit, flags, flags_width, sla_cell, thousands, width};
use super::theme::Theme;
use crate::app::State;
use crate::domain::SolutionArea;
use crate::model::{QueueRow, QueueTab};

/// Width at or above which the preview sits beside the list rather than below it.
const SIDE_PREVIEW_WIDTH: u16 = 110;

/// Where the queue's parts are on screen (for paging and the mouse).
pub struct Drawn {
    /// Claim rows the list shows.
    pub list_rows: usize,
    /// The screen row of the first claim.
    pub list_top: u16,
    /// The columns each tab's title covers.
    pub tabs: [(u16, u16); 6],
}

/// Draws the queue into `area`; returns where its parts are.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> Drawn {
    let [tabs, filter, main] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let tab_spans = render_tabs(frame, tabs, state, theme);
    render_filter_line(frame, filter, state, theme);

    let (list, preview_area) = if area.width >= SIDE_PREVIEW_WIDTH {
        let [list, side] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(46)]).areas(main);
        (list, side)
    } else {
        let height = match area.height {
            h if h >= 30 => 12,
            h if h >= 21 => 8,
            _ => 5,
        };
        let [list, below] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(main);
        (list, below)
    };
    let rows = render_list(frame, list, state, theme);
    preview::render(frame, preview_area, state, theme);
    Drawn {
        list_rows: rows,
        list_top: list.y + 1,
        tabs: tab_spans,
    }
}

/// Draws the tab titles; returns the columns each covers.
fn render_tabs(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> [(u16, u16); 6] {
    let count = |tab: QueueTab| {
        state
            .queue
            .counts
            .map_or_else(|| "…".to_string(), |c| thousands(c.get(tab)))
    };
    let short = |tab: QueueTab| match tab {
        QueueTab::UnderReview => "Review",
        QueueTab::Contested => "Contest",
        QueueTab::InfoRequested => "Info",
        QueueTab::Disputed => "Disp",
        QueueTab::Mine => "Mine",
        QueueTab::All => "All",
    };
    let build = |title: &dyn Fn(QueueTab) -> String| {
        let mut spans = Vec::new();
        for (i, tab) in QueueTab::ALL.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled("│", theme.border));
            }
            let style = if *tab == state.queue.tab {
                theme.tab_active
            } else {
                theme.tab
            };
            spans.push(Span::styled(
                format!(" {} {} ", title(*tab), count(*tab)),
                style,
            ));
        }
        Line::from(spans)
    };
    let mut line = build(&|t| t.title().to_string());
    if line.width() > area.width as usize {
        line = build(&|t| short(t).to_string());
    }
    if line.width() > area.width as usize {
        // Six tabs with a million claims at 80 columns: initials.
        line = build(&|t| short(t)[..1].to_string());
    }
    // Spans alternate title, separator: the titles are the even ones.
    let mut spans = [(0u16, 0u16); 6];
    let mut x = area.x;
    for (i, span) in line.spans.iter().enumerate() {
        let w = span.width() as u16;
        if i % 2 == 0 {
            if let Some(slot) = spans.get_mut(i / 2) {
                *slot = (x, x + w);
            }
        }
        x += w;
    }
    frame.render_widget(Paragraph::new(line), area);
    spans
}

fn render_filter_line(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let q = &state.queue;
    let mut left = Vec::new();
    if let Some(range) = &q.behind {
        // A dashboard bar's claims: say which, and how to see the whole tab.
        left.push(Span::styled("Dashboard: ", theme.label));
        left.push(Span::styled(range.label.clone(), theme.filter));
        left.push(Span::styled(" (Esc: all)  ", theme.muted));
    }
    if q.filter_editing || !q.filter.is_empty() {
        left.push(Span::styled("Filter: /", theme.label));
        left.push(Span::styled(q.filter.clone(), theme.filter));
        if q.filter_editing {
            left.push(Span::styled("▏", theme.filter));
        }
        if let Some(counts) = q.counts {
            let n = counts.get(q.tab);
            let noun = if n == 1 { "match" } else { "matches" };
            left.push(Span::styled(
                format!("  {} {noun}", thousands(n)),
                theme.text,
            ));
        }
    } else {
        left.push(Span::styled(
            format!(
                "{} filter",
                state
                    .keymap
                    .hint_in(crate::app::Context::Queue, crate::app::Command::Filter)
            ),
            theme.muted,
        ));
    }
    let mut right = format!("Sort: {}", q.sort_label());
    let any = !q.window.rows.is_empty();
    // Never "1/0": rows still on screen from before a filter that matches nothing.
    let counted = q
        .counts
        .filter(|c| q.position().is_some_and(|p| p <= c.get(q.tab)));
    if let (Some(pos), Some(counts), true) = (q.position(), counted, any) {
        right.push_str(&format!(
            "  {}/{}",
            thousands(pos),
            thousands(counts.get(q.tab))
        ));
    }
    let left = Line::from(left);
    let room = (area.width as usize).saturating_sub(left.width() + 2);
    frame.render_widget(Paragraph::new(left), area);
    let right = fit(&right, room);
    let w = width(&right) as u16;
    let right_area = Rect {
        x: area.right().saturating_sub(w),
        width: w,
        ..area
    };
    frame.render_widget(Paragraph::new(Span::styled(right, theme.muted)), right_area);
}

/// A column of the list (titled by `TITLES`): how narrow it may get, and how it grows.
struct Column {
    min: usize,
    /// Share of spare width (0: fixed at `min`).
    weight: usize,
}

/// Columns in priority order: the last ones drop first on a narrow terminal.
fn columns(area_width: usize, fixed: [usize; 3]) -> Vec<(usize, usize)> {
    let [sla_w, claim_w, flags_w] = fixed;
    let cols = [
        Column {
            min: sla_w,
            weight: 0,
        },
        Column {
            min: claim_w,
            weight: 0,
        },
        Column { min: 18, weight: 4 },
        Column {
            min: flags_w,
            weight: 0,
        },
        Column { min: 16, weight: 3 },
        Column { min: 14, weight: 2 },
        Column { min: 16, weight: 2 },
    ];
    let mut shown = Vec::new();
    let mut used = 0;
    for (i, col) in cols.iter().enumerate() {
        let need = col.min + usize::from(!shown.is_empty());
        if used + need > area_width {
            break;
        }
        used += need;
        shown.push(i);
    }
    let spare = area_width - used;
    let total_weight: usize = shown.iter().map(|i| cols[*i].weight).sum();
    let mut widths: Vec<(usize, usize)> = shown
        .iter()
        .map(|i| {
            let c = &cols[*i];
            let extra = (spare * c.weight).checked_div(total_weight).unwrap_or(0);
            (*i, c.min + extra)
        })
        .collect();
    // Rounding leftovers go to the partner column.
    let given: usize =
        widths.iter().map(|(_, w)| w).sum::<usize>() + widths.len().saturating_sub(1);
    if let Some(partner) = widths.iter_mut().find(|(i, _)| *i == 2) {
        partner.1 += area_width.saturating_sub(given);
    }
    widths
}

const TITLES: [&str; 7] = [
    "SLA",
    "Claim",
    "Partner (MPN)",
    "Flags",
    "Customer domain",
    "Product",
    "Area / activity",
];

/// `Partner name (MPN)`, cutting the name rather than the MPN when space is short.
fn partner_cell(row: &QueueRow, w: usize) -> String {
    let mpn = format!(" ({})", row.mpn_id);
    let full = format!("{}{mpn}", row.partner_name);
    if width(&full) <= w {
        return full;
    }
    let room = w.saturating_sub(width(&mpn));
    if room >= 6 {
        format!("{}{mpn}", fit(&row.partner_name, room))
    } else {
        fit(&full, w)
    }
}

fn area_activity(row: &QueueRow, w: usize) -> String {
    let full = format!("{} · {}", row.solution_area.label(), row.activity.label());
    if width(&full) <= w {
        return full;
    }
    let area = match row.solution_area {
        SolutionArea::BusinessApplications => "BizApps",
        SolutionArea::Microsoft365 => "M365",
    };
    fit(&format!("{area} · {}", row.activity.label()), w)
}

/// Column `col` of `row`, `w` wide; `sla` is the row's clock cell, made once per frame.
fn cell(
    row: &QueueRow,
    sla: &(String, Style),
    col: usize,
    w: usize,
    state: &State,
    theme: &Theme,
) -> Cell<'static> {
    match col {
        0 => Cell::from(Span::styled(fit(&sla.0, w), sla.1)),
        1 => Cell::from(fit(&row.claim_id, w)),
        2 => Cell::from(partner_cell(row, w)),
        3 => {
            let mut spans = Vec::new();
            for (i, (text, style)) in flags(row, theme, state.now, &state.reviewer)
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    spans.push(Span::raw(" "));
                }
                spans.push(Span::styled(text, style));
            }
            Cell::from(Line::from(spans))
        }
        4 => Cell::from(fit(&row.customer_domain, w)),
        5 => Cell::from(fit(&row.product, w)),
        _ => Cell::from(area_activity(row, w)),
    }
}

fn render_list(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> usize {
    let q = &state.queue;
    let rows_shown = (area.height as usize).saturating_sub(1);
    let message = if let Some(err) = &q.error {
        Some((
            format!(
                "Could not read the queue: {err} ({} retries)",
                state
                    .keymap
                    .hint_in(crate::app::Context::Queue, crate::app::Command::Refresh)
            ),
            theme.error,
        ))
    } else if !q.loaded {
        Some(("Loading claims…".to_string(), theme.muted))
    } else if q.window.rows.is_empty() && q.behind.is_some() {
        // The tab counts are the bar's too: an empty bar is not an empty store.
        Some((
            "No claims behind this bar. Esc shows the whole tab.".to_string(),
            theme.muted,
        ))
    } else if q.window.rows.is_empty()
        && q.filter.is_empty()
        && q.counts.is_some_and(|c| c.all == 0)
    {
        Some((
            "The store holds no claims yet. Load some with `claimdesk import FILE` (JSON Lines, \
             see README), or try `claimdesk demo` for a demo data set."
                .to_string(),
            theme.muted,
        ))
    } else if q.window.rows.is_empty() && q.filter.is_empty() {
        Some((format!("No claims in {}.", q.tab.title()), theme.muted))
    } else if q.window.rows.is_empty() {
        Some((format!("No claims match \"{}\".", q.filter), theme.muted))
    } else {
        None
    };
    if let Some((text, style)) = message {
        let lines: Vec<Line> = super::text::wrap(&text, area.width as usize)
            .into_iter()
            .map(|l| Line::styled(l, style))
            .collect();
        frame.render_widget(
            Paragraph::new(lines),
            area.inner(ratatui::layout::Margin::new(1, 1)),
        );
        return rows_shown;
    }

    let end = (q.offset + rows_shown).min(q.window.rows.len());
    let visible = &q.window.rows[q.offset.min(end)..end];
    // The claim and flags columns fit every row of the window, not only the visible ones, so
    // that a row scrolling in rarely moves the columns (which rewrites the whole list).
    let window = &q.window.rows;
    let claim_w = window
        .iter()
        .map(|r| width(&r.claim_id))
        .max()
        .unwrap_or(5)
        .max(5);
    let flags_w = window
        .iter()
        .map(|r| flags_width(r, state.now))
        .max()
        .unwrap_or(5)
        .max(5);
    // Each visible row's clock once a frame: it sizes the column and fills it.
    let slas: Vec<(String, Style)> = visible
        .iter()
        .map(|r| sla_cell(state, theme, r.submitted_at, r.status, &r.clock))
        .collect();
    let sla_w = slas
        .iter()
        .map(|(text, _)| width(text))
        .max()
        .unwrap_or(9)
        .max(9);
    // A one-cell gutter carries the selection marker.
    let widths = columns(
        (area.width as usize).saturating_sub(2),
        [sla_w, claim_w, flags_w],
    );
    let header = Row::new(
        std::iter::once(Cell::from(""))
            .chain(widths.iter().map(|(i, w)| Cell::from(fit(TITLES[*i], *w)))),
    )
    .style(theme.header);
    // The selected row is marked by `▶` in the selection style (reverse + bold, so it survives
    // NO_COLOR): moving the cursor rewrites two cells, not two whole rows (a few hundred bytes
    // a key over SSH instead of ~700).
    let rows = visible
        .iter()
        .zip(&slas)
        .enumerate()
        .map(|(i, (row, sla))| {
            let selected = q.offset + i == q.cursor;
            let marker = if selected {
                Cell::from(Span::styled("▶", theme.selected))
            } else {
                Cell::from("")
            };
            let cells = widths
                .iter()
                .map(move |(col, w)| cell(row, sla, *col, *w, state, theme));
            Row::new(std::iter::once(marker).chain(cells)).style(theme.text)
        });
    let constraints = std::iter::once(Constraint::Length(1))
        .chain(widths.iter().map(|(_, w)| Constraint::Length(*w as u16)));
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, area);
    rows_shown
}
