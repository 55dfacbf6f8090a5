//! One-row scrolls of the queue list as a terminal scroll instead of a repaint (ratatui's
//! `scrolling-regions` feature, enabled with this crate's feature of the same name).
//!
//! When the list's rows moved by exactly one between two frames, the terminal is told to scroll
//! the list's lines (DECSTBM + SU/SD, a dozen bytes) and ratatui's record of the screen is shifted
//! the same way, so the following diff writes only the new row, the moved highlight and whatever
//! else really changed. The shift mirrors what the terminal did whatever the layout, so a wrong
//! guess about where the list sits costs bytes, never a wrong screen.

use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::Terminal;

use crate::app::{Screen, State};

/// Built with the feature: without it every frame is a plain diff and nothing is kept.
pub const ENABLED: bool = cfg!(feature = "scrolling-regions");

/// The first terminal row of the list's claims (`ui::queue`: tabs, filter line, column titles).
const LIST_TOP: u16 = 3;

/// What the last frame showed, to recognise a one-row scroll in the next.
#[derive(Debug, Default)]
pub struct Scroller {
    /// Claim ids of the list's visible rows, top to bottom (empty when the list was not shown).
    shown: Vec<String>,
    /// The last frame as drawn.
    last: Option<Buffer>,
    /// A buffer no longer in use, for the next frame's copy (no allocation a frame).
    spare: Option<Buffer>,
}

/// The claim ids the list shows now (none while the queue is not what is on screen).
fn visible(state: &State) -> Vec<String> {
    let q = &state.queue;
    if state.screen != Screen::Queue || state.help().is_some() || q.error.is_some() {
        return Vec::new();
    }
    let end = (q.offset + state.viewport.list_rows).min(q.window.rows.len());
    q.window.rows[q.offset.min(end)..end]
        .iter()
        .map(|r| r.claim_id.clone())
        .collect()
}

/// `Some(1)` if the rows moved up one line (the next row came in at the bottom), `Some(-1)` if
/// down one, else `None`.
fn step(before: &[String], now: &[String]) -> Option<i8> {
    let n = before.len();
    if n < 3 || now.len() != n {
        return None;
    }
    if before[1..] == now[..n - 1] {
        Some(1)
    } else if before[..n - 1] == now[1..] {
        Some(-1)
    } else {
        None
    }
}

impl Scroller {
    /// Call before drawing `state`: scrolls the terminal if the list moved by one row.
    pub fn before_draw<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        state: &State,
    ) -> Result<(), B::Error> {
        if !ENABLED {
            return Ok(());
        }
        let now = visible(state);
        let (Some(last), Some(step)) = (&self.last, step(&self.shown, &now)) else {
            return Ok(());
        };
        let top = last.area.y + LIST_TOP;
        let bottom = top + now.len() as u16; // exclusive
        if bottom > last.area.bottom() {
            return Ok(());
        }
        if !scroll_terminal(terminal, top..bottom, step)? {
            return Ok(());
        }
        // The last frame is not needed again (`after_draw` keeps the next one): shift it in place.
        let Some(mut shifted) = self.last.take() else {
            return Ok(());
        };
        shift(&mut shifted, top, bottom, step);
        // Make the shifted copy ratatui's "previous frame": the next diff is taken against it.
        // The buffer it replaces is kept for `after_draw` to copy into (no allocation a frame).
        std::mem::swap(terminal.current_buffer_mut(), &mut shifted);
        self.spare = Some(shifted);
        terminal.swap_buffers();
        Ok(())
    }

    /// Call after drawing `state` into `drawn`.
    pub fn after_draw(&mut self, drawn: &Buffer, state: &State) {
        if !ENABLED {
            return;
        }
        self.shown = visible(state);
        // Every frame is kept, so copy into a buffer already made rather than allocate anew.
        let reuse = self.last.take().or_else(|| self.spare.take());
        if self.shown.is_empty() {
            self.spare = reuse;
            return;
        }
        self.last = Some(match reuse {
            Some(mut kept) => {
                kept.area = drawn.area;
                kept.content.clone_from(&drawn.content);
                kept
            }
            None => drawn.clone(),
        });
    }
}

/// Scrolls the terminal's lines `rows` by one (up for `step > 0`); false without the feature.
#[cfg(feature = "scrolling-regions")]
fn scroll_terminal<B: Backend>(
    terminal: &mut Terminal<B>,
    rows: std::ops::Range<u16>,
    step: i8,
) -> Result<bool, B::Error> {
    if step > 0 {
        terminal.backend_mut().scroll_region_up(rows, 1)?;
    } else {
        terminal.backend_mut().scroll_region_down(rows, 1)?;
    }
    Ok(true)
}

#[cfg(not(feature = "scrolling-regions"))]
fn scroll_terminal<B: Backend>(
    _terminal: &mut Terminal<B>,
    _rows: std::ops::Range<u16>,
    _step: i8,
) -> Result<bool, B::Error> {
    Ok(false)
}

/// Moves the full-width lines `top..bottom` of `buf` by one, as the terminal's scroll does: the
/// line scrolled in is blank in the default colours.
fn shift(buf: &mut Buffer, top: u16, bottom: u16, step: i8) {
    let width = buf.area.width as usize;
    let row = |y: u16| (y - buf.area.y) as usize * width;
    let (first, last) = (row(top), row(bottom));
    if step > 0 {
        buf.content.copy_within_cells(first + width..last, first);
        buf.content[last - width..last].fill(Cell::default());
    } else {
        buf.content
            .copy_within_cells(first..last - width, first + width);
        buf.content[first..first + width].fill(Cell::default());
    }
}

/// `copy_within` for cells, which are `Clone` but not `Copy`.
trait CopyWithinCells {
    fn copy_within_cells(&mut self, src: std::ops::Range<usize>, dest: usize);
}

impl CopyWithinCells for Vec<Cell> {
    fn copy_within_cells(&mut self, src: std::ops::Range<usize>, dest: usize) {
        if dest < src.start {
            for (k, i) in src.enumerate() {
                self[dest + k] = self[i].clone();
            }
        } else {
            for (k, i) in src.enumerate().rev() {
                self[dest + k] = self[i].clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(r: std::ops::Range<u32>) -> Vec<String> {
        r.map(|i| format!("C-{i}")).collect()
    }

    #[test]
    fn one_row_moves_are_scrolls_and_everything_else_is_not() {
        assert_eq!(step(&ids(0..10), &ids(1..11)), Some(1));
        assert_eq!(step(&ids(1..11), &ids(0..10)), Some(-1));
        assert_eq!(step(&ids(0..10), &ids(0..10)), None);
        assert_eq!(step(&ids(0..10), &ids(2..12)), None);
        assert_eq!(step(&ids(0..10), &ids(1..10)), None);
        assert_eq!(step(&[], &[]), None);
    }

    #[test]
    fn a_shift_moves_whole_lines_and_blanks_the_one_scrolled_in() {
        let mut buf = Buffer::with_lines(["aaaa", "bbbb", "cccc", "dddd", "eeee"]);
        shift(&mut buf, 1, 4, 1);
        assert_eq!(
            buf,
            Buffer::with_lines(["aaaa", "cccc", "dddd", "    ", "eeee"])
        );
        let mut buf = Buffer::with_lines(["aaaa", "bbbb", "cccc", "dddd", "eeee"]);
        shift(&mut buf, 1, 4, -1);
        assert_eq!(
            buf,
            Buffer::with_lines(["aaaa", "    ", "bbbb", "cccc", "eeee"])
        );
    }
}
