//! The lead's figures (issue 15) on both backends, checked against a hand-made data set whose
//! answers are written here.
//!
//! Decisions, requests and holds go through the real store API, so they happen now; the claims
//! are submitted at midnight (UTC) a whole number of days ago, and the calendar counts every day
//! as a business day, so each claim's age and SLA state at "now" is known whatever the weekday:
//! submitted k days ago, it is k business days old, due at the start of day k+6 from then, so
//! breached from k = 6, in warning at k = 5 (less than a day left), due by the end of tomorrow
//! at k = 4 and 5.

mod common;

use chrono::{DateTime, Days, TimeDelta, Utc};
use claimdesk::domain::*;
use claimdesk::store::*;
use uuid::Uuid;

fn every_day() -> BusinessCalendar {
    BusinessCalendar::new(
        "UTC",
        &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        &[] as &[&str],
    )
    .unwrap()
}

/// Midnight UTC `k` days before `today`.
fn days_ago(today: DateTime<Utc>, k: u64) -> DateTime<Utc> {
    let day = today.date_naive().checked_sub_days(Days::new(k)).unwrap();
    day.and_hms_opt(0, 0, 0).unwrap().and_utc()
}

fn claim(
    id: &str,
    partner: &str,
    tenant: u128,
    submitted_at: DateTime<Utc>,
    status: Status,
) -> Claim {
    Claim {
        claim_id: id.into(),
        partner: Partner {
            name: partner.into(),
            mpn_id: format!("{}", 1000 + tenant),
        },
        customer: Customer {
            tenant_id: Uuid::from_u128(tenant),
            domain: "t.onmicrosoft.com".into(),
        },
        solution_area: SolutionArea::Microsoft365,
        activity: Activity::Usage,
        product: "Exchange Online".into(),
        subscription_id: None,
        purchase_channel: PurchaseChannel::Csp,
        submitted_at,
        status,
        poe: vec![],
        comments: vec![],
    }
}

async fn seen(store: &Store, id: &str) -> Seen {
    Seen {
        claim_id: id.into(),
        version: store.claim(id).await.unwrap().unwrap().version,
    }
}

