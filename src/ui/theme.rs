//! Colours by role, loaded from the TOML files in `themes/` (embedded in the binary).
//!
//! Render functions ask for a role (`sla_breached`, `internal`, ...), never for a colour, so a
//! theme file changes the whole look. Themes use named colours only (no truecolor: COLORTERM is
//! often lost over SSH), and meaning never rests on colour alone: every role that carries meaning
//! also has a symbol or a word on screen, and the selection is reverse + bold in every theme.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use thiserror::Error;

/// The themes shipped in `themes/`, in the order `T` cycles through them.
pub const THEMES: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// Why a theme could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThemeError {
    /// `--theme` or `theme =` names no shipped theme.
    #[error("unknown theme {0:?} (themes: dark, light, high-contrast, mono)")]
    Unknown(String),
    /// A shipped theme file is broken (caught by the tests, never by a reviewer).
    #[error("theme {name}: {reason}")]
    Invalid { name: String, reason: String },
}

/// One role as written in a theme file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

macro_rules! roles {
    ($($(#[$meta:meta])* $role:ident,)+) => {
        /// The styles of one theme, by role.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            /// The theme's name, as given to `--theme`.
            pub name: String,
            $($(#[$meta])* pub $role: Style,)+
        }

        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        struct ThemeFile { $($role: RoleSpec,)+ }

        impl Theme {
            fn from_file(name: &str, file: ThemeFile) -> Result<Theme, String> {
                Ok(Theme {
                    name: name.to_string(),
                    $($role: style(&file.$role).map_err(|e| format!("{}: {e}", stringify!($role)))?,)+
                })
            }
        }
    };
}

roles! {
    /// Ordinary text and the screen's background.
    text,
    /// Secondary text (hints, empty values).
    muted,
    border,
    title,
    tab,
    tab_active,
    /// Column headers.
    header,
    /// The row under the cursor (reverse + bold in every theme, so it survives without colour).
    selected,
    sla_ok,
    sla_warn,
    sla_breached,
    /// The contested flag and the parties of a contest.
    contested,
    incumbent,
    finding_error,
    finding_warning,
    /// Checks that could not be decided.
    unknown,
    partner_visible,
    /// Internal comments (reviewers only).
    internal,
    /// Field labels on the detail screen.
    label,
    filter,
    status_bar,
    key_hint,
    error,
}

fn style(spec: &RoleSpec) -> Result<Style, String> {
    let mut style = Style::default();
    if let Some(fg) = &spec.fg {
        style = style.fg(color(fg)?);
    }
    if let Some(bg) = &spec.bg {
        style = style.bg(color(bg)?);
    }
    for m in &spec.modifiers {
        style = style.add_modifier(match m.as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underlined" => Modifier::UNDERLINED,
            "reversed" => Modifier::REVERSED,
            other => return Err(format!("unknown modifier {other:?}")),
        });
    }
    Ok(style)
}

fn color(name: &str) -> Result<Color, String> {
    if name.starts_with('#') {
        return Err(format!(
            "{name:?}: use a colour name or a 256-colour index, not truecolor"
        ));
    }
    Color::from_str(name).map_err(|_| format!("unknown colour {name:?}"))
}

impl Theme {
    /// The shipped theme called `name`.
    pub fn by_name(name: &str) -> Result<Theme, ThemeError> {
        let (name, text) = THEMES
            .iter()
            .find(|(n, _)| *n == name.trim())
            .ok_or_else(|| ThemeError::Unknown(name.to_string()))?;
        let invalid = |reason: String| ThemeError::Invalid {
            name: name.to_string(),
            reason,
        };
        let file: ThemeFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        Theme::from_file(name, file).map_err(invalid)
    }

    /// The names of the shipped themes.
    pub fn names() -> Vec<String> {
        THEMES.iter().map(|(n, _)| n.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_loads_and_shows_the_selection_without_colour() {
        for name in Theme::names() {
            let theme = Theme::by_name(&name).unwrap();
            assert!(
                theme.selected.add_modifier.contains(Modifier::REVERSED),
                "{name}"
            );
        }
    }

    #[test]
    fn mono_has_no_colour_at_all() {
        let t = Theme::by_name("mono").unwrap();
        for s in [
            t.text,
            t.sla_breached,
            t.sla_warn,
            t.internal,
            t.status_bar,
            t.tab_active,
        ] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
    }

    #[test]
    fn unknown_themes_are_a_clear_error() {
        let err = Theme::by_name("solarized").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown theme \"solarized\" (themes: dark, light, high-contrast, mono)"
        );
    }
}
