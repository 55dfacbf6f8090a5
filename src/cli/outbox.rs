//! `claimdesk outbox`: every partner-facing message once, as JSON Lines in commit order.
//!
//! Each line: `seq` (strictly increasing: keep the last one and pass it as `--after` next
//! time), `message_id` (stable), `kind` (`comment`, `info_request`, `decision`,
//! `dispute_outcome`), `claim_id`, `mpn_id`, `at`, `body`, `status` after it; `outcome` for a
//! decision or a dispute's outcome, `reply_due_at` for an information request. Stored text is
//! escaped (domain::text::escape_json), so a line never reaches a terminal raw.

use std::io::Write;

use clap::Args;

use claimdesk::config::Config;
use claimdesk::domain::text::escape_json;
use claimdesk::model::OutboxKind;
use claimdesk::store::{Store, StoreError};

/// `claimdesk outbox` options.
#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// Only messages after this `seq` (the last one a consumer has sent on).
    #[arg(long, value_name = "SEQ", default_value_t = 0)]
    after: i64,
    /// At most this many messages.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    limit: u32,
}

/// Prints the messages; a reader that goes away (`| head`) is no failure.
pub async fn print(
    store: &Store,
    config: &Config,
    login: &str,
    args: &OutboxArgs,
) -> Result<(), StoreError> {
    let messages = store.outbox(login, args.after, args.limit).await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for mut m in messages {
        if m.kind == OutboxKind::InfoRequest {
            m.reply_due_at = Some(config.sla.reply_due_at(&config.calendar, m.at));
        }
        let line = serde_json::to_string(&m).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if writeln!(out, "{}", escape_json(&line)).is_err() {
            return Ok(());
        }
    }
    let _ = out.flush();
    Ok(())
}
