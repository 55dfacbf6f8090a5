//! The config file (TOML): calendar, SLA policy, theme, key bindings and comment templates.
//!
//! Found at `--config PATH`, else `CLAIMDESK_CONFIG`, else `claimdesk/config.toml` in the user's
//! config directory; a missing default file means the defaults. Unknown keys are errors, so a typo
//! never silently falls back to a default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::domain::text::{self, TextKind};
use crate::domain::{BusinessCalendar, CalendarError, SlaPolicy};

/// Why the config could not be used. One line, naming the file.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("config file {path}: {reason}")]
    Parse { path: String, reason: String },
    #[error("config file {path}: [calendar] {source}")]
    Calendar {
        path: String,
        #[source]
        source: CalendarError,
    },
    /// A value outside the range claimdesk can work with (a huge `business_days` would make every
    /// deadline computation run for hours).
    #[error("config file {path}: {what}")]
    OutOfRange { path: String, what: String },
}

/// Everything the config file can say, with defaults for what it leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigFile {
    pub calendar: CalendarSection,
    pub sla: SlaSection,
    /// `[disputes]`: how long a partner may dispute a decision.
    pub disputes: DisputesSection,
    /// A theme name from `themes/` (`dark`, `light`, `high-contrast`, `mono`).
    pub theme: Option<String>,
    /// Key rebinding: action name → one key or a list of keys (e.g. `down = ["j", "Down"]`) in
    /// every context, or `[keys.CONTEXT]` tables for one context.
    pub keys: BTreeMap<String, KeyBinding>,
    /// The reviewer's own comment templates: name → text.
    pub templates: BTreeMap<String, String>,
    /// Mouse reporting (click a row or a tab, the wheel scrolls); on unless `false`.
    pub mouse: Option<bool>,
}

/// A `[keys]` entry: an action's keys everywhere, or a context's table of actions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyBinding {
    Keys(KeyList),
    Context(BTreeMap<String, KeyList>),
}

/// One key or several, as written in `[keys]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    /// The keys, in the order written.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// `[calendar]`: what a business day is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarSection {
    pub timezone: String,
    pub weekmask: Vec<String>,
    pub holidays: Vec<String>,
}

impl Default for CalendarSection {
    fn default() -> Self {
        CalendarSection {
            timezone: "UTC".into(),
            weekmask: ["Mon", "Tue", "Wed", "Thu", "Fri"]
                .map(String::from)
                .to_vec(),
            holidays: Vec::new(),
        }
    }
}

/// `[sla]`: the review deadline policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlaSection {
    pub business_days: u32,
    pub warn_below_business_days: u32,
    pub pause_while_info_requested: bool,
    /// Business days a partner has to answer an information request (`reply_due_at`).
    pub partner_reply_business_days: u32,
}

impl Default for SlaSection {
    fn default() -> Self {
        let p = SlaPolicy::default();
        SlaSection {
            business_days: p.business_days,
            warn_below_business_days: p.warn_below_business_days,
            pause_while_info_requested: p.pause_while_info_requested,
            partner_reply_business_days: p.partner_reply_business_days,
        }
    }
}

/// `[disputes]`: a decision may be disputed for `window_days` calendar days after it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DisputesSection {
    pub window_days: u32,
}

impl Default for DisputesSection {
    fn default() -> Self {
        DisputesSection {
            window_days: crate::model::FeedPolicy::default().dispute_window_days,
        }
    }
}

/// The config as the program uses it: validated calendar and policy plus the raw UI settings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub calendar: BusinessCalendar,
    pub sla: SlaPolicy,
    pub file: ConfigFile,
    /// Where it was read from, if anywhere.
    pub source: Option<PathBuf>,
}

impl Config {
    /// What the partner feed is held to (`[disputes]`).
    pub fn feed_policy(&self) -> crate::model::FeedPolicy {
        crate::model::FeedPolicy {
            dispute_window_days: self.file.disputes.window_days,
        }
    }

    /// Loads the config: an explicit path (flag or environment) must exist; the default path
    /// may be absent.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        match explicit {
            Some(path) => Config::from_path(path),
            None => match default_config_path() {
                Some(path) if path.exists() => Config::from_path(&path),
                _ => Ok(Config::default()),
            },
        }
    }

    /// Reads and validates one file.
    pub fn from_path(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let mut config = Config::from_toml(&text, &shown)?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses config text; `shown` names it in errors.
    pub fn from_toml(text: &str, shown: &str) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: shown.to_string(),
            reason: e.message().to_string() + &location(text, e.span()),
        })?;
        let cal = &file.calendar;
        let calendar = BusinessCalendar::new(&cal.timezone, &cal.weekmask, &cal.holidays).map_err(
            |source| ConfigError::Calendar {
                path: shown.to_string(),
                source,
            },
        )?;
        check_ranges(&file).map_err(|what| ConfigError::OutOfRange {
            path: shown.to_string(),
            what,
        })?;
        let sla = SlaPolicy {
            business_days: file.sla.business_days,
            warn_below_business_days: file.sla.warn_below_business_days,
            pause_while_info_requested: file.sla.pause_while_info_requested,
            partner_reply_business_days: file.sla.partner_reply_business_days,
        };
        Ok(Config {
            calendar,
            sla,
            file,
            source: None,
        })
    }
}

/// The most business days a review deadline may be set to (about three months).
pub const MAX_BUSINESS_DAYS: u32 = 60;