/// The data set: under review R0, R2, R4, R5, R7, R12 (Rk submitted k days ago, each its own
/// customer); a contest C3 / C6 (two partners, one customer); waiting on partners I1 and I8;
/// Q1 asked for information now; X2, X10 and X3 decided now (ann approves X2 and rejects X10
/// for insufficient PoE, bob rejects X3 in his own words); a rejected claim D9 imported as
/// decided; ann holds R4; W1 under review. Then, through the partner feed, Q1's partner replies
/// (Q1 is back under review), X10's disputes, W1's withdraws; bob approves X10 again: the dispute
/// is overturned. Last, X3's partner disputes bob's rejection: X3 is in the Disputed tab, its
/// own clock starting now.
async fn seed(store: &Store, today: DateTime<Utc>) {
    use Status::*;
    let claims = vec![
        claim("R0", "Alpha", 1, days_ago(today, 0), UnderReview),
        claim("R2", "Alpha", 2, days_ago(today, 2), UnderReview),
        claim("R4", "Alpha", 3, days_ago(today, 4), UnderReview),
        claim("R5", "Alpha", 4, days_ago(today, 5), UnderReview),
        claim("R7", "Alpha", 5, days_ago(today, 7), UnderReview),
        claim("R12", "Alpha", 6, days_ago(today, 12), UnderReview),
        claim("C3", "Bravo", 7, days_ago(today, 3), UnderReview),
        claim("C6", "Charlie", 7, days_ago(today, 6), UnderReview),
        claim("I1", "Alpha", 8, days_ago(today, 1), InfoRequested),
        claim("I8", "Alpha", 9, days_ago(today, 8), InfoRequested),
        claim("Q1", "Alpha", 10, days_ago(today, 1), UnderReview),
        claim("X2", "Alpha", 11, days_ago(today, 2), UnderReview),
        claim("X10", "Alpha", 12, days_ago(today, 10), UnderReview),
        claim("X3", "Alpha", 13, days_ago(today, 3), UnderReview),
        claim("D9", "Alpha", 14, days_ago(today, 9), Rejected),
        claim("W1", "Alpha", 15, days_ago(today, 1), UnderReview),
    ];
    let batch = ImportBatch {
        claims: claims
            .into_iter()
            .enumerate()
            .map(|(i, c)| (i + 1, c))
            .collect(),
        ..ImportBatch::default()
    };
    store.import(&batch, &common::by("loader")).await.unwrap();
    store
        .request_info(
            &[InfoRequest {
                seen: seen(store, "Q1").await,
                body: "Please attach the signed PoE.".into(),
            }],
            "ann",
        )
        .await
        .unwrap();
    let decide = |id: &'static str, outcome, reason: &'static str| async move {
        DecisionRequest {
            seen: seen(store, id).await,
            outcome,
            reason: reason.into(),
        }
    };
    let approve = decide("X2", DecisionOutcome::Approved, "PoE verified").await;
    let reject = decide(
        "X10",
        DecisionOutcome::Rejected,
        "The proof of execution is insufficient to support the claim.",
    )
    .await;
    store.decide(&[approve, reject], "ann").await.unwrap();
    let own_words = decide("X3", DecisionOutcome::Rejected, "Not their customer.").await;
    store.decide(&[own_words], "bob").await.unwrap();
    store
        .take(&["R4".to_string()], "ann", DEFAULT_LEASE)
        .await
        .unwrap();
    // Through the partner feed: Q1's partner replies (in time: it is back under review), X10's
    // disputes ann's rejection; bob approves X10 on the dispute, overturning it.
    let feed = ImportBatch {
        feed: vec![
            (
                1,
                FeedLine::Reply {
                    claim_id: "Q1".into(),
                    reply_id: "REPLY-1".into(),
                    at: Utc::now(),
                    body: "The signed PoE is attached.".into(),
                    poe: vec![],
                },
            ),
            (
                2,
                FeedLine::Dispute {
                    claim_id: "X10".into(),
                    dispute_id: "DISPUTE-1".into(),
                    at: Utc::now(),
                    body: "The PoE was sufficient.".into(),
                },
            ),
            (
                3,
                FeedLine::Withdrawal {
                    claim_id: "W1".into(),
                    at: Utc::now(),
                    reason: None,
                },
            ),
        ],
        ..ImportBatch::default()
    };
    store.import(&feed, &common::by("loader")).await.unwrap();
    let overturn = decide("X10", DecisionOutcome::Approved, "PoE verified").await;
    store.decide(&[overturn], "bob").await.unwrap();
    let dispute = ImportBatch {
        feed: vec![(
            1,
            FeedLine::Dispute {
                claim_id: "X3".into(),
                dispute_id: "DISPUTE-2".into(),
                at: Utc::now(),
                body: "They are our customer.".into(),
            },
        )],
        ..ImportBatch::default()
    };
    store.import(&dispute, &common::by("loader")).await.unwrap();
}

fn near(actual: Option<TimeDelta>, expected: TimeDelta) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < TimeDelta::minutes(1))
}

