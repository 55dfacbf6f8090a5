//! TEMPORARY entry point for the `tui` branch: just the TUI with the global options the real CLI
//! (branch `cli`) keeps: `--db URL`, `--config PATH`, `--reviewer NAME`, `--theme NAME`. The lead
//! replaces this file with the real CLI at merge.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;

/// claimdesk: the reviewer's workbench for CPOR claims.
#[derive(Debug, Parser)]
struct Args {
    /// Database URL (sqlite:PATH or postgres://...).
    #[arg(long, env = "CLAIMDESK_DATABASE_URL")]
    db: Option<String>,
    /// Config file.
    #[arg(long, env = "CLAIMDESK_CONFIG")]
    config: Option<PathBuf>,
    /// Who is reviewing.
    #[arg(long, env = "CLAIMDESK_REVIEWER")]
    reviewer: Option<String>,
    /// Theme: dark, light, high-contrast, mono.
    #[arg(long)]
    theme: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    let args = Args::parse();
    let config = claimdesk::config::Config::load(args.config.as_deref())?;
    let url = match args.db {
        Some(url) => url,
        None => claimdesk::config::default_database_path()
            .context("no data directory; pass --db")?
            .display()
            .to_string(),
    };
    let store = claimdesk::store::Store::open(&url).await?;
    let reviewer = args
        .reviewer
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "reviewer".into());
    let options = claimdesk::tui::TuiOptions {
        reviewer,
        theme: args.theme,
    };
    match claimdesk::tui::run(store, config, options).await {
        Ok(()) => Ok(std::process::ExitCode::SUCCESS),
        Err(e) => match e.downcast_ref::<claimdesk::tui::NotAReviewer>() {
            Some(refused) => {
                eprintln!("claimdesk: {refused}");
                Ok(std::process::ExitCode::from(2))
            }
            None => Err(e),
        },
    }
}
