//! `claimdesk report`: the dashboard's figures for scripts and mail, from the same store call
//! (`Store::dashboard`) the screen draws. Text for people, JSON for programs, CSV (one figure a
//! row: `section,row,column,value`) for spreadsheets. Stored text (reviewer logins) is escaped
//! like all CLI output, and CSV cells a spreadsheet would run are neutralised.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, SubsecRound, TimeDelta, Utc};
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use claimdesk::config::Config;
use claimdesk::domain::sla::short_duration;
use claimdesk::domain::text::escape;
use claimdesk::interchange::export::{cell, rfc3339};
use claimdesk::store::{
    AgingBucket, Dashboard, DashboardPeriod, SlaFigures, Store, StoreError, WeekFigures,
};

/// `claimdesk report` options.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Outcomes (decisions, information requests) from the start of this day (YYYY-MM-DD, in
    /// the calendar's zone). Default: the start of the first of the 12 weeks.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    since: Option<NaiveDate>,
    /// Figures as of the end of this day (YYYY-MM-DD), or now if that is earlier. SLA states,
    /// ages and holds are always the claims' current ones, taken at that instant.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    until: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Csv,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a YYYY-MM-DD day"))?;
    if !claimdesk::domain::text::day_in_range(day) {
        return Err(format!(
            "{day} is outside {}",
            claimdesk::domain::text::range_words()
        ));
    }
    Ok(day)
}

/// Reads the figures and prints them on stdout.
pub async fn print(store: &Store, config: &Config, args: &ReportArgs) -> Result<(), StoreError> {
    let cal = &config.calendar;
    // Whole seconds: the report says when it was taken, not to the nanosecond.
    let now = Utc::now().trunc_subsecs(0);
    let until = args
        .until
        .and_then(|d| d.succ_opt())
        .map_or(now, |d| cal.day_start(d).min(now));
    let period = DashboardPeriod {
        until,
        since: args.since.map(|d| cal.day_start(d)),
    };
    // The reply window and the dispute clock are the configuration's (`config.sla`).
    let figures = store.dashboard(cal, &config.sla, &period).await?;
    let out = match args.format {
        ReportFormat::Text => text(&figures, config),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json_value(&figures)).unwrap_or_default();
            s.push('\n');
            s
        }
        ReportFormat::Csv => csv(&figures),
    };
    print!("{out}");
    Ok(())
}

fn span(d: Option<TimeDelta>) -> String {
    d.map_or_else(|| "-".to_string(), short_duration)
}

fn day(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "-".to_string(), rfc3339)
}

