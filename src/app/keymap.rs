//! Keys as data: what each key means is looked up here, never hard-wired in `update`.
//!
//! Defaults live in the binary; `[keys]` in the config file rebinds an action (its keys replace
//! the defaults, and a key taken by an override is removed from whatever else held it). Every
//! entry carries a description, so the help overlay is generated from the live map and cannot
//! drift from the real keys. An unknown action or key name is an error at start-up.

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use crate::config::KeyList;

/// A key press, independent of the terminal library (the `tui` layer converts into it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// Which key.
    pub code: KeyCode,
    /// Ctrl was held.
    pub ctrl: bool,
    /// Alt (Meta) was held.
    pub alt: bool,
}

/// Which key, without modifiers (an upper-case letter is how Shift shows for letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// A printable character without modifiers.
    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// Ctrl plus a character, e.g. `Ctrl-c`.
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Parses a key name as written in the config file: `j`, `G`, `?`, `Enter`, `Esc`, `Tab`,
    /// `BackTab`, `Backspace`, `Up`, `Down`, `Left`, `Right`, `Home`, `End`, `PgUp`, `PgDn`,
    /// `Space`, `F1`..`F12`, with optional `Ctrl-` / `Alt-` prefixes.
    pub fn parse(name: &str) -> Option<Key> {
        let mut rest = name.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => named_key(&rest.to_ascii_lowercase())?,
        };
        Some(Key { code, ctrl, alt })
    }
}

fn named_key(lower: &str) -> Option<KeyCode> {
    Some(match lower {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" | "shift-tab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
        "space" => KeyCode::Char(' '),
        f if f.starts_with('f') => {
            let n: u8 = f[1..].parse().ok()?;
            if (1..=12).contains(&n) {
                KeyCode::F(n)
            } else {
                return None;
            }
        }
        _ => return None,
    })
}

impl fmt::Display for Key {
    /// The name the help overlay shows; `Key::parse` reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("BackTab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
        }
    }
}

/// Declares the commands with their config names, descriptions and default keys, in help order.
macro_rules! commands {
    ($($(#[$meta:meta])* $variant:ident => $name:literal, $desc:literal, [$($key:expr),*];)+) => {
        /// What a key means; `update` acts on it. Rebindable by its name in `[keys]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command { $($(#[$meta])* $variant,)+ }

        impl Command {
            /// Every command, in the order help lists them.
            pub const ALL: &'static [Command] = &[$(Command::$variant,)+];

            /// The action name used in `[keys]`.
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name,)+ }
            }

            /// What the help overlay says the command does.
            pub fn description(self) -> &'static str {
                match self { $(Command::$variant => $desc,)+ }
            }

            fn default_keys(self) -> Vec<Key> {
                match self { $(Command::$variant => vec![$($key),*],)+ }
            }
        }
    };
}

