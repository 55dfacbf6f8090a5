//! Where a session's screen goes: crossterm's escape sequences written into any byte sink (the
//! local tty, an SSH channel), at a size the caller gives. ratatui's own crossterm backend asks
//! the process's tty for its size, which over SSH is the server's (or none at all).

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

/// A backend a session can draw on: bytes go somewhere, and its size is what it was told.
pub trait Screen: Backend<Error = io::Error> + Write {
    /// The client's terminal is now `width` x `height`.
    fn resize_to(&mut self, width: u16, height: u16);
}

/// Crossterm's backend over `W`, sized by the caller.
pub struct Sink<W: Write> {
    inner: CrosstermBackend<W>,
    size: Size,
}

impl<W: Write> Sink<W> {
    /// A sink writing to `writer`, `width` x `height` cells.
    pub fn new(writer: W, width: u16, height: u16) -> Sink<W> {
        Sink {
            inner: CrosstermBackend::new(writer),
            size: Size::new(width, height),
        }
    }
}

impl<W: Write> Screen for Sink<W> {
    fn resize_to(&mut self, width: u16, height: u16) {
        self.size = Size::new(width, height);
    }
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for Sink<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    /// Never asked of the terminal (that would need its answer on the input): the session hides
    /// the cursor and never needs to know where it is.
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::new(0, 0),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }

    #[cfg(feature = "scrolling-regions")]
    fn scroll_region_up(&mut self, region: std::ops::Range<u16>, lines: u16) -> io::Result<()> {
        self.inner.scroll_region_up(region, lines)
    }

    #[cfg(feature = "scrolling-regions")]
    fn scroll_region_down(&mut self, region: std::ops::Range<u16>, lines: u16) -> io::Result<()> {
        self.inner.scroll_region_down(region, lines)
    }
}
