//! The data the screens show: plain types with no logic that changes state, so `state` and the
//! logic modules (`queue`, `compare`, `editor`, `decision`, `holds`) depend on them and never on
//! each other in a circle.

pub mod compare;
pub mod dashboard;
pub mod decision;
pub mod editor;
pub mod holds;
pub mod screens;

use std::collections::VecDeque;

pub use compare::{contest_parties, label, recipient, Column, CompareView};
pub use dashboard::{bars, DashBar, DashPanel, DashboardView};
pub use decision::{Confirm, ConfirmAction, DecisionPlan, Planned};
pub use editor::{ContestParty, DraftState, Editor, Purpose, Recipient, TextBox};
pub use holds::Holds;
pub use screens::{
    DetailView, LoadKind, Loadable, MouseAct, PendingLoad, QueueView, QueueWindow, Screen, Viewport,
};

use super::keymap::Key;

/// What shows over the screen and takes the keys first: one at a time (the editor's own
/// overlays are in `Over`).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Modal {
    /// Nothing: keys go to the screen.
    #[default]
    None,
    /// The help overlay, scrolled this far, over the question it was opened from (a
    /// confirmation or the information request's scope), which it gives back when closed.
    Help {
        scroll: usize,
        under: Option<Box<Modal>>,
    },
    /// After `r` in compare: the request goes to the focused party, or to all.
    InfoScope,
    /// A yes/no question over the screen (a lead taking over someone's hold).
    Confirm(Confirm),
    /// The editor (comments, information requests, decision reasons), with what shows over it.
    Editor(Box<Editor>, Over),
    /// `A`: a lead picks the reviewer a claim (and its contest) is assigned to.
    Assign(AssignPicker),
}

/// The reviewer picker of `A`.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignPicker {
    /// The claim to assign (its contest goes with it).
    pub claim_id: String,
    /// The active reviewers and leads, by login.
    pub reviewers: Loadable<Vec<crate::model::Reviewer>>,
    /// The row under the cursor.
    pub row: usize,
    /// The assignment in flight, if any.
    pub sending: Option<u64>,
}

/// What shows over the editor.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Over {
    /// Nothing: keys go to the text.
    #[default]
    Nothing,
    /// The template picker, with this row selected.
    Picker(usize),
    /// A yes/no question about the text (discard it, send it anyway, record the decision).
    Confirm(Confirm),
    /// The help overlay (F1), scrolled this far, over what it was opened from (a question, the
    /// template picker), which it gives back when closed.
    Help {
        scroll: usize,
        under: Option<Box<Over>>,
    },
}

/// One input waiting for its screen (see `typeahead`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    Key(Key),
    Paste(String),
}

/// Inputs waiting for the screen they were typed for.
pub type Waiting = VecDeque<Typed>;
