//! The terminal: the session's event loop (generic over where its input comes from and where
//! its screen goes), the effect runner, and the local terminal's set-up and restore (normal quit,
//! error, panic, SIGTERM, SIGHUP). The only module that touches a terminal; everything it shows
//! comes from `ui`, everything it does from `app::update`.

mod events;
pub mod feed;
mod holds;
mod local;
pub mod paint;
mod runner;
pub mod scroll;
pub mod session;
pub mod sink;

use std::sync::atomic::AtomicBool;

pub use feed::{Feed, SharedFeed};
pub use runner::run_effect;
pub use session::{run_session, Ended, Host, NoHost};
pub use sink::{Screen, Sink};

use anyhow::Context;
use chrono::Utc;

use crate::app::{Keymap, State};
use crate::config::Config;
use crate::store::{Store, StoreError};
use crate::ui::{Glyphs, Theme};

/// Set by the panic hook: a panic anywhere (also in a task) ends the loop before it draws again
/// on a terminal the hook has already restored.
pub(crate) static PANICKED: AtomicBool = AtomicBool::new(false);

/// Database connections a local workbench opens: one for its work and, on PostgreSQL, one for
/// the change feed's listener (open the store with `OpenOptions { max_connections }` of this).
pub const CONNECTIONS: u32 = 2;

/// How the reviewer started the TUI (from the command line).
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    /// Whose claims `Mine` shows and who acts.
    pub reviewer: String,
    /// `--theme NAME`; overrides the config file's `theme` and `NO_COLOR`.
    pub theme: Option<String>,
}

/// The reviewer may not use this store: unknown or deactivated (the store's one-line reason).
/// Reported before the terminal is touched; the binary exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotAReviewer(pub String);

/// A theme or key binding that cannot be used (unknown theme, unknown action or key): a config
/// problem, reported before the terminal is touched; the binary exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadSettings(pub String);

/// One reviewer's workbench before it runs: its state, the themes `T` cycles through, and the
/// glyphs its terminal can show (ASCII only where its locale is not UTF-8).
#[derive(Debug, Clone)]
pub struct Workbench {
    pub state: State,
    pub themes: Vec<Theme>,
    pub glyphs: Glyphs,
}

/// Builds the workbench of `reviewer` on `store`: who they are (refused with `NotAReviewer` if
/// they may not work here), their themes and keys. `theme` is an explicit choice (`--theme`);
/// `no_color` is the client's `NO_COLOR`. Nothing touches a terminal, so errors can be reported
/// plainly (how `serve` builds a session's workbench too).
pub async fn workbench(
    store: &Store,
    config: &Config,
    reviewer: &str,
    theme: Option<&str>,
    no_color: bool,
) -> anyhow::Result<Workbench> {
    let actor = match store.actor(reviewer).await {
        Ok(actor) => actor,
        Err(StoreError::NotAllowed(reason)) => return Err(NotAReviewer(reason).into()),
        Err(e) => return Err(e).context("cannot check who you are in the claims store"),
    };
    let bad = |e: &dyn std::fmt::Display| BadSettings(e.to_string());
    let (names, index) =
        themes(theme, config.file.theme.as_deref(), no_color).map_err(|e| bad(&e))?;
    let themes = names
        .iter()
        .map(|n| Theme::by_name(n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(&e))?;
    let keymap = Keymap::with_overrides(&config.file.keys).map_err(|e| {
        bad(&match &config.source {
            Some(path) => format!("config file {}: {e}", path.display()),
            None => format!("config: {e}"),
        })
    })?;
    let mut state = State::new(config, keymap, reviewer, names, index, Utc::now());
    state.holds.actor = Some(actor);
    // The theme, sort and tab this reviewer left off with (a store that cannot say starts from
    // the defaults).
    let remembered = store.preferences(reviewer).await.unwrap_or_default();
    state.remember(remembered, theme.is_some() || no_color);
    Ok(Workbench {
        state,
        themes,
        glyphs: Glyphs::Unicode,
    })
}

/// Runs the reviewer's TUI on this process's terminal until they quit. Identity, theme and key
/// errors are reported before the terminal is touched.
pub async fn run(store: Store, config: Config, options: TuiOptions) -> anyhow::Result<()> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut bench = workbench(
        &store,
        &config,
        &options.reviewer,
        options.theme.as_deref(),
        no_color,
    )
    .await?;
    let var = |name| std::env::var(name).ok();
    bench.glyphs = Glyphs::for_locale(
        var("LC_ALL").as_deref(),
        var("LC_CTYPE").as_deref(),
        var("LANG").as_deref(),
    );
    local::run(store, bench).await
}

/// The themes `T` cycles through and the one to start with: `--theme`, else the config's
/// `theme`, else `dark`. With `NO_COLOR` set and no `--theme`, `mono` only (an explicit flag
/// wins over the environment). An unknown name is an error.
fn themes(
    flag: Option<&str>,
    config: Option<&str>,
    no_color: bool,
) -> Result<(Vec<String>, usize), crate::ui::ThemeError> {
    let wanted = flag.or(config).unwrap_or("dark");
    Theme::by_name(wanted)?;
    if no_color && flag.is_none() {
        return Ok((vec!["mono".to_string()], 0));
    }
    let names = Theme::names();
    let index = names.iter().position(|n| n == wanted.trim()).unwrap_or(0);
    Ok((names, index))
}

#[cfg(test)]
mod tests {
    use super::themes;

    #[test]
    fn theme_resolution() {
        let (names, i) = themes(None, None, false).unwrap();
        assert_eq!(names[i], "dark");
        let (names, i) = themes(Some("light"), Some("mono"), false).unwrap();
        assert_eq!(names[i], "light");
        let (names, i) = themes(None, Some("high-contrast"), false).unwrap();
        assert_eq!(names[i], "high-contrast");
        assert_eq!(
            themes(None, Some("light"), true).unwrap(),
            (vec!["mono".into()], 0)
        );
        // An explicit --theme wins over NO_COLOR.
        let (names, i) = themes(Some("dark"), None, true).unwrap();
        assert_eq!(names[i], "dark");
        assert!(themes(Some("neon"), None, true).is_err());
    }
}