/// The report for people: one titled table per figure, each saying what it counts.
pub fn text(f: &Dashboard, config: &Config) -> String {
    let mut s = String::new();
    let p = &config.sla;
    let _ = writeln!(
        s,
        "claimdesk report as of {} ({} business days per claim, warning below {}; calendar {})\n",
        rfc3339(f.until),
        p.business_days,
        p.warn_below_business_days,
        config.calendar.timezone()
    );
    let _ = writeln!(
        s,
        "SLA now: open claims by where they stand against their deadline"
    );
    let _ = writeln!(
        s,
        "  {:<16}{:>9}{:>9}{:>10}{:>24}",
        "tab", "on time", "warning", "breached", "due next business day"
    );
    for t in &f.sla {
        let x = &t.figures;
        let _ = writeln!(
            s,
            "  {:<16}{:>9}{:>9}{:>10}{:>24}",
            t.tab.title(),
            x.on_time,
            x.warning,
            x.breached,
            x.due_next_business_day
        );
    }
    let _ = writeln!(
        s,
        "\nAging: open claims by whole business days since submission (disputed: since the dispute; contested: also counted in their tab)"
    );
    let _ = writeln!(
        s,
        "  {:<8}{:>14}{:>16}{:>11}{:>10}",
        "age", "under review", "info requested", "contested", "disputed"
    );
    for a in &f.aging {
        let _ = writeln!(
            s,
            "  {:<8}{:>14}{:>16}{:>11}{:>10}",
            a.label(),
            a.under_review,
            a.info_requested,
            a.contested,
            a.disputed
        );
    }
    let _ = writeln!(
        s,
        "\nWeeks (Monday to Sunday; the last one to now): claims received, claims decided, of those decided after their deadline, claims disputed, disputes overturned"
    );
    let _ = writeln!(
        s,
        "  {:<12}{:>10}{:>9}{:>18}{:>10}{:>12}",
        "week of", "received", "decided", "after deadline", "disputes", "overturned"
    );
    for w in &f.weeks {
        let _ = writeln!(
            s,
            "  {:<12}{:>10}{:>9}{:>18}{:>10}{:>12}",
            w.monday.to_string(),
            w.received,
            w.decided,
            w.breached_at_decision,
            w.disputes,
            w.overturned
        );
    }
    let _ = writeln!(
        s,
        "\nReviewers: claims decided and median business time from submission to decision, last 7 and 30 days; claims held now"
    );
    let _ = writeln!(
        s,
        "  {:<20}{:>8}{:>10}{:>9}{:>10}{:>7}",
        "reviewer", "7 days", "median", "30 days", "median", "holds"
    );
    if f.reviewers.is_empty() {
        let _ = writeln!(s, "  (no decisions in the last 30 days and no holds)");
    }
    for r in &f.reviewers {
        let _ = writeln!(
            s,
            "  {:<20}{:>8}{:>10}{:>9}{:>10}{:>7}",
            escape(&r.login),
            r.last_7_days.decisions,
            span(r.last_7_days.median_to_decision),
            r.last_30_days.decisions,
            span(r.last_30_days.median_to_decision),
            r.open_holds
        );
    }
    let o = &f.outcomes;
    let _ = writeln!(
        s,
        "\nOutcomes from {} to {}: claims decided by outcome and rejections by reason; claims asked for information and their replies",
        day(o.from),
        day(o.before)
    );
    let mut row = |indent: usize, what: &str, n: u64| {
        let _ = writeln!(s, "{:indent$}{:<w$}{n:>7}", "", what, w = 34 - indent);
    };
    row(2, "approvals", o.approvals);
    row(2, "rejections", o.rejected());
    for r in &o.rejections {
        row(4, &escape(&r.reason), r.count);
    }
    row(2, "withdrawals", o.withdrawals);
    row(2, "information requests", o.info_requests);
    row(4, "replied in time", o.replied_in_time);
    row(4, "replied late", o.replied_late);
    row(
        4,
        "no reply yet",
        o.info_requests
            .saturating_sub(o.replied_in_time + o.replied_late),
    );
    s
}

fn minutes(d: Option<TimeDelta>) -> Value {
    d.map_or(Value::Null, |d| json!(d.num_minutes()))
}