commands! {
    Down => "down", "Move down", [Key::ch('j'), Key::plain(KeyCode::Down)];
    Up => "up", "Move up", [Key::ch('k'), Key::plain(KeyCode::Up)];
    Top => "top", "Go to the first claim", [Key::ch('g'), Key::plain(KeyCode::Home)];
    Bottom => "bottom", "Go to the last claim", [Key::ch('G'), Key::plain(KeyCode::End)];
    PageDown => "page_down", "Page down", [Key::plain(KeyCode::PageDown), Key::ctrl('d')];
    PageUp => "page_up", "Page up", [Key::plain(KeyCode::PageUp), Key::ctrl('u')];
    NextTab => "next_tab", "Next queue tab", [Key::plain(KeyCode::Tab)];
    PrevTab => "prev_tab", "Previous queue tab", [Key::plain(KeyCode::BackTab)];
    Tab1 => "tab_under_review", "Tab: Under review", [Key::ch('1')];
    Tab2 => "tab_contested", "Tab: Contested", [Key::ch('2')];
    Tab3 => "tab_info_requested", "Tab: Info requested", [Key::ch('3')];
    Tab4 => "tab_mine", "Tab: Mine", [Key::ch('4')];
    Tab5 => "tab_all", "Tab: All", [Key::ch('5')];
    Filter => "filter", "Filter as you type (partner, MPN, claim id, domain, product)", [Key::ch('/')];
    Sort => "sort", "Cycle the sort order", [Key::ch('s')];
    Open => "open", "Open the claim under the cursor", [Key::plain(KeyCode::Enter)];
    Take => "take", "Take the claim (with its competing claims) for 30 minutes", [Key::ch('t')];
    TakeNext => "take_next", "Take the most urgent claim nobody holds", [Key::ch('n')];
    Release => "release", "Release your hold on the claim (and its competing claims)", [Key::ch('u')];
    Back => "back", "Back; clear the filter; close help", [Key::plain(KeyCode::Esc)];
    Refresh => "refresh", "Reload from the store (r on the queue)", [Key::ch('r'), Key::plain(KeyCode::F(5))];
    Theme => "theme", "Switch to the next theme", [Key::ch('T')];
    Help => "help", "Show or hide this help", [Key::ch('?'), Key::plain(KeyCode::F(1))];
    Quit => "quit", "Back, or quit from the queue", [Key::ch('q')];
    ForceQuit => "force_quit", "Quit at once", [Key::ctrl('c')];
    Compare => "compare", "Compare the parties of a contested claim side by side", [Key::ch('c')];
    FocusLeft => "focus_left", "Compare: focus the party on the left", [Key::ch('h'), Key::plain(KeyCode::Left)];
    FocusRight => "focus_right", "Compare: focus the party on the right", [Key::ch('l'), Key::plain(KeyCode::Right)];
    Comment => "comment", "Comment on the claim (partner-visible or internal)", [Key::ch('m')];
    RequestInfo => "request_info", "Request more information from the partner(s)", [Key::ch('r')];
    InfoFocused => "info_focused", "Info request: the focused party only", [Key::ch('o')];
    InfoAll => "info_all", "Info request: every party of the contest", [Key::ch('a')];
    Approve => "approve", "Approve the claim (in a contest the others are rejected)", [Key::ch('a')];
    Reject => "reject", "Reject the claim with a reason", [Key::ch('x')];
    Withdraw => "withdraw", "Withdraw the claim at the partner's request", [Key::ch('w')];
    Send => "send", "Editor: send", [Key::ctrl('s')];
    ToggleVisibility => "toggle_visibility", "Editor: partner-visible / internal", [Key::ctrl('t')];
    Template => "template", "Editor: insert a template", [Key::ctrl('p')];
    Redraw => "redraw", "Clear and redraw the screen", [Key::ctrl('l')];
    Suspend => "suspend", "Suspend claimdesk (the shell's fg resumes it)", [Key::ctrl('z')];
    CopyId => "copy_id", "Copy the claim id to the clipboard (OSC 52)", [Key::ch('y')];
    Yes => "yes", "Confirm", [Key::ch('y')];
    No => "no", "Cancel (Enter takes the default, No)", [Key::ch('n')];
}

/// Why `[keys]` in the config file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeymapError {
    /// `[keys]` names an action that does not exist (a typo must not pass silently).
    #[error("[keys]: unknown action {0:?} (known actions: {1})")]
    UnknownAction(String, String),
    /// A key name claimdesk cannot read.
    #[error("[keys] {action}: unknown key name {key:?} (e.g. \"j\", \"G\", \"Enter\", \"PgDn\", \"Ctrl-d\", \"F1\")")]
    UnknownKey { action: String, key: String },
    /// An action given an empty list of keys.
    #[error("[keys] {0}: no key given")]
    NoKeys(String),
}

