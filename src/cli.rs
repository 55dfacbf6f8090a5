//! The command line: global options, subcommands and how each one ends.
//!
//! Exit status is part of the contract for scripts: 0 done, 1 the work was refused or failed
//! (bad import input, a claim id already stored, a write error), 2 the store or the config could
//! not be opened, or the reviewer may not do this (unknown, deactivated, not a lead). Every failure is one line on stderr; a database password never appears.

mod outbox;
mod queue;
mod report;
mod review;
mod serve;
mod team;

use std::io::{BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use claimdesk::config::{self, Config};
use claimdesk::domain::text::escape;
use claimdesk::generate::{self, GenerateOptions};
use claimdesk::interchange::{self, ExportFormat, ExportWriter, Problem};
use claimdesk::store::{self, Audit, AuditMode, Store, StoreError};

/// A keyboard-driven terminal workbench for reviewers who arbitrate CPOR customer association
/// claims. Without a subcommand, opens the workbench.
#[derive(Debug, Parser)]
#[command(name = "claimdesk", version)]
pub struct Cli {
    /// The claims store: `postgres://...` or a libpq `host=... dbname=...` string (shared by a
    /// team; `sslmode`, `sslrootcert` for TLS), or `sqlite:PATH` / a file path.
    /// Default: claims.db in your data directory.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "CLAIMDESK_DATABASE_URL"
    )]
    #[arg(hide_env_values = true)]
    db: Option<String>,
    /// The config file (calendar, SLA policy, theme, keys, templates).
    #[arg(long, global = true, value_name = "PATH", env = "CLAIMDESK_CONFIG")]
    config: Option<PathBuf>,
    /// Who you are in the audit log and the `Mine` tab: your proven login (the database login
    /// on PostgreSQL, your OS login on SQLite), which this may only repeat; the store's
    /// administrator may name a reviewer to act for. Default: your proven login.
    #[arg(long, global = true, value_name = "NAME", env = "CLAIMDESK_REVIEWER")]
    reviewer: Option<String>,
    /// The colour theme (dark, light, high-contrast, mono).
    #[arg(long, global = true, value_name = "NAME")]
    theme: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or upgrade the store's schema, then exit.
    Migrate,
    /// Load claims and reference data from a JSON Lines file (`-` for stdin). All or nothing:
    /// any problem writes nothing and is printed as LINE:FIELD: message.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write every claim with its computed fields, in claim id order.
    Export {
        #[arg(long, value_enum, default_value_t = FormatArg::Jsonl)]
        format: FormatArg,
        /// Write to this file instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Add synthetic claims (for benchmarks and trying things out at scale).
    Generate {
        /// How many claims to add (at most 100,000,000).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        claims: u64,
        /// The same seed gives the same claims; claim ids carry it, so sets never collide.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Claims are submitted in the three weeks before this day (YYYY-MM-DD). Default: today.
        #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
        as_of: Option<NaiveDate>,
        /// Claims per transaction (for tests of an interrupted run; part of what makes the set).
        #[arg(long, hide = true, default_value_t = generate::BATCH_CLAIMS)]
        batch: usize,
    },
    /// Load a small hand-made data set that shows every feature, then open the workbench.
    /// Uses demo.db beside the default store unless --db is given.
    Demo {
        /// Only load the data set (if the store is empty); do not open the workbench.
        #[arg(long)]
        no_tui: bool,
    },
    /// Print the queue as aligned text columns, for scripts.
    Queue(queue::QueueArgs),
    /// Print every partner-facing message once, as JSON Lines in commit order (`--after SEQ`
    /// for those after the last one sent). For the integration login and leads.
    Outbox(outbox::OutboxArgs),
    /// Manage the reviewers who work this store (acting as --reviewer).
    #[command(subcommand)]
    Reviewer(team::ReviewerCommand),
    /// Print the audit log (who did what, when, before → after), oldest first.
    Audit(team::AuditArgs),
    /// Print the lead's figures (the dashboard's): SLA now, aging, 12 weeks of throughput,
    /// reviewers' pace, outcomes.
    Report(report::ReportArgs),
    /// Assign a claim and the open claims of its contest to a reviewer (a lead's job): they show
    /// in that reviewer's Mine tab.
    Assign {
        /// The claim.
        claim: String,
        /// The reviewer's login.
        login: String,
    },
    /// Approve or reject a claim. An approval makes its MPN the association of its customer and
    /// product; a claim with error findings is approved only by a lead, with --over-findings.
    Decide(review::DecideArgs),
    /// Serve the workbench over SSH: reviewers sign in with their registered keys
    /// (`reviewer key add`) and work as themselves; run by the store's administrator.
    Serve(serve::ServeArgs),
}

