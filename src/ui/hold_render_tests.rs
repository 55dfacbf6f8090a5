//! Holds on screen: who holds a row (`@bob`, only while the lease runs), the detail's lease
//! line, and who the reviewer is in the status bar.

use chrono::TimeDelta;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::{render, Theme};
use crate::app::fixtures::{claim_detail, counts, now, rows, state};
use crate::app::{update, Effect, Msg, State};
use crate::model::{Actor, Role};

fn screen(state: &mut State, w: u16, h: u16) -> String {
    let theme = Theme::by_name("dark").unwrap();
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    for _ in 0..2 {
        let mut viewport = state.viewport;
        terminal
            .draw(|f| viewport = render(f, state, &theme))
            .unwrap();
        if viewport != state.viewport {
            update(state, Msg::Viewport(viewport));
        }
    }
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// A queue whose first row bob holds for 10 more minutes and whose second row's lease ran out.
fn held_queue() -> State {
    let mut s = state();
    let mut page = rows(0, 20);
    page[0].assigned_to = Some("bob".into());
    page[0].held_until = Some(now() + TimeDelta::minutes(10));
    page[1].assigned_to = Some("carol".into());
    page[1].held_until = Some(now() - TimeDelta::minutes(1));
    for e in update(&mut s, Msg::Start) {
        match e {
            Effect::LoadQueue { req_id, .. } => {
                let result = Ok(page.clone());
                update(&mut s, Msg::QueueLoaded { req_id, result });
            }
            Effect::LoadCounts { req_id, .. } => {
                update(
                    &mut s,
                    Msg::CountsLoaded {
                        req_id,
                        result: Ok(counts()),
                    },
                );
            }
            _ => {}
        }
    }
    s
}

#[test]
fn a_row_shows_its_holder_only_while_the_lease_runs() {
    let mut s = held_queue();
    let text = screen(&mut s, 80, 24);
    let line = |id: &str| text.lines().find(|l| l.contains(id)).unwrap().to_string();
    assert!(line("CPOR-00001").contains("@bob"), "{text}");
    assert!(!line("CPOR-00002").contains("@carol"), "{text}");
    assert!(text.contains("held by bob"), "the preview says so:\n{text}");
    // Ten minutes on, bob's lease has run out too.
    update(&mut s, Msg::Tick(now() + TimeDelta::minutes(11)));
    let text = screen(&mut s, 80, 24);
    assert!(!text.contains("@bob"), "{text}");
}

#[test]
fn the_preview_tells_the_assignment_apart_from_the_hold() {
    let mut s = held_queue();
    s.queue.window.rows[0].assignee = Some("dave".into());
    let text = screen(&mut s, 120, 40);
    assert!(
        text.contains("held by bob") && text.contains("│assigned to dave"),
        "both, while bob's lease runs:\n{text}"
    );
    // Once bob's lease has run out the claim is still dave's.
    update(&mut s, Msg::Tick(now() + TimeDelta::minutes(11)));
    let text = screen(&mut s, 120, 40);
    assert!(text.contains("assigned to dave"), "{text}");
    assert!(!text.contains("held by bob"), "{text}");
}

#[test]
fn the_status_bar_names_the_reviewer_and_role() {
    let mut s = held_queue();
    s.holds.actor = Some(Actor {
        login: "alice".into(),
        role: Role::Lead,
        open_mode: false,
        via: None,
    });
    let text = screen(&mut s, 120, 40);
    assert!(text.contains(" alice (lead) "), "{text}");
    s.holds.actor = Some(Actor {
        login: "alice".into(),
        role: Role::Lead,
        open_mode: true,
        via: None,
    });
    let text = screen(&mut s, 120, 40);
    assert!(text.contains("alice · single-reviewer mode"), "{text}");
}

#[test]
fn the_detail_tells_how_long_the_hold_lasts() {
    let mut s = held_queue();
    let effects = update(
        &mut s,
        Msg::Key(crate::app::Key::plain(crate::app::KeyCode::Enter)),
    );
    let mut detail = claim_detail();
    detail.view.assigned_to = Some("bob".into());
    detail.view.held_until = Some(now() + TimeDelta::minutes(25));
    for e in effects {
        if let Effect::LoadClaim { req_id, .. } = e {
            let result = Ok(Some(Box::new(detail.clone())));
            update(&mut s, Msg::ClaimLoaded { req_id, result });
        }
    }
    let text = screen(&mut s, 120, 40);
    // The hold is told apart from the lead's assignment (alice's, in the fixture).
    assert!(
        text.contains("Held by       bob until 2026-11-05 20:25 UTC"),
        "{text}"
    );
    assert!(text.contains("Assigned to   alice"), "{text}");
}
