//! The lead's dashboard: one chart at a time, drawn with ratatui's own widgets (grouped bar
//! charts, sparklines, line gauges), with the sentence saying what it counts above it and the bar
//! under the cursor spelt out below it. Meaning never rests on colour: every bar carries its
//! value, every series a word in the legend, and the bar under the cursor a `▶`.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, LineGauge, Paragraph, Sparkline, Wrap};
use ratatui::Frame;

use super::text::fit;
use super::theme::Theme;
use crate::app::view::{bars, DashBar, DashPanel, DashboardView};
use crate::app::{Loadable, State};
use crate::domain::sla::short_duration;
use crate::model::{thousands, Dashboard};

/// Draws the dashboard into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(view) = &state.dashboard else {
        return;
    };
    let [tabs, caption, chart, selected] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(frame, tabs, view, state, theme);
    frame.render_widget(
        Paragraph::new(Line::styled(view.panel.counts(), theme.muted)).wrap(Wrap { trim: true }),
        caption,
    );
    let figures = match &view.figures {
        Loadable::Loaded(f) => f,
        Loadable::Loading(_) => {
            frame.render_widget(Paragraph::new(Line::styled("Loading…", theme.muted)), chart);
            return;
        }
        Loadable::Failed(e) => {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!("Reading the figures failed: {e}"),
                    theme.error,
                ))
                .wrap(Wrap { trim: true }),
                chart,
            );
            return;
        }
    };
    let all = bars(figures, view.panel);
    match view.panel {
        DashPanel::Sla => sla(frame, chart, figures, &all, view.bar, theme),
        DashPanel::Aging => aging(frame, chart, &all, view.bar, theme),
        DashPanel::Weeks => weeks(frame, chart, figures, &all, view.bar, theme),
        DashPanel::Reviewers => reviewers(frame, chart, figures, &all, view.bar, theme),
        DashPanel::Outcomes => outcomes(frame, chart, figures, &all, view.bar, theme),
    }
    let line = match all.get(view.bar) {
        Some(bar) => format!(
            "▶ {} · {}: {}  (Enter lists them)",
            bar.group,
            bar.series,
            thousands(bar.value)
        ),
        None => "Nothing to show yet".to_string(),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(&line, selected.width as usize),
            theme.header,
        )),
        selected,
    );
}

fn render_tabs(frame: &mut Frame, area: Rect, view: &DashboardView, state: &State, theme: &Theme) {
    let mut spans = Vec::new();
    let wide = area.width >= 90;
    for (i, p) in DashPanel::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("│", theme.border));
        }
        let title = if wide || *p == view.panel {
            format!(" {} {} ", i + 1, p.title())
        } else {
            format!(" {} ", i + 1)
        };
        let style = if *p == view.panel {
            theme.tab_active
        } else {
            theme.tab
        };
        spans.push(Span::styled(title, style));
    }
    let line = Line::from(spans);
    let used = line.width();
    frame.render_widget(Paragraph::new(line), area);
    let stamp = format!(
        "as of {}{}",
        // When the figures were taken, not the clock: a refresh moves it.
        view.figures
            .loaded()
            .map_or(state.now, |f| f.until)
            .with_timezone(&state.calendar.timezone())
            .format("%a %H:%M"),
        if view.pending.is_some() { " …" } else { "" }
    );
    let room = (area.width as usize).saturating_sub(used + 1);
    let stamp = fit(&stamp, room);
    let w = stamp.chars().count() as u16;
    if w > 0 {
        frame.render_widget(
            Paragraph::new(Line::styled(stamp, theme.muted)),
            Rect {
                x: area.x + area.width - w,
                width: w,
                ..area
            },
        );
    }
}

/// A share as a line gauge: its label, then the line (full blocks filled, shaded ones not, so
/// it reads without colour).
fn gauge<'a>(ratio: f64, label: String, theme: &Theme) -> LineGauge<'a> {
    LineGauge::default()
        .ratio(ratio.clamp(0.0, 1.0))
        .label(Span::styled(label, theme.text))
        .filled_symbol("█")
        .unfilled_symbol("░")
        .filled_style(theme.sla_ok)
        .unfilled_style(theme.muted)
}

/// A series of a grouped chart: its name in `bars`, its style and its short mark under a bar.
struct Series {
    name: &'static str,
    style: Style,
    mark: &'static str,
}

