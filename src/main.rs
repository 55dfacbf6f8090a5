//! `claimdesk`: the terminal workbench for CPOR claim reviewers. This file only parses the
//! command line and hands it to `cli`, which returns the exit status (0 ok, 1 refused or failed
//! work, 2 the store or config could not be opened).
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse()).await
}
