//! `claimdesk queue`: the queue as aligned text, for scripts and quick looks over SSH.
//!
//! Columns: SLA countdown (business time left, `!` below the warning margin, `✖` overdue),
//! claim id, partner (MPN), customer domain, product, flags. Flags are space-separated words a
//! script can grep: `contested:N`, `incumbent:MPN`, `findings:CODE,..`, `unknown:N`, `status:S`,
//! `assigned:NAME` (a lead's assignment), `held:NAME` (a live hold). Rows are read a window at a time, like the workbench.

use chrono::Utc;
use clap::{Args, ValueEnum};
use ratatui::text::Span;

use claimdesk::config::Config;
use claimdesk::domain::text::escape;
use claimdesk::domain::Status;
use claimdesk::store::{Anchor, QueueQuery, QueueRow, QueueSort, QueueTab, Store, StoreError};

/// `claimdesk queue` options.
#[derive(Debug, Args)]
pub struct QueueArgs {
    /// Which tab of the queue.
    #[arg(long, value_enum, default_value_t = TabArg::UnderReview)]
    tab: TabArg,
    /// The order (urgency: oldest submission, so nearest deadline, first).
    #[arg(long, value_enum, default_value_t = SortArg::Urgency)]
    sort: SortArg,
    /// Only claims whose id, MPN, partner, domain or product contains this text.
    #[arg(long, default_value = "")]
    filter: String,
    /// At most this many rows.
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TabArg {
    UnderReview,
    Contested,
    InfoRequested,
    Disputed,
    Mine,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Urgency,
    Newest,
    ClaimId,
    Partner,
    Product,
}

/// Rows asked of the store at a time.
const PAGE: u32 = 500;
/// Widest a text column gets before it is cut with `…`.
const MAX_COLUMN: usize = 36;

/// Prints up to `args.limit` rows of the queue on stdout.
pub async fn print(
    store: &Store,
    config: &Config,
    reviewer: &str,
    args: &QueueArgs,
) -> Result<(), StoreError> {
    print!("{}", text(store, config, reviewer, args).await?);
    Ok(())
}

/// Up to `args.limit` rows of the queue as aligned text (what `print` prints; `serve` sends it
/// over an SSH channel).
pub async fn text(
    store: &Store,
    config: &Config,
    reviewer: &str,
    args: &QueueArgs,
) -> Result<String, StoreError> {
    let sort = match args.sort {
        SortArg::Urgency => QueueSort::Urgency,
        SortArg::Newest => QueueSort::Newest,
        SortArg::ClaimId => QueueSort::ClaimId,
        SortArg::Partner => QueueSort::Partner,
        SortArg::Product => QueueSort::Product,
    };
    let tab = match args.tab {
        TabArg::UnderReview => QueueTab::UnderReview,
        TabArg::Contested => QueueTab::Contested,
        TabArg::InfoRequested => QueueTab::InfoRequested,
        TabArg::Disputed => QueueTab::Disputed,
        TabArg::Mine => QueueTab::Mine,
        TabArg::All => QueueTab::All,
    };
    let mut rows: Vec<QueueRow> = Vec::new();
    let mut anchor = Anchor::First;
    while rows.len() < args.limit as usize {
        let want = (args.limit - rows.len() as u32).min(PAGE);
        let page = store
            .queue_page(&QueueQuery {
                tab,
                sort,
                reverse: false,
                filter: args.filter.clone(),
                reviewer: reviewer.to_string(),
                anchor,
                limit: want,
                behind: None,
            })
            .await?;
        let Some(last) = page.last() else { break };
        anchor = Anchor::After(last.sort_key(sort));
        let short = page.len() < want as usize;
        rows.extend(page);
        if short {
            break;
        }
    }
    let now = Utc::now();
    let cells: Vec<[String; 6]> = rows.iter().map(|r| cells(r, config, now)).collect();
    Ok(render(&cells))
}

/// One row's cells, in column order, with control characters escaped (stored text never
/// reaches the terminal raw).
fn cells(row: &QueueRow, config: &Config, now: chrono::DateTime<Utc>) -> [String; 6] {
    let clocks = config.sla.clocks(
        &config.calendar,
        row.submitted_at,
        row.status,
        &row.clock,
        now,
    );
    let sla = match (clocks.reply, clocks.dispute) {
        (Some(reply), _) if clocks.no_reply() => format!("{}no-reply", reply.symbol()),
        (Some(reply), _) => format!("{}reply:{}", reply.symbol(), reply.label()),
        (_, Some(dispute)) => format!("{}dispute:{}", dispute.symbol(), dispute.label()),
        _ if row.status.is_open() => {
            format!("{}{}", clocks.review.symbol(), clocks.review.label())
        }
        _ => " closed".to_string(),
    };
    [
        sla,
        row.claim_id.clone(),
        format!("{} ({})", row.partner_name, row.mpn_id),
        row.customer_domain.clone(),
        row.product.clone(),
        flags(row),
    ]
    .map(|cell| escape(&cell).into_owned())
}

fn flags(row: &QueueRow) -> String {
    let mut out = Vec::new();
    if row.status != Status::UnderReview {
        out.push(format!("status:{}", row.status.code()));
    }
    if row.contested() {
        out.push(format!("contested:{}", row.parties.max(2)));
    }
    if let Some(mpn) = &row.incumbent_mpn_id {
        out.push(format!("incumbent:{mpn}"));
    }
    if !row.findings.is_empty() {
        let codes: Vec<&str> = row.findings.iter().map(|f| f.code()).collect();
        out.push(format!("findings:{}", codes.join(",")));
    }
    if row.unknown_checks > 0 {
        out.push(format!("unknown:{}", row.unknown_checks));
    }
    if let Some(who) = &row.assignee {
        out.push(format!("assigned:{who}"));
    }
    if let Some(who) = row.holder(Utc::now()) {
        out.push(format!("held:{who}"));
    }
    out.join(" ")
}

const HEADER: [&str; 6] = [
    "SLA",
    "CLAIM",
    "PARTNER (MPN)",
    "DOMAIN",
    "PRODUCT",
    "FLAGS",
];

/// A header and the rows, columns padded to their widest cell (display width, so `株式会社フジ`
/// lines up); the last column is not padded.
fn render(rows: &[[String; 6]]) -> String {
    let mut widths = HEADER.map(width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell).min(MAX_COLUMN));
        }
    }
    let mut out = String::new();
    let header = HEADER.map(str::to_string);
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let cut = fit(cell, widths[i]);
                let pad = widths[i] - width(&cut);
                line.push_str(&cut);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Columns a string takes on a terminal.
fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// `s` cut to `max` columns, ending in `…` when cut.
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = width(ch.encode_utf8(&mut [0; 4]));
        if used + w + 1 > max {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_display_width_and_long_cells_are_cut() {
        let row = |partner: &str| {
            [
                " 3d 4h".to_string(),
                "C-1".to_string(),
                partner.to_string(),
                "a.onmicrosoft.com".to_string(),
                "Exchange Online".to_string(),
                "contested:2".to_string(),
            ]
        };
        let long = "X".repeat(50);
        let text = render(&[row("株式会社フジ (1)"), row("Contoso (2)"), row(&long)]);
        let lines: Vec<&str> = text.lines().collect();
        let domain_at = |l: &str| width(&l[..l.find("a.onmicrosoft").unwrap()]);
        assert_eq!(domain_at(lines[1]), domain_at(lines[2]));
        assert_eq!(domain_at(lines[2]), domain_at(lines[3]));
        assert!(lines[3].contains(&format!("{}…", "X".repeat(MAX_COLUMN - 1))));
        assert!(lines[0].starts_with("SLA"));
    }
}
