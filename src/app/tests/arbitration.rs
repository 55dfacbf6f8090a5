//! Compare, editor, drafts, the confidentiality guard, decisions and refused writes.

use super::super::fixtures::contest;
use super::super::keymap::{Key, KeyCode};
use super::super::msg::{WriteError, WriteErrorKind};
use super::super::state::{Screen, State, Viewport};
use super::super::view::{DraftState, Purpose};
use super::super::{update, Effect, Msg};
use super::{ch, key, started};
use crate::domain::{DecisionOutcome, Visibility};
use crate::model::{ClaimView, Draft};

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    no_draft(s);
    key(s, Key::ctrl(c))
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    no_draft(s);
    text.chars().flat_map(|c| ch(s, c)).collect()
}

/// The editor's draft read answers "none" (keys typed before it wait for it).
fn no_draft(s: &mut State) {
    let req = s.editor().and_then(|e| match e.draft {
        crate::app::view::DraftState::Loading(r) => Some(r),
        _ => None,
    });
    if let Some(req_id) = req {
        update(
            s,
            Msg::DraftLoaded {
                req_id,
                result: Ok(None),
            },
        );
    }
}

fn compare_req(effects: &[Effect]) -> Option<(u64, Vec<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::LoadCompare { req_id, claim_ids }
        | Effect::LoadGuardParties { req_id, claim_ids } => Some((*req_id, claim_ids.clone())),
        _ => None,
    })
}

/// The compare view on row 1 (`CPOR-00002`) of a contest of `n` parties, three columns wide.
fn comparing(n: usize) -> State {
    let mut s = started(10, 10);
    update(
        &mut s,
        Msg::Viewport(Viewport {
            list_rows: 20,
            compare_columns: 3,
            compare_max_scroll: 12,
            ..Viewport::default()
        }),
    );
    ch(&mut s, 'j');
    let (req_id, ids) = compare_req(&ch(&mut s, 'c')).expect("c reads the contest");
    assert_eq!(ids, vec!["CPOR-00002".to_string()]);
    update(
        &mut s,
        Msg::CompareLoaded {
            req_id,
            result: Ok(contest(n)),
        },
    );
    s
}

fn focus(s: &State) -> usize {
    s.compare.as_ref().map(|c| c.focus).unwrap()
}

fn text(s: &State) -> String {
    s.editor().map(|e| e.text.text()).unwrap_or_default()
}

#[test]
fn compare_opens_only_on_a_contest_and_moves_the_focus_between_parties() {
    let mut s = started(10, 10);
    assert!(ch(&mut s, 'c').is_empty(), "row 0 is not contested");
    assert!(s.notice.as_deref().unwrap().contains("not contested"));
    assert_eq!(s.screen, Screen::Queue);

    let mut s = comparing(3);
    assert_eq!(s.screen, Screen::Compare);
    assert_eq!(focus(&s), 1, "focus starts on the claim it was opened on");
    // A late answer for an older read is dropped.
    update(
        &mut s,
        Msg::CompareLoaded {
            req_id: 1,
            result: Ok(contest(2)),
        },
    );
    assert_eq!(s.compare.as_ref().unwrap().columns().len(), 3);
    ch(&mut s, 'l');
    ch(&mut s, 'l');
    assert_eq!(focus(&s), 2, "the focus stops at the last party");
    key(&mut s, Key::plain(KeyCode::Left));
    assert_eq!(focus(&s), 1);
    key(&mut s, Key::plain(KeyCode::Enter));
    assert!(s.compare.as_ref().unwrap().poe_open);
    key(&mut s, Key::plain(KeyCode::Esc));
    assert!(!s.compare.as_ref().unwrap().poe_open);
    ch(&mut s, 'j');
    assert_eq!(s.compare.as_ref().unwrap().scroll, 1);
    ch(&mut s, 'q');
    assert_eq!(s.screen, Screen::Queue);
    assert!(s.compare.is_none());
}

#[test]
fn past_three_parties_the_view_scrolls_sideways() {
    let mut s = comparing(5);
    for _ in 0..3 {
        ch(&mut s, 'l');
    }
    let c = s.compare.as_ref().unwrap();
    assert_eq!((c.focus, c.first_column), (4, 2));
    for _ in 0..4 {
        ch(&mut s, 'h');
    }
    let c = s.compare.as_ref().unwrap();
    assert_eq!((c.focus, c.first_column), (0, 0));
}

