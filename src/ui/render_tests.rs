//! Whole-screen snapshots of every screen in ratatui's `TestBackend` (80x24 and 120x40, dark and
//! mono), plus style checks where colour carries meaning (text snapshots do not see colour).

use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

use super::{render, Theme};
use crate::app::fixtures::{claim_detail, counts, rows, state};
use crate::app::{update, Effect, Key, KeyCode, Msg, State};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const THEMES: [&str; 2] = ["dark", "mono"];

/// Renders twice (the first frame reports the geometry back, as the runtime does).
pub(super) fn draw(state: &mut State, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    for _ in 0..2 {
        let mut viewport = state.viewport;
        terminal
            .draw(|f| viewport = render(f, state, theme))
            .unwrap();
        if viewport != state.viewport {
            update(state, Msg::Viewport(viewport));
        }
    }
    terminal
}

/// A queue with 60 claims loaded and counts in.
fn queue_state() -> State {
    let mut s = state();
    let effects = update(&mut s, Msg::Start);
    answer(&mut s, effects, 60);
    s
}

fn answer(s: &mut State, effects: Vec<Effect>, n: usize) {
    for e in effects {
        match e {
            Effect::LoadQueue { req_id, .. } | Effect::ReloadQueueFrom { req_id, .. } => {
                let more = update(
                    s,
                    Msg::QueueLoaded {
                        req_id,
                        result: Ok(rows(0, n)),
                    },
                );
                // The counts are asked for once the first rows are in.
                let counts: Vec<Effect> = more
                    .into_iter()
                    .filter(|e| matches!(e, Effect::LoadCounts { .. }))
                    .collect();
                answer(s, counts, n);
            }
            Effect::LoadCounts { req_id, .. } => {
                update(
                    s,
                    Msg::CountsLoaded {
                        req_id,
                        result: Ok(counts()),
                    },
                );
            }
            Effect::LoadClaim { req_id, .. } => {
                update(
                    s,
                    Msg::ClaimLoaded {
                        req_id,
                        result: Ok(Some(Box::new(claim_detail()))),
                    },
                );
            }
            Effect::LoadDraft { req_id, .. } => {
                update(
                    s,
                    Msg::DraftLoaded {
                        req_id,
                        result: Ok(None),
                    },
                );
            }
            // Typing has paused: the filter applies.
            Effect::SettleFilter { req_id, .. } => {
                let effects = update(s, Msg::FilterSettled { req_id });
                answer(s, effects, n);
            }
            // Writes are not part of these screens.
            _ => {}
        }
    }
}

fn key(s: &mut State, k: Key) {
    let effects = update(s, Msg::Key(k));
    answer(s, effects, 3);
}

fn snapshot_all(name: &str, setup: impl Fn() -> State) {
    for (w, h) in SIZES {
        for theme in THEMES {
            let mut s = setup();
            let t = Theme::by_name(theme).unwrap();
            let terminal = draw(&mut s, &t, w, h);
            insta::assert_snapshot!(format!("{name}_{w}x{h}_{theme}"), terminal.backend());
        }
    }
}

#[test]
fn queue() {
    snapshot_all("queue", || {
        let mut s = queue_state();
        for _ in 0..3 {
            key(&mut s, Key::ch('j'));
        }
        s
    });
}

#[test]
fn queue_loading() {
    snapshot_all("queue_loading", || {
        let mut s = state();
        update(&mut s, Msg::Start);
        s
    });
}

#[test]
fn queue_filtering() {
    snapshot_all("queue_filter", || {
        let mut s = queue_state();
        key(&mut s, Key::ch('/'));
        for c in "contoso".chars() {
            key(&mut s, Key::ch(c));
        }
        s
    });
}

#[test]
fn queue_empty() {
    snapshot_all("queue_empty", || {
        let mut s = state();
        let effects = update(&mut s, Msg::Start);
        answer(&mut s, effects, 0);
        s
    });
}

#[test]
fn detail() {
    snapshot_all("detail", || {
        let mut s = queue_state();
        key(&mut s, Key::ch('j'));
        key(&mut s, Key::plain(KeyCode::Enter));
        s
    });
}

