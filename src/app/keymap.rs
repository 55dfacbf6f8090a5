//! Keys as data, by context: what each key means on the queue, in the filter, on the detail
//! screen, in compare, in the editor, in a confirmation, in help... is looked up here, never
//! hard-wired in `update`.
//!
//! The defaults are an embedded TOML file (`keymap.toml`): each entry has keys, a command, a
//! description and an optional status-bar hint, so help and the hints are generated from the
//! live map and cannot drift from the real keys. No key appears twice in one context (a test
//! checks the defaults). `[keys]` in the config file rebinds commands; an unknown action,
//! context or key name is an error at start-up.

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use serde::Deserialize;

use crate::config::{KeyBinding, KeyList};

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

    /// The character this key types into a text field (a printable one without Ctrl or Alt).
    pub fn typed_char(self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
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

/// Declares the commands with their config names.
macro_rules! commands {
    ($($(#[$meta:meta])* $variant:ident => $name:literal,)+) => {
        /// What a key means; `update` acts on it. Rebindable by its name in `[keys]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command { $($(#[$meta])* $variant,)+ }

        impl Command {
            /// Every command.
            pub const ALL: &'static [Command] = &[$(Command::$variant,)+];

            /// The action name used in the keymap and in `[keys]`.
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name,)+ }
            }
        }
    };
}

commands! {
    Down => "down",
    Up => "up",
    Top => "top",
    Bottom => "bottom",
    PageDown => "page_down",
    PageUp => "page_up",
    NextTab => "next_tab",
    PrevTab => "prev_tab",
    Tab1 => "tab_under_review",
    Tab2 => "tab_contested",
    Tab3 => "tab_info_requested",
    Tab4 => "tab_disputed",
    Tab5 => "tab_mine",
    Tab6 => "tab_all",
    Filter => "filter",
    KeepFilter => "keep_filter",
    ClearFilter => "clear_filter",
    ClearLine => "clear_line",
    Sort => "sort",
    ReverseSort => "reverse_sort",
    Open => "open",
    Take => "take",
    TakeNext => "take_next",
    Release => "release",
    Back => "back",
    Refresh => "refresh",
    Theme => "theme",
    Help => "help",
    Quit => "quit",
    ForceQuit => "force_quit",
    Redraw => "redraw",
    Suspend => "suspend",
    CopyId => "copy_id",
    Compare => "compare",
    Dashboard => "dashboard",
    FocusLeft => "focus_left",
    FocusRight => "focus_right",
    Comment => "comment",
    RequestInfo => "request_info",
    InfoFocused => "info_focused",
    InfoAll => "info_all",
    Approve => "approve",
    Reject => "reject",
    Withdraw => "withdraw",
    Assign => "assign",
    Send => "send",
    ToggleVisibility => "toggle_visibility",
    Template => "template",
    ExternalEditor => "external_editor",
    Undo => "undo",
    Redo => "redo",
    DeleteWord => "delete_word",
    DeleteLineEnd => "delete_line_end",
    LineStart => "line_start",
    LineEnd => "line_end",
    WordLeft => "word_left",
    WordRight => "word_right",
    Yes => "yes",
    No => "no",
}

impl Command {
    fn by_name(name: &str) -> Option<Command> {
        Command::ALL
            .iter()
            .copied()
            .find(|c| c.name() == name.trim())
    }
}

/// Where keys are read: each context has its own entries, and a key means one thing in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Queue,
    /// Typing the queue's filter.
    Filter,
    Detail,
    Compare,
    /// A party's PoE in full, over compare.
    Poe,
    /// After `r` in compare: whom to ask.
    InfoScope,
    Editor,
    /// The editor's template picker.
    Picker,
    /// A yes/no question.
    Confirm,
    Help,
    /// The lead's figures.
    Dashboard,
    /// `A`: picking the reviewer to assign a claim to.
    Assign,
}

impl Context {
    /// Every context, in the order help lists them after the current one.
    pub const ALL: [Context; 12] = [
        Context::Queue,
        Context::Filter,
        Context::Detail,
        Context::Compare,
        Context::Poe,
        Context::InfoScope,
        Context::Editor,
        Context::Picker,
        Context::Confirm,
        Context::Help,
        Context::Dashboard,
        Context::Assign,
    ];

