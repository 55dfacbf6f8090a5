//! Writing claims out: JSON Lines (the import contract's fields plus the computed ones) or CSV
//! (one flat row per claim for spreadsheets).
//!
//! Every value goes through a serde struct with a fixed field order and every instant is written
//! as `to_rfc3339_opts(AutoSi, Z)`, so SQLite and PostgreSQL stores give the same bytes.

use std::borrow::Cow;
use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::domain::{Customer, Partner, PoeItem};
use crate::store::ClaimView;

/// Which file format `claimdesk export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// One JSON object per line (the default; what other tools read).
    #[default]
    Jsonl,
    /// A header row, then one flat row per claim; lists joined with `;`.
    Csv,
}

/// The one spelling of an instant in every export.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The claim's SLA deadline as exported: the configured policy, later by the finished waits on
/// the partner when it pauses (domain::sla, the rule the screens use).
pub fn sla_due_at(config: &Config, view: &ClaimView) -> DateTime<Utc> {
    config
        .sla
        .sla_due_at(&config.calendar, view.claim.submitted_at, &view.clock)
}

/// While the claim waits on the partner, when the answer is due.
pub fn reply_due_at(config: &Config, view: &ClaimView) -> Option<DateTime<Utc>> {
    config
        .sla
        .reply_due(&config.calendar, view.claim.status, &view.clock)
}

/// Writes claims one page at a time, so an export never holds the whole store.
pub struct ExportWriter<W: Write> {
    sink: Sink<W>,
    config: Config,
    written: u64,
}

enum Sink<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

impl ExportError {
    /// True when the reader went away (`claimdesk export | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        let kind = match self {
            ExportError::Io(e) => Some(e.kind()),
            ExportError::Csv(e) => match e.kind() {
                csv::ErrorKind::Io(e) => Some(e.kind()),
                _ => None,
            },
            ExportError::Json(e) => e.io_error_kind(),
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    }
}

impl<W: Write> ExportWriter<W> {
    /// Starts an export; CSV writes its header row at once, so even an empty store gives one.
    pub fn new(out: W, format: ExportFormat, config: Config) -> Result<Self, ExportError> {
        let sink = match format {
            ExportFormat::Jsonl => Sink::Jsonl(out),
            ExportFormat::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out);
                w.write_record(CSV_HEADER)?;
                Sink::Csv(Box::new(w))
            }
        };
        Ok(ExportWriter {
            sink,
            config,
            written: 0,
        })
    }

    /// Writes one page of claims, in the order given (the store gives `claim_id` order).
    pub fn write_page(&mut self, page: &[ClaimView]) -> Result<(), ExportError> {
        for view in page {
            match &mut self.sink {
                Sink::Jsonl(out) => {
                    serde_json::to_writer(&mut *out, &ExportedClaim::new(view, &self.config))?;
                    out.write_all(b"\n")?;
                }
                Sink::Csv(w) => w.serialize(CsvRow::new(view, &self.config))?,
            }
            self.written += 1;
        }
        Ok(())
    }

    /// Flushes and reports how many claims were written.
    pub fn finish(self) -> Result<u64, ExportError> {
        match self.sink {
            Sink::Jsonl(mut out) => out.flush()?,
            Sink::Csv(mut w) => w.flush()?,
        }
        Ok(self.written)
    }
}

/// One JSON Lines record: stored fields in the import contract's order, then computed ones.
/// Words are written with their domain `code()`, the contract's spelling (serde's `snake_case`
/// would write `microsoft365`).
#[derive(Serialize)]
struct ExportedClaim<'a> {
    claim_id: &'a str,
    partner: &'a Partner,
    customer: &'a Customer,
    solution_area: &'static str,
    activity: &'static str,
    product: &'a str,
    subscription_id: Option<&'a str>,
    purchase_channel: &'static str,
    submitted_at: String,
    status: &'static str,
    poe: &'a [PoeItem],
    comments: Vec<ExportedComment<'a>>,
    sla_due_at: String,
    reply_due_at: Option<String>,
    contested: bool,
    competing_claim_ids: &'a [String],
    incumbent_mpn_id: Option<&'a str>,
    findings: Vec<&'static str>,
    unknown_checks: Vec<&'static str>,
    decision: Option<ExportedDecision<'a>>,
}

#[derive(Serialize)]
struct ExportedComment<'a> {
    author: &'a str,
    visibility: &'static str,
    body: &'a str,
    at: String,
}

#[derive(Serialize)]
struct ExportedDecision<'a> {
    outcome: &'static str,
    by: &'a str,
    at: String,
    reason: &'a str,
}

