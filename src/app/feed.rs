//! Others' acts in words: the change feed's audit events become a brief status-bar line
//! ("bob took C-12", "carol approved C-7", "carol imported 100,000 claims"). The reviewer's own
//! events are not told: they saw their own act.
//!
//! The news is kept as phrases that grow as events arrive, so a batch costs in proportion to its
//! own events however much news came before. A bulk import arrives as one report with its count
//! (`Msg::Bulk`: the store tells it without its 100,000 events), counted into the same phrase as
//! that person's imports told event by event. Which claims the events touched is worked out here
//! too, so `update` re-reads what shows once per batch; the echo of this session's own write
//! (already re-read when the write answered) is recognised and not read again.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};

use super::msg::Msg;
use crate::domain::DecisionOutcome;
use crate::model::{AuditEvent, BulkWrite, Change, EventKind};

/// How long the news stays in the status bar (a key press clears it sooner).
pub const NEWS_FOR: TimeDelta = TimeDelta::seconds(8);

/// How long after its own write a session takes the reviewer's events on those claims for the
/// write's echo.
pub const ECHO_FOR: TimeDelta = TimeDelta::seconds(10);

/// Claim ids named in one piece of news before "and N more".
const IDS_SHOWN: usize = 3;

/// The messages the runtime delivers for one report of the change feed.
pub fn msgs(change: Change) -> Vec<Msg> {
    match change {
        Change::Online => vec![Msg::StoreOffline(None)],
        Change::Offline(reason) => vec![Msg::StoreOffline(Some(reason))],
        Change::Events(events) => vec![Msg::Changes(events)],
        Change::Bulk(bulk) => vec![Msg::Bulk(bulk)],
    }
}

/// What a batch of events changed, as far as re-reading goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Touched {
    /// Claims changed by someone (the session's own echoes left out).
    pub claims: HashSet<String>,
    /// An event not tied to one claim (a bulk load): anything may have changed.
    pub anything: bool,
}

impl Touched {
    /// Anything may have changed.
    pub fn everything() -> Touched {
        Touched {
            claims: HashSet::new(),
            anything: true,
        }
    }

    /// Just these claims.
    pub fn claims<'a>(ids: impl IntoIterator<Item = &'a String>) -> Touched {
        Touched {
            claims: ids.into_iter().cloned().collect(),
            anything: false,
        }
    }

    /// Nothing to re-read.
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty() && !self.anything
    }

    /// Whether `claim_id` may have changed.
    pub fn covers(&self, claim_id: &str) -> bool {
        self.anything || self.claims.contains(claim_id)
    }
}

/// Claims this session wrote and until when their echo is expected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Echoes(Vec<(String, DateTime<Utc>)>);

impl Echoes {
    /// Expects the echo of a write on `claim_ids` (seen at `now`).
    pub fn expect<'a>(
        &mut self,
        claim_ids: impl IntoIterator<Item = &'a String>,
        now: DateTime<Utc>,
    ) {
        for id in claim_ids {
            self.0.retain(|(c, _)| c != id);
            self.0.push((id.clone(), now + ECHO_FOR));
        }
    }

    /// Forgets echoes that did not come in time.
    pub fn expire(&mut self, now: DateTime<Utc>) {
        self.0.retain(|(_, until)| *until > now);
    }

    fn covers(&self, claim_id: &str) -> bool {
        self.0.iter().any(|(c, _)| c == claim_id)
    }
}

/// What events by everyone touched, leaving out `me`'s echoes.
pub fn touched(events: &[AuditEvent], me: &str, echoes: &Echoes) -> Touched {
    let mut out = Touched::default();
    for e in events {
        match &e.claim_id {
            Some(id) if e.actor == me && echoes.covers(id) => {}
            Some(id) => {
                out.claims.insert(id.clone());
            }
            None => out.anything = true,
        }
    }
    out
}

/// One phrase of the news: an actor's acts of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Phrase {
    actor: String,
    verb: &'static str,
    tail: String,
    /// Claim ids told by name (the first few).
    named: Vec<String>,
    /// Every distinct claim id (not kept for counted phrases: a bulk load).
    seen: HashSet<String>,
    /// How many (distinct claims, or claims loaded).
    count: u64,
    /// Told as a number of claims ("imported 100,000 claims"), not by id.
    counted: bool,
}

impl Phrase {
    fn text(&self) -> String {
        let mut out = format!("{} {}", self.actor, self.verb);
        if self.counted {
            let n = self.count;
            out.push_str(&format!(
                " {} claim{}",
                crate::model::thousands(n),
                if n == 1 { "" } else { "s" }
            ));
        } else if !self.named.is_empty() {
            out.push(' ');
            out.push_str(&self.named.join(", "));
            if self.count > IDS_SHOWN as u64 {
                out.push_str(&format!(" and {} more", self.count - IDS_SHOWN as u64));
            }
        }
        if !self.tail.is_empty() {
            out.push(' ');
            out.push_str(&self.tail);
        }
        out
    }
}

/// The status-bar news of others' acts, built up batch by batch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct News {
    phrases: Vec<Phrase>,
    index: HashMap<(String, &'static str, String), usize>,
    /// The line shown and when it goes away.
    pub shown: Option<(String, DateTime<Utc>)>,
}

