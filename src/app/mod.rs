//! The app: state, messages, effects and `update`. Pure: no terminal, no SQL, no clock of its
//! own, so every screen can be driven and checked in tests by feeding messages.
//!
//! Data the screens show lives in `view` (plain types); `queue`, `compare`, `editor`,
//! `decision`, `holds`, `feed` and `typeahead` change their part of the state and hand back
//! what should happen next (`next::Next`); only `update` dispatches.

pub mod assign;
pub mod compare;
mod dashboard;
pub mod decision;
pub mod editor;
pub mod effect;
pub mod feed;
pub mod holds;
pub mod keymap;
pub mod msg;
pub mod next;
mod queue;
pub mod state;
pub mod typeahead;
mod update;
pub mod view;

pub use effect::{Effect, HoldEffect, Slot, TerminalAct};
pub use keymap::{Command, Context, Key, KeyCode, Keymap, KeymapError};
pub use msg::{HoldMsg, Msg, WriteError, WriteErrorKind};
pub use state::{ClaimDetail, DetailView, Loadable, QueueView, Screen, State, Viewport};
pub use update::{closing, update};
pub use view::Holds;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