#[tokio::test]
async fn every_figure_matches_the_hand_made_data_set() {
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        let today = Utc::now();
        seed(s, today).await;
        let now = Utc::now();
        let time_of_day = now - days_ago(now, 0);
        let calendar = every_day();
        let figures = s
            .dashboard(&calendar, &SlaPolicy::default(), &DashboardPeriod::at(now))
            .await
            .unwrap();

        // SLA now, per tab: on time / warning / breached / due by the end of tomorrow.
        let sla = |tab| {
            let f = &figures.sla_of(tab).unwrap().figures;
            (f.on_time, f.warning, f.breached, f.due_next_business_day)
        };
        assert_eq!(
            sla(QueueTab::UnderReview),
            (5, 1, 3, 2),
            "{b}: R0 Q1 R2 R4 C3 | R5 | R7 R12 C6 | R4 R5"
        );
        assert_eq!(sla(QueueTab::Contested), (1, 0, 1, 0), "{b}: C3 | | C6");
        assert_eq!(sla(QueueTab::InfoRequested), (1, 0, 1, 0), "{b}: I1 | | I8");
        // X3's dispute came now: five business days to decide it again.
        assert_eq!(sla(QueueTab::Disputed), (1, 0, 0, 0), "{b}: X3");

        // Aging: open claims by whole business days since submission.
        let aging: Vec<(String, u64, u64, u64, u64)> = figures
            .aging
            .iter()
            .map(|a| {
                let (r, i, c, d) = (a.under_review, a.info_requested, a.contested, a.disputed);
                (a.label(), r, i, c, d)
            })
            .collect();
        let expect = |l: &str, r, i, c, d| (l.to_string(), r, i, c, d);
        assert_eq!(
            aging,
            vec![
                expect("0d", 1, 0, 0, 1),    // R0 | | | X3 (disputed now)
                expect("1d", 1, 1, 0, 0),    // Q1 | I1
                expect("2d", 1, 0, 0, 0),    // R2
                expect("3d", 1, 0, 1, 0),    // C3
                expect("4d", 1, 0, 0, 0),    // R4
                expect("5d", 1, 0, 0, 0),    // R5
                expect("6-10d", 2, 1, 1, 0), // R7 C6 | I8 | C6
                expect("11d+", 1, 0, 0, 0),  // R12
            ],
            "{b}"
        );

        // Twelve weeks; every claim arrived in them, and the three claims decided (X10 twice)
        // are this week's, X10 after its deadline; two disputed (X10, X3), one overturned.
        assert_eq!(figures.weeks.len(), 12, "{b}");
        let received: u64 = figures.weeks.iter().map(|w| w.received).sum();
        assert_eq!(received, 16, "{b}");
        let last = figures.weeks.last().unwrap();
        assert_eq!(
            (
                last.decided,
                last.breached_at_decision,
                last.disputes,
                last.overturned
            ),
            (3, 1, 2, 1),
            "{b}"
        );
        assert!(figures.weeks[..11].iter().all(|w| w.decided == 0), "{b}");
        let submitted_this_week = [0, 2, 4, 5, 7, 12, 3, 6, 1, 8, 1, 2, 10, 3, 9, 1]
            .iter()
            .filter(|k| days_ago(today, **k) >= last.from)
            .count() as u64;
        assert_eq!(last.received, submitted_this_week, "{b}");

        // Reviewers: ann decided X2 (2 days + the time of day) and X10 (10 days + it): median
        // 6 days + it; bob X3 (3 days + it) and X10 again (10 days + it): 6.5 days + it; ann holds R4.
        let ann = figures.reviewers.iter().find(|r| r.login == "ann").unwrap();
        let bob = figures.reviewers.iter().find(|r| r.login == "bob").unwrap();
        assert_eq!(
            (ann.last_7_days.decisions, ann.last_30_days.decisions),
            (2, 2),
            "{b}"
        );
        assert!(
            near(
                ann.last_7_days.median_to_decision,
                TimeDelta::days(6) + time_of_day
            ),
            "{b}: {ann:?}"
        );
        assert!(
            near(
                bob.last_30_days.median_to_decision,
                TimeDelta::hours(156) + time_of_day
            ),
            "{b}: {bob:?}"
        );
        assert_eq!((ann.open_holds, bob.open_holds), (1, 0), "{b}");
        assert_eq!(figures.reviewers.len(), 2, "{b}");

        // Outcomes: two approvals (X2, X10 on the dispute), rejections by reason, one request, replied in time.
        let o = &figures.outcomes;
        assert_eq!((o.approvals, o.withdrawals, o.rejected()), (2, 1, 2), "{b}");
        let reasons: Vec<(&str, u64)> = o
            .rejections
            .iter()
            .map(|r| (r.reason.as_str(), r.count))
            .collect();
        assert_eq!(reasons, vec![("Insufficient PoE", 1), ("Other", 1)], "{b}");
        assert_eq!(
            (o.info_requests, o.replied_in_time, o.replied_late),
            (1, 1, 0),
            "{b}"
        );

        // A period that ends before the decisions counts none of them.
        let before = s
            .dashboard(
                &calendar,
                &SlaPolicy::default(),
                &DashboardPeriod {
                    until: today - TimeDelta::seconds(1),
                    since: Some(today - TimeDelta::days(60)),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (before.outcomes.approvals, before.outcomes.info_requests),
            (0, 0),
            "{b}"
        );
        assert!(
            before
                .reviewers
                .iter()
                .all(|r| r.last_30_days.decisions == 0),
            "{b}"
        );
    }
}

