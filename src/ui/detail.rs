//! The detail screen: every field of one claim, its findings with explanations (undecidable
//! checks shown as unknown, never as passed), its PoE, the comment thread with partner-visible
//! and internal comments told apart in words, and the audit history.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use super::text::{fit, local_time, severity_symbol, sla_cell, wrap};
use super::theme::Theme;
use crate::app::{ClaimDetail, Loadable, State};
use crate::domain::{Severity, Visibility};

/// Lines of the detail pane, wrapped to one width.
struct Lines<'t> {
    width: usize,
    theme: &'t Theme,
    out: Vec<Line<'static>>,
}

impl Lines<'_> {
    fn heading(&mut self, text: String) {
        if !self.out.is_empty() {
            self.out.push(Line::default());
        }
        self.out.push(Line::styled(text, self.theme.title));
    }

    fn field(&mut self, label: &str, value: String, style: Style) {
        let indent = 14;
        let mut first = true;
        for piece in wrap(&value, self.width.saturating_sub(indent).max(10)) {
            let head = if first {
                format!("{label:<13} ")
            } else {
                " ".repeat(indent)
            };
            first = false;
            self.out.push(Line::from(vec![
                Span::styled(head, self.theme.label),
                Span::styled(piece, style),
            ]));
        }
    }

    /// `text` wrapped under a two-space indent.
    fn para(&mut self, text: &str, style: Style) {
        for piece in wrap(text, self.width.saturating_sub(4).max(10)) {
            self.out.push(Line::styled(format!("    {piece}"), style));
        }
    }

    fn line(&mut self, spans: Vec<Span<'static>>) {
        self.out.push(Line::from(spans));
    }
}