#[test]
fn a_comment_toggles_visibility_takes_templates_and_is_sent_at_the_version_seen() {
    let mut s = comparing(3);
    let effects = ch(&mut s, 'm');
    assert!(effects.iter().any(|e| matches!(e,
        Effect::LoadDraft { key, login, .. } if key == "comment:CPOR-00002" && login == "alice")));
    let e = s.editor().unwrap();
    assert_eq!(e.visibility, Visibility::Internal, "internal until toggled");
    assert!(!e.partner_visible());
    ctrl(&mut s, 't');
    assert!(s.editor().unwrap().partner_visible());
    // Keys that mean something on the screen are text in the editor.
    typed(&mut s, "hl? ");
    assert_eq!(text(&s), "hl? ");
    assert_eq!(focus(&s), 1);
    ctrl(&mut s, 'p');
    assert_eq!(s.picker(), Some(0));
    ch(&mut s, 'j');
    key(&mut s, Key::plain(KeyCode::Enter));
    assert!(text(&s).starts_with("hl? The proof of execution you attached is not signed"));
    let effects = ctrl(&mut s, 's');
    let sent = effects.iter().find_map(|e| match e {
        Effect::PostComment {
            seen,
            visibility,
            body,
            ..
        } => Some((seen.clone(), *visibility, body.clone())),
        _ => None,
    });
    let (seen, visibility, body) = sent.expect("Ctrl-S posts the comment");
    assert_eq!((seen.claim_id.as_str(), seen.version), ("CPOR-00002", 2));
    assert_eq!(visibility, Visibility::Partner);
    assert_eq!(body, text(&s));
    assert!(
        ctrl(&mut s, 's').is_empty(),
        "no second send while one is in flight"
    );
}

#[test]
fn the_guard_warns_before_naming_another_party_and_defaults_to_no() {
    let mut s = comparing(3);
    ch(&mut s, 'r');
    assert!(s.info_scope());
    let effects = ch(&mut s, 'a');
    assert!(effects.iter().any(|e| matches!(e,
        Effect::LoadDraft { key, .. } if key == "info:CPOR-00001,CPOR-00002,CPOR-00003")));
    assert!(matches!(&s.editor().unwrap().purpose, Purpose::Info(r) if r.len() == 3));
    typed(&mut s, "Fabrikam says it ran the workshop.");
    assert!(ctrl(&mut s, 's').is_empty(), "nothing is sent yet");
    let confirm = s.confirm().expect("a warning");
    assert!(
        confirm.lines[0].contains("Fabrikam Partners"),
        "{confirm:?}"
    );
    key(&mut s, Key::plain(KeyCode::Enter));
    assert!(
        s.confirm().is_none() && s.editor().is_some(),
        "Enter is No: back to editing"
    );
    ctrl(&mut s, 's');
    let effects = ch(&mut s, 'y');
    let requests = effects.iter().find_map(|e| match e {
        Effect::RequestInfo { requests, .. } => Some(requests.clone()),
        _ => None,
    });
    let requests = requests.expect("y sends anyway");
    assert_eq!(requests.len(), 3);
    assert!(requests
        .iter()
        .all(|r| r.body == "Fabrikam says it ran the workshop."));

    // Only the focused party with `o`; naming itself is no leak.
    let mut s = comparing(3);
    ch(&mut s, 'r');
    ch(&mut s, 'o');
    typed(&mut s, "Fabrikam Partners: please send the signed SOW.");
    let effects = ctrl(&mut s, 's');
    assert!(s.confirm().is_none());
    assert!(effects.iter().any(|e| matches!(e,
        Effect::RequestInfo { requests, .. } if requests.len() == 1 && requests[0].seen.claim_id == "CPOR-00002")));
}