/// The reply window is the configuration's (`[sla] partner_reply_business_days`), and a dispute's
/// clock runs over it: with one business day, X3's dispute (made now) is due by the end of
/// tomorrow, and a request is due by then too.
#[tokio::test]
async fn the_reply_window_comes_from_the_policy() {
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        seed(s, Utc::now()).await;
        let policy = SlaPolicy {
            partner_reply_business_days: 1,
            ..SlaPolicy::default()
        };
        let figures = s
            .dashboard(&every_day(), &policy, &DashboardPeriod::at(Utc::now()))
            .await
            .unwrap();
        let f = &figures.sla_of(QueueTab::Disputed).unwrap().figures;
        assert_eq!(
            (f.on_time, f.warning, f.breached, f.due_next_business_day),
            (1, 0, 0, 1),
            "{b}: X3, due by the end of tomorrow"
        );
        // The request's deadline: the end of the first business day after the day it was made.
        let o = &figures.outcomes;
        let today = days_ago(Utc::now(), 0);
        let cut = o.reply_cuts.last().unwrap();
        assert_eq!(
            (cut.from, cut.limit),
            (today, today + TimeDelta::days(2)),
            "{b}"
        );
        assert_eq!((o.info_requests, o.replied_in_time), (1, 1), "{b}");
    }
}

/// Every bar of every chart opens the claims behind it (Enter): the queue on the bar's tab,
/// narrowed by the bar's filter, lists exactly as many claims as the bar shows, and the tab's
/// count under the filter says the same.
#[tokio::test]
async fn every_bar_lists_as_many_claims_as_it_counts() {
    use claimdesk::app::view::{bars, DashPanel};
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        seed(s, Utc::now()).await;
        let figures = s
            .dashboard(
                &every_day(),
                &SlaPolicy::default(),
                &DashboardPeriod::at(Utc::now()),
            )
            .await
            .unwrap();
        let mut opened = 0;
        for panel in DashPanel::ALL {
            for bar in bars(&figures, panel) {
                let (tab, behind) = bar.opens.clone();
                let rows = s
                    .queue_page(&QueueQuery {
                        tab,
                        sort: QueueSort::Urgency,
                        reverse: false,
                        filter: String::new(),
                        reviewer: "ann".into(),
                        anchor: Anchor::First,
                        limit: 500,
                        behind: Some(behind.clone()),
                    })
                    .await
                    .unwrap();
                let what = format!("{b}: {} · {} ({})", bar.group, bar.series, behind.label);
                assert_eq!(rows.len() as u64, bar.value, "{what}");
                let counts = s.tab_counts_within("ann", "", Some(&behind)).await.unwrap();
                assert_eq!(counts.get(tab), bar.value, "{what}");
                opened += u64::from(bar.value > 0);
            }
        }
        // Every kind of bar had claims behind it but "replied late" (no reply came late).
        assert!(opened >= 30, "{b}: {opened} bars with claims");
        // Some lists by hand: the decided claims of this week, those decided late, by reviewer.
        let weeks = bars(&figures, DashPanel::Weeks);
        let ids = |series: &str| {
            let bar = weeks.iter().rev().find(|x| x.series == series).unwrap();
            let (tab, behind) = bar.opens.clone();
            async move {
                let mut ids: Vec<String> = s
                    .queue_page(&QueueQuery {
                        tab,
                        sort: QueueSort::ClaimId,
                        reverse: false,
                        filter: String::new(),
                        reviewer: "ann".into(),
                        anchor: Anchor::First,
                        limit: 50,
                        behind: Some(behind),
                    })
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.claim_id)
                    .collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(ids("decided").await, ["X10", "X2", "X3"], "{b}");
        assert_eq!(ids("after deadline").await, ["X10"], "{b}");
        assert_eq!(ids("disputes").await, ["X10", "X3"], "{b}");
        assert_eq!(ids("overturned").await, ["X10"], "{b}");
    }
}

/// Claims submitted at odd hours (so the bounds of a calendar in another zone cut their days),
/// `k` of them `k * 29` hours and some minutes back: under review, contested pairs, waiting on
/// partners and decided.
fn odd_hours(now: DateTime<Utc>) -> ImportBatch {
    use Status::*;
    let claims = (0..48u64)
        .map(|k| {
            let at = now - TimeDelta::hours(29 * k as i64) - TimeDelta::minutes(7 * k as i64 + 3);
            let (partner, tenant, status) = match k % 6 {
                0 | 1 => ("Delta", 100 + k as u128, UnderReview),
                2 => ("Echo", 200, UnderReview),
                3 => ("Foxtrot", 200, UnderReview),
                4 => ("Delta", 100 + k as u128, InfoRequested),
                _ => ("Delta", 100 + k as u128, Approved),
            };
            (
                k as usize + 1,
                claim(&format!("O{k}"), partner, tenant, at, status),
            )
        })
        .collect();
    ImportBatch {
        claims,
        ..ImportBatch::default()
    }
}

