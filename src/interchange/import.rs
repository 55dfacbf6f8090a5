//! Reading an import file: JSON Lines, one `claim`, `tenant`, `mpn` or `association` per line,
//! or one of the partner feed's `reply`, `withdrawal` and `dispute` lines.
//!
//! Every line is checked completely and every problem is kept, several per line if need be, so a
//! person fixes a file in one pass instead of one error per run. Nothing is half-accepted: the
//! result is a whole `ImportBatch` or the list of problems.

use std::collections::HashMap;
use std::io::BufRead;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{strict_json, Problem};
use crate::domain::text::{self, TextKind};
use crate::domain::{
    Activity, Association, Claim, Comment, Customer, Mpn, Partner, PoeItem, PurchaseChannel,
    SolutionArea, Status, Subscription, SubscriptionState, Tenant, Visibility,
};
use crate::model::FeedLine;
use crate::store::ImportBatch;

/// The line types the contract knows, for the `type` error message.
const TYPES: &str = "claim, tenant, mpn, association, reply, withdrawal, dispute";

/// Parses a whole import file held in memory.
pub fn parse_str(text: &str) -> Result<ImportBatch, Vec<Problem>> {
    let mut parser = Parser::default();
    for (i, line) in text.lines().enumerate() {
        parser.line(i + 1, line);
    }
    parser.finish()
}

/// Parses an import file line by line from a reader (a file or stdin). The outer error is a
/// failure to read; the inner one the problems found in what was read.
pub fn parse_reader<R: BufRead>(
    mut reader: R,
) -> std::io::Result<Result<ImportBatch, Vec<Problem>>> {
    let mut parser = Parser::default();
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        number += 1;
        match std::str::from_utf8(&buf) {
            Ok(line) => parser.line(number, line),
            Err(_) => parser.problems.push(Problem::new(
                number,
                "json",
                "not UTF-8 text (save the file as UTF-8)",
            )),
        }
    }
    Ok(parser.finish())
}

/// Accumulates the batch and the problems line by line.
#[derive(Default)]
struct Parser {
    batch: ImportBatch,
    problems: Vec<Problem>,
    /// Where each claim id was first seen, to refuse repeats.
    claim_lines: HashMap<String, usize>,
    /// Where each feed line's id was first seen (by type), to refuse one id with two contents.
    feed_lines: HashMap<(&'static str, String), (usize, String)>,
}

impl Parser {
    fn line(&mut self, number: usize, text: &str) {
        let text = if number == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        if text.trim().is_empty() {
            return;
        }
        let mut cx = Cx {
            line: number,
            problems: &mut self.problems,
        };
        let value: Value = match strict_json::parse(text) {
            Ok((v, repeated)) if repeated.is_empty() => v,
            Ok((_, repeated)) => {
                for path in repeated {
                    cx.report(
                        shorten(&path),
                        "key repeated in its object (keys must be unique)",
                    );
                }
                return;
            }
            Err(e) => return cx.report("json", format!("not valid JSON: {}", json_error(&e))),
        };
        let Some(map) = value.as_object() else {
            return cx.report(
                "json",
                format!("expected a JSON object, found {}", kind(&value)),
            );
        };
        let mut fields = Fields::new(map, String::new());
        fields.known.push("type");
        let kind_name = match map.get("type") {
            None => return cx.report("type", format!("missing field (expected one of {TYPES})")),
            Some(Value::String(s)) => s.as_str(),
            Some(other) => {
                return cx.report("type", format!("expected a string, found {}", kind(other)))
            }
        };
        match kind_name {
            "claim" => {
                if let Some(claim) = claim(&mut cx, fields) {
                    match self.claim_lines.get(&claim.claim_id) {
                        Some(first) => cx.report(
                            "claim_id",
                            format!(
                                "claim id {} repeated (first on line {first})",
                                quote(&claim.claim_id)
                            ),
                        ),
                        None => {
                            self.claim_lines.insert(claim.claim_id.clone(), number);
                            self.batch.claims.push((number, claim));
                        }
                    }
                }
            }
            "tenant" => {
                if let Some(t) = tenant(&mut cx, fields) {
                    self.batch.tenants.push(t);
                }
            }
            "mpn" => {
                if let Some(m) = mpn(&mut cx, fields) {
                    self.batch.mpns.push(m);
                }
            }
            "association" => {
                if let Some(a) = association(&mut cx, fields) {
                    self.batch.associations.push(a);
                }
            }
            "reply" | "withdrawal" | "dispute" => {
                if let Some(line) = feed_line(&mut cx, kind_name, fields) {
                    let key = (line.kind(), line.line_id().to_string());
                    let content = line.content();
                    match self.feed_lines.get(&key) {
                        // The same line twice in one file: applied once, like a replay.
                        Some((_, first)) if *first == content => {}
                        Some((first, _)) => cx.report(
                            line.id_field(),
                            format!(
                                "{} {} repeated with other content (first on line {first})",
                                line.kind(),
                                quote(line.line_id())
                            ),
                        ),
                        None => {
                            self.feed_lines.insert(key, (number, content));
                            self.batch.feed.push((number, line));
                        }
                    }
                }
            }
            other => cx.report(
                "type",
                format!("unknown type {} (expected one of {TYPES})", quote(other)),
            ),
        }
    }

