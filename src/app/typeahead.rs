//! Keys typed ahead (design.md, "Keys typed ahead, and paste"): a key acts on the screen the
//! reviewer saw, or was about to see, when they typed it. A screen change happens at once with a
//! "loading" placeholder; keys that arrive while that screen waits for its data are kept, in
//! order, and applied to it once the data is in. So `a` + a reason typed in one burst lands in
//! the reason's editor, never on the queue as commands.
//!
//! Ctrl-c always acts at once; `q`/`Esc` act at once when nothing is waiting (leaving a screen
//! that never loads must stay possible).

use super::keymap::Command;
use super::state::{Loadable, Screen, State};
use super::view::Modal;
pub use super::view::{Typed, Waiting};

/// At most this many inputs wait (a paste typed without bracketed paste is one key a
/// character); past it they are dropped, and the reviewer is told.
pub const MAX_WAITING: usize = 8192;

/// Whether the screen keys would act on is still waiting for its data.
pub fn screen_loading(state: &State) -> bool {
    match &state.modal {
        Modal::Editor(editor, _) => return editor.draft.loading(),
        Modal::None => {}
        _ => return false,
    }
    match state.screen {
        Screen::Queue => !state.queue.loaded && state.queue.error.is_none(),
        Screen::Detail => state
            .detail
            .as_ref()
            .is_some_and(|d| matches!(d.claim, Loadable::Loading(_))),
        Screen::Compare => state
            .compare
            .as_ref()
            .is_some_and(|c| matches!(c.parties, Loadable::Loading(_))),
        Screen::Dashboard => state
            .dashboard
            .as_ref()
            .is_some_and(|d| matches!(d.figures, Loadable::Loading(_))),
    }
}

/// Whether `input` must wait; if so it is queued (or dropped past `MAX_WAITING`).
pub fn hold_back(state: &mut State, input: Typed) -> Option<Typed> {
    if state.typeahead.is_empty() && !screen_loading(state) {
        return Some(input);
    }
    if let Typed::Key(key) = &input {
        let command = state.keymap.in_context(state.context(), *key);
        if command == Some(Command::ForceQuit) {
            return Some(input);
        }
        // Nothing typed ahead: leaving is what the key means (`q` is text only in the editor);
        // help and a redraw act on no claim, so they need no data either.
        let leave = match command {
            Some(Command::Back | Command::Help | Command::Redraw) => true,
            Some(Command::Quit) => state.editor().is_none(),
            _ => false,
        };
        if state.typeahead.is_empty() && leave {
            return Some(input);
        }
        // A queue still loading has no rows: only keys that act on a row wait for them (tabs,
        // sorts and the filter act on the queue itself, at once).
        let row_act = matches!(
            command,
            Some(
                Command::Open
                    | Command::Compare
                    | Command::Take
                    | Command::Release
                    | Command::CopyId
            )
        );
        let on_queue = matches!(state.modal, Modal::None) && state.screen == Screen::Queue;
        if state.typeahead.is_empty() && on_queue && !row_act {
            return Some(input);
        }
    }
    if state.typeahead.len() >= MAX_WAITING {
        state.notice = Some("Too many keys typed ahead: the rest were dropped".into());
        return None;
    }
    state.typeahead.push_back(input);
    None
}

/// The next waiting input, once its screen has its data.
pub fn next_ready(state: &mut State) -> Option<Typed> {
    if screen_loading(state) {
        return None;
    }
    state.typeahead.pop_front()
}