fn build(state: &State, theme: &Theme, detail: &ClaimDetail, width: usize) -> Vec<Line<'static>> {
    let view = &detail.view;
    let c = &view.claim;
    let text = theme.text;
    let mut l = Lines {
        width,
        theme,
        out: Vec::new(),
    };

    let (sla, sla_style) = sla_cell(state, theme, c.submitted_at, c.status, &view.clock);
    let clocks = state.clocks(c.submitted_at, c.status, &view.clock);
    // A disputed claim counts down on the dispute's own clock: its due date is that clock's.
    let due = clocks.dispute.map_or(clocks.review.due_at, |d| d.due_at);
    l.field(
        "SLA",
        format!("{sla} (due {})", local_time(state, due)),
        sla_style,
    );
    if let Some(reply) = clocks.reply {
        let note = if clocks.no_reply() {
            " · no reply: may be rejected for no partner response"
        } else {
            ""
        };
        l.field(
            "Reply due",
            format!("{}{note}", local_time(state, reply.due_at)),
            sla_style,
        );
    }
    l.field(
        "Status",
        format!("{} · version {}", c.status.label(), view.version),
        text,
    );
    let enrolled = match &view.facts.mpn {
        Some(m) if m.enrolled => " (enrolled)",
        Some(_) => " (NOT enrolled)",
        None => " (enrollment unknown)",
    };
    l.field(
        "Partner",
        format!("{} · MPN {}{enrolled}", c.partner.name, c.partner.mpn_id),
        text,
    );
    l.field("Customer", c.customer.domain.clone(), text);
    l.field("Tenant", c.customer.tenant_id.to_string(), text);
    l.field("Solution area", c.solution_area.label().to_string(), text);
    l.field("Activity", c.activity.label().to_string(), text);
    l.field("Product", c.product.clone(), text);
    l.field(
        "Subscription",
        c.subscription_id
            .clone()
            .unwrap_or_else(|| "(none given)".into()),
        text,
    );
    l.field("Channel", c.purchase_channel.label().to_string(), text);
    l.field("Submitted", local_time(state, c.submitted_at), text);
    l.field(
        "Assigned to",
        view.assignee.clone().unwrap_or_else(|| "nobody".into()),
        text,
    );
    l.field(
        "Held by",
        match (&view.assigned_to, view.held_until) {
            (None, _) => "nobody".to_string(),
            (Some(who), Some(until)) if until > state.now => {
                format!("{who} until {}", local_time(state, until))
            }
            (Some(who), Some(until)) => {
                format!(
                    "nobody ({who}'s hold lapsed {}; free to take)",
                    local_time(state, until)
                )
            }
            (Some(who), None) => who.clone(),
        },
        text,
    );
    if view.contested() {
        let others = if view.competing_claim_ids.is_empty() {
            "no other open claim".to_string()
        } else {
            format!("competing claims {}", view.competing_claim_ids.join(", "))
        };
        let incumbent = view
            .incumbent_mpn_id
            .as_ref()
            .map_or_else(String::new, |m| format!(" · incumbent MPN {m}"));
        l.field(
            "Contest",
            format!("⇄ contested: {others}{incumbent}"),
            theme.contested,
        );
    } else {
        l.field("Contest", "not contested".into(), theme.muted);
    }
    match &view.decision {
        Some(d) => l.field(
            "Decision",
            format!(
                "{} by {} at {}: {}",
                d.outcome.label(),
                d.by,
                local_time(state, d.at),
                d.reason
            ),
            text,
        ),
        None => l.field("Decision", "none yet".into(), theme.muted),
    }
    if let (Some(dispute), Some(clock)) = (&view.clock.dispute, clocks.dispute) {
        // The decision above is the disputed one until another reviewer decides again.
        l.field(
            "Disputed",
            format!(
                "by the partner at {} ({}) · decide again by {} · not by {}",
                local_time(state, dispute.at),
                dispute.dispute_id,
                local_time(state, clock.due_at),
                view.decision.as_ref().map_or("-", |d| d.by.as_str()),
            ),
            theme.contested,
        );
        l.para(&format!("“{}”", dispute.body), text);
    }

    let assessment = view.assessment();
    l.heading(format!(
        "Findings ({}, {} unknown)",
        assessment.findings.len(),
        assessment.unknown.len()
    ));
    if assessment.findings.is_empty() {
        l.para("No findings.", theme.muted);
    }
    for f in &assessment.findings {
        let style = match f.severity {
            Severity::Error => theme.finding_error,
            Severity::Warning => theme.finding_warning,
        };
        l.line(vec![Span::styled(
            fit(
                &format!(
                    "  {} {} {} [{}]",
                    severity_symbol(f.severity),
                    f.severity.label(),
                    f.code.label(),
                    f.code.code()
                ),
                width,
            ),
            style,
        )]);
        l.para(f.explanation, text);
    }
    for check in &assessment.unknown {
        l.line(vec![Span::styled(
            fit(
                &format!(
                    "  ? unknown: {} (the store lacks the data to decide)",
                    check.label()
                ),
                width,
            ),
            theme.unknown,
        )]);
    }

    l.heading(format!("Proof of execution ({})", c.poe.len()));
    if c.poe.is_empty() {
        l.para("No PoE attached.", theme.muted);
    }
    for (i, p) in c.poe.iter().enumerate() {
        l.line(vec![Span::styled(
            fit(
                &format!(
                    "  {}. {} · {} · by {} · {}",
                    i + 1,
                    p.date,
                    p.kind,
                    p.by,
                    p.attachment
                ),
                width,
            ),
            text,
        )]);
        l.para(&p.summary, theme.muted);
    }

    l.heading(format!("Comments ({})", c.comments.len()));
    if c.comments.is_empty() {
        l.para("No comments.", theme.muted);
    }
    for comment in &c.comments {
        let (tag, style) = match comment.visibility {
            // The partner's own words, through the feed: not something a reviewer sent.
            Visibility::Partner if comment.author.starts_with("partner:") => {
                ("[FROM PARTNER]", theme.title)
            }
            // The risky one reads loudest.
            Visibility::Partner => ("[PARTNER-VISIBLE]", theme.partner_visible),
            Visibility::Internal => ("[INTERNAL]", theme.internal),
        };
        l.line(vec![
            Span::styled(format!("  {tag} "), style),
            Span::styled(
                fit(
                    &format!("{} · {}", comment.author, local_time(state, comment.at)),
                    width.saturating_sub(tag.len() + 3),
                ),
                theme.label,
            ),
        ]);
        l.para(&comment.body, text);
    }

    l.heading(format!("History ({})", detail.events.len()));
    for e in &detail.events {
        l.line(vec![Span::styled(
            fit(
                &format!(
                    "  {} · {} · {}",
                    local_time(state, e.at),
                    e.actor,
                    e.kind.code()
                ),
                width,
            ),
            theme.muted,
        )]);
    }
    l.out
}

/// Draws the detail screen; returns the rows it shows and how far it can scroll.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> (usize, usize) {
    let Some(detail) = &state.detail else {
        return (0, 0);
    };
    let title = match &detail.claim {
        Loadable::Loaded(Some(d)) => format!(
            " Claim {} · {} ",
            detail.claim_id, d.view.claim.partner.name
        ),
        _ => format!(" Claim {} ", detail.claim_id),
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    let width = inner.width as usize;
    let lines = match &detail.claim {
        Loadable::Loading(_) => vec![Line::styled("Loading the claim…", theme.muted)],
        Loadable::Failed(e) => wrap(&format!("Could not read the claim: {e}"), width)
            .into_iter()
            .map(|l| Line::styled(l, theme.error))
            .collect(),
        Loadable::Loaded(None) => vec![Line::styled(
            format!("Claim {} is no longer in the store.", detail.claim_id),
            theme.error,
        )],
        Loadable::Loaded(Some(d)) => build(state, theme, d, width),
    };
    let max_scroll = lines.len().saturating_sub(rows);
    let scroll = detail.scroll.min(max_scroll);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(rows).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    (rows, max_scroll)
}
