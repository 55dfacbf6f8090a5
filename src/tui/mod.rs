//! The terminal: set-up and restore (normal quit, error, panic, SIGTERM, SIGHUP) and the async
//! event loop. The only module that touches the terminal; everything it shows comes from `ui`,
//! everything it does from `app::update`.

mod events;
mod holds;
mod runtime;
pub mod scroll;

pub use runtime::run_effect;

use anyhow::Context;
use chrono::Utc;

use crate::app::{Keymap, State};
use crate::config::Config;
use crate::store::{Store, StoreError};
use crate::ui::Theme;

/// How the reviewer started the TUI (from the command line).
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    /// Whose claims `Mine` shows and who acts.
    pub reviewer: String,
    /// `--theme NAME`; overrides the config file's `theme`.
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

/// Runs the reviewer's TUI on `store` until they quit. Identity, theme and key errors are
/// reported before the terminal is touched.
pub async fn run(store: Store, config: Config, options: TuiOptions) -> anyhow::Result<()> {
    let actor = match store.actor(&options.reviewer).await {
        Ok(actor) => actor,
        Err(StoreError::NotAllowed(reason)) => return Err(NotAReviewer(reason).into()),
        Err(e) => return Err(e).context("cannot check who you are in the claims store"),
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let bad = |e: &dyn std::fmt::Display| BadSettings(e.to_string());
    let (names, index) = themes(
        options.theme.as_deref(),
        config.file.theme.as_deref(),
        no_color,
    )
    .map_err(|e| bad(&e))?;
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
    let mut state = State::new(&config, keymap, &options.reviewer, names, index, Utc::now());
    state.holds.actor = Some(actor);
    runtime::run(store, state, themes).await
}

/// The themes `T` cycles through and the one to start with: `--theme`, else the config's
/// `theme`, else `dark`; with `NO_COLOR` set, `mono` only. An unknown name is an error.
fn themes(
    flag: Option<&str>,
    config: Option<&str>,
    no_color: bool,
) -> Result<(Vec<String>, usize), crate::ui::ThemeError> {
    let wanted = flag.or(config).unwrap_or("dark");
    Theme::by_name(wanted)?;
    if no_color {
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
            themes(Some("light"), None, true).unwrap(),
            (vec!["mono".into()], 0)
        );
        assert!(themes(Some("neon"), None, true).is_err());
    }
}