#[test]
fn the_guard_catches_a_quoted_poe_and_an_mpn() {
    let mut s = comparing(3);
    ch(&mut s, 'm');
    ctrl(&mut s, 't');
    typed(
        &mut s,
        "They ran a two-day envisioning workshop with the customer; MPN 3000003.",
    );
    ctrl(&mut s, 's');
    let lines = &s.confirm().expect("warned").lines;
    assert!(
        lines.iter().any(|l| l.contains("quotes the PoE")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("3000003")), "{lines:?}");
    // Internal comments are not checked.
    ch(&mut s, 'n');
    ctrl(&mut s, 't');
    assert!(ctrl(&mut s, 's')
        .iter()
        .any(|e| matches!(e, Effect::PostComment { .. })));
}

#[test]
fn esc_asks_before_losing_text_and_discards_the_draft_on_yes() {
    let mut s = comparing(2);
    ch(&mut s, 'm');
    key(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.editor().is_none(), "an empty editor just closes");

    ch(&mut s, 'm');
    typed(&mut s, "half a thought");
    assert!(key(&mut s, Key::plain(KeyCode::Esc)).is_empty());
    assert!(s.confirm().is_some());
    ch(&mut s, 'n');
    assert_eq!(text(&s), "half a thought");
    key(&mut s, Key::plain(KeyCode::Esc));
    let effects = ch(&mut s, 'y');
    assert!(s.editor().is_none());
    assert!(effects.iter().any(|e| matches!(e,
        Effect::DiscardDraft { key, .. } if key == "comment:CPOR-00002")));
}

#[test]
fn drafts_are_saved_once_typing_pauses() {
    let mut s = comparing(2);
    ch(&mut s, 'm');
    no_draft(&mut s);
    let first = match ch(&mut s, 'a').as_slice() {
        [Effect::DraftTimer { token, after }] => {
            assert_eq!(after.as_millis(), 500);
            *token
        }
        other => panic!("expected a debounce timer, got {other:?}"),
    };
    let second = match ch(&mut s, 'b').as_slice() {
        [Effect::DraftTimer { token, .. }] => *token,
        other => panic!("expected a debounce timer, got {other:?}"),
    };
    assert!(update(&mut s, Msg::DraftDue { token: first }).is_empty());
    let effects = update(&mut s, Msg::DraftDue { token: second });
    assert!(matches!(effects.as_slice(),
        [Effect::SaveDraft { key, body, visibility: Visibility::Internal, .. }]
            if key == "comment:CPOR-00002" && body == "ab"));
    assert!(update(&mut s, Msg::DraftDue { token: second }).is_empty());
    assert_eq!(
        s.editor().unwrap().draft,
        DraftState::Saving,
        "saved only once the store says so"
    );
    update(
        &mut s,
        Msg::DraftStored {
            key: "comment:CPOR-00002".into(),
            body: "ab".into(),
            result: Ok(Some(1)),
        },
    );
    assert_eq!(s.editor().unwrap().draft, DraftState::Saved);
    update(
        &mut s,
        Msg::DraftStored {
            key: "comment:CPOR-00002".into(),
            body: "ab".into(),
            result: Err("database is locked".into()),
        },
    );
    assert!(s.notice.as_deref().unwrap().contains("not saved"));
    assert!(s.editor().unwrap().draft.unsaved());
    // The store is back: the text is saved again at once.
    update(&mut s, Msg::StoreOffline(Some("gone".into())));
    let effects = update(&mut s, Msg::StoreOffline(None));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::SaveDraft { body, .. } if body == "ab")));
    // Ctrl-c with unsaved text: the session saves it on the way out.
    ch(&mut s, 'c');
    ctrl(&mut s, 'c');
    assert!(s.quit);
    let effects = crate::app::closing(&mut s);
    assert!(matches!(effects.as_slice(), [Effect::SaveDraft { body, .. }] if body == "abc"));
    let _ = second;
}

#[test]
fn text_typed_while_the_store_is_offline_is_saved_once_it_is_back() {
    let mut s = comparing(2);
    ch(&mut s, 'm');
    no_draft(&mut s);
    update(&mut s, Msg::StoreOffline(Some("connection refused".into())));
    let token = match ch(&mut s, 'x').as_slice() {
        [Effect::DraftTimer { token, .. }] => *token,
        other => panic!("expected a debounce timer, got {other:?}"),
    };
    // The save is held back (nothing to write to), quietly; the text is marked unsaved.
    let effects = update(&mut s, Msg::DraftDue { token });
    assert!(effects.is_empty(), "{effects:?}");
    assert!(s.editor().unwrap().draft.unsaved());
    assert!(s.notice.is_none(), "{:?}", s.notice);
    // Back: saved at once.
    let effects = update(&mut s, Msg::StoreOffline(None));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::SaveDraft { body, .. } if body == "x")));
}

