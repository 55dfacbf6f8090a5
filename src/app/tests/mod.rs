//! `update` tests: feed messages, check the state and the effects returned.

mod arbitration;
mod feed;
mod holds;
mod screens;
mod window;

use super::fixtures::{counts, rows, state};
use super::keymap::Key;
use super::state::{State, Viewport, PAGE};
use super::{update, Effect, Msg};
use crate::model::{Anchor, QueueQuery};

pub(super) fn key(state: &mut State, k: Key) -> Vec<Effect> {
    update(state, Msg::Key(k))
}

pub(super) fn ch(state: &mut State, c: char) -> Vec<Effect> {
    key(state, Key::ch(c))
}

/// The single queue read among `effects`.
pub(super) fn queue_load(effects: &[Effect]) -> (u64, QueueQuery) {
    let loads: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadQueue { req_id, query } => Some((*req_id, query.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(loads.len(), 1, "expected one queue read in {effects:?}");
    loads[0].clone()
}

/// A started state showing rows `0..n` of a queue of `total` rows, 20 list rows on screen.
pub(super) fn started(n: usize, total: usize) -> State {
    let mut s = state();
    update(
        &mut s,
        Msg::Viewport(Viewport {
            list_rows: 20,
            detail_rows: 15,
            detail_max_scroll: 30,
            help_max_scroll: 5,
            ..Viewport::default()
        }),
    );
    let effects = update(&mut s, Msg::Start);
    let (req_id, query) = queue_load(&effects);
    assert_eq!(query.anchor, Anchor::First);
    assert_eq!(query.limit, PAGE);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadCounts { .. })),
        "the counts wait for the first rows"
    );
    let effects = update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(0, n.min(total))),
        },
    );
    let counts_req = match effects.as_slice() {
        [Effect::LoadCounts { req_id, .. }] => *req_id,
        _ => panic!("the counts, and no prefetch, right after the first page: {effects:?}"),
    };
    update(
        &mut s,
        Msg::CountsLoaded {
            req_id: counts_req,
            result: Ok(counts()),
        },
    );
    s
}

/// Another reviewer (bob) commented on `claim_id`: how the change feed reports it.
pub(super) fn changed(claim_id: &str) -> Msg {
    Msg::Changes(vec![crate::model::AuditEvent {
        id: 1,
        at: super::fixtures::now(),
        actor: "bob".into(),
        claim_id: Some(claim_id.into()),
        via: None,
        kind: crate::model::EventKind::Commented {
            visibility: crate::domain::Visibility::Internal,
            body: "seen".into(),
        },
    }])
}