#[test]
fn detail_scrolled_to_the_end() {
    snapshot_all("detail_end", || {
        let mut s = queue_state();
        key(&mut s, Key::plain(KeyCode::Enter));
        // The geometry is known after one frame; then `G` scrolls to the end.
        let t = Theme::by_name("mono").unwrap();
        let (w, h) = (80, 24);
        draw(&mut s, &t, w, h);
        key(&mut s, Key::ch('G'));
        s
    });
}

#[test]
fn help() {
    snapshot_all("help", || {
        let mut s = queue_state();
        key(&mut s, Key::ch('?'));
        s
    });
}

/// Help opened from each context that has a help key lists that context's keys first.
#[test]
fn help_by_context() {
    let dark = Theme::by_name("dark").unwrap();
    let f1 = Key::plain(KeyCode::F(1));
    let cases: Vec<(&str, State)> = vec![
        ("queue", {
            let mut s = queue_state();
            key(&mut s, Key::ch('?'));
            s
        }),
        ("filter", {
            let mut s = queue_state();
            key(&mut s, Key::ch('/'));
            key(&mut s, f1);
            s
        }),
        ("detail", {
            let mut s = queue_state();
            key(&mut s, Key::plain(KeyCode::Enter));
            key(&mut s, Key::ch('?'));
            s
        }),
        ("compare", {
            let mut s = compare_state(2);
            key(&mut s, Key::ch('?'));
            s
        }),
        ("editor", {
            let mut s = compare_state(2);
            key(&mut s, Key::ch('m'));
            key(&mut s, f1);
            s
        }),
        ("poe", {
            let mut s = compare_state(2);
            key(&mut s, Key::plain(KeyCode::Enter));
            key(&mut s, Key::ch('?'));
            s
        }),
        ("info_scope", {
            let mut s = compare_state(2);
            key(&mut s, Key::ch('r'));
            assert!(s.info_scope());
            key(&mut s, Key::ch('?'));
            s
        }),
        ("confirm", {
            // Esc on typed text asks whether to discard it.
            let mut s = compare_state(2);
            key(&mut s, Key::ch('m'));
            key(&mut s, Key::ch('x'));
            key(&mut s, Key::plain(KeyCode::Esc));
            assert!(s.confirm().is_some(), "asked to discard");
            key(&mut s, f1);
            s
        }),
        ("picker", {
            // The template picker over the editor: help covers both, the templates come back.
            let mut s = compare_state(2);
            key(&mut s, Key::ch('m'));
            key(&mut s, Key::ctrl('p'));
            assert!(s.picker().is_some(), "the templates show");
            key(&mut s, Key::ch('?'));
            s
        }),
        ("assign", {
            let mut s = queue_state();
            key(&mut s, Key::ch('A'));
            assert_eq!(s.context(), crate::app::Context::Assign);
            key(&mut s, f1);
            s
        }),
        ("dashboard", {
            let mut s = queue_state();
            key(&mut s, Key::ch('D'));
            assert_eq!(s.context(), crate::app::Context::Dashboard);
            key(&mut s, Key::ch('?'));
            s
        }),
    ];
    for (name, mut s) in cases {
        assert!(s.help().is_some(), "{name}: help opened");
        let terminal = draw(&mut s, &dark, 100, 40);
        insta::assert_snapshot!(format!("help_from_{name}"), terminal.backend());
    }
}