fn draft(body: &str, visibility: Visibility) -> Draft {
    Draft {
        key: "comment:CPOR-00002".into(),
        visibility,
        body: body.into(),
        saved_at: super::super::fixtures::now(),
        version: 3,
    }
}

/// Opens the comment editor on a draft saved at version 3, types `typed`, lets the debounce
/// run out: the save that goes out, with the version it expects to replace.
fn saving_over_a_draft(s: &mut State, typed_text: &str) -> Option<i64> {
    let req_id = ch(s, 'm')
        .iter()
        .find_map(|e| match e {
            Effect::LoadDraft { req_id, .. } => Some(*req_id),
            _ => None,
        })
        .unwrap();
    update(
        s,
        Msg::DraftLoaded {
            req_id,
            result: Ok(Some(draft("mine", Visibility::Internal))),
        },
    );
    typed(s, typed_text);
    let DraftState::Typed { token } = s.editor().unwrap().draft else {
        panic!("typed")
    };
    update(s, Msg::DraftDue { token })
        .into_iter()
        .find_map(|e| match e {
            Effect::SaveDraft { known, .. } => Some(known),
            _ => None,
        })
        .expect("a save")
}

#[test]
fn ctrl_l_and_ctrl_z_act_over_a_question_and_the_question_stays() {
    use crate::app::TerminalAct;
    let mut s = comparing(2);
    ch(&mut s, 'm');
    typed(&mut s, "x");
    key(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.confirm().is_some(), "asked to discard");
    let effects = key(&mut s, Key::ctrl('l'));
    assert_eq!(effects, vec![Effect::Terminal(TerminalAct::Redraw)]);
    assert!(s.confirm().is_some(), "still asked");
    let effects = key(&mut s, Key::ctrl('z'));
    assert_eq!(effects, vec![Effect::Terminal(TerminalAct::Suspend)]);
    assert!(s.confirm().is_some(), "still asked after a suspend");
    assert_eq!(text(&s), "x");
}

#[test]
fn help_over_the_template_picker_gives_the_picker_back() {
    let mut s = comparing(2);
    ch(&mut s, 'm');
    no_draft(&mut s);
    key(&mut s, Key::ctrl('p'));
    ch(&mut s, 'j');
    assert_eq!(s.picker(), Some(1));
    key(&mut s, Key::plain(KeyCode::F(1)));
    assert!(s.help().is_some());
    assert_eq!(s.help_context(), crate::app::Context::Picker);
    ch(&mut s, 'j');
    ch(&mut s, '?');
    assert_eq!(s.help(), None);
    assert_eq!(s.picker(), Some(1), "the picker back where it was");
}

#[test]
fn a_draft_changed_in_another_session_asks_and_keep_mine_saves_over_theirs() {
    let mut s = comparing(2);
    assert_eq!(saving_over_a_draft(&mut s, " and more"), Some(3));
    update(
        &mut s,
        Msg::DraftConflict {
            key: "comment:CPOR-00002".into(),
            theirs: "mine".into(),
            version: 5,
        },
    );
    let asked = s.confirm().expect("asked which text to keep");
    assert!(
        asked.title.contains("changed in another session"),
        "{asked:?}"
    );
    assert!(asked.lines[0].contains("\"mine\""), "{asked:?}");
    assert_eq!(
        text(&s),
        "mine and more",
        "nothing replaced before the choice"
    );
    let effects = ch(&mut s, 'y');
    assert!(
        effects.iter().any(|e| matches!(e,
            Effect::SaveDraft { body, known: Some(5), .. } if body == "mine and more")),
        "saved over their version: {effects:?}"
    );
    assert!(s.confirm().is_none());
    assert_eq!(text(&s), "mine and more");
}

