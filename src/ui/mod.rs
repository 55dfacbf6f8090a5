//! Pure render functions: `&State` and `&Theme` in, a frame out. No IO and no state changes; the
//! geometry they used comes back as a `Viewport` so paging matches what the reviewer sees.

pub mod assign;
pub mod compare;
pub mod confirm;
pub mod dashboard;
pub mod detail;
pub mod editor;
pub mod glyphs;
pub mod help;
pub mod preview;
pub mod queue;
pub mod status_bar;
pub mod text;
pub mod theme;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub use glyphs::Glyphs;
pub use theme::{Theme, ThemeError};

use crate::app::{Screen, State, Viewport};

pub use crate::app::state::{MIN_HEIGHT, MIN_WIDTH};

/// Draws the whole screen; returns the geometry used (for `Msg::Viewport`).
pub fn render(frame: &mut Frame, state: &State, theme: &Theme) -> Viewport {
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.text), area);
    let mut viewport = state.viewport;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return viewport;
    }
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    match state.screen {
        Screen::Queue => {
            let drawn = queue::render(frame, body, state, theme);
            viewport.list_rows = drawn.list_rows;
            viewport.list_top = drawn.list_top;
            viewport.tabs = drawn.tabs;
        }
        Screen::Detail => {
            let (rows, max) = detail::render(frame, body, state, theme);
            viewport.detail_rows = rows;
            viewport.detail_max_scroll = max;
        }
        Screen::Compare => {
            let (columns, max, poe_max) = compare::render(frame, body, state, theme);
            viewport.compare_columns = columns;
            viewport.compare_max_scroll = max;
            viewport.poe_max_scroll = poe_max;
        }
        Screen::Dashboard => dashboard::render(frame, body, state, theme),
    }
    status_bar::render(frame, bar, state, theme);
    confirm::render_scope(frame, body, state, theme);
    editor::render(frame, body, state, theme);
    assign::render(frame, body, state, theme);
    confirm::render(frame, body, state, theme);
    // Help last: it covers whatever it was opened over (a question, a picker), which shows
    // again when it closes.
    if state.help().is_some() {
        viewport.help_max_scroll = help::render(frame, area, state, theme);
    }
    viewport
}

/// `render`, then the frame rewritten for the session's glyphs (ASCII only on a terminal whose
/// locale is not UTF-8).
pub fn render_for(frame: &mut Frame, state: &State, theme: &Theme, glyphs: Glyphs) -> Viewport {
    let viewport = render(frame, state, theme);
    glyphs.apply(frame.buffer_mut());
    viewport
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled("Terminal too small", theme.error),
        Line::styled(
            format!(
                "claimdesk needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}.",
                area.width, area.height
            ),
            theme.text,
        ),
        Line::styled("Enlarge the window, or press q to quit.", theme.muted),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

#[cfg(test)]
mod dashboard_tests;
#[cfg(test)]
mod hold_render_tests;
#[cfg(test)]
mod render_tests;