#[test]
fn too_small() {
    let mut s = queue_state();
    let terminal = draw(&mut s, &Theme::by_name("dark").unwrap(), 50, 12);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn sla_and_selection_carry_style_as_well_as_symbols() {
    let mut s = queue_state();
    let dark = Theme::by_name("dark").unwrap();
    let terminal = draw(&mut s, &dark, 80, 24);
    let buf = terminal.backend().buffer();
    // Row 3 is the first claim: selected (a reversed ▶), breached (✗, light red).
    let marker = &buf[(0, 3)];
    assert_eq!(marker.symbol(), "▶");
    assert!(marker.modifier.contains(Modifier::REVERSED));
    let sla = &buf[(2, 3)];
    assert_eq!(sla.symbol(), "✗");
    assert_eq!(sla.fg, Color::LightRed);
    // Row 4: not selected, still breached.
    assert_eq!(buf[(0, 4)].symbol(), " ");
    assert!(!buf[(0, 4)].modifier.contains(Modifier::REVERSED));
    assert_eq!(buf[(2, 4)].symbol(), "✗");

    let mono = Theme::by_name("mono").unwrap();
    let terminal = draw(&mut s, &mono, 80, 24);
    let buf = terminal.backend().buffer();
    for y in 0..24 {
        for x in 0..80 {
            let cell = &buf[(x, y)];
            assert!(
                matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
                "mono paints no colour, but ({x},{y}) has {:?}/{:?}",
                cell.fg,
                cell.bg
            );
        }
    }
    assert!(
        buf[(2, 4)].modifier.contains(Modifier::BOLD),
        "breached is bold in mono"
    );
}

/// The compare view of a contest of `n` parties, opened on row 1 (`CPOR-00002`).
fn compare_state(n: usize) -> State {
    let mut s = queue_state();
    key(&mut s, Key::ch('j'));
    let effects = update(&mut s, Msg::Key(Key::ch('c')));
    for e in effects {
        if let Effect::LoadCompare { req_id, .. } = e {
            update(
                &mut s,
                Msg::CompareLoaded {
                    req_id,
                    result: Ok(crate::app::fixtures::contest(n)),
                },
            );
        }
    }
    s
}

const COMPARE_SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[test]
fn compare() {
    let mono = Theme::by_name("mono").unwrap();
    for n in [2, 3, 5] {
        for (w, h) in COMPARE_SIZES {
            let mut s = compare_state(n);
            if n == 5 {
                // Focus on the last party: the view has scrolled sideways.
                for _ in 0..3 {
                    key(&mut s, Key::ch('l'));
                }
            }
            let terminal = draw(&mut s, &mono, w, h);
            insta::assert_snapshot!(format!("compare_{n}_parties_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn compare_poe_in_full() {
    let mut s = compare_state(3);
    key(&mut s, Key::plain(KeyCode::Enter));
    let terminal = draw(&mut s, &Theme::by_name("mono").unwrap(), 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn editor() {
    let mono = Theme::by_name("mono").unwrap();
    // An information request to every party, with text typed.
    let mut s = compare_state(3);
    key(&mut s, Key::ch('r'));
    key(&mut s, Key::ch('a'));
    for c in "Please send a PoE signed by the customer.".chars() {
        key(&mut s, Key::ch(c));
    }
    for (w, h) in COMPARE_SIZES {
        let terminal = draw(&mut s, &mono, w, h);
        insta::assert_snapshot!(format!("editor_info_{w}x{h}"), terminal.backend());
    }
    // A comment, internal, with the template picker open.
    let mut s = compare_state(2);
    key(&mut s, Key::ch('m'));
    key(&mut s, Key::ctrl('p'));
    let terminal = draw(&mut s, &mono, 80, 24);
    insta::assert_snapshot!("editor_templates_80x24", terminal.backend());
}

#[test]
fn decision_confirmation() {
    let mut s = compare_state(3);
    key(&mut s, Key::ch('a'));
    for c in "Most recent valid PoE.".chars() {
        key(&mut s, Key::ch(c));
    }
    for _ in 0..3 {
        key(&mut s, Key::ctrl('s'));
    }
    assert!(s.confirm().is_some());
    let terminal = draw(&mut s, &Theme::by_name("mono").unwrap(), 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn differing_fields_are_marked_in_colour_and_with_a_symbol() {
    let mut s = compare_state(3);
    let dark = Theme::by_name("dark").unwrap();
    let terminal = draw(&mut s, &dark, 80, 24);
    let buf = terminal.backend().buffer();
    let row = (0..24)
        .find(|y| {
            (0..80)
                .map(|x| buf[(x, *y)].symbol().to_string())
                .collect::<String>()
                .contains("≠ Activity")
        })
        .expect("the activity differs between the parties");
    assert_eq!(buf[(1, row)].fg, dark.contested.fg.unwrap());
}

#[test]
fn compare_marks_what_differs_but_not_a_guids_spelling_and_says_more_when_narrow() {
    let mut s = compare_state(3);
    if let Some(c) = s.compare.as_mut() {
        if let crate::app::Loadable::Loaded(views) = &mut c.parties {
            let guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
            views[0].claim.subscription_id = Some(guid.to_uppercase());
            views[1].claim.subscription_id = Some(guid.into());
            views[2].claim.subscription_id = Some(format!("{{{guid}}}"));
        }
    }
    let dark = Theme::by_name("dark").unwrap();
    let terminal = draw(&mut s, &dark, 64, 30);
    let text: Vec<String> = (0..30)
        .map(|y| {
            (0..64)
                .map(|x| terminal.backend().buffer()[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();
    let all = text.join("\n");
    assert!(
        all.contains("1 more"),
        "a party out of view is announced:\n{all}"
    );
    for field in ["Partner", "MPN", "Claim", "SLA", "PoE 1"] {
        assert!(
            text.iter().any(|l| l.contains(&format!("≠ {field}"))),
            "{field} differs:\n{all}"
        );
    }
    assert!(
        text.iter().any(|l| l.contains("  Subscriptio")),
        "one GUID spelt three ways is no difference:\n{all}"
    );
}

/// A contest opened after an approval: the incumbent's approved claim (`CPOR-00001`) is a party
/// with its PoE, marked as the incumbent; each party's latest PoE leads, the newest starred.
#[test]
fn compare_shows_the_incumbents_claim_and_the_latest_poe() {
    let mut s = compare_state(3);
    if let Some(c) = s.compare.as_mut() {
        if let crate::app::Loadable::Loaded(views) = &mut c.parties {
            let association = crate::domain::Association {
                tenant_id: views[0].claim.customer.tenant_id,
                product: views[0].claim.product.clone(),
                mpn_id: views[0].claim.partner.mpn_id.clone(),
                claim_id: Some(views[0].claim.claim_id.clone()),
            };
            let holder = views[0].claim.partner.name.clone();
            views[0].claim.status = crate::domain::Status::Approved;
            for (i, v) in views.iter_mut().enumerate() {
                v.association = Some((association.clone(), Some(holder.clone())));
                if i > 0 {
                    v.incumbent_mpn_id = Some(association.mpn_id.clone());
                }
            }
        }
    }
    let terminal = draw(&mut s, &Theme::by_name("mono").unwrap(), 160, 48);
    insta::assert_snapshot!(terminal.backend());
    let all: String = (0..48)
        .map(|y| {
            (0..160)
                .map(|x| terminal.backend().buffer()[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(all.contains("★ Contoso Consulting"), "{all}");
    assert!(all.contains("incumbent (associated)"), "{all}");
    assert!(
        !all.contains("no claim here"),
        "the incumbent is one party: {all}"
    );
    assert!(
        all.contains("2026-10-30 (the contest's newest)") && !all.contains("★ 2026-10-30"),
        "the contest's newest PoE, not marked as the incumbent is: {all}"
    );
    assert!(
        all.contains("▲ 2026-10-30"),
        "a party's latest PoE first: {all}"
    );
}

/// `A` as a lead: the picker of active reviewers over the queue.
#[test]
fn the_assign_picker_lists_active_reviewers() {
    use crate::model::{Reviewer, Role};
    let mut s = queue_state();
    let effects = update(&mut s, Msg::Key(Key::ch('A')));
    let req_id = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadReviewers { req_id } => Some(*req_id),
            _ => None,
        })
        .expect("the reviewers are read");
    let reviewer = |login: &str, role: Role, active: bool| Reviewer {
        login: login.into(),
        display_name: login.to_uppercase(),
        role,
        active,
    };
    update(
        &mut s,
        Msg::ReviewersLoaded {
            req_id,
            result: Ok(vec![
                reviewer("alice", Role::Lead, true),
                reviewer("bob", Role::Reviewer, true),
                reviewer("feed", Role::Integration, true),
                reviewer("zoe", Role::Reviewer, false),
            ]),
        },
    );
    key(&mut s, Key::ch('j'));
    let terminal = draw(&mut s, &Theme::by_name("mono").unwrap(), 80, 24);
    insta::assert_snapshot!(terminal.backend());
    let effects = update(&mut s, Msg::Key(Key::plain(KeyCode::Enter)));
    assert!(
        matches!(effects.as_slice(), [Effect::Assign { to, claim_id, .. }] if to == "bob" && claim_id == "CPOR-00001"),
        "{effects:?}"
    );
}

#[test]
fn a_disputed_claims_sla_line_is_due_when_the_dispute_must_be_decided() {
    use crate::app::view::Loadable;
    use crate::domain::{Decision, DecisionOutcome, DisputeNote, Status};
    let mut s = queue_state();
    key(&mut s, Key::plain(KeyCode::Enter));
    let now = s.now;
    let Some(Loadable::Loaded(Some(detail))) = s.detail.as_mut().map(|d| &mut d.claim) else {
        panic!("the detail is loaded");
    };
    // Filed weeks ago, so its review deadline is long past; disputed yesterday.
    detail.view.claim.submitted_at = now - chrono::TimeDelta::days(30);
    detail.view.claim.status = Status::Disputed;
    detail.view.decision = Some(Decision {
        outcome: DecisionOutcome::Rejected,
        by: "bob".into(),
        at: now - chrono::TimeDelta::days(2),
        reason: "Insufficient PoE".into(),
    });
    detail.view.clock.dispute = Some(DisputeNote {
        dispute_id: "D-1".into(),
        at: now - chrono::TimeDelta::days(1),
        body: "We did the work".into(),
    });
    let theme = Theme::by_name("mono").unwrap();
    let terminal = draw(&mut s, &theme, 120, 40);
    let text: Vec<String> = terminal
        .backend()
        .buffer()
        .content()
        .chunks(120)
        .map(|row| row.iter().map(|c| c.symbol()).collect())
        .collect();
    let after = |line: &String, mark: &str| -> String {
        let at = line.find(mark).expect("the mark") + mark.len();
        line[at..].chars().take(20).collect()
    };
    let sla = text
        .iter()
        .find(|l| l.contains("SLA "))
        .expect("the SLA line");
    let again = text
        .iter()
        .find(|l| l.contains("decide again by "))
        .expect("the dispute line");
    assert_eq!(
        after(sla, "(due "),
        after(again, "decide again by "),
        "{sla}\n{again}"
    );
}

/// One partner's two claims in a contest (under two MPNs, one `partner_id`) are one party: one
/// column listing both claims, its latest PoE's claim first; the title, the request chooser's
/// count and a decision all go by party, and act on each of its claims.
#[test]
fn compare_folds_one_partners_claims_into_one_party() {
    let mut s = compare_state(4);
    if let Some(c) = s.compare.as_mut() {
        if let crate::app::Loadable::Loaded(views) = &mut c.parties {
            for i in [1, 3] {
                views[i].claim.partner.name = "Fabrikam Partners".into();
                if let Some(m) = views[i].facts.mpn.as_mut() {
                    m.partner_id = Some("P-FABRIKAM".into());
                }
            }
            views[3].claim.partner.mpn_id = "2000012".into();
            views[3].claim.poe[0].date = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        }
    }
    let text = screen_text(&mut s, 160, 48);
    assert!(text.contains("3 parties"), "{text}");
    assert!(
        text.contains("│▲ CPOR-00004 · Under review (2000012);")
            && text.contains("│CPOR-00002 · Under review (2000002)"),
        "{text}"
    );
    // The chooser counts parties; asking all asks every open claim of each.
    key(&mut s, Key::ch('r'));
    let text = screen_text(&mut s, 160, 48);
    assert!(text.contains("every party that can be asked (3)"), "{text}");
    key(&mut s, Key::ch('a'));
    let asked: Vec<String> = match s.editor().map(|e| &e.purpose) {
        Some(crate::app::view::Purpose::Info(rs)) => {
            rs.iter().map(|r| r.seen.claim_id.clone()).collect()
        }
        other => panic!("no request: {other:?}"),
    };
    assert_eq!(asked.len(), 4, "{asked:?}");
    // Asking the focused party asks both of its claims; naming its own other MPN is no leak,
    // naming another party's is.
    key(&mut s, Key::plain(KeyCode::Esc));
    key(&mut s, Key::ch('r'));
    key(&mut s, Key::ch('o'));
    let editor = s.editor_mut().expect("the request editor");
    match &editor.purpose {
        crate::app::view::Purpose::Info(rs) => assert_eq!(rs.len(), 2, "{rs:?}"),
        other => panic!("no request: {other:?}"),
    }
    editor.text = crate::app::view::TextBox::new("Your SOW under MPN 2000012 covers it");
    assert!(editor.leaks().is_empty(), "{:?}", editor.leaks());
    editor.text = crate::app::view::TextBox::new("MPN 1000001 filed a newer SOW");
    assert!(!editor.leaks().is_empty());
    // Rejecting the focused party rejects both of its claims, and only those.
    let mut s = compare_state(4);
    if let Some(c) = s.compare.as_mut() {
        if let crate::app::Loadable::Loaded(views) = &mut c.parties {
            for i in [1, 3] {
                if let Some(m) = views[i].facts.mpn.as_mut() {
                    m.partner_id = Some("P-FABRIKAM".into());
                }
            }
        }
    }
    key(&mut s, Key::ch('x'));
    let decided: Vec<String> = match s.editor().map(|e| &e.purpose) {
        Some(crate::app::view::Purpose::Decision(plan)) => plan
            .items
            .iter()
            .map(|p| p.recipient.seen.claim_id.clone())
            .collect(),
        other => panic!("no decision: {other:?}"),
    };
    // The focused claim comes last: an approval of a party makes its association with it.
    assert_eq!(decided, vec!["CPOR-00004", "CPOR-00002"]);
}

/// The screen as text, a line per row.
fn screen_text(s: &mut State, w: u16, h: u16) -> String {
    let terminal = draw(s, &Theme::by_name("mono").unwrap(), w, h);
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| terminal.backend().buffer()[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

/// A terminal whose locale is not UTF-8 gets every screen in ASCII: borders, ▶ ★ ▲ ≠ …, and
/// names with accents, with nothing above 0x7F in the frame; the same screens in Unicode do use
/// those glyphs.
#[test]
fn an_ascii_terminal_gets_every_screen_without_a_byte_above_0x7f() {
    use super::{render_for, Glyphs};
    let screens: Vec<(&str, State)> = vec![
        ("queue", {
            let mut s = queue_state();
            key(&mut s, Key::ch('j'));
            s
        }),
        ("detail", {
            let mut s = queue_state();
            key(&mut s, Key::plain(KeyCode::Enter));
            s
        }),
        ("compare", compare_state(3)),
        ("help", {
            let mut s = queue_state();
            key(&mut s, Key::ch('?'));
            s
        }),
        ("confirmation", {
            let mut s = compare_state(3);
            key(&mut s, Key::ch('a'));
            for c in "Most recent valid PoE.".chars() {
                key(&mut s, Key::ch(c));
            }
            for _ in 0..3 {
                key(&mut s, Key::ctrl('s'));
            }
            s
        }),
    ];
    let theme = Theme::by_name("dark").unwrap();
    for (name, mut s) in screens {
        let unicode = draw(&mut s, &theme, 120, 40);
        let cells = |t: &Terminal<TestBackend>| -> String {
            t.backend()
                .buffer()
                .content()
                .iter()
                .map(|c| c.symbol().to_string())
                .collect()
        };
        assert!(!cells(&unicode).is_ascii(), "{name} drew no Unicode at all");
        let mut ascii = Terminal::new(TestBackend::new(120, 40)).unwrap();
        ascii
            .draw(|f| {
                render_for(f, &s, &theme, Glyphs::Ascii);
            })
            .unwrap();
        let text = cells(&ascii);
        assert!(
            text.bytes().all(|b| b < 0x80),
            "{name}: {:?}",
            text.chars().filter(|c| !c.is_ascii()).collect::<String>()
        );
        // Same layout: the ASCII frame differs only where the Unicode one was not ASCII.
        let same_layout = unicode
            .backend()
            .buffer()
            .content()
            .iter()
            .zip(ascii.backend().buffer().content())
            .all(|(u, a)| !u.symbol().is_ascii() || u.symbol() == a.symbol() || u.symbol() == " ");
        assert!(same_layout, "{name}: {}", ascii.backend());
    }
}