/// Every number and date of the file within what claimdesk can work with; the message names the
/// key, the value and the range.
fn check_ranges(file: &ConfigFile) -> Result<(), String> {
    let sla = &file.sla;
    if !(1..=MAX_BUSINESS_DAYS).contains(&sla.business_days) {
        return Err(format!(
            "[sla] business_days must be at least 1 and at most {MAX_BUSINESS_DAYS} (it is {})",
            sla.business_days
        ));
    }
    if sla.warn_below_business_days > sla.business_days {
        return Err(format!(
            "[sla] warn_below_business_days must be at most business_days ({}), not {}",
            sla.business_days, sla.warn_below_business_days
        ));
    }
    if !(1..=MAX_BUSINESS_DAYS).contains(&sla.partner_reply_business_days) {
        return Err(format!(
            "[sla] partner_reply_business_days must be at least 1 and at most {MAX_BUSINESS_DAYS} (it is {})",
            sla.partner_reply_business_days
        ));
    }
    if !(1..=3660).contains(&file.disputes.window_days) {
        return Err(format!(
            "[disputes] window_days must be at least 1 and at most 3660 (it is {})",
            file.disputes.window_days
        ));
    }
    for holiday in &file.calendar.holidays {
        // An unreadable date is the calendar's to report.
        if let Ok(day) = chrono::NaiveDate::parse_from_str(holiday.trim(), "%Y-%m-%d") {
            if !text::day_in_range(day) {
                return Err(format!(
                    "[calendar] holiday {day} is outside {}",
                    text::range_words()
                ));
            }
        }
    }
    for (name, body) in &file.templates {
        text::check(TextKind::Short, name)
            .and_then(|()| text::check(TextKind::Long, body))
            .map_err(|e| format!("[templates] {}: {e}", text::escape(name)))?;
    }
    Ok(())
}

fn location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!(" (line {line})")
        }
        None => String::new(),
    }
}

/// `claimdesk/config.toml` in the user's config directory.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "claimdesk").map(|d| d.config_dir().join("config.toml"))
}

/// `claimdesk/claims.db` in the user's data directory: the default SQLite store.
pub fn default_database_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "claimdesk").map(|d| d.data_dir().join("claims.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let c = Config::from_toml(
            r#"
            [calendar]
            timezone = "Europe/Dublin"
            weekmask = ["Mon", "Tue", "Wed", "Thu", "Fri"]
            holidays = ["2026-12-25", "2027-01-01"]
            [sla]
            business_days = 5
            warn_below_business_days = 1
            pause_while_info_requested = true
            "#,
            "test.toml",
        )
        .unwrap();
        assert_eq!(c.calendar.timezone(), chrono_tz::Europe::Dublin);
        assert!(c.sla.pause_while_info_requested);
    }

    #[test]
    fn an_empty_file_means_the_defaults() {
        let c = Config::from_toml("", "x").unwrap();
        assert_eq!(c.sla, SlaPolicy::default());
        assert_eq!(c.calendar, BusinessCalendar::default());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_one_clear_error() {
        let err = Config::from_toml("[sla]\nbusiness_dayz = 5\n", "c.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("config file c.toml:"), "{msg}");
        assert!(
            msg.contains("business_dayz") && msg.contains("line 2"),
            "{msg}"
        );

        let err =
            Config::from_toml("[calendar]\ntimezone = \"Nowhere/City\"\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("unknown time zone"), "{err}");
        let err = Config::from_toml("[sla]\nbusiness_days = 0\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("at least 1"), "{err}");
    }

    #[test]
    fn numbers_and_dates_out_of_range_are_refused_not_computed() {
        let err = Config::from_toml("[sla]\nbusiness_days = 4294967295\n", "c.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "config file c.toml: [sla] business_days must be at least 1 and at most 60 (it is 4294967295)"
        );
        let err = Config::from_toml(
            "[sla]\nbusiness_days = 5\nwarn_below_business_days = 6\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("at most business_days (5)"),
            "{err}"
        );
        let err =
            Config::from_toml("[calendar]\nholidays = [\"2200-12-25\"]\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("2200-12-25 is outside"), "{err}");
        let err = Config::from_toml("[templates]\nx = \"a\\u0000b\"\n", "c.toml").unwrap_err();
        assert!(
            err.to_string().contains("[templates] x: contains a NUL"),
            "{err}"
        );
        assert!(Config::from_toml("[sla]\nbusiness_days = 60\n", "c.toml").is_ok());
    }

    #[test]
    fn the_readme_workbench_settings_parse_and_build_a_keymap() {
        let c = Config::from_toml(
            "theme = \"light\"\nmouse = false\n[keys]\ndown = [\"j\", \"Down\"]\n[keys.queue]\ntake = \"T\"\n",
            "x",
        )
        .unwrap();
        assert_eq!(c.file.mouse, Some(false));
        assert!(matches!(c.file.keys["queue"], KeyBinding::Context(_)));
        let map = crate::app::Keymap::with_overrides(&c.file.keys).unwrap();
        assert_eq!(
            map.in_context(crate::app::Context::Queue, crate::app::Key::ch('T')),
            Some(crate::app::Command::Take)
        );
    }

    #[test]
    fn keys_take_one_or_many() {
        let c = Config::from_toml("[keys]\ndown = [\"j\", \"Down\"]\nquit = \"q\"\n", "x").unwrap();
        let keys = |k: &str| match &c.file.keys[k] {
            KeyBinding::Keys(list) => list.keys(),
            KeyBinding::Context(_) => Vec::new(),
        };
        assert_eq!(keys("down"), vec!["j", "Down"]);
        assert_eq!(keys("quit"), vec!["q"]);
    }
}