    fn finish(self) -> Result<ImportBatch, Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(self.batch)
        } else {
            Err(self.problems)
        }
    }
}

/// serde_json's message without its "at line 1 column N" suffix, with the column kept.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let bare = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(msg, _)| msg);
    format!("{bare} at column {}", e.column())
}

/// The JSON kind of a value, as a person would name it.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The line being read and where its problems go.
struct Cx<'p> {
    line: usize,
    problems: &'p mut Vec<Problem>,
}

impl Cx<'_> {
    fn report(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(self.line, field, message));
    }
}

/// One JSON object being read field by field; remembers which fields were asked for so the
/// rest can be reported as unknown.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    /// `""` at the top, else the object's path with a trailing dot (`partner.`, `poe[1].`).
    prefix: String,
    known: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Map<String, Value>, prefix: String) -> Self {
        Fields {
            map,
            prefix,
            known: Vec::new(),
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// A required field's value; reports it missing.
    fn get(&mut self, cx: &mut Cx, name: &'static str) -> Option<&'a Value> {
        self.known.push(name);
        let v = self.map.get(name);
        if v.is_none() {
            cx.report(self.path(name), "missing field");
        }
        v
    }

    fn wrong(&self, cx: &mut Cx, name: &str, expected: &str, found: &Value) {
        cx.report(
            self.path(name),
            format!("expected {expected}, found {}", kind(found)),
        );
    }

    fn string(&mut self, cx: &mut Cx, name: &'static str) -> Option<&'a str> {
        match self.get(cx, name)? {
            Value::String(s) => Some(s),
            other => {
                self.wrong(cx, name, "a string", other);
                None
            }
        }
    }

    /// A string held to `kind`'s limits (domain::text), the same for every backend.
    fn text(&mut self, cx: &mut Cx, name: &'static str, kind: TextKind) -> Option<String> {
        let s = self.string(cx, name)?;
        checked(cx, self.path(name), s, kind)
    }

    /// A string that must say something (names, products, domains), held to `kind`'s limits.
    fn required_text(&mut self, cx: &mut Cx, name: &'static str, kind: TextKind) -> Option<String> {
        let s = self.text(cx, name, kind)?;
        if s.trim().is_empty() {
            cx.report(self.path(name), "must not be empty");
            return None;
        }
        Some(s)
    }

    /// A string or null; the field itself must be present.
    fn nullable_text(
        &mut self,
        cx: &mut Cx,
        name: &'static str,
        kind: TextKind,
    ) -> Option<Option<String>> {
        match self.get(cx, name)? {
            Value::Null => Some(None),
            Value::String(s) => checked(cx, self.path(name), s, kind).map(Some),
            other => {
                self.wrong(cx, name, "a string or null", other);
                None
            }
        }
    }

    fn boolean(&mut self, cx: &mut Cx, name: &'static str) -> Option<bool> {
        match self.get(cx, name)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong(cx, name, "true or false", other);
                None
            }
        }
    }

    fn guid(&mut self, cx: &mut Cx, name: &'static str) -> Option<Uuid> {
        let s = self.string(cx, name)?;
        guid(cx, self.path(name), s)
    }

    /// One of a closed set of codes (`from_code`), listing the accepted ones when refused.
    fn word<T>(
        &mut self,
        cx: &mut Cx,
        name: &'static str,
        from_code: fn(&str) -> Option<T>,
        codes: fn() -> String,
    ) -> Option<T> {
        let s = self.string(cx, name)?;
        let parsed = from_code(s);
        if parsed.is_none() {
            cx.report(
                self.path(name),
                format!("unknown value {} (expected one of {})", quote(s), codes()),
            );
        }
        parsed
    }

    fn timestamp(&mut self, cx: &mut Cx, name: &'static str) -> Option<DateTime<Utc>> {
        let s = self.string(cx, name)?;
        let Some(parsed) = DateTime::parse_from_rfc3339(s).ok() else {
            cx.report(
                self.path(name),
                format!(
                    "not an RFC 3339 timestamp: {} (e.g. 2026-11-02T09:30:00Z)",
                    quote(s)
                ),
            );
            return None;
        };
        // chrono keeps a leap second as a 60th second; both databases would make it the next
        // second, so the stored instant would not be the one filed.
        if parsed.nanosecond() >= 1_000_000_000 {
            cx.report(
                self.path(name),
                format!(
                    "{} is a leap second (write :59.999999 or the next second)",
                    quote(s)
                ),
            );
            return None;
        }
        let at = timestamp(s)?;
        if !text::in_range(at) {
            cx.report(
                self.path(name),
                format!("{} is outside {}", quote(s), text::range_words()),
            );
            return None;
        }
        Some(at)
    }

    fn date(&mut self, cx: &mut Cx, name: &'static str) -> Option<NaiveDate> {
        let s = self.string(cx, name)?;
        let parsed = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 10);
        match parsed {
            None => cx.report(
                self.path(name),
                format!("not a date: {} (use YYYY-MM-DD)", quote(s)),
            ),
            Some(day) if !text::day_in_range(day) => {
                cx.report(
                    self.path(name),
                    format!("{s} is outside {}", text::range_words()),
                );
                return None;
            }
            Some(_) => {}
        }
        parsed
    }

    fn object(&mut self, cx: &mut Cx, name: &'static str) -> Option<Fields<'a>> {
        match self.get(cx, name)? {
            Value::Object(map) => Some(Fields::new(map, format!("{}.", self.path(name)))),
            other => {
                self.wrong(cx, name, "an object", other);
                None
            }
        }
    }

    /// An array's items with their paths; `required` false means an absent field is empty.
    fn array(
        &mut self,
        cx: &mut Cx,
        name: &'static str,
        required: bool,
    ) -> Option<Vec<(String, &'a Value)>> {
        let value = if required {
            self.get(cx, name)?
        } else {
            self.known.push(name);
            match self.map.get(name) {
                Some(v) => v,
                None => return Some(Vec::new()),
            }
        };
        match value {
            Value::Array(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{}[{i}]", self.path(name)), v))
                    .collect(),
            ),
            other => {
                self.wrong(cx, name, "an array", other);
                None
            }
        }
    }

    /// Reports every field nobody asked for; call once all fields were read.
    fn finish(self, cx: &mut Cx) {
        for key in self.map.keys() {
            if !self.known.contains(&key.as_str()) {
                cx.report(shorten(&self.path(key)), "unknown field");
            }
        }
    }
}

/// An array item that must be an object.
fn item_object<'a>(cx: &mut Cx, path: &str, value: &'a Value) -> Option<Fields<'a>> {
    match value {
        Value::Object(map) => Some(Fields::new(map, format!("{path}."))),
        other => {
            cx.report(path, format!("expected an object, found {}", kind(other)));
            None
        }
    }
}

