//! claimdesk: a keyboard-driven terminal workbench for reviewers who arbitrate CPOR customer
//! association claims. Layers (dependencies point downward only): `tui` → `ui` → `app` → `store`
//! → `domain`. See shared/design.md.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod app;
pub mod config;
pub mod demo;
pub mod domain;
pub mod generate;
pub mod interchange;
pub mod model;
pub mod serve;
pub mod store;
pub mod tui;
pub mod ui;