/// A vertical grouped bar chart of `all` (groups in order, one bar per series), the bar under
/// the cursor marked; bars as wide as the area allows.
fn grouped<'a>(
    all: &'a [DashBar],
    series: &[Series],
    cursor: usize,
    area: Rect,
    theme: &Theme,
) -> BarChart<'a> {
    let mut groups: Vec<BarGroup> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for b in all {
        if names.last() != Some(&b.group.as_str()) {
            names.push(&b.group);
        }
    }
    let per_group = series.len().max(1) as u16;
    let n = names.len().max(1) as u16;
    // A group takes its bars, each followed by one column, then one column more.
    let width = ((area.width / n).saturating_sub(1) / per_group)
        .saturating_sub(1)
        .clamp(1, 9);
    for name in &names {
        let bars: Vec<Bar> = all
            .iter()
            .enumerate()
            .filter(|(_, b)| b.group == *name)
            .filter_map(|(i, b)| {
                let s = series.iter().find(|s| s.name == b.series)?;
                let mark = if i == cursor { "▶" } else { s.mark };
                let value_style = if i == cursor {
                    theme.selected
                } else {
                    theme.text
                };
                Some(
                    Bar::default()
                        .value(b.value)
                        .text_value(compact(b.value, usize::from(width)))
                        .label(Line::from(mark))
                        .style(s.style)
                        .value_style(value_style),
                )
            })
            .collect();
        // A label wider than its group would run into the next one: a week's `MM-DD` keeps
        // its day (the line under the chart names the bar in full), anything else is cut.
        let room = usize::from(per_group * (width + 1));
        let label = if name.chars().count() < room {
            (*name).to_string()
        } else {
            let day = name.rsplit('-').next().unwrap_or(name);
            fit(day, room.saturating_sub(1))
        };
        groups.push(BarGroup::default().label(Line::from(label)).bars(&bars));
    }
    let mut chart = BarChart::default()
        .bar_width(width)
        .bar_gap(1)
        .group_gap(1)
        .label_style(theme.label);
    for g in groups {
        chart = chart.data(g);
    }
    chart
}

/// A bar's value in its width: `1,200`, or `1k` / `3M` when the full number does not fit (the
/// line under the chart gives the bar under the cursor in full).
fn compact(value: u64, width: usize) -> String {
    let full = thousands(value);
    match value {
        _ if full.chars().count() <= width => full,
        1_000_000.. => format!("{}M", value / 1_000_000),
        1_000.. => format!("{}k", value / 1_000),
        _ => full,
    }
}

fn legend(series: &[Series], theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled("bars: ", theme.muted)];
    for (i, s) in series.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("  ", theme.muted));
        }
        spans.push(Span::styled(format!("{} ", s.mark), s.style));
        spans.push(Span::styled(s.name.to_string(), theme.text));
    }
    Line::from(spans)
}

/// A grouped bar chart of `all` in `area` with its legend on the last line.
fn chart_with_legend(
    frame: &mut Frame,
    area: Rect,
    all: &[DashBar],
    series: &[Series],
    cursor: usize,
    theme: &Theme,
) {
    let [chart, legend_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(grouped(all, series, cursor, chart, theme), chart);
    frame.render_widget(Paragraph::new(legend(series, theme)), legend_area);
}

fn sla(
    frame: &mut Frame,
    area: Rect,
    d: &Dashboard,
    all: &[DashBar],
    cursor: usize,
    theme: &Theme,
) {
    let series = [
        Series {
            name: "on time",
            style: theme.sla_ok,
            mark: "ok",
        },
        Series {
            name: "warning",
            style: theme.sla_warn,
            mark: "!",
        },
        Series {
            name: "breached",
            style: theme.sla_breached,
            mark: "✖",
        },
        Series {
            name: "due next business day",
            style: theme.incumbent,
            mark: "due",
        },
    ];
    let [gauges, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    // How much of each tab is on time, as a gauge.
    let cells = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(gauges);
    for (t, cell) in d.sla.iter().zip(cells.iter()) {
        let f = &t.figures;
        let total = f.on_time + f.warning + f.breached;
        let ratio = if total == 0 {
            1.0
        } else {
            f.on_time as f64 / total as f64
        };
        let label = format!("{} ok {:.0}%", short_tab(t.tab), ratio * 100.0);
        frame.render_widget(
            gauge(ratio, label, theme),
            Rect {
                width: cell.width.saturating_sub(2),
                ..*cell
            },
        );
    }
    chart_with_legend(frame, rest, all, &series, cursor, theme);
}

fn short_tab(tab: crate::model::QueueTab) -> &'static str {
    match tab {
        crate::model::QueueTab::UnderReview => "Review",
        crate::model::QueueTab::Contested => "Contest",
        crate::model::QueueTab::InfoRequested => "Info",
        crate::model::QueueTab::Mine => "Mine",
        crate::model::QueueTab::Disputed => "Disputed",
        crate::model::QueueTab::All => "All",
    }
}

fn aging(frame: &mut Frame, area: Rect, all: &[DashBar], cursor: usize, theme: &Theme) {
    let series = [
        Series {
            name: "under review",
            style: theme.sla_ok,
            mark: "R",
        },
        Series {
            name: "info requested",
            style: theme.incumbent,
            mark: "I",
        },
        Series {
            name: "contested",
            style: theme.contested,
            mark: "C",
        },
        Series {
            name: "disputed",
            style: theme.sla_warn,
            mark: "D",
        },
    ];
    chart_with_legend(frame, area, all, &series, cursor, theme);
}

fn weeks(
    frame: &mut Frame,
    area: Rect,
    d: &Dashboard,
    all: &[DashBar],
    cursor: usize,
    theme: &Theme,
) {
    let series = [
        Series {
            name: "received",
            style: theme.title,
            mark: "r",
        },
        Series {
            name: "decided",
            style: theme.sla_ok,
            mark: "d",
        },
    ];
    let lines = 3u16;
    let [top, spark_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(lines)]).areas(area);
    chart_with_legend(frame, top, all, &series, cursor, theme);
    let rows = Layout::vertical([Constraint::Length(1); 3]).split(spark_area);
    // The three below the chart are bars too: the cursor reaches them after a week's decided
    // bar, and their line is marked while it is on that week.
    let on = all.get(cursor);
    let sparks: [(&str, Vec<u64>, Style); 3] = [
        (
            "after deadline",
            d.weeks.iter().map(|w| w.breached_at_decision).collect(),
            theme.sla_breached,
        ),
        (
            "disputes",
            d.weeks.iter().map(|w| w.disputes).collect(),
            theme.sla_warn,
        ),
        (
            "overturned",
            d.weeks.iter().map(|w| w.overturned).collect(),
            theme.contested,
        ),
    ];
    for ((name, data, style), row) in sparks.into_iter().zip(rows.iter()) {
        let total: u64 = data.iter().sum();
        let [label, spark] =
            Layout::horizontal([Constraint::Length(24), Constraint::Fill(1)]).areas(*row);
        let (mark, style_of_label) = match on {
            Some(b) if b.series == name => ("▶", theme.selected),
            _ => (" ", theme.label),
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!("{mark}{name} ({})", thousands(total)),
                style_of_label,
            )),
            label,
        );
        frame.render_widget(
            Sparkline::default()
                .data(&data)
                .style(style)
                .absent_value_symbol("·"),
            spark,
        );
    }
}