/// The dashboard sums whole days from counters kept by triggers on every write and counts only
/// the parts of days at its bounds: after imports, a generated set, decisions, a request, a reply,
/// disputes, a withdrawal and decisions again, every figure equals the one counted claim by claim,
/// in calendars whose days are not UTC's and at instants inside a day.
#[tokio::test]
async fn the_counters_give_the_figures_counted_claim_by_claim() {
    use claimdesk::generate::{generate_into, GenerateOptions};
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        let now = Utc::now();
        seed(s, now).await;
        s.import(&odd_hours(now), &common::by("loader"))
            .await
            .unwrap();
        let options = GenerateOptions {
            claims: 400,
            seed: 7,
            as_of: now.date_naive(),
            batch_claims: 150,
        };
        generate_into(s, options, "loader", |_, _| {})
            .await
            .unwrap();
        // More of the story on the new claims: decided, decided again, asked, withdrawn.
        let decision = |id: &'static str, outcome| async move {
            DecisionRequest {
                seen: seen(s, id).await,
                outcome,
                reason: "PoE verified".into(),
            }
        };
        let decisions = vec![
            decision("O0", DecisionOutcome::Approved).await,
            decision("O2", DecisionOutcome::Rejected).await,
            decision("O7", DecisionOutcome::Approved).await,
        ];
        s.decide(&decisions, "ann").await.unwrap();
        s.request_info(
            &[InfoRequest {
                seen: seen(s, "O1").await,
                body: "Please attach the PoE.".into(),
            }],
            "ann",
        )
        .await
        .unwrap();
        let feed = ImportBatch {
            feed: vec![
                (
                    1,
                    FeedLine::Dispute {
                        claim_id: "O2".into(),
                        dispute_id: "DISPUTE-O2".into(),
                        at: Utc::now(),
                        body: "The PoE was sufficient.".into(),
                    },
                ),
                (
                    2,
                    FeedLine::Withdrawal {
                        claim_id: "O6".into(),
                        at: Utc::now(),
                        reason: None,
                    },
                ),
            ],
            ..ImportBatch::default()
        };
        s.import(&feed, &common::by("loader")).await.unwrap();
        let again = decision("O2", DecisionOutcome::Approved).await;
        s.decide(&[again], "bob").await.unwrap();

        let later = Utc::now();
        let calendars = [
            every_day(),
            BusinessCalendar::default(),
            BusinessCalendar::new(
                "Europe/Berlin",
                &["Mon", "Tue", "Wed", "Thu", "Fri"],
                &[] as &[&str],
            )
            .unwrap(),
            BusinessCalendar::new(
                "America/Los_Angeles",
                &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                &[] as &[&str],
            )
            .unwrap(),
        ];
        let instants = [
            later,
            later - TimeDelta::hours(61) - TimeDelta::minutes(17),
            later + TimeDelta::hours(30),
        ];
        for calendar in &calendars {
            for until in instants {
                let period = DashboardPeriod::at(until);
                let policy = SlaPolicy::default();
                let counted = s.dashboard(calendar, &policy, &period).await.unwrap();
                let scanned = s
                    .dashboard_scanned(calendar, &policy, &period)
                    .await
                    .unwrap();
                assert_eq!(counted, scanned, "{b}: {calendar:?} at {until}");
            }
        }
        // The figures are not all zero: every claim arrived in the twelve weeks (the generated
        // ones in the three before today).
        let figures = s
            .dashboard(
                &every_day(),
                &SlaPolicy::default(),
                &DashboardPeriod::at(later),
            )
            .await
            .unwrap();
        let received: u64 = figures.weeks.iter().map(|w| w.received).sum();
        assert_eq!(received, 16 + 48 + 400, "{b}");
        let open = |tab| {
            let f = &figures.sla_of(tab).unwrap().figures;
            f.on_time + f.warning + f.breached
        };
        assert!(open(QueueTab::UnderReview) > 30, "{b}");
        assert!(open(QueueTab::Contested) > 0, "{b}");
    }
}