impl<'a> ExportedClaim<'a> {
    fn new(view: &'a ClaimView, config: &Config) -> Self {
        let c = &view.claim;
        let assessment = view.assessment();
        ExportedClaim {
            claim_id: &c.claim_id,
            partner: &c.partner,
            customer: &c.customer,
            solution_area: c.solution_area.code(),
            activity: c.activity.code(),
            product: &c.product,
            subscription_id: c.subscription_id.as_deref(),
            purchase_channel: c.purchase_channel.code(),
            submitted_at: rfc3339(c.submitted_at),
            status: c.status.code(),
            poe: &c.poe,
            comments: c
                .comments
                .iter()
                .map(|m| ExportedComment {
                    author: &m.author,
                    visibility: m.visibility.code(),
                    body: &m.body,
                    at: rfc3339(m.at),
                })
                .collect(),
            sla_due_at: rfc3339(sla_due_at(config, view)),
            reply_due_at: reply_due_at(config, view).map(rfc3339),
            contested: view.contested(),
            competing_claim_ids: &view.competing_claim_ids,
            incumbent_mpn_id: view.incumbent_mpn_id.as_deref(),
            findings: assessment.findings.iter().map(|f| f.code.code()).collect(),
            unknown_checks: assessment.unknown.iter().map(|u| u.code()).collect(),
            decision: view.decision.as_ref().map(|d| ExportedDecision {
                outcome: d.outcome.code(),
                by: &d.by,
                at: rfc3339(d.at),
                reason: &d.reason,
            }),
        }
    }
}

/// The CSV columns, in the order of `CsvRow`'s fields (a test keeps them in step).
pub const CSV_HEADER: [&str; 25] = [
    "claim_id",
    "partner_name",
    "mpn_id",
    "tenant_id",
    "customer_domain",
    "solution_area",
    "activity",
    "product",
    "subscription_id",
    "purchase_channel",
    "submitted_at",
    "status",
    "poe_count",
    "comment_count",
    "sla_due_at",
    "reply_due_at",
    "contested",
    "competing_claim_ids",
    "incumbent_mpn_id",
    "findings",
    "unknown_checks",
    "decision_outcome",
    "decision_by",
    "decision_at",
    "decision_reason",
];

/// One flat CSV row; empty cells for absent values, lists joined with `;`.
#[derive(Serialize)]
struct CsvRow<'a> {
    claim_id: Cow<'a, str>,
    partner_name: Cow<'a, str>,
    mpn_id: Cow<'a, str>,
    tenant_id: String,
    customer_domain: Cow<'a, str>,
    solution_area: &'static str,
    activity: &'static str,
    product: Cow<'a, str>,
    subscription_id: Cow<'a, str>,
    purchase_channel: &'static str,
    submitted_at: String,
    status: &'static str,
    poe_count: usize,
    comment_count: usize,
    sla_due_at: String,
    reply_due_at: String,
    contested: bool,
    competing_claim_ids: Cow<'a, str>,
    incumbent_mpn_id: Cow<'a, str>,
    findings: String,
    unknown_checks: String,
    decision_outcome: &'static str,
    decision_by: Cow<'a, str>,
    decision_at: String,
    decision_reason: Cow<'a, str>,
}

impl<'a> CsvRow<'a> {
    fn new(view: &'a ClaimView, config: &Config) -> Self {
        let c = &view.claim;
        let assessment = view.assessment();
        let d = view.decision.as_ref();
        CsvRow {
            claim_id: cell(&c.claim_id),
            partner_name: cell(&c.partner.name),
            mpn_id: cell(&c.partner.mpn_id),
            tenant_id: c.customer.tenant_id.to_string(),
            customer_domain: cell(&c.customer.domain),
            solution_area: c.solution_area.code(),
            activity: c.activity.code(),
            product: cell(&c.product),
            subscription_id: cell(c.subscription_id.as_deref().unwrap_or("")),
            purchase_channel: c.purchase_channel.code(),
            submitted_at: rfc3339(c.submitted_at),
            status: c.status.code(),
            poe_count: c.poe.len(),
            comment_count: c.comments.len(),
            sla_due_at: rfc3339(sla_due_at(config, view)),
            reply_due_at: reply_due_at(config, view).map(rfc3339).unwrap_or_default(),
            contested: view.contested(),
            competing_claim_ids: Cow::Owned(cell(&view.competing_claim_ids.join(";")).into_owned()),
            incumbent_mpn_id: cell(view.incumbent_mpn_id.as_deref().unwrap_or("")),
            findings: join(assessment.findings.iter().map(|f| f.code.code())),
            unknown_checks: join(assessment.unknown.iter().map(|u| u.code())),
            decision_outcome: d.map_or("", |d| d.outcome.code()),
            decision_by: cell(d.map_or("", |d| d.by.as_str())),
            decision_at: d.map(|d| rfc3339(d.at)).unwrap_or_default(),
            decision_reason: cell(d.map_or("", |d| d.reason.as_str())),
        }
    }
}

/// A text cell a spreadsheet will not run: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return (how formulas and DDE payloads start) gets a leading `'`.
pub fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn join<'s>(codes: impl Iterator<Item = &'s str>) -> String {
    codes.collect::<Vec<_>>().join(";")
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