fn reviewers(
    frame: &mut Frame,
    area: Rect,
    d: &Dashboard,
    all: &[DashBar],
    cursor: usize,
    theme: &Theme,
) {
    if d.reviewers.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No decisions in the last 30 days and no holds.",
                theme.muted,
            )),
            area,
        );
        return;
    }
    let series = [
        Series {
            name: "decisions, 7 days",
            style: theme.sla_ok,
            mark: "7",
        },
        Series {
            name: "decisions, 30 days",
            style: theme.title,
            mark: "30",
        },
        Series {
            name: "holds now",
            style: theme.contested,
            mark: "h",
        },
    ];
    let table = (d.reviewers.len() as u16 + 1).min(area.height / 2);
    let [top, below] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(table)]).areas(area);
    chart_with_legend(frame, top, all, &series, cursor, theme);
    let span = |t: Option<chrono::TimeDelta>| t.map_or_else(|| "-".to_string(), short_duration);
    let mut lines = vec![Line::styled(
        "median business time to decision: reviewer  7 days  30 days",
        theme.header,
    )];
    for r in &d.reviewers {
        lines.push(Line::styled(
            format!(
                "  {:<16} {:>8} {:>8}",
                fit(&r.login, 16),
                span(r.last_7_days.median_to_decision),
                span(r.last_30_days.median_to_decision)
            ),
            theme.text,
        ));
    }
    frame.render_widget(Paragraph::new(lines), below);
}

fn outcomes(
    frame: &mut Frame,
    area: Rect,
    d: &Dashboard,
    all: &[DashBar],
    cursor: usize,
    theme: &Theme,
) {
    let o = &d.outcomes;
    let [gauge_area, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let ratio = if o.info_requests == 0 {
        0.0
    } else {
        o.replied_in_time as f64 / o.info_requests as f64
    };
    let label = format!(
        "replied in time: {} of {} information requests",
        thousands(o.replied_in_time),
        thousands(o.info_requests)
    );
    frame.render_widget(gauge(ratio, label, theme), gauge_area);
    let label_width = all
        .iter()
        .map(|b| b.group.chars().count())
        .max()
        .unwrap_or(8) as u16;
    let bars: Vec<Bar> = all
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mark = if i == cursor { "▶" } else { " " };
            let style = match b.group.as_str() {
                "Approved" | "Replied in time" => theme.sla_ok,
                g if g.starts_with("Rejected") => theme.sla_breached,
                _ => theme.title,
            };
            Bar::default()
                .value(b.value)
                .text_value(thousands(b.value))
                .label(Line::from(format!(
                    "{mark}{}",
                    fit(&b.group, label_width as usize)
                )))
                .style(style)
                .value_style(if i == cursor {
                    theme.selected
                } else {
                    theme.text
                })
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .label_style(theme.label)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, rest);
}