fn guid(cx: &mut Cx, path: String, s: &str) -> Option<Uuid> {
    let parsed = Uuid::parse_str(s.trim()).ok();
    if parsed.is_none() {
        cx.report(path, format!("not a GUID: {}", quote(s)));
    }
    parsed
}

/// `s` checked against `kind`'s limits; a refusal is reported at `path`.
fn checked(cx: &mut Cx, path: String, s: &str, kind: TextKind) -> Option<String> {
    match text::check(kind, s) {
        Ok(()) => Some(s.to_string()),
        Err(e) => {
            cx.report(path, e.to_string());
            None
        }
    }
}

/// A value quoted for a message: at most 40 characters of it, so a megabyte value stays a
/// short line (control characters are escaped by `Debug`, and by the CLI again).
fn quote(s: &str) -> String {
    const SHOWN: usize = 40;
    match s.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{:?}…", &s[..cut]),
        None => format!("{s:?}"),
    }
}

/// A field path from the file (a key nobody asked for), cut to a readable length.
fn shorten(path: &str) -> String {
    const SHOWN: usize = 80;
    match path.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &path[..cut]),
        None => path.to_string(),
    }
}

/// RFC 3339, normalised to UTC and truncated to whole microseconds, which both databases keep.
pub fn timestamp(s: &str) -> Option<DateTime<Utc>> {
    let at = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    let nanos = at.nanosecond();
    at.with_nanosecond(nanos - nanos % 1_000)
}

