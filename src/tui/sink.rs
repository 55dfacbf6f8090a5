//! Where a session's screen goes: crossterm's escape sequences written into any byte sink (the
//! local tty, an SSH channel), at a size the caller gives. ratatui's own crossterm backend asks
//! the process's tty for its size, which over SSH is the server's (or none at all).

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

pub use super::paint::paint;
use super::paint::{paint_over, Shadow};

/// A backend a session can draw on: bytes go somewhere, and its size is what it was told.
pub trait Screen: Backend<Error = io::Error> + Write {
    /// The client's terminal is now `width` x `height`.
    fn resize_to(&mut self, width: u16, height: u16);
}

/// Crossterm's backend over `W`, sized by the caller, painting with `paint::paint_over`.
pub struct Sink<W: Write> {
    inner: CrosstermBackend<W>,
    size: Size,
    /// What the terminal shows, as far as the painter knows.
    shown: Shadow,
    /// Whether the cursor is hidden, when known (bytes written around the painter may change it).
    hidden: Option<bool>,
    /// Where the last frame's bytes went: `(x, y, bytes)` per place the painter moved to.
    spent: Vec<(u16, u16, usize)>,
}

impl<W: Write> Sink<W> {
    /// A sink writing to `writer`, `width` x `height` cells.
    pub fn new(writer: W, width: u16, height: u16) -> Sink<W> {
        Sink {
            inner: CrosstermBackend::new(writer),
            size: Size::new(width, height),
            shown: Shadow::new(width, height),
            hidden: None,
            spent: Vec::new(),
        }
    }

    /// Where the bytes of the last frame drawn went: `(x, y, bytes)` for each place the painter
    /// moved to (for `examples/output_bytes`' breakdown by part of the screen).
    pub fn spent(&self) -> &[(u16, u16, usize)] {
        &self.spent
    }
}

impl<W: Write> Screen for Sink<W> {
    fn resize_to(&mut self, width: u16, height: u16) {
        self.size = Size::new(width, height);
        self.shown = Shadow::new(width, height);
    }
}