    /// The name used in the keymap file and in `[keys.NAME]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Queue => "queue",
            Context::Filter => "filter",
            Context::Detail => "detail",
            Context::Compare => "compare",
            Context::Poe => "poe",
            Context::InfoScope => "info_scope",
            Context::Editor => "editor",
            Context::Picker => "picker",
            Context::Confirm => "confirm",
            Context::Help => "help",
            Context::Dashboard => "dashboard",
            Context::Assign => "assign",
        }
    }

    /// The title help gives the context's keys.
    pub fn title(self) -> &'static str {
        match self {
            Context::Queue => "Queue",
            Context::Filter => "Filter (typing)",
            Context::Detail => "Claim detail",
            Context::Compare => "Compare",
            Context::Poe => "PoE in full",
            Context::InfoScope => "Information request: whom to ask",
            Context::Editor => "Editor",
            Context::Picker => "Templates",
            Context::Confirm => "Confirmation",
            Context::Help => "Help",
            Context::Dashboard => "Dashboard",
            Context::Assign => "Assign to a reviewer",
        }
    }

    fn by_name(name: &str) -> Option<Context> {
        Context::ALL
            .iter()
            .copied()
            .find(|c| c.name() == name.trim())
    }
}

/// One keymap entry: keys, the command they run, what it does, and the status bar's hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub keys: Vec<Key>,
    pub command: Command,
    pub description: String,
    /// The status bar's word for it (entries without one are in help only).
    pub hint: Option<String>,
}

/// The default keymap, embedded (`keymap.toml` beside this file).
const DEFAULTS: &str = include_str!("keymap.toml");

/// One entry as written in the keymap file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    keys: Vec<String>,
    command: String,
    description: String,
    hint: Option<String>,
}

/// Why a keymap (the default, or `[keys]` in the config file) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeymapError {
    /// `[keys]` names an action that does not exist (a typo must not pass silently).
    #[error("[keys]: unknown action {0:?} (known actions: {1})")]
    UnknownAction(String, String),
    /// `[keys.NAME]` names no context.
    #[error("[keys.{0}]: unknown context (contexts: {1})")]
    UnknownContext(String, String),
    /// An action rebound in a context that has no such action.
    #[error("[keys.{context}]: {action} is not an action of this context")]
    NotInContext { context: String, action: String },
    /// A key name claimdesk cannot read.
    #[error("[keys] {action}: unknown key name {key:?} (e.g. \"j\", \"G\", \"Enter\", \"PgDn\", \"Ctrl-d\", \"F1\")")]
    UnknownKey { action: String, key: String },
    /// An action given an empty list of keys.
    #[error("[keys] {0}: no key given")]
    NoKeys(String),
    /// The embedded keymap is broken (caught by the tests, never by a reviewer).
    #[error("the default keymap: {0}")]
    Defaults(String),
}

/// The live key bindings, by context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    contexts: BTreeMap<Context, Vec<Entry>>,
}

impl Default for Keymap {
    /// The embedded defaults (checked by the tests, so this never fails in a build).
    fn default() -> Self {
        Keymap::defaults().unwrap_or(Keymap {
            contexts: BTreeMap::new(),
        })
    }
}