/// `export --format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Jsonl,
    Csv,
}

/// How a command failed, which decides the exit status.
#[derive(Debug)]
enum Failure {
    /// The store or config could not be opened (exit 2).
    Setup(String),
    /// The input was refused; its problems are already printed, this is the summary (exit 1).
    Refused(String),
    /// The work itself failed (exit 1).
    Failed(anyhow::Error),
    /// The reviewer may not do this: unknown, deactivated, or not a lead (exit 2).
    NotAllowed(String),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Failed(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotAllowed(msg) => Failure::NotAllowed(msg),
            e => Failure::Failed(e.into()),
        }
    }
}

type Outcome = Result<(), Failure>;

/// Runs the parsed command line and reports how it ended.
pub async fn run(cli: Cli) -> ExitCode {
    match dispatch(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Setup(msg) | Failure::NotAllowed(msg)) => {
            eprintln!("claimdesk: {}", one_line(&msg));
            ExitCode::from(2)
        }
        Err(Failure::Refused(summary)) => {
            eprintln!("claimdesk: {}", one_line(&summary));
            ExitCode::from(1)
        }
        Err(Failure::Failed(e)) => {
            eprintln!("claimdesk: {}", one_line(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

async fn dispatch(cli: Cli) -> Outcome {
    let config = Config::load(cli.config.as_deref()).map_err(|e| Failure::Setup(e.to_string()))?;
    // Who acts is written into every audit event: an id like any other (no whitespace or control
    // characters, at most 64), so an actor name can never forge a line of `audit`.
    if let Some(given) = cli
        .reviewer
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        claimdesk::domain::text::check(claimdesk::domain::text::TextKind::Id, given)
            .map_err(|e| Failure::Setup(format!("--reviewer {given:?}: {e}")))?;
    }
    let demo = matches!(cli.command, Some(Command::Demo { .. }));
    let url = database_url(cli.db.as_deref(), demo)?;
    // A workbench holds at most two connections (work and the change feed): twenty reviewers
    // must not fill a default PostgreSQL server.
    let tui = matches!(cli.command, None | Some(Command::Demo { no_tui: false }));
    // `serve` shares one pool among every session.
    let max_connections = match &cli.command {
        Some(Command::Serve(args)) => Some(args.pool),
        _ => tui.then_some(claimdesk::tui::CONNECTIONS),
    };
    let options = store::OpenOptions { max_connections };
    let store = Store::open_with(&url, &options).await.map_err(|e| {
        let msg = e.to_string();
        // The store hides passwords already; make sure the raw URL never slips through.
        Failure::Setup(msg.replace(&url, &store::redact_url(&url)))
    })?;
    let shown_url = escape(&store::redact_url(&url)).into_owned();
    let unbound = store.clone();
    let store = act_as(store, cli.reviewer.as_deref()).await?;
    let reviewer = store
        .identity()
        .map(|i| i.login.clone())
        .unwrap_or_default();
    match cli.command {
        None => run_tui(store, config, reviewer, cli.theme).await?,
        Some(Command::Migrate) => {
            let claims = store.claim_count().await?;
            println!("claims store {shown_url} is migrated and ready ({claims} claims)");
        }
        Some(Command::Import { file }) => import(&store, &config, &file, &reviewer).await?,
        Some(Command::Export { format, output }) => {
            let format = match format {
                FormatArg::Jsonl => ExportFormat::Jsonl,
                FormatArg::Csv => ExportFormat::Csv,
            };
            export(&store, config, format, output.as_deref()).await?;
        }
        Some(Command::Generate {
            claims,
            seed,
            as_of,
            batch,
        }) => {
            let as_of = as_of.unwrap_or_else(|| Utc::now().date_naive());
            let options = GenerateOptions {
                claims,
                seed,
                as_of,
                batch_claims: batch,
            };
            generate(&store, options, &reviewer).await?;
        }
        Some(Command::Demo { no_tui }) => {
            // The demo set is the program's own, loaded into an empty store as its demo lead.
            let loaded = claimdesk::demo::load_if_empty(&unbound, &config, Utc::now())
                .await
                .map_err(|e| Failure::Failed(e.into()))?;
            match loaded {
                Some(n) => eprintln!("loaded the demo data set ({n} claims) into {shown_url}"),
                None => eprintln!("{shown_url} already holds claims; the demo data was not loaded"),
            }
            if !no_tui {
                run_tui(store, config, reviewer, cli.theme).await?;
            }
        }
        Some(Command::Queue(args)) => queue::print(&store, &config, &reviewer, &args).await?,
        Some(Command::Report(args)) => report::print(&store, &config, &args).await?,
        Some(Command::Outbox(args)) => {
            outbox::print(&store, &config, &reviewer, &args, &mut std::io::stdout()).await?
        }
        Some(Command::Reviewer(command)) => team::reviewer(&store, &reviewer, command).await?,
        Some(Command::Audit(args)) if args.verify => {
            if let Err(team::Broken(line)) =
                team::verify(&store, &args, &mut std::io::stdout()).await?
            {
                return Err(Failure::Refused(line));
            }
        }
        Some(Command::Audit(args)) => {
            let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
            team::audit(&store, &config, &args, &mut out, &mut err).await?
        }
        Some(Command::Assign { claim, login }) => {
            review::assign(&store, &reviewer, &claim, &login).await?
        }
        Some(Command::Decide(args)) => review::decide(&store, &reviewer, &args).await?,
        Some(Command::Serve(args)) => serve::run(store, config, args)
            .await
            .map_err(|serve::ServeFailure::Setup(line)| Failure::Setup(line))?,
    }
    Ok(())
}

/// Opens the workbench.
async fn run_tui(store: Store, config: Config, reviewer: String, theme: Option<String>) -> Outcome {
    let options = claimdesk::tui::TuiOptions { reviewer, theme };
    claimdesk::tui::run(store, config, options)
        .await
        .map_err(|e| match e.downcast::<claimdesk::tui::NotAReviewer>() {
            Ok(refused) => Failure::NotAllowed(refused.0),
            Err(e) => match e.downcast::<claimdesk::tui::BadSettings>() {
                Ok(bad) => Failure::Setup(bad.0),
                Err(e) => Failure::Failed(e),
            },
        })
}

/// Proves who runs this command (the database login, or the OS login on SQLite), applies
/// `--reviewer`/`CLAIMDESK_REVIEWER` to it (only a repeat of it, or the administrator naming a
/// reviewer; any name in single-reviewer mode) and binds the result to the store: every write
/// of this command is made as it. A name it may not use ends here, with exit status 2.
async fn act_as(store: Store, given: Option<&str>) -> Result<Store, Failure> {
    let proven = store
        .prove_identity()
        .await
        .map_err(|e| Failure::Setup(format!("cannot tell who you are: {e}")))?;
    let identity = match given.map(str::trim).filter(|v| !v.is_empty()) {
        Some(name) => proven.acting_as(name),
        None => proven,
    };
    store.check_identity(&identity).await?;
    Ok(store.acting_as(identity))
}

/// `--db`/`CLAIMDESK_DATABASE_URL`, else a SQLite file in the data directory (`demo.db` for the
/// demo, so trying it never mixes with real work), creating the directory.
fn database_url(given: Option<&str>, demo: bool) -> Result<String, Failure> {
    if let Some(url) = given {
        if url.trim().is_empty() {
            return Err(Failure::Setup(
                "--db (or CLAIMDESK_DATABASE_URL) is empty: name a store (sqlite:PATH or \
                 postgres://...), or leave it out for your own default store"
                    .into(),
            ));
        }
        return Ok(url.trim().to_string());
    }
    let mut path = config::default_database_path().ok_or_else(|| {
        Failure::Setup("no data directory for the default store; pass --db URL".into())
    })?;
    if demo {
        path.set_file_name("demo.db");
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Setup(format!("cannot create {}: {e}", dir.display())))?;
    }
    Ok(format!("sqlite:{}", path.display()))
}

async fn import(store: &Store, config: &Config, file: &Path, reviewer: &str) -> Outcome {
    let spinner = progress_bar(None, "{spinner} {msg} {elapsed}");
    spinner.set_message(format!("reading {}", escape(&file.display().to_string())));
    let parsed = if file == Path::new("-") {
        interchange::parse_reader(std::io::stdin().lock())
    } else {
        let f =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        interchange::parse_reader(BufReader::new(f))
    }
    .with_context(|| format!("cannot read {}", file.display()));
    spinner.finish_and_clear();
    let mut batch = match parsed? {
        Ok(batch) => batch,
        Err(problems) => return Err(refuse(&problems)),
    };
    batch.policy = config.feed_policy();
    let audit = Audit {
        actor: reviewer.to_string(),
        mode: AuditMode::PerClaim,
    };
    let spinner = progress_bar(None, "{spinner} {msg} {elapsed}");
    spinner.set_message(format!("writing {} claims", batch.claims.len()));
    let written = store.import(&batch, &audit).await;
    spinner.finish_and_clear();
    match written {
        Ok(s) => {
            println!(
                "imported {} claims, {} tenants, {} MPNs, {} associations",
                s.claims, s.tenants, s.mpns, s.associations
            );
            if s.feed + s.replayed > 0 {
                println!(
                    "applied {} partner feed line(s); {} already applied (unchanged)",
                    s.feed, s.replayed
                );
            }
            Ok(())
        }
        Err(StoreError::FeedRefused(refused)) => {
            let problems: Vec<Problem> = refused
                .into_iter()
                .map(|(line, field, message)| Problem::new(line, field, message))
                .collect();
            Err(refuse(&problems))
        }
        Err(StoreError::ClaimsExist(existing)) => {
            let problems: Vec<Problem> = existing
                .iter()
                .map(|(line, _)| Problem::already_stored(*line))
                .collect();
            Err(refuse(&problems))
        }
        Err(e) => Err(e.into()),
    }
}

/// The most problems an import refusal lists; the rest are counted.
const PROBLEMS_SHOWN: usize = 50;

/// Prints the first problems on stderr (escaped: they quote the file) and returns the summary.
fn refuse(problems: &[Problem]) -> Failure {
    let mut err = std::io::stderr().lock();
    for p in problems.iter().take(PROBLEMS_SHOWN) {
        let _ = writeln!(err, "{}", escape(&p.to_string()));
    }
    if problems.len() > PROBLEMS_SHOWN {
        let _ = writeln!(
            err,
            "and {} more problem(s)",
            problems.len() - PROBLEMS_SHOWN
        );
    }
    let lines: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.line).collect();
    Failure::Refused(format!(
        "import refused: {} problem(s) on {} line(s); nothing was written",
        problems.len(),
        lines.len()
    ))
}

/// How many claims one export page holds: enough to be quick, small enough to stay light.
const EXPORT_PAGE: u32 = 1000;

async fn export(
    store: &Store,
    config: Config,
    format: ExportFormat,
    output: Option<&Path>,
) -> Outcome {
    let out: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut writer = ExportWriter::new(out, format, config).context("cannot write the export")?;
    let mut after: Option<String> = None;
    let result = loop {
        let page = store.claims_after(after.as_deref(), EXPORT_PAGE).await?;
        let Some(last) = page.last() else {
            break writer.finish();
        };
        after = Some(last.claim.claim_id.clone());
        if let Err(e) = writer.write_page(&page) {
            break Err(e);
        }
    };
    match result {
        Ok(n) => {
            if let Some(path) = output {
                eprintln!(
                    "exported {n} claims to {}",
                    escape(&path.display().to_string())
                );
            }
            Ok(())
        }
        // The reader went away (`| head`): not a failure.
        Err(e) if e.is_broken_pipe() => Ok(()),
        Err(e) => Err(anyhow::Error::new(e)
            .context("cannot write the export")
            .into()),
    }
}

/// A progress display on stderr when it is a terminal (hidden otherwise, so scripts and logs
/// get only the summary line).
fn progress_bar(len: Option<u64>, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    // The templates are constants; a bad one would only lose the styling.
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

async fn generate(store: &Store, options: GenerateOptions, reviewer: &str) -> Outcome {
    let started = Instant::now();
    let bar = progress_bar(
        Some(options.claims),
        "generating {pos}/{len} claims [{bar:30}] {percent}% {per_sec} eta {eta}",
    );
    let made = generate::generate_into(store, options, reviewer, |made, _| {
        bar.set_position(made);
    })
    .await;
    bar.finish_and_clear();
    let done = made?;
    let resumed = match done.already_stored {
        0 => String::new(),
        n => format!("; {n} were already stored by an interrupted run with these options"),
    };
    println!(
        "generated {} claims (seed {}) in {:.1}s{resumed}",
        done.written,
        options.seed,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `--as-of`: a day in the range every claim date is held to (domain::text), so the generated
/// claims import and export like any others.
fn parse_as_of(text: &str) -> Result<NaiveDate, String> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a YYYY-MM-DD day"))?;
    // Claims are submitted up to three weeks before it.
    let earliest = day - chrono::TimeDelta::days(22);
    if !claimdesk::domain::text::day_in_range(day)
        || !claimdesk::domain::text::day_in_range(earliest)
    {
        return Err(format!(
            "{day} would date claims outside {}",
            claimdesk::domain::text::range_words()
        ));
    }
    Ok(day)
}

/// Error text on one line, whatever the underlying library put in it, with any control
/// character that stored text brought in shown escaped.
fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    escape(&line).into_owned()
}
