//! The dashboard screen (`D` from the queue): reading the figures, moving the cursor over the
//! bars of a chart, and opening the claims behind a bar (Enter) as the queue with that tab and
//! submission range. The figures are read in the runtime's dashboard slot (one store call), and
//! read again when the change feed says the store changed: at most one read in flight, and one
//! more after it if changes came meanwhile, so a burst of changes never queues reads up.

use super::effect::Effect;
use super::keymap::Command;
use super::queue::{self, ReloadFrom};
use super::state::{Loadable, Screen, State};
use super::view::{bars, DashPanel, DashboardView};
use crate::model::Dashboard;

/// Opens the dashboard with a "loading" placeholder and asks for the figures.
pub fn open(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Dashboard;
    state.dashboard = Some(DashboardView {
        figures: Loadable::Loading(0),
        pending: None,
        stale: false,
        panel: DashPanel::Sla,
        bar: 0,
    });
    load(state)
}

/// Reads the figures (again); while a read is in flight, marks it stale instead.
pub fn load(state: &mut State) -> Vec<Effect> {
    let req_id = state.next_req();
    let Some(view) = &mut state.dashboard else {
        return Vec::new();
    };
    if view.pending.is_some() {
        view.stale = true;
        return Vec::new();
    }
    view.pending = Some(req_id);
    if !matches!(view.figures, Loadable::Loaded(_)) {
        view.figures = Loadable::Loading(req_id);
    }
    vec![Effect::LoadDashboard {
        req_id,
        calendar: state.calendar.clone(),
        policy: state.sla,
        until: state.now,
    }]
}

/// Takes the figures of the newest read; reads once more if changes arrived meanwhile.
pub fn loaded(
    state: &mut State,
    req_id: u64,
    result: Result<Box<Dashboard>, String>,
) -> Vec<Effect> {
    let Some(view) = &mut state.dashboard else {
        return Vec::new();
    };
    if view.pending != Some(req_id) {
        return Vec::new();
    }
    view.pending = None;
    match result {
        Ok(figures) => view.figures = Loadable::Loaded(figures),
        Err(e) if matches!(view.figures, Loadable::Loaded(_)) => {
            state.notice = Some(format!("Reading the dashboard failed: {e}"));
        }
        Err(e) => view.figures = Loadable::Failed(e),
    }
    clamp(state);
    let stale = state
        .dashboard
        .as_mut()
        .is_some_and(|v| std::mem::take(&mut v.stale));
    if stale {
        load(state)
    } else {
        Vec::new()
    }
}

fn clamp(state: &mut State) {
    if let Some(view) = &mut state.dashboard {
        let n = view
            .figures
            .loaded()
            .map_or(0, |f| bars(f, view.panel).len());
        view.bar = view.bar.min(n.saturating_sub(1));
    }
}

fn move_bar(state: &mut State, by: isize) {
    if let Some(view) = &mut state.dashboard {
        let n = view
            .figures
            .loaded()
            .map_or(0, |f| bars(f, view.panel).len());
        if n > 0 {
            view.bar = (view.bar as isize + by).clamp(0, n as isize - 1) as usize;
        }
    }
}

fn set_panel(state: &mut State, panel: DashPanel) {
    if let Some(view) = &mut state.dashboard {
        if view.panel != panel {
            view.panel = panel;
            view.bar = 0;
        }
    }
}

fn cycle_panel(state: &mut State, by: isize) {
    let Some(view) = &state.dashboard else { return };
    let all = DashPanel::ALL;
    let next = (view.panel.index() as isize + by).rem_euclid(all.len() as isize) as usize;
    set_panel(state, all[next]);
}

/// A command on the dashboard.
pub fn command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::FocusRight => move_bar(state, 1),
        Command::FocusLeft => move_bar(state, -1),
        Command::Top => move_bar(state, isize::MIN / 2),
        Command::Bottom => move_bar(state, isize::MAX / 2),
        Command::NextTab | Command::Down => cycle_panel(state, 1),
        Command::PrevTab | Command::Up => cycle_panel(state, -1),
        Command::Tab1 => set_panel(state, DashPanel::ALL[0]),
        Command::Tab2 => set_panel(state, DashPanel::ALL[1]),
        Command::Tab3 => set_panel(state, DashPanel::ALL[2]),
        Command::Tab4 => set_panel(state, DashPanel::ALL[3]),
        Command::Tab5 => set_panel(state, DashPanel::ALL[4]),
        Command::Refresh => return load(state),
        Command::Open => return open_bar(state),
        Command::Back | Command::Quit => {
            state.screen = Screen::Queue;
            state.dashboard = None;
        }
        _ => {}
    }
    Vec::new()
}

/// Enter: the queue, on the bar's tab, showing only the claims behind it.
fn open_bar(state: &mut State) -> Vec<Effect> {
    let Some(bar) = state.dashboard.as_ref().and_then(DashboardView::selected) else {
        return Vec::new();
    };
    let (tab, range) = bar.opens;
    state.notice = Some(format!(
        "{} · {}: {} claim(s); Esc shows the whole tab",
        bar.group, range.label, bar.value
    ));
    state.screen = Screen::Queue;
    state.dashboard = None;
    let q = &mut state.queue;
    q.tab = tab;
    q.behind = Some(range);
    q.filter.clear();
    q.filter_editing = false;
    let mut effects = queue::reload(state, ReloadFrom::First, false);
    effects.push(queue::load_counts(state));
    effects
}