impl Keymap {
    /// The embedded default keymap.
    pub fn defaults() -> Result<Keymap, KeymapError> {
        let file: BTreeMap<String, Vec<EntryFile>> =
            toml::from_str(DEFAULTS).map_err(|e| KeymapError::Defaults(e.to_string()))?;
        let mut contexts = BTreeMap::new();
        for (name, entries) in file {
            let context = Context::by_name(&name)
                .ok_or_else(|| KeymapError::Defaults(format!("unknown context {name:?}")))?;
            let mut out = Vec::new();
            for e in entries {
                let command = Command::by_name(&e.command).ok_or_else(|| {
                    KeymapError::Defaults(format!("unknown command {:?}", e.command))
                })?;
                let keys = e
                    .keys
                    .iter()
                    .map(|k| {
                        Key::parse(k).ok_or_else(|| KeymapError::Defaults(format!("key {k:?}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                out.push(Entry {
                    keys,
                    command,
                    description: e.description,
                    hint: e.hint,
                });
            }
            contexts.insert(context, out);
        }
        let map = Keymap { contexts };
        if let Some((context, key)) = map.duplicate() {
            return Err(KeymapError::Defaults(format!(
                "{key} twice in [{}]",
                context.name()
            )));
        }
        Ok(map)
    }

    /// The defaults with the config file's `[keys]` applied: `action = keys` rebinds the action
    /// in every context that has it, `[keys.CONTEXT]` in that context only. A key an override
    /// takes is removed from whatever else held it in that context.
    pub fn with_overrides(overrides: &BTreeMap<String, KeyBinding>) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::defaults()?;
        for (name, binding) in overrides {
            match binding {
                KeyBinding::Keys(keys) => {
                    let command = command_named(name)?;
                    let keys = parse_keys(name, keys)?;
                    for entries in map.contexts.values_mut() {
                        rebind(entries, command, &keys);
                    }
                }
                KeyBinding::Context(actions) => {
                    let context = Context::by_name(name).ok_or_else(|| {
                        let known: Vec<_> = Context::ALL.iter().map(|c| c.name()).collect();
                        KeymapError::UnknownContext(name.clone(), known.join(", "))
                    })?;
                    for (action, keys) in actions {
                        let command = command_named(action)?;
                        let keys = parse_keys(action, keys)?;
                        let entries = map.contexts.entry(context).or_default();
                        if !entries.iter().any(|e| e.command == command) {
                            return Err(KeymapError::NotInContext {
                                context: name.clone(),
                                action: action.clone(),
                            });
                        }
                        rebind(entries, command, &keys);
                    }
                }
            }
        }
        Ok(map)
    }

    /// The first key bound twice in one context, if any (the defaults have none; overrides
    /// take keys away, so they cannot make one).
    fn duplicate(&self) -> Option<(Context, Key)> {
        for (context, entries) in &self.contexts {
            let mut seen = std::collections::HashSet::new();
            for key in entries.iter().flat_map(|e| &e.keys) {
                if !seen.insert(*key) {
                    return Some((*context, *key));
                }
            }
        }
        None
    }

    /// What `key` means in `context`.
    pub fn in_context(&self, context: Context, key: Key) -> Option<Command> {
        self.entries(context)
            .iter()
            .find(|e| e.keys.contains(&key))
            .map(|e| e.command)
    }

    /// The entries of `context`, in the order help and the status bar show them.
    pub fn entries(&self, context: Context) -> &[Entry] {
        self.contexts.get(&context).map_or(&[], Vec::as_slice)
    }

    /// The keys of `command` in `context` (possibly none).
    pub fn keys_in(&self, context: Context, command: Command) -> &[Key] {
        self.entries(context)
            .iter()
            .find(|e| e.command == command)
            .map_or(&[], |e| e.keys.as_slice())
    }

    /// The first key of `command` in `context` as hints show it, or `-` if it has none.
    pub fn hint_in(&self, context: Context, command: Command) -> String {
        self.keys_in(context, command)
            .first()
            .map_or_else(|| "-".to_string(), Key::to_string)
    }

    /// The first key of `command` in the first context that has one, or `-`.
    pub fn hint(&self, command: Command) -> String {
        Context::ALL
            .iter()
            .find_map(|c| self.keys_in(*c, command).first())
            .map_or_else(|| "-".to_string(), Key::to_string)
    }
}

fn command_named(name: &str) -> Result<Command, KeymapError> {
    Command::by_name(name).ok_or_else(|| {
        let known: Vec<_> = Command::ALL.iter().map(|c| c.name()).collect();
        KeymapError::UnknownAction(name.to_string(), known.join(", "))
    })
}

fn parse_keys(action: &str, keys: &KeyList) -> Result<Vec<Key>, KeymapError> {
    let parsed = keys
        .keys()
        .into_iter()
        .map(|k| {
            Key::parse(k).ok_or_else(|| KeymapError::UnknownKey {
                action: action.to_string(),
                key: k.to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if parsed.is_empty() {
        return Err(KeymapError::NoKeys(action.to_string()));
    }
    Ok(parsed)
}

/// Gives `command` exactly `keys` in one context, taking them from any other entry.
fn rebind(entries: &mut [Entry], command: Command, keys: &[Key]) {
    if !entries.iter().any(|e| e.command == command) {
        return;
    }
    for e in entries.iter_mut() {
        if e.command == command {
            e.keys = keys.to_vec();
        } else {
            e.keys.retain(|k| !keys.contains(k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(pairs: &[(&str, &[&str])]) -> BTreeMap<String, KeyBinding> {
        pairs
            .iter()
            .map(|(a, ks)| {
                let list = KeyList::Many(ks.iter().map(|s| s.to_string()).collect());
                (a.to_string(), KeyBinding::Keys(list))
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
    fn the_defaults_load_with_no_key_twice_in_a_context_and_every_context_filled() {
        let map = Keymap::defaults().unwrap();
        for context in Context::ALL {
            assert!(!map.entries(context).is_empty(), "{context:?}");
            assert!(
                map.in_context(context, Key::ctrl('c')) == Some(Command::ForceQuit),
                "Ctrl-c quits everywhere ({context:?})"
            );
        }
        assert_eq!(map.duplicate(), None);
    }

    #[test]
    fn f1_helps_ctrl_l_redraws_ctrl_z_suspends_everywhere_and_question_mark_where_no_text_is_typed()
    {
        let map = Keymap::default();
        for context in Context::ALL {
            let want = if context == Context::Help {
                Command::Back
            } else {
                Command::Help
            };
            assert_eq!(
                map.in_context(context, Key::plain(KeyCode::F(1))),
                Some(want),
                "F1 in {context:?}"
            );
            assert_eq!(
                map.in_context(context, Key::ctrl('l')),
                Some(Command::Redraw),
                "Ctrl-l redraws in {context:?}"
            );
            assert_eq!(
                map.in_context(context, Key::ctrl('z')),
                Some(Command::Suspend),
                "Ctrl-z suspends in {context:?}"
            );
            let text = matches!(context, Context::Editor | Context::Filter);
            let question = map.in_context(context, Key::ch('?'));
            assert_eq!(question, (!text).then_some(want), "? in {context:?}");
        }
    }

    #[test]
    fn a_key_means_one_thing_per_context() {
        let map = Keymap::default();
        let q = Context::Queue;
        assert_eq!(map.in_context(q, Key::ch('j')), Some(Command::Down));
        assert_eq!(map.in_context(q, Key::ch('r')), Some(Command::Refresh));
        assert_eq!(
            map.in_context(Context::Detail, Key::ch('r')),
            Some(Command::RequestInfo)
        );
        assert_eq!(
            map.in_context(Context::InfoScope, Key::ch('a')),
            Some(Command::InfoAll)
        );
        assert_eq!(
            map.in_context(Context::Editor, Key::ctrl('u')),
            Some(Command::Undo)
        );
        assert_eq!(
            map.in_context(Context::Filter, Key::ctrl('u')),
            Some(Command::ClearLine)
        );
        assert_eq!(map.in_context(Context::Editor, Key::ch('j')), None, "text");
        assert_eq!(
            map.in_context(Context::Editor, Key::plain(KeyCode::F(1))),
            Some(Command::Help)
        );
    }

    #[test]
    fn an_override_replaces_the_action_keys_and_takes_the_key_from_others() {
        let map = Keymap::with_overrides(&keys(&[("up", &["j"])])).unwrap();
        let q = Context::Queue;
        assert_eq!(map.in_context(q, Key::ch('j')), Some(Command::Up));
        assert_eq!(map.in_context(q, Key::ch('k')), None);
        assert_eq!(map.keys_in(q, Command::Down), &[Key::plain(KeyCode::Down)]);
        let mut one = BTreeMap::new();
        one.insert("take".to_string(), KeyList::One("T".into()));
        let mut by_context = BTreeMap::new();
        by_context.insert("queue".to_string(), KeyBinding::Context(one));
        let map = Keymap::with_overrides(&by_context).unwrap();
        assert_eq!(map.in_context(q, Key::ch('T')), Some(Command::Take));
        assert_eq!(
            map.in_context(Context::Detail, Key::ch('t')),
            Some(Command::Take)
        );
    }

    #[test]
    fn unknown_actions_contexts_and_keys_are_clear_errors() {
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
        let mut nowhere = BTreeMap::new();
        nowhere.insert("quue".to_string(), KeyBinding::Context(BTreeMap::new()));
        let err = Keymap::with_overrides(&nowhere).unwrap_err();
        assert!(err.to_string().contains("unknown context"), "{err}");
    }
}