#[test]
fn a_draft_changed_in_another_session_can_be_taken_instead() {
    let mut s = comparing(2);
    saving_over_a_draft(&mut s, " here");
    update(
        &mut s,
        Msg::DraftConflict {
            key: "comment:CPOR-00002".into(),
            theirs: "written there".into(),
            version: 4,
        },
    );
    let effects = key(&mut s, Key::plain(KeyCode::Esc));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SaveDraft { .. })),
        "taking theirs writes nothing: {effects:?}"
    );
    assert_eq!(text(&s), "written there");
    assert_eq!(s.editor().unwrap().draft, DraftState::Saved);
    // The next save goes on from their version.
    typed(&mut s, "!");
    let DraftState::Typed { token } = s.editor().unwrap().draft else {
        panic!("typed")
    };
    assert!(update(&mut s, Msg::DraftDue { token }).iter().any(
        |e| matches!(e, Effect::SaveDraft { known: Some(4), body, .. } if body == "written there!")
    ));
}

#[test]
fn reopening_the_editor_brings_the_draft_back_and_keys_typed_meanwhile_follow_it() {
    let mut s = comparing(2);
    let req_id = ch(&mut s, 'm')
        .iter()
        .find_map(|e| match e {
            Effect::LoadDraft { req_id, .. } => Some(*req_id),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Msg::DraftLoaded {
            req_id,
            result: Ok(Some(draft("kept across the crash", Visibility::Partner))),
        },
    );
    assert_eq!(text(&s), "kept across the crash");
    assert!(s.editor().unwrap().partner_visible());

    key(&mut s, Key::plain(KeyCode::Esc));
    ch(&mut s, 'y');
    let req_id = ch(&mut s, 'm')
        .iter()
        .find_map(|e| match e {
            Effect::LoadDraft { req_id, .. } => Some(*req_id),
            _ => None,
        })
        .unwrap();
    ch(&mut s, 'x');
    assert_eq!(
        text(&s),
        "",
        "a key typed before the draft arrives waits for it"
    );
    update(
        &mut s,
        Msg::DraftLoaded {
            req_id,
            result: Ok(Some(draft("old ", Visibility::Internal))),
        },
    );
    assert_eq!(text(&s), "old x", "the draft back, then what was typed");
}

/// Approve the focused party: reasons for each claim, then the confirmation.
fn approving(s: &mut State) {
    ch(s, 'a');
    let e = s.editor().unwrap();
    let Purpose::Decision(plan) = &e.purpose else {
        panic!("a decision")
    };
    let outcomes: Vec<_> = plan
        .items
        .iter()
        .map(|p| (p.recipient.seen.claim_id.as_str(), p.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("CPOR-00002", DecisionOutcome::Approved),
            ("CPOR-00001", DecisionOutcome::Rejected),
            ("CPOR-00003", DecisionOutcome::Rejected),
        ]
    );
    assert!(ctrl(s, 's').is_empty(), "a decision needs a reason");
    assert!(s.editor().unwrap().error.is_some());
    typed(s, "Most recent valid PoE.");
    let effects = ctrl(s, 's');
    assert!(effects.iter().any(|e| matches!(e,
        Effect::LoadDraft { key, .. } if key == "reason:CPOR-00001")));
    assert_eq!(text(s), "Lost in arbitration to another partner.");
    ctrl(s, 's');
    ctrl(s, 's');
}

#[test]
fn a_decision_confirms_every_claim_touched_and_defaults_to_no() {
    let mut s = comparing(3);
    approving(&mut s);
    let confirm = s.confirm().expect("a confirmation");
    let all = confirm.lines.join("\n");
    assert!(all.contains("CPOR-00002") && all.contains("APPROVED: Most recent valid PoE."));
    assert_eq!(all.matches("REJECTED: Lost in arbitration").count(), 2);
    assert!(key(&mut s, Key::plain(KeyCode::Enter)).is_empty());
    assert!(s.confirm().is_none(), "Enter is No");
    ctrl(&mut s, 's');
    assert!(ch(&mut s, 'n').is_empty());
    ctrl(&mut s, 's');
    let effects = ch(&mut s, 'y');
    let decisions = effects
        .iter()
        .find_map(|e| match e {
            Effect::Decide { decisions, .. } => Some(decisions.clone()),
            _ => None,
        })
        .expect("y decides");
    let got: Vec<_> = decisions
        .iter()
        .map(|d| (d.seen.claim_id.as_str(), d.seen.version, d.outcome))
        .collect();
    assert_eq!(
        got,
        vec![
            ("CPOR-00002", 2, DecisionOutcome::Approved),
            ("CPOR-00001", 1, DecisionOutcome::Rejected),
            ("CPOR-00003", 3, DecisionOutcome::Rejected),
        ]
    );
}

fn written(s: &mut State, result: Result<(), WriteError>) -> Vec<Effect> {
    let req_id = s
        .editor()
        .and_then(|e| e.sending)
        .expect("a write in flight");
    update(s, Msg::Written { req_id, result })
}

#[test]
fn a_stale_decision_writes_nothing_says_who_and_reloads() {
    let mut s = comparing(3);
    approving(&mut s);
    ch(&mut s, 'y');
    let effects = written(
        &mut s,
        Err(WriteError {
            kind: WriteErrorKind::Stale,
            message: "claim CPOR-00001 was changed by bob at 2026-11-05T19:00:00Z (commented); reload and try again".into(),
        }),
    );
    assert!(s.notice.as_deref().unwrap().contains("changed by bob"));
    assert!(s.editor().is_some(), "the reasons are kept");
    let (req_id, _) = compare_req(&effects).expect("the contest reloads");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::LoadCounts { .. })));
    // The reload brings bob's version; sending again acts on what is now on screen.
    let mut views: Vec<ClaimView> = contest(3);
    views[0].version = 9;
    update(
        &mut s,
        Msg::CompareLoaded {
            req_id,
            result: Ok(views),
        },
    );
    let Purpose::Decision(plan) = &s.editor().unwrap().purpose else {
        panic!("still deciding")
    };
    assert_eq!(plan.items[1].recipient.seen.version, 9);
}

