//! What a sub-module asks the dispatcher to do next. Sub-modules (`queue`, `compare`, `editor`,
//! `decision`, `holds`) change their own part of the state and return effects plus, at most,
//! one `Next`; only `update` acts on it. No sub-module calls back up into the dispatcher.

use super::effect::Effect;
use super::feed::Touched;
use super::keymap::Command;
use super::view::{ContestParty, Purpose};
use crate::domain::Visibility;
use crate::model::ClaimView;

/// A follow-up only the dispatcher may start.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Re-read what shows for these changes.
    Reread(Touched),
    /// This session wrote: re-read the counts, the window and the claim or contest on screen.
    AfterWrite,
    /// Open this claim's detail.
    Open(String),
    /// `n` took this claim: re-read what shows and open it.
    OpenTaken(String),
    /// Open the editor.
    Editor {
        purpose: Purpose,
        visibility: Visibility,
        parties: Option<Vec<ContestParty>>,
    },
    /// Start deciding `view` (`a`, `x`, `w`) within its contest.
    Decide {
        command: Command,
        view: Box<ClaimView>,
        contest: Vec<ClaimView>,
        parties: Option<Vec<ContestParty>>,
    },
    /// A decision's reason for the current claim was written.
    ReasonWritten(String),
    /// Move the editor to the decision's next claim, with this reason prefilled.
    NextReason(String),
    /// Close the editor; `discard` forgets its draft.
    CloseEditor { discard: bool },
    /// Send the editor's text although the guard warned.
    SendAnyway,
    /// Record the editor's decision plan.
    Record,
    /// Take this claim although someone holds it (a lead's take-over, confirmed).
    TakeOver(String),
    /// Save this session's draft text over the one another session saved.
    KeepMyDraft,
    /// Take the draft text another session saved.
    TakeTheirDraft,
}

/// Effects to run and, at most, one follow-up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    pub effects: Vec<Effect>,
    pub next: Option<Next>,
}

impl Step {
    /// Just a follow-up.
    pub fn then(next: Next) -> Step {
        Step {
            effects: Vec::new(),
            next: Some(next),
        }
    }

    /// These effects, then a follow-up.
    pub fn with(effects: Vec<Effect>, next: Next) -> Step {
        Step {
            effects,
            next: Some(next),
        }
    }
}

impl From<Vec<Effect>> for Step {
    fn from(effects: Vec<Effect>) -> Step {
        Step {
            effects,
            next: None,
        }
    }
}