fn claim(cx: &mut Cx, mut f: Fields) -> Option<Claim> {
    let claim_id = f.text(cx, "claim_id", TextKind::Id);
    let partner = f.object(cx, "partner").and_then(|mut p| {
        let name = p.required_text(cx, "name", TextKind::Short);
        let mpn_id = p.text(cx, "mpn_id", TextKind::Id);
        p.finish(cx);
        Some(Partner {
            name: name?,
            mpn_id: mpn_id?,
        })
    });
    let customer = f.object(cx, "customer").and_then(|mut c| {
        let tenant_id = c.guid(cx, "tenant_id");
        let domain = c.required_text(cx, "domain", TextKind::Short);
        c.finish(cx);
        Some(Customer {
            tenant_id: tenant_id?,
            domain: domain?,
        })
    });
    let solution_area = f.word(
        cx,
        "solution_area",
        SolutionArea::from_code,
        SolutionArea::codes,
    );
    let activity = f.word(cx, "activity", Activity::from_code, Activity::codes);
    let product = f.required_text(cx, "product", TextKind::Short);
    let subscription_id = f.nullable_text(cx, "subscription_id", TextKind::Short);
    let purchase_channel = f.word(
        cx,
        "purchase_channel",
        PurchaseChannel::from_code,
        PurchaseChannel::codes,
    );
    let submitted_at = f.timestamp(cx, "submitted_at");
    let status = if f.map.contains_key("status") {
        match f.word(cx, "status", Status::from_code, Status::codes) {
            Some(Status::Disputed) => {
                cx.report(
                    "status",
                    "a claim is not filed disputed: its partner disputes a decision with a \
                     \"dispute\" line",
                );
                None
            }
            other => other,
        }
    } else {
        f.known.push("status");
        Some(Status::UnderReview)
    };
    let poe = f
        .array(cx, "poe", false)
        .and_then(|items| all(items.into_iter().map(|(path, v)| poe_item(cx, &path, v))));
    let comments = f
        .array(cx, "comments", false)
        .and_then(|items| all(items.into_iter().map(|(path, v)| comment(cx, &path, v))));
    f.finish(cx);
    Some(Claim {
        claim_id: claim_id?,
        partner: partner?,
        customer: customer?,
        solution_area: solution_area?,
        activity: activity?,
        product: product?,
        subscription_id: subscription_id?,
        purchase_channel: purchase_channel?,
        submitted_at: submitted_at?,
        status: status?,
        poe: poe?,
        comments: comments?,
    })
}

/// Every item, or `None` if any failed (each failure already reported); never stops early.
fn all<T>(items: impl Iterator<Item = Option<T>>) -> Option<Vec<T>> {
    let results: Vec<Option<T>> = items.collect();
    results.into_iter().collect()
}

fn poe_item(cx: &mut Cx, path: &str, value: &Value) -> Option<PoeItem> {
    let mut f = item_object(cx, path, value)?;
    let kind = f.text(cx, "kind", TextKind::Short);
    let date = f.date(cx, "date");
    let summary = f.text(cx, "summary", TextKind::Long);
    let by = f.text(cx, "by", TextKind::Short);
    let attachment = f.text(cx, "attachment", TextKind::Short);
    f.finish(cx);
    Some(PoeItem {
        kind: kind?,
        date: date?,
        summary: summary?,
        by: by?,
        attachment: attachment?,
    })
}

fn comment(cx: &mut Cx, path: &str, value: &Value) -> Option<Comment> {
    let mut f = item_object(cx, path, value)?;
    let author = f.text(cx, "author", TextKind::Short);
    let visibility = f.word(cx, "visibility", Visibility::from_code, Visibility::codes);
    let body = f.text(cx, "body", TextKind::Long);
    let at = f.timestamp(cx, "at");
    f.finish(cx);
    Some(Comment {
        author: author?,
        visibility: visibility?,
        body: body?,
        at: at?,
    })
}