impl News {
    /// Adds others' events (`me`'s are skipped); returns the new line if anything was added.
    pub fn add(&mut self, events: &[AuditEvent], me: &str) -> Option<String> {
        let mut added = false;
        for e in events.iter().filter(|e| e.actor != me) {
            added = true;
            let (verb, tail, counted) = words(e, me);
            let p = self.phrase(&e.actor, verb, tail, counted);
            match (&e.kind, &e.claim_id) {
                (EventKind::Generated { claims, .. }, _) => p.count += claims,
                (_, _) if p.counted => p.count += 1,
                (_, Some(id)) => {
                    if p.seen.insert(id.clone()) {
                        p.count += 1;
                        if p.named.len() < IDS_SHOWN {
                            p.named.push(id.clone());
                        }
                    }
                }
                (_, None) => {}
            }
        }
        added.then(|| self.text())
    }

    /// Adds another's bulk write (`me`'s is skipped): counted with the imports of the same person
    /// told event by event; returns the new line if it was added.
    pub fn add_bulk(&mut self, bulk: &BulkWrite, me: &str) -> Option<String> {
        if bulk.actor == me {
            return None;
        }
        self.phrase(&bulk.actor, "imported", String::new(), true)
            .count += bulk.claims;
        Some(self.text())
    }

    /// The phrase for an actor's acts of one kind, begun if new.
    fn phrase(
        &mut self,
        actor: &str,
        verb: &'static str,
        tail: String,
        counted: bool,
    ) -> &mut Phrase {
        let key = (actor.to_string(), verb, tail);
        let at = match self.index.get(&key) {
            Some(at) => *at,
            None => {
                self.phrases.push(Phrase {
                    actor: key.0.clone(),
                    verb,
                    tail: key.2.clone(),
                    named: Vec::new(),
                    seen: HashSet::new(),
                    count: 0,
                    counted,
                });
                self.index.insert(key, self.phrases.len() - 1);
                self.phrases.len() - 1
            }
        };
        &mut self.phrases[at]
    }

    /// The whole line: phrases in first-seen order.
    pub fn text(&self) -> String {
        self.phrases
            .iter()
            .map(Phrase::text)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Starts over (the last news went away).
    pub fn clear(&mut self) {
        *self = News::default();
    }
}

/// One line for a batch of events: acts by the same person of the same kind share a phrase.
pub fn summary(events: &[&AuditEvent], me: &str) -> String {
    let owned: Vec<AuditEvent> = events.iter().map(|e| (*e).clone()).collect();
    let mut news = News::default();
    news.add(&owned, me);
    news.text()
}

/// The verb before the claim ids, what follows them, and whether the claims are counted rather
/// than named.
fn words(e: &AuditEvent, me: &str) -> (&'static str, String, bool) {
    let (verb, tail) = match &e.kind {
        EventKind::Taken { .. } => ("took", String::new()),
        EventKind::Reassigned { from, .. } if from == me => ("took", "from you".to_string()),
        EventKind::Reassigned { from, .. } => ("took", format!("from {from}")),
        EventKind::Released { .. } => ("released", String::new()),
        EventKind::Commented { .. } => ("commented on", String::new()),
        EventKind::InfoRequested { .. } => ("asked the partner for information on", String::new()),
        EventKind::ReviewStarted { .. } => ("started reviewing", String::new()),
        EventKind::Decided { outcome, .. } => match outcome {
            DecisionOutcome::Approved => ("approved", String::new()),
            DecisionOutcome::Rejected => ("rejected", String::new()),
            DecisionOutcome::Withdrawn => ("withdrew", String::new()),
        },
        EventKind::Overridden { findings, .. } if !findings.is_empty() => {
            ("approved over its error findings", String::new())
        }
        EventKind::Overridden { .. } => ("overrode the decision on", String::new()),
        EventKind::Assigned { to, .. } if to == me => ("assigned", "to you".to_string()),
        EventKind::Assigned { to, .. } => ("assigned", format!("to {to}")),
        EventKind::Imported { .. } => return ("imported", String::new(), true),
        EventKind::Generated { .. } => return ("generated", String::new(), true),
        EventKind::ReviewerAdded { after, .. } => ("added reviewer", after.login.clone()),
        EventKind::ReviewerDeactivated { login } => ("deactivated reviewer", login.clone()),
        EventKind::KeyAdded { login, .. } => ("registered an SSH key of", login.clone()),
        EventKind::KeyRemoved { login, .. } => ("removed an SSH key of", login.clone()),
        EventKind::TenantChanged { after, .. } => (
            "changed reference data of tenant",
            after.tenant_id.to_string(),
        ),
        EventKind::MpnChanged { after, .. } => {
            ("changed reference data of MPN", after.mpn_id.clone())
        }
        EventKind::AssociationChanged { after, .. } => (
            "changed the association of",
            format!("{} on tenant {}", after.product, after.tenant_id),
        ),
        EventKind::Replied { .. } => ("replied on", String::new()),
        EventKind::Withdrawn { .. } => ("withdrew", String::new()),
        EventKind::Disputed { .. } => ("disputed the decision on", String::new()),
        EventKind::DisputeResolved { outcome, .. } => match outcome {
            crate::model::DisputeOutcome::Upheld => {
                ("upheld the disputed decision on", String::new())
            }
            crate::model::DisputeOutcome::Overturned => {
                ("overturned the disputed decision on", String::new())
            }
        },
    };
    (verb, tail, false)
}