#[test]
fn a_failed_write_keeps_the_text_and_says_so() {
    let mut s = comparing(2);
    ch(&mut s, 'm');
    typed(&mut s, "important");
    ctrl(&mut s, 's');
    let effects = written(
        &mut s,
        Err(WriteError {
            kind: WriteErrorKind::Failed,
            message: "database error: connection refused".into(),
        }),
    );
    assert!(effects.is_empty());
    assert_eq!(text(&s), "important");
    let error = s.editor().unwrap().error.clone().unwrap();
    assert!(
        error.contains("connection refused") && error.contains("kept"),
        "{error}"
    );
    // Sending again works once the database is back.
    ctrl(&mut s, 's');
    let effects = written(&mut s, Ok(()));
    assert!(s.editor().is_none());
    assert!(effects.iter().any(|e| matches!(e,
        Effect::DiscardDraft { key, .. } if key == "comment:CPOR-00002")));
    assert!(
        compare_req(&effects).is_some(),
        "the contest reloads after a write"
    );
    assert!(s.notice.as_deref().unwrap().contains("Comment"));
}

/// The detail screen of `CPOR-00002`, a party of a three-party contest.
fn contested_detail() -> State {
    let mut s = started(10, 10);
    ch(&mut s, 'j');
    let effects = key(&mut s, Key::plain(KeyCode::Enter));
    let req_id = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadClaim { req_id, .. } => Some(*req_id),
            _ => None,
        })
        .unwrap();
    let mut detail = super::super::fixtures::claim_detail();
    detail.view = contest(3)[1].clone();
    update(
        &mut s,
        Msg::ClaimLoaded {
            req_id,
            result: Ok(Some(Box::new(detail))),
        },
    );
    s
}

#[test]
fn on_the_detail_screen_r_asks_for_information_and_a_on_a_contest_goes_to_compare() {
    let mut s = contested_detail();
    let effects = ch(&mut s, 'r');
    assert!(matches!(&s.editor().unwrap().purpose, Purpose::Info(r) if r.len() == 1));
    assert!(
        compare_req(&effects).is_some(),
        "the contest is read for the guard"
    );
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::LoadQueue { .. })));
    key(&mut s, Key::plain(KeyCode::Esc));

    let effects = ch(&mut s, 'a');
    assert_eq!(s.screen, Screen::Compare);
    let (req_id, _) = compare_req(&effects).unwrap();
    update(
        &mut s,
        Msg::CompareLoaded {
            req_id,
            result: Ok(contest(3)),
        },
    );
    assert!(
        matches!(&s.editor().unwrap().purpose, Purpose::Decision(p) if p.items.len() == 3),
        "approve continues in compare"
    );
}

