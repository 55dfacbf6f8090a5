//! The dashboard on screen: snapshots of every chart at 80x24 and 160x48 (dark and mono), the
//! cursor over a bar, and Enter opening the queue on the bar's claims.

use super::render_tests::draw;
use super::Theme;
use crate::app::fixtures::{now, state};
use crate::app::{update, Effect, Key, KeyCode, Msg, Screen, State};
use crate::model::{
    AgingBucket, Behind, Dashboard, OutcomeFigures, QueueTab, ReasonCount, ReviewerFigures,
    ReviewerPace, SlaFigures, SlaTab, WeekFigures, AGING_DAYS,
};
use chrono::{Days, TimeDelta};

/// Hand-made figures (what `Store::dashboard` would return).
pub fn figures() -> Dashboard {
    let t = now();
    let sla = |tab, on_time, warning, breached, due| SlaTab {
        tab,
        figures: SlaFigures {
            on_time,
            warning,
            breached,
            due_next_business_day: due,
        },
        breached_before: t - TimeDelta::days(7),
        warning_before: t - TimeDelta::days(6),
        due_next_before: t - TimeDelta::days(5),
    };
    let monday = t.date_naive();
    Dashboard {
        until: t,
        sla: vec![
            sla(QueueTab::UnderReview, 1200, 310, 95, 402),
            sla(QueueTab::Contested, 140, 22, 31, 40),
            sla(QueueTab::InfoRequested, 260, 0, 12, 0),
            sla(QueueTab::Disputed, 14, 3, 2, 4),
        ],
        aging: AGING_DAYS
            .iter()
            .enumerate()
            .map(|(i, &(min, max))| AgingBucket {
                min_days: min,
                max_days: max,
                submitted_from: Some(t - TimeDelta::days(i as i64 + 1)),
                submitted_before: Some(t - TimeDelta::days(i as i64)),
                under_review: [300, 280, 260, 240, 210, 150, 90, 35][i],
                info_requested: [10, 40, 60, 50, 40, 30, 25, 17][i],
                contested: [20, 30, 25, 28, 24, 20, 30, 16][i],
                disputed: [4, 3, 2, 3, 1, 2, 3, 1][i],
            })
            .collect(),
        weeks: (0..12u64)
            .map(|k| {
                let m = monday.checked_sub_days(Days::new(7 * (11 - k))).unwrap();
                WeekFigures {
                    monday: m,
                    from: t - TimeDelta::days(7 * (12 - k as i64)),
                    before: t - TimeDelta::days(7 * (11 - k as i64)),
                    received: 400 + 37 * k % 150,
                    decided: 380 + 53 * k % 120,
                    breached_at_decision: 20 + 7 * k % 15,
                    disputes: k % 4,
                    overturned: k % 3 / 2,
                    late_cuts: vec![],
                }
            })
            .collect(),
        reviewers: ["alice", "bob", "carol"]
            .iter()
            .enumerate()
            .map(|(i, login)| ReviewerFigures {
                login: login.to_string(),
                last_7_days: ReviewerPace {
                    decisions: [42, 31, 5][i],
                    median_to_decision: Some(TimeDelta::hours([30, 52, 80][i])),
                },
                last_30_days: ReviewerPace {
                    decisions: [160, 121, 40][i],
                    median_to_decision: Some(TimeDelta::hours([33, 49, 75][i])),
                },
                open_holds: [2, 0, 1][i],
            })
            .collect(),
        outcomes: OutcomeFigures {
            from: Some(t - TimeDelta::days(84)),
            before: Some(t),
            approvals: 512,
            rejections: vec![
                ReasonCount {
                    reason: "Insufficient PoE".into(),
                    count: 140,
                },
                ReasonCount {
                    reason: "Lost in arbitration".into(),
                    count: 96,
                },
                ReasonCount {
                    reason: "Other".into(),
                    count: 12,
                },
            ],
            withdrawals: 9,
            info_requests: 300,
            replied_in_time: 210,
            replied_late: 40,
            reply_cuts: vec![],
        },
    }
}

/// The dashboard open with the figures in (after `D` on the queue).
fn dashboard_state() -> State {
    let mut s = state();
    let effects = update(&mut s, Msg::Key(Key::ch('D')));
    let req_id = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadDashboard { req_id, .. } => Some(*req_id),
            _ => None,
        })
        .expect("D reads the dashboard");
    update(
        &mut s,
        Msg::DashboardLoaded {
            req_id,
            result: Ok(Box::new(figures())),
        },
    );
    s
}

fn keys(s: &mut State, keys: &str) {
    for c in keys.chars() {
        update(s, Msg::Key(Key::ch(c)));
    }
}

#[test]
fn every_chart_at_80x24_and_160x48_dark_and_mono() {
    // Each chart with the cursor moved onto a bar that is not the first.
    let charts = [
        ("sla", "ll"),
        ("aging", "2lll"),
        ("weeks", "3l"),
        ("reviewers", "4l"),
        ("outcomes", "5ll"),
    ];
    for (name, typed) in charts {
        for (w, h) in [(80, 24), (160, 48)] {
            for theme in ["dark", "mono"] {
                let mut s = dashboard_state();
                keys(&mut s, typed);
                let t = Theme::by_name(theme).unwrap();
                let terminal = draw(&mut s, &t, w, h);
                insta::assert_snapshot!(
                    format!("dashboard_{name}_{w}x{h}_{theme}"),
                    terminal.backend()
                );
            }
        }
    }
}