/// The live key bindings: each command with its keys, in help order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    entries: Vec<(Command, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            entries: Command::ALL
                .iter()
                .map(|c| (*c, c.default_keys()))
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with the config file's `[keys]` applied.
    pub fn with_overrides(overrides: &BTreeMap<String, KeyList>) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        for (action, keys) in overrides {
            let command = Command::ALL
                .iter()
                .copied()
                .find(|c| c.name() == action.trim())
                .ok_or_else(|| {
                    let known: Vec<_> = Command::ALL.iter().map(|c| c.name()).collect();
                    KeymapError::UnknownAction(action.clone(), known.join(", "))
                })?;
            let parsed = keys
                .keys()
                .into_iter()
                .map(|k| {
                    Key::parse(k).ok_or_else(|| KeymapError::UnknownKey {
                        action: action.clone(),
                        key: k.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if parsed.is_empty() {
                return Err(KeymapError::NoKeys(action.clone()));
            }
            for (other, other_keys) in &mut map.entries {
                if *other == command {
                    other_keys.clone_from(&parsed);
                } else {
                    other_keys.retain(|k| !parsed.contains(k));
                }
            }
        }
        Ok(map)
    }

    /// The command bound to `key`, if any.
    pub fn command(&self, key: Key) -> Option<Command> {
        self.entries
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(c, _)| *c)
    }

    /// The command bound to `key` among `candidates`, in their order: how a screen or a modal
    /// gives its own meaning to a key that means something else elsewhere (`r`, `a`, `Enter`).
    pub fn command_among(&self, key: Key, candidates: &[Command]) -> Option<Command> {
        candidates
            .iter()
            .copied()
            .find(|c| self.keys(*c).contains(&key))
    }

    /// `key`'s meaning on a screen that `prefers` some commands, else its meaning anywhere.
    pub fn command_preferring(&self, key: Key, prefers: &[Command]) -> Option<Command> {
        self.command_among(key, prefers)
            .or_else(|| self.command(key))
    }

    /// The keys bound to `command` (possibly none, if an override took them all).
    pub fn keys(&self, command: Command) -> &[Key] {
        self.entries
            .iter()
            .find(|(c, _)| *c == command)
            .map(|(_, keys)| keys.as_slice())
            .unwrap_or(&[])
    }

    /// The first key of `command` as shown in hints, or `-` if it has none.
    pub fn hint(&self, command: Command) -> String {
        self.keys(command)
            .first()
            .map_or_else(|| "-".to_string(), Key::to_string)
    }

    /// Every command with its keys, in help order.
    pub fn entries(&self) -> &[(Command, Vec<Key>)] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(pairs: &[(&str, &[&str])]) -> BTreeMap<String, KeyList> {
        pairs
            .iter()
            .map(|(a, ks)| {
                (
                    a.to_string(),
                    KeyList::Many(ks.iter().map(|s| s.to_string()).collect()),
                )
            })
            .collect()
    }

    #[test]
    fn key_names_round_trip() {
        for name in [
            "j", "G", "?", "Enter", "Esc", "PgDn", "PgUp", "Ctrl-d", "F1", "Space",
        ] {
            let key = Key::parse(name).unwrap();
            assert_eq!(key.to_string(), name);
        }
        assert_eq!(Key::parse("ctrl+D"), Some(Key::ctrl('d')));
        assert_eq!(Key::parse("pagedown"), Some(Key::plain(KeyCode::PageDown)));
        assert_eq!(Key::parse("Hyper-x"), None);
        assert_eq!(Key::parse("F13"), None);
    }

    #[test]
    fn defaults_cover_the_documented_keys() {
        let map = Keymap::default();
        assert_eq!(map.command(Key::ch('j')), Some(Command::Down));
        assert_eq!(map.command(Key::plain(KeyCode::Down)), Some(Command::Down));
        assert_eq!(map.command(Key::ch('G')), Some(Command::Bottom));
        assert_eq!(map.command(Key::ch('/')), Some(Command::Filter));
        assert_eq!(map.command(Key::ch('z')), None);
        assert_eq!(map.command(Key::ch('r')), Some(Command::Refresh));
        let detail = [Command::RequestInfo, Command::Approve];
        assert_eq!(
            map.command_preferring(Key::ch('r'), &detail),
            Some(Command::RequestInfo)
        );
        assert_eq!(
            map.command_among(Key::ch('a'), &[Command::InfoFocused, Command::InfoAll]),
            Some(Command::InfoAll)
        );
        assert_eq!(map.command_among(Key::ch('j'), &[Command::Send]), None);
    }

    #[test]
    fn an_override_replaces_the_action_keys_and_takes_the_key_from_others() {
        let map = Keymap::with_overrides(&keys(&[("up", &["j"])])).unwrap();
        assert_eq!(map.command(Key::ch('j')), Some(Command::Up));
        assert_eq!(map.command(Key::ch('k')), None);
        assert_eq!(map.keys(Command::Down), &[Key::plain(KeyCode::Down)]);
    }

    #[test]
    fn unknown_actions_and_keys_are_clear_errors() {
        let err = Keymap::with_overrides(&keys(&[("dwn", &["j"])])).unwrap_err();
        assert!(err.to_string().contains("unknown action \"dwn\""), "{err}");
        assert!(err.to_string().contains("down"), "{err}");
        let err = Keymap::with_overrides(&keys(&[("down", &["Hyper-j"])])).unwrap_err();
        assert!(
            err.to_string().contains("unknown key name \"Hyper-j\""),
            "{err}"
        );
        let err = Keymap::with_overrides(&keys(&[("down", &[])])).unwrap_err();
        assert_eq!(err, KeymapError::NoKeys("down".into()));
    }
}