#[test]
fn a_burst_of_a_and_text_lands_in_the_reason_editor_of_the_intended_claim() {
    let mut s = contested_detail();
    // `a`, then the reason, typed before the contest is read: nothing acts as a command.
    let mut effects = ch(&mut s, 'a');
    effects.extend(typed(&mut s, "ntu quick"));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Hold(_))),
        "no take: {effects:?}"
    );
    assert_eq!(s.screen, Screen::Compare);
    let (req_id, _) = compare_req(&effects).unwrap();
    let effects = update(
        &mut s,
        Msg::CompareLoaded {
            req_id,
            result: Ok(contest(3)),
        },
    );
    assert!(!effects.iter().any(|e| matches!(e, Effect::Hold(_))));
    let draft_req = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadDraft { req_id, .. } => Some(*req_id),
            _ => None,
        })
        .expect("the reason's draft is read");
    update(
        &mut s,
        Msg::DraftLoaded {
            req_id: draft_req,
            result: Ok(None),
        },
    );
    let editor = s.editor().expect("the reason editor");
    assert!(
        matches!(&editor.purpose, Purpose::Decision(p) if p.items[0].recipient.seen.claim_id == "CPOR-00002")
    );
    assert_eq!(editor.text.text(), "ntu quick");
}

#[test]
fn a_paste_goes_to_the_focused_text_field_and_nowhere_else() {
    let mut s = started(10, 10);
    let effects = update(&mut s, Msg::Paste("tnnnt ".repeat(500)));
    assert!(
        effects.is_empty(),
        "a paste on the queue does nothing: {effects:?}"
    );
    assert!(s
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Pasted text ignored"));
    ch(&mut s, '/');
    update(&mut s, Msg::Paste("Contoso\nConsulting".into()));
    assert_eq!(s.queue.filter, "Contoso Consulting");
}

#[test]
fn a_confirmation_closes_with_what_changed_when_someone_else_decides_meanwhile() {
    let mut s = comparing(3);
    approving(&mut s);
    assert!(s.confirm().is_some());
    // bob approves CPOR-00002 meanwhile: the contest is re-read.
    let effects = update(&mut s, super::changed("CPOR-00002"));
    let (req_id, _) = compare_req(&effects).expect("the contest re-read");
    let mut views = contest(3);
    views[1].version += 1;
    views[1].claim.status = crate::domain::Status::Approved;
    update(
        &mut s,
        Msg::CompareLoaded {
            req_id,
            result: Ok(views),
        },
    );
    assert!(
        s.confirm().is_none(),
        "the question no longer says what would happen"
    );
    let error = s.editor().unwrap().error.clone().unwrap();
    assert!(error.contains("CPOR-00002 is now approved"), "{error}");
}

#[test]
fn help_over_a_question_keeps_the_question_for_when_it_closes() {
    let mut s = comparing(2);
    ch(&mut s, 'm');
    no_draft(&mut s);
    ch(&mut s, 'x');
    key(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.confirm().is_some(), "asked to discard");
    key(&mut s, Key::plain(KeyCode::F(1)));
    assert!(s.help().is_some());
    assert_eq!(s.help_context(), crate::app::Context::Confirm);
    // `y` in help is not a yes: nothing is discarded.
    ch(&mut s, 'y');
    assert!(s.editor().is_some());
    key(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.help().is_none());
    assert!(s.confirm().is_some(), "the question is back");
    ch(&mut s, 'y');
    assert!(s.editor().is_none(), "discarded once answered");

    // The scope question of an information request, likewise.
    let mut s = comparing(2);
    ch(&mut s, 'r');
    assert!(s.info_scope());
    ch(&mut s, '?');
    assert_eq!(s.help_context(), crate::app::Context::InfoScope);
    ch(&mut s, 'q');
    assert!(s.info_scope(), "back to the question");
}