/// A tab's SLA figures under the names JSON and CSV both give them.
fn sla_columns(x: &SlaFigures) -> [(&'static str, u64); 4] {
    [
        ("on_time", x.on_time),
        ("warning", x.warning),
        ("breached", x.breached),
        ("due_next_business_day", x.due_next_business_day),
    ]
}

/// An aging bucket's counts under the names JSON and CSV both give them.
fn aging_columns(a: &AgingBucket) -> [(&'static str, u64); 4] {
    [
        ("under_review", a.under_review),
        ("info_requested", a.info_requested),
        ("contested", a.contested),
        ("disputed", a.disputed),
    ]
}

/// A week's counts under the names JSON and CSV both give them.
fn week_columns(w: &WeekFigures) -> [(&'static str, u64); 5] {
    [
        ("received", w.received),
        ("decided", w.decided),
        ("breached_at_decision", w.breached_at_decision),
        ("disputes", w.disputes),
        ("overturned", w.overturned),
    ]
}

/// `head` (a JSON object) with `columns` added as numbers.
fn with_columns(mut head: Value, columns: &[(&str, u64)]) -> Value {
    if let Value::Object(fields) = &mut head {
        for (name, n) in columns {
            fields.insert((*name).to_string(), json!(n));
        }
    }
    head
}

/// The report for programs: the same figures, times as RFC 3339, durations in minutes.
pub fn json_value(f: &Dashboard) -> Value {
    json!({
        "until": rfc3339(f.until),
        "sla": f.sla.iter()
            .map(|t| with_columns(json!({ "tab": t.tab.title() }), &sla_columns(&t.figures)))
            .collect::<Vec<_>>(),
        "aging": f.aging.iter().map(|a| with_columns(json!({
            "business_days": a.label(),
            "min_days": a.min_days,
            "max_days": a.max_days,
        }), &aging_columns(a))).collect::<Vec<_>>(),
        "weeks": f.weeks.iter()
            .map(|w| with_columns(json!({ "monday": w.monday.to_string() }), &week_columns(w)))
            .collect::<Vec<_>>(),
        "reviewers": f.reviewers.iter().map(|r| json!({
            "login": r.login,
            "decisions_7_days": r.last_7_days.decisions,
            "median_minutes_to_decision_7_days": minutes(r.last_7_days.median_to_decision),
            "decisions_30_days": r.last_30_days.decisions,
            "median_minutes_to_decision_30_days": minutes(r.last_30_days.median_to_decision),
            "open_holds": r.open_holds,
        })).collect::<Vec<_>>(),
        "outcomes": {
            "from": f.outcomes.from.map(rfc3339),
            "before": f.outcomes.before.map(rfc3339),
            "approvals": f.outcomes.approvals,
            "rejections": f.outcomes.rejected(),
            "rejections_by_reason": f.outcomes.rejections.iter()
                .map(|r| json!({ "reason": r.reason, "count": r.count }))
                .collect::<Vec<_>>(),
            "withdrawals": f.outcomes.withdrawals,
            "info_requests": f.outcomes.info_requests,
            "replied_in_time": f.outcomes.replied_in_time,
            "replied_late": f.outcomes.replied_late,
        },
    })
}

/// The report for spreadsheets: `section,row,column,value`, one figure a line.
pub fn csv(f: &Dashboard) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut put = |section: &str, row: &str, column: &str, value: String| {
        rows.push([section.into(), row.into(), column.into(), value]);
    };
    for t in &f.sla {
        for (c, v) in sla_columns(&t.figures) {
            put("sla", t.tab.title(), c, v.to_string());
        }
    }
    for a in &f.aging {
        for (c, v) in aging_columns(a) {
            put("aging", &a.label(), c, v.to_string());
        }
    }
    for w in &f.weeks {
        let m = w.monday.to_string();
        for (c, v) in week_columns(w) {
            put("weeks", &m, c, v.to_string());
        }
    }
    let mins = |d: Option<TimeDelta>| d.map(|d| d.num_minutes().to_string()).unwrap_or_default();
    for r in &f.reviewers {
        for (c, v) in [
            ("decisions_7_days", r.last_7_days.decisions.to_string()),
            (
                "median_minutes_7_days",
                mins(r.last_7_days.median_to_decision),
            ),
            ("decisions_30_days", r.last_30_days.decisions.to_string()),
            (
                "median_minutes_30_days",
                mins(r.last_30_days.median_to_decision),
            ),
            ("open_holds", r.open_holds.to_string()),
        ] {
            put("reviewers", &r.login, c, v);
        }
    }
    let o = &f.outcomes;
    put("outcomes", "approvals", "count", o.approvals.to_string());
    for r in &o.rejections {
        put("outcomes", "rejected", &r.reason, r.count.to_string());
    }
    for (row, c, v) in [
        ("withdrawals", "count", o.withdrawals),
        ("info_requests", "count", o.info_requests),
        ("info_requests", "replied_in_time", o.replied_in_time),
        ("info_requests", "replied_late", o.replied_late),
    ] {
        put("outcomes", row, c, v.to_string());
    }

    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["section", "row", "column", "value"]);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| escape(&cell(c)).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
