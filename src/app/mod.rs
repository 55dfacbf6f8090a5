//! The app: state, messages, effects and `update`. Pure: no terminal, no SQL, no clock of its
//! own, so every screen can be driven and checked in tests by feeding messages.

pub mod compare;
pub mod decision;
pub mod editor;
pub mod effect;
pub mod feed;
pub mod holds;
pub mod keymap;
pub mod msg;
mod queue;
pub mod state;
pub mod typeahead;
mod update;

pub use effect::{Effect, Slot, TerminalAct};
pub use holds::{HoldEffect, HoldMsg, Holds};
pub use keymap::{Command, Key, KeyCode, Keymap, KeymapError};
pub use msg::{Msg, WriteError, WriteErrorKind};
pub use state::{ClaimDetail, DetailView, Loadable, QueueView, Screen, State, Viewport};
pub use update::{closing, update};

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
