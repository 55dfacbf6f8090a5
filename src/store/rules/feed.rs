//! The partner feed's reply, withdrawal and dispute lines.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::{set_status, Current, OpenDispute};
use crate::domain::text;
use crate::domain::{Comment, Decision, Status, Visibility};
use crate::model::{Actor, EventKind, FeedLine, FeedPolicy};
use crate::store::plan::{NewEvent, Write, WritePlan};
use crate::store::StoreError;

/// A claim as the partner feed needs it: its state, its partner's MPN, its decision, its PoE.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeedClaim {
    pub current: Current,
    pub mpn_id: String,
    pub decision: Option<Decision>,
    /// How many PoE items it holds (a reply's PoE is numbered after them).
    pub poe: i64,
}

/// What the feed's lines change, and how many were new or replayed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FeedPlan {
    pub plan: WritePlan,
    pub applied: usize,
    pub replayed: usize,
}

/// The partner feed's `reply`, `withdrawal` and `dispute` lines, in file order, against the
/// claims they name (`claims`, read after the import's own claims were written) and the lines
/// already applied (`applied`: kind and id → content). A line already applied with the same
/// content changes nothing; with other content it is refused, as is a withdrawal of a decided
/// claim and a dispute outside the window. Each act is audited as `partner:MPN` via the importer.
/// All or nothing: every refused line is reported (`StoreError::FeedRefused`).
pub(crate) fn plan_feed(
    importer: &Actor,
    lines: &[(usize, FeedLine)],
    claims: &[FeedClaim],
    applied: &HashMap<(String, String), String>,
    policy: FeedPolicy,
    now: DateTime<Utc>,
) -> Result<FeedPlan, StoreError> {
    let mut state: HashMap<&str, FeedClaim> = claims
        .iter()
        .map(|c| (c.current.claim_id.as_str(), c.clone()))
        .collect();
    let mut out = FeedPlan::default();
    let mut problems: Vec<(usize, String, String)> = Vec::new();
    for (number, line) in lines {
        let number = *number;
        let key = (line.kind().to_string(), line.line_id().to_string());
        if let Some(content) = applied.get(&key) {
            if *content == line.content() {
                out.replayed += 1;
            } else {
                problems.push((
                    number,
                    line.id_field().into(),
                    format!(
                        "{} {} was already imported with other content (a feed line is never \
                         changed once applied)",
                        line.kind(),
                        text::escape(line.line_id())
                    ),
                ));
            }
            continue;
        }
        let Some(claim) = state.get_mut(line.claim_id()) else {
            problems.push((
                number,
                "claim_id".into(),
                format!("no claim {}", text::escape(line.claim_id())),
            ));
            continue;
        };
        match feed_one(&mut out.plan, importer, claim, line, policy, now) {
            Ok(()) => out.applied += 1,
            Err((field, message)) => problems.push((number, field.into(), message)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(StoreError::FeedRefused(problems))
    }
}

/// One new feed line on `claim` (whose state follows, for the lines after it).
fn feed_one(
    plan: &mut WritePlan,
    importer: &Actor,
    claim: &mut FeedClaim,
    line: &FeedLine,
    policy: FeedPolicy,
    now: DateTime<Utc>,
) -> Result<(), (&'static str, String)> {
    let cur = claim.current.clone();
    let partner = format!("partner:{}", claim.mpn_id);
    let claim_id = cur.claim_id.clone();
    let event = |kind: EventKind| NewEvent {
        at: now,
        actor: partner.clone(),
        claim_id: Some(claim_id.clone()),
        via: Some(importer.login.clone()),
        kind,
    };
    let to = match line {
        FeedLine::Reply {
            reply_id,
            at,
            body,
            poe,
            ..
        } => {
            plan.writes.push(Write::Comment {
                claim_id: claim_id.clone(),
                comment: Comment {
                    author: partner.clone(),
                    visibility: Visibility::Partner,
                    body: body.clone(),
                    at: *at,
                },
            });
            for (i, item) in poe.iter().enumerate() {
                plan.writes.push(Write::Poe {
                    claim_id: claim_id.clone(),
                    seq: claim.poe + i64::try_from(i).unwrap_or(i64::MAX),
                    item: item.clone(),
                });
            }
            claim.poe += i64::try_from(poe.len()).unwrap_or(i64::MAX);
            // A reply brings a claim waiting on its partner back; on any other it is a comment.
            let to = if cur.status == Status::InfoRequested {
                set_status(plan, &cur, Status::UnderReview, *at);
                Status::UnderReview
            } else {
                plan.writes.push(Write::Touch {
                    claim_id: claim_id.clone(),
                });
                cur.status
            };
            plan.events.push(event(EventKind::Replied {
                reply_id: reply_id.clone(),
                from: cur.status,
                to,
                body: body.clone(),
                poe: poe.len() as u64,
            }));
            to
        }
        FeedLine::Withdrawal { at, reason, .. } => {
            if !cur.status.is_open() {
                return Err((
                    "claim_id",
                    format!(
                        "claim {} is {}: a claim can be withdrawn only before it is decided",
                        text::escape(&claim_id),
                        cur.status.code()
                    ),
                ));
            }
            // The status and the audited `withdrawn` event record it: a decision is a
            // reviewer's, and the feed's login may write none (PostgreSQL refuses it too).
            set_status(plan, &cur, Status::Withdrawn, *at);
            plan.events.push(event(EventKind::Withdrawn {
                from: cur.status,
                reason: reason.clone(),
            }));
            Status::Withdrawn
        }
        FeedLine::Dispute {
            dispute_id,
            at,
            body,
            ..
        } => {
            let decision = match (&claim.decision, cur.status.is_decided()) {
                (Some(d), true) => d.clone(),
                _ => {
                    return Err((
                        "claim_id",
                        format!(
                        "claim {} is {}: only a decision (approved or rejected) can be disputed",
                        text::escape(&claim_id),
                        cur.status.code()
                    ),
                    ))
                }
            };
            let closes = dispute_window_closes(decision.at, policy);
            let shown = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            if *at < decision.at {
                return Err((
                    "at",
                    format!(
                        "{} is before the decision it disputes ({})",
                        shown(*at),
                        shown(decision.at)
                    ),
                ));
            }
            if *at > closes {
                return Err((
                    "at",
                    format!(
                        "the dispute window closed at {} ({} days after the decision of {}); \
                         the partner must file a new claim",
                        shown(closes),
                        policy.dispute_window_days,
                        shown(decision.at)
                    ),
                ));
            }
            set_status(plan, &cur, Status::Disputed, *at);
            plan.writes.push(Write::Dispute {
                dispute_id: dispute_id.clone(),
                claim_id: claim_id.clone(),
                at: *at,
                body: body.clone(),
                decision: decision.clone(),
            });
            plan.events.push(event(EventKind::Disputed {
                dispute_id: dispute_id.clone(),
                from: cur.status,
                body: body.clone(),
            }));
            claim.current.dispute = Some(OpenDispute {
                dispute_id: dispute_id.clone(),
                outcome: decision.outcome,
                decided_by: decision.by.clone(),
            });
            Status::Disputed
        }
    };
    plan.writes.push(Write::FeedLine {
        kind: line.kind(),
        line_id: line.line_id().to_string(),
        claim_id: claim_id.clone(),
        at: line.at(),
        content: line.content(),
    });
    if to != cur.status {
        plan.groups.push(cur.group.clone());
        if cur.status == Status::InfoRequested {
            claim.current.waiting_since = None;
        }
    }
    claim.current.status = to;
    Ok(())
}

/// The last instant a decision made at `decided_at` may be disputed.
pub(crate) fn dispute_window_closes(
    decided_at: DateTime<Utc>,
    policy: FeedPolicy,
) -> DateTime<Utc> {
    decided_at + TimeDelta::days(i64::from(policy.dispute_window_days))
}