impl<W: Write> Write for Sink<W> {
    /// Bytes written around the painter (modes, a clear): what the terminal shows is no longer
    /// known. A whole OSC string in one write (OSC 52, a copy) changes nothing on screen.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let osc = buf.starts_with(b"\x1b]") && buf.ends_with(b"\x07") && !buf[2..].contains(&0x1b);
        if !osc {
            self.shown.forget();
            self.hidden = None;
        }
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
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        self.spent.clear();
        let bytes = paint_over(&cells, self.size.width, &mut self.shown, &mut self.spent);
        self.inner.write_all(&bytes)
    }

    /// ratatui hides the cursor after every frame: only the first time is written.
    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.hidden == Some(true) {
            return Ok(());
        }
        self.hidden = Some(true);
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.hidden = Some(false);
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
        self.shown.forget();
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.shown.forget();
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
        self.shown.scroll(region.clone(), lines, true);
        self.inner.scroll_region_up(region, lines)
    }

    #[cfg(feature = "scrolling-regions")]
    fn scroll_region_down(&mut self, region: std::ops::Range<u16>, lines: u16) -> io::Result<()> {
        self.shown.scroll(region.clone(), lines, false);
        self.inner.scroll_region_down(region, lines)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::Paragraph;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    use super::*;

    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn vt_color(c: Color) -> vt100::Color {
        let idx = |i| vt100::Color::Idx(i);
        match c {
            Color::Reset => vt100::Color::Default,
            Color::Black => idx(0),
            Color::Red => idx(1),
            Color::Green => idx(2),
            Color::Yellow => idx(3),
            Color::Blue => idx(4),
            Color::Magenta => idx(5),
            Color::Cyan => idx(6),
            Color::Gray => idx(7),
            Color::DarkGray => idx(8),
            Color::LightRed => idx(9),
            Color::LightGreen => idx(10),
            Color::LightYellow => idx(11),
            Color::LightBlue => idx(12),
            Color::LightMagenta => idx(13),
            Color::LightCyan => idx(14),
            Color::White => idx(15),
            Color::Indexed(i) => idx(i),
            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
        }
    }

    /// The lines of frame `n`: styled text of varying length on every row.
    fn frame_lines(n: usize, rows: u16) -> Vec<Line<'static>> {
        let styles = [
            Style::new(),
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            Style::new().fg(Color::Black).bg(Color::Gray),
            Style::new()
                .fg(Color::Indexed(208))
                .add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
            Style::new().fg(Color::Rgb(1, 2, 3)).bg(Color::Blue),
            Style::new().add_modifier(Modifier::ITALIC | Modifier::DIM),
        ];
        let texts = [
            "Müller IT · 株式会社フジ",
            "short",
            "a much longer line of text that runs on",
            "",
        ];
        (0..rows as usize)
            .map(|row| {
                let k = n + row;
                Line::from(vec![
                    Span::styled(texts[k % texts.len()], styles[k % styles.len()]),
                    Span::raw(" "),
                    Span::styled(texts[(k / 2) % texts.len()], styles[(k + 3) % styles.len()]),
                ])
            })
            .collect()
    }

    /// A `w`x`h` terminal drawn through a `Sink`, and what it wrote.
    fn terminal(w: u16, h: u16) -> (Terminal<Sink<Shared>>, Shared) {
        let out = Shared::default();
        let fixed = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        };
        let terminal = Terminal::with_options(Sink::new(out.clone(), w, h), fixed).unwrap();
        (terminal, out)
    }

    /// A `w`x`h` terminal emulator to replay what was written into.
    fn screen(w: u16, h: u16) -> vt100::Parser {
        let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        vt100::Parser::new(nz(h), nz(w), 0)
    }

    /// Frames of styled text, each drawn over the last: the terminal shows each exactly, text,
    /// colours and modifiers.
    #[test]
    fn the_painter_gives_the_terminal_exactly_each_frame() {
        let (w, h) = (40u16, 6u16);
        let (mut terminal, out) = terminal(w, h);
        let mut parser = screen(w, h);
        for n in 0..12usize {
            let drawn = terminal
                .draw(|f| f.render_widget(Paragraph::new(frame_lines(n, h)), f.area()))
                .unwrap()
                .buffer
                .clone();
            parser.process(&std::mem::take(&mut *out.0.borrow_mut()));
            let screen = parser.screen();
            for y in 0..h {
                for x in 0..w {
                    let want = &drawn[(x, y)];
                    let got = screen.cell(y, x).unwrap();
                    if got.is_wide_continuation() {
                        continue;
                    }
                    let at = format!("frame {n} at ({x}, {y})");
                    let text = if got.has_contents() {
                        got.contents()
                    } else {
                        " "
                    };
                    assert_eq!(text, want.symbol(), "{at}");
                    assert_eq!(got.fgcolor(), vt_color(want.fg), "{at}");
                    assert_eq!(got.bgcolor(), vt_color(want.bg), "{at}");
                    let m = want.modifier;
                    assert_eq!(got.bold(), m.contains(Modifier::BOLD), "{at}");
                    assert_eq!(got.dim(), m.contains(Modifier::DIM), "{at}");
                    assert_eq!(got.italic(), m.contains(Modifier::ITALIC), "{at}");
                    assert_eq!(got.underline(), m.contains(Modifier::UNDERLINED), "{at}");
                    assert_eq!(got.inverse(), m.contains(Modifier::REVERSED), "{at}");
                }
            }
        }
    }

    #[test]
    fn colours_are_written_in_their_short_forms_and_blank_runs_erased() {
        let plain = Cell::new(" ");
        let mut red = Cell::new("x");
        red.set_fg(Color::LightRed);
        let cells: Vec<(u16, u16, &Cell)> = std::iter::once((0, 0, &red))
            .chain((1..30).map(|x| (x, 0, &plain)))
            .chain(std::iter::once((5, 1, &red)))
            .collect();
        let out = String::from_utf8(paint(&cells, 30)).unwrap();
        assert_eq!(
            out,
            "\x1b[1H\x1b[91mx\x1b[39m\x1b[K\x1b[2;6H\x1b[91mx\x1b[39m"
        );
    }

    /// Frames drawn over what the painter knows, with stray output cleared in between (as
    /// Ctrl-L does): each frame is exactly on screen, and the cursor is hidden once, not after
    /// every frame.
    #[test]
    fn a_known_screen_stays_exact_across_foreign_writes_and_hides_the_cursor_once() {
        let (w, h) = (30u16, 5u16);
        let (mut terminal, out) = terminal(w, h);
        let mut parser = screen(w, h);
        let mut hides = 0;
        for n in 0..8usize {
            if n == 3 {
                terminal.backend_mut().write_all(b"junk\x1b[2J").unwrap();
                // What the session's redraw does: the next diff is against a blank screen.
                terminal.swap_buffers();
                terminal.current_buffer_mut().reset();
            }
            let lines: Vec<Line> = (0..h as usize)
                .map(|y| Line::from(format!("row {y} of frame {} {}", n % 3, "ab".repeat(y + n))))
                .collect();
            let drawn = terminal
                .draw(|f| f.render_widget(Paragraph::new(lines), f.area()))
                .unwrap()
                .buffer
                .clone();
            let bytes = std::mem::take(&mut *out.0.borrow_mut());
            hides += String::from_utf8_lossy(&bytes).matches("\x1b[?25l").count();
            parser.process(&bytes);
            for y in 0..h {
                let want: String = (0..w).map(|x| drawn[(x, y)].symbol()).collect();
                let got = parser.screen().contents_between(y, 0, y, w);
                assert_eq!(got.trim_end(), want.trim_end(), "frame {n} row {y}");
            }
        }
        assert_eq!(
            hides, 2,
            "hidden at the start and again after the foreign write"
        );
    }

    /// A copy (OSC 52) leaves the screen as it was: the painter still knows it and rewrites a
    /// short unchanged gap; a clear makes it step over the gap instead.
    #[test]
    fn a_copy_keeps_what_the_painter_knows_and_a_clear_does_not() {
        let (mut terminal, out) = terminal(20, 1);
        let draw = |terminal: &mut Terminal<Sink<Shared>>, text: &'static str| {
            terminal
                .draw(|f| f.render_widget(Paragraph::new(text), f.area()))
                .unwrap();
            String::from_utf8(std::mem::take(&mut *out.0.borrow_mut())).unwrap()
        };
        draw(&mut terminal, "abcdefghij");
        terminal
            .backend_mut()
            .write_all(b"\x1b]52;c;Q1BPUi0x\x07")
            .unwrap();
        assert!(draw(&mut terminal, "AbCdefghij").ends_with("AbC"));
        terminal.backend_mut().write_all(b"\x1b[?2004h").unwrap();
        assert!(draw(&mut terminal, "abcdefghij").contains("a\x1b[Cc"));
    }
}