fn tenant(cx: &mut Cx, mut f: Fields) -> Option<Tenant> {
    let tenant_id = f.guid(cx, "tenant_id");
    let domains = f.array(cx, "domains", true).and_then(|items| {
        all(items.into_iter().map(|(path, v)| match v {
            Value::String(s) if !s.trim().is_empty() => checked(cx, path, s, TextKind::Short),
            Value::String(_) => {
                cx.report(path, "must not be empty");
                None
            }
            other => {
                cx.report(path, format!("expected a string, found {}", kind(other)));
                None
            }
        }))
    });
    let subscriptions = f.array(cx, "subscriptions", true).and_then(|items| {
        all(items
            .into_iter()
            .map(|(path, v)| subscription(cx, &path, v)))
    });
    f.finish(cx);
    Some(Tenant {
        tenant_id: tenant_id?,
        domains: domains?,
        subscriptions: subscriptions?,
    })
}

fn subscription(cx: &mut Cx, path: &str, value: &Value) -> Option<Subscription> {
    let mut f = item_object(cx, path, value)?;
    let subscription_id = f.guid(cx, "subscription_id");
    let product = f.required_text(cx, "product", TextKind::Short);
    let dynamics = f.boolean(cx, "dynamics");
    let channel = f.word(
        cx,
        "channel",
        PurchaseChannel::from_code,
        PurchaseChannel::codes,
    );
    let state = f.word(
        cx,
        "state",
        SubscriptionState::from_code,
        SubscriptionState::codes,
    );
    f.finish(cx);
    Some(Subscription {
        subscription_id: subscription_id?,
        product: product?,
        dynamics: dynamics?,
        channel: channel?,
        state: state?,
    })
}

fn mpn(cx: &mut Cx, mut f: Fields) -> Option<Mpn> {
    let mpn_id = f.text(cx, "mpn_id", TextKind::Id);
    let partner = f.text(cx, "partner", TextKind::Short);
    let enrolled = f.boolean(cx, "enrolled");
    let partner_type = f.nullable_text(cx, "partner_type", TextKind::Short);
    // Optional: MPNs with the same partner_id are one partner.
    let partner_id = if f.map.contains_key("partner_id") {
        f.nullable_text(cx, "partner_id", TextKind::Id)
    } else {
        Some(None)
    };
    f.finish(cx);
    Some(Mpn {
        mpn_id: mpn_id?,
        partner: partner?,
        enrolled: enrolled?,
        partner_type: partner_type?,
        partner_id: partner_id?,
    })
}

/// A `reply`, `withdrawal` or `dispute` line (design.md, "What comes back from partners").
fn feed_line(cx: &mut Cx, kind: &str, mut f: Fields) -> Option<FeedLine> {
    let claim_id = f.text(cx, "claim_id", TextKind::Id);
    let line = match kind {
        "reply" => {
            let reply_id = f.required_text(cx, "reply_id", TextKind::Id);
            let at = f.timestamp(cx, "at");
            let body = f.required_text(cx, "body", TextKind::Long);
            let poe = f
                .array(cx, "poe", false)
                .and_then(|items| all(items.into_iter().map(|(path, v)| poe_item(cx, &path, v))));
            f.finish(cx);
            FeedLine::Reply {
                claim_id: claim_id?,
                reply_id: reply_id?,
                at: at?,
                body: body?,
                poe: poe?,
            }
        }
        "withdrawal" => {
            let at = f.timestamp(cx, "at");
            let reason = if f.map.contains_key("reason") {
                f.nullable_text(cx, "reason", TextKind::Long)
            } else {
                f.known.push("reason");
                Some(None)
            };
            f.finish(cx);
            FeedLine::Withdrawal {
                claim_id: claim_id?,
                at: at?,
                reason: reason?,
            }
        }
        _ => {
            let dispute_id = f.required_text(cx, "dispute_id", TextKind::Id);
            let at = f.timestamp(cx, "at");
            let body = f.required_text(cx, "body", TextKind::Long);
            f.finish(cx);
            FeedLine::Dispute {
                claim_id: claim_id?,
                dispute_id: dispute_id?,
                at: at?,
                body: body?,
            }
        }
    };
    Some(line)
}

fn association(cx: &mut Cx, mut f: Fields) -> Option<Association> {
    let tenant_id = f.guid(cx, "tenant_id");
    let product = f.required_text(cx, "product", TextKind::Short);
    let mpn_id = f.text(cx, "mpn_id", TextKind::Id);
    f.finish(cx);
    Some(Association {
        tenant_id: tenant_id?,
        product: product?,
        mpn_id: mpn_id?,
        claim_id: None,
    })
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
