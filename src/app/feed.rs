//! Others' acts in words: the change feed's audit events become a brief status-bar line
//! ("bob took C-12", "carol approved C-7"). The reviewer's own events reload the screen like any
//! other but are not told: they saw their own act.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use super::msg::Msg;
use super::state::State;
use crate::domain::DecisionOutcome;
use crate::model::{AuditEvent, Change, EventKind};

/// How long the news stays in the status bar (a key press clears it sooner).
pub const NEWS_FOR: TimeDelta = TimeDelta::seconds(8);

/// Claim ids named in one piece of news before "and N more".
const IDS_SHOWN: usize = 3;

/// The messages the runtime delivers for one report of `Store::watch`.
pub fn msgs(change: Change) -> Vec<Msg> {
    match change {
        Change::Online => vec![Msg::StoreOffline(None)],
        Change::Offline(reason) => vec![Msg::StoreOffline(Some(reason))],
        Change::Events(events) => {
            // An event not tied to one claim (a bulk load) may have changed anything.
            let ids: Option<Vec<String>> = events.iter().map(|e| e.claim_id.clone()).collect();
            vec![
                Msg::StoreChanged {
                    claim_ids: ids.unwrap_or_default(),
                },
                Msg::Activity(events),
            ]
        }
    }
}

/// Tells others' acts in the status bar; the reviewer's own are skipped. Claims this session
/// held that someone else took or released are no longer renewed.
pub fn activity(state: &mut State, events: &[AuditEvent]) {
    let me = state.reviewer.as_str();
    let others: Vec<&AuditEvent> = events.iter().filter(|e| e.actor != me).collect();
    for e in &others {
        if e.kind.moves_hold() {
            if let Some(id) = &e.claim_id {
                state.holds.held.remove(id);
            }
        }
    }
    if others.is_empty() {
        return;
    }
    // News still on screen grows rather than being replaced (`n` on a contest is two events).
    let showing = matches!((&state.holds.news, &state.notice), (Some((news, _)), Some(shown)) if news == shown);
    if !showing {
        state.holds.news_events.clear();
    }
    state.holds.news_events.extend(others.into_iter().cloned());
    let all: Vec<&AuditEvent> = state.holds.news_events.iter().collect();
    let text = summary(&all, &state.reviewer);
    state.notice = Some(text.clone());
    state.holds.news = Some((text, state.now + NEWS_FOR));
}

/// Clears the news once its time is up (unless something else has replaced it).
pub fn fade(state: &mut State) {
    let Some((text, until)) = &state.holds.news else {
        return;
    };
    if state.now >= *until {
        if state.notice.as_deref() == Some(text.as_str()) {
            state.notice = None;
        }
        state.holds.news = None;
        state.holds.news_events.clear();
    }
}

/// One line for a batch of events: acts by the same person of the same kind share a phrase.
pub fn summary(events: &[&AuditEvent], me: &str) -> String {
    // (actor, verb, tail) -> claim ids, in first-seen order.
    let mut order: Vec<(String, String, String)> = Vec::new();
    let mut ids: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for e in events {
        let (verb, tail) = words(e, me);
        let key = (e.actor.clone(), verb, tail);
        if !ids.contains_key(&key) {
            order.push(key.clone());
        }
        let list = ids.entry(key).or_default();
        if let Some(id) = &e.claim_id {
            if !list.contains(id) {
                list.push(id.clone());
            }
        }
    }
    let phrases: Vec<String> = order
        .into_iter()
        .map(|key| {
            let list = ids.remove(&key).unwrap_or_default();
            let (actor, verb, tail) = key;
            let mut named = list
                .iter()
                .take(IDS_SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if list.len() > IDS_SHOWN {
                named.push_str(&format!(" and {} more", list.len() - IDS_SHOWN));
            }
            [actor, verb, named, tail]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    phrases.join("; ")
}

/// The verb before the claim ids and what follows them, e.g. ("took", "from you").
fn words(e: &AuditEvent, me: &str) -> (String, String) {
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
        EventKind::Overridden { .. } => ("overrode the decision on", String::new()),
        EventKind::Imported { .. } => ("imported", String::new()),
        EventKind::Generated { .. } => ("generated claims", String::new()),
        EventKind::ReviewerAdded { after, .. } => ("added reviewer", after.login.clone()),
        EventKind::ReviewerDeactivated { login } => ("deactivated reviewer", login.clone()),
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
    };
    (verb.to_string(), tail)
}