#[test]
fn the_loading_dashboard_says_so_and_keys_typed_ahead_wait_for_it() {
    let mut s = state();
    update(&mut s, Msg::Key(Key::ch('D')));
    // `l` and Enter typed before the figures arrive act once they are in.
    assert!(update(&mut s, Msg::Key(Key::ch('l'))).is_empty());
    update(&mut s, Msg::Key(Key::plain(KeyCode::Enter)));
    let t = Theme::by_name("dark").unwrap();
    let terminal = draw(&mut s, &t, 80, 24);
    let text = format!("{:?}", terminal.backend());
    assert!(text.contains("Loading…"), "{text}");
    let req_id = s.dashboard.as_ref().and_then(|d| d.pending).unwrap();
    let effects = update(
        &mut s,
        Msg::DashboardLoaded {
            req_id,
            result: Ok(Box::new(figures())),
        },
    );
    // The cursor moved to "warning" of Under review, and Enter opened its claims.
    assert_eq!(s.screen, Screen::Queue);
    assert_eq!(s.queue.tab, QueueTab::UnderReview);
    let range = s.queue.behind.clone().unwrap();
    assert_eq!(range.label, "warning");
    let f = figures();
    let under_review = &f.sla[0];
    assert_eq!(range.from, Some(under_review.breached_before));
    assert_eq!(range.before, Some(under_review.warning_before));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::LoadQueue { query, .. } if query.behind.as_ref() == Some(&range)
    )));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::LoadCounts { behind: Some(r), .. } if *r == range
    )));
}

#[test]
fn enter_on_an_aging_bar_lists_that_tab_in_that_age_and_esc_shows_the_whole_tab() {
    let mut s = dashboard_state();
    // Aging, third bar: the contested claims 0 business days old.
    keys(&mut s, "2ll");
    update(&mut s, Msg::Key(Key::plain(KeyCode::Enter)));
    assert_eq!(
        (s.screen, s.queue.tab),
        (Screen::Queue, QueueTab::Contested)
    );
    let range = s.queue.behind.clone().unwrap();
    assert_eq!(range.label, "0d old");
    let t = Theme::by_name("mono").unwrap();
    let terminal = draw(&mut s, &t, 80, 24);
    let text = format!("{:?}", terminal.backend());
    assert!(text.contains("Dashboard: 0d old (Esc: all)"), "{text}");
    let effects = update(&mut s, Msg::Key(Key::plain(KeyCode::Esc)));
    assert_eq!(s.queue.behind, None);
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::LoadQueue { query, .. } if query.behind.is_none())));
}

#[test]
fn enter_on_a_week_s_decided_bar_lists_the_claims_decided_that_week_in_all() {
    let mut s = dashboard_state();
    // 12 weeks, second bar: the claims decided in the first week.
    keys(&mut s, "3l");
    update(&mut s, Msg::Key(Key::plain(KeyCode::Enter)));
    assert_eq!((s.screen, s.queue.tab), (Screen::Queue, QueueTab::All));
    let f = figures();
    let week = &f.weeks[0];
    let behind = s.queue.behind.clone().unwrap();
    assert_eq!(
        (behind.from, behind.before),
        (Some(week.from), Some(week.before))
    );
    assert!(matches!(
        behind.which,
        Behind::Decided {
            reviewer: None,
            late: None,
            ..
        }
    ));
    assert_eq!(
        behind.label,
        format!("decided in the week of {}", week.monday)
    );
    let t = Theme::by_name("mono").unwrap();
    let terminal = draw(&mut s, &t, 80, 24);
    let text = format!("{:?}", terminal.backend());
    assert!(text.contains("Dashboard: decided in the week"), "{text}");
}

/// A bar with no claims behind it says so; it is not taken for an empty store.
#[test]
fn an_empty_bars_list_says_the_bar_is_empty_not_the_store() {
    let mut s = dashboard_state();
    keys(&mut s, "3");
    let effects = update(&mut s, Msg::Key(Key::plain(KeyCode::Enter)));
    for e in effects {
        match e {
            Effect::LoadQueue { req_id, .. } => {
                update(
                    &mut s,
                    Msg::QueueLoaded {
                        req_id,
                        result: Ok(Vec::new()),
                    },
                );
            }
            Effect::LoadCounts { req_id, .. } => {
                let result = Ok(crate::model::TabCounts::default());
                update(&mut s, Msg::CountsLoaded { req_id, result });
            }
            _ => {}
        }
    }
    let t = Theme::by_name("mono").unwrap();
    let text = format!("{:?}", draw(&mut s, &t, 120, 40).backend());
    assert!(text.contains("No claims behind this bar"), "{text}");
    assert!(!text.contains("holds no claims yet"), "{text}");
}

#[test]
fn the_change_feed_reads_the_figures_again_one_read_at_a_time() {
    let mut s = dashboard_state();
    let first = update(&mut s, Msg::StoreChanged);
    let reads = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::LoadDashboard { .. }))
            .count()
    };
    assert_eq!(reads(&first), 1);
    // More changes while that read is in flight: no second read now, one after it answers.
    assert_eq!(reads(&update(&mut s, Msg::StoreChanged)), 0);
    let req_id = s.dashboard.as_ref().and_then(|d| d.pending).unwrap();
    let after = update(
        &mut s,
        Msg::DashboardLoaded {
            req_id,
            result: Ok(Box::new(figures())),
        },
    );
    assert_eq!(reads(&after), 1);
    // Keys keep acting meanwhile: the figures stay on screen while they are read again.
    update(&mut s, Msg::Key(Key::ch('l')));
    assert_eq!(s.dashboard.as_ref().map(|d| d.bar), Some(1));
    // q goes back to the queue.
    update(&mut s, Msg::Key(Key::ch('q')));
    assert_eq!(s.screen, Screen::Queue);
}
