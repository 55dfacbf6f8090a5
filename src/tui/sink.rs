//! Where a session's screen goes: crossterm's escape sequences written into any byte sink (the
//! local tty, an SSH channel), at a size the caller gives. ratatui's own crossterm backend asks
//! the process's tty for its size, which over SSH is the server's (or none at all).

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// Blank cells in a row at least this long are erased (`ECH`, or `EL` to the line's end) rather
/// than written out as spaces.
const ERASE_RUN: usize = 8;

/// The SGR state of the terminal as the painter left it.
#[derive(Clone, Copy, PartialEq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

/// SGR parameters of a colour: the sixteen named ones in their short forms (`31`, `91`, `41`,
/// `101`: what crossterm writes as `38;5;1` costs twice as much, and means the same palette entry).
fn color_sgr(color: Color, background: bool) -> String {
    let base = if background { 40 } else { 30 };
    let indexed = |i: u8| match i {
        0..=7 => (base + u16::from(i)).to_string(),
        8..=15 => (base + 60 + u16::from(i - 8)).to_string(),
        _ => format!("{};5;{i}", base + 8),
    };
    match color {
        Color::Reset => (base + 9).to_string(),
        Color::Black => indexed(0),
        Color::Red => indexed(1),
        Color::Green => indexed(2),
        Color::Yellow => indexed(3),
        Color::Blue => indexed(4),
        Color::Magenta => indexed(5),
        Color::Cyan => indexed(6),
        Color::Gray => indexed(7),
        Color::DarkGray => indexed(8),
        Color::LightRed => indexed(9),
        Color::LightGreen => indexed(10),
        Color::LightYellow => indexed(11),
        Color::LightBlue => indexed(12),
        Color::LightMagenta => indexed(13),
        Color::LightCyan => indexed(14),
        Color::White => indexed(15),
        Color::Indexed(i) => indexed(i),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
    }
}

const MODIFIER_SGR: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// One SGR sequence taking the pen from `from` to `to` (nothing when they are the same): only
/// what changed, or a reset and everything of `to` when a modifier has to go.
fn pen_change(out: &mut Vec<u8>, from: Pen, to: Pen) {
    if from == to {
        return;
    }
    let mut params: Vec<String> = Vec::new();
    let (base, added) = if from.modifier.difference(to.modifier).is_empty() {
        (from, to.modifier.difference(from.modifier))
    } else {
        params.push("0".into());
        (PLAIN, to.modifier)
    };
    for (m, code) in MODIFIER_SGR {
        if added.contains(m) {
            params.push(code.to_string());
        }
    }
    if to.fg != base.fg {
        params.push(color_sgr(to.fg, false));
    }
    if to.bg != base.bg {
        params.push(color_sgr(to.bg, true));
    }
    if !params.is_empty() {
        out.extend_from_slice(format!("\x1b[{}m", params.join(";")).as_bytes());
    }
}

/// Moves the cursor from `at` (where it is, when known) to `(x, y)` in the fewest bytes.
fn move_to(out: &mut Vec<u8>, at: Option<(u16, u16)>, x: u16, y: u16) {
    match at {
        Some((ax, ay)) if ay == y && ax == x => {}
        Some((ax, ay)) if ay == y && ax < x => {
            let n = x - ax;
            if n == 1 {
                out.extend_from_slice(b"\x1b[C");
            } else {
                out.extend_from_slice(format!("\x1b[{n}C").as_bytes());
            }
        }
        _ if x == 0 => out.extend_from_slice(format!("\x1b[{}H", y + 1).as_bytes()),
        _ => out.extend_from_slice(format!("\x1b[{};{}H", y + 1, x + 1).as_bytes()),
    }
}

/// Whether a cell is a blank an erase gives (a space, default colours, no modifier).
fn plain_blank(cell: &Cell) -> bool {
    cell.symbol() == " "
        && cell.fg == Color::Reset
        && cell.bg == Color::Reset
        && cell.modifier.is_empty()
}

/// The bytes that bring the terminal from the last frame to this one, given ratatui's changed
/// cells in order. Cheaper than ratatui's own crossterm backend, for the same screen: one SGR
/// sequence per change of style, with the sixteen colours in their short forms; short cursor moves
/// along a row (`CUF`); a run of blank cells erased (`ECH`/`EL`) instead of written; and one reset
/// at the end only when the style is not plain already.
pub fn paint(cells: &[(u16, u16, &Cell)], width: u16) -> Vec<u8> {
    use unicode_width::UnicodeWidthStr;
    let mut out = Vec::with_capacity(cells.len() * 2);
    let mut pen = PLAIN;
    // Where the cursor is, when known (unknown at the start, and after the last column).
    let mut at: Option<(u16, u16)> = None;
    let mut i = 0;
    while i < cells.len() {
        let (x, y, cell) = cells[i];
        // A run of blanks, each right after the one before it on the same row.
        let mut run = 0;
        while let Some(&(rx, ry, rc)) = cells.get(i + run) {
            if ry != y || usize::from(rx) != usize::from(x) + run || !plain_blank(rc) {
                break;
            }
            run += 1;
        }
        if run >= ERASE_RUN {
            move_to(&mut out, at, x, y);
            pen_change(&mut out, pen, PLAIN);
            pen = PLAIN;
            if usize::from(x) + run >= usize::from(width) {
                out.extend_from_slice(b"\x1b[K");
            } else {
                out.extend_from_slice(format!("\x1b[{run}X").as_bytes());
            }
            // The erase leaves the cursor where it was.
            at = Some((x, y));
            i += run;
            continue;
        }
        move_to(&mut out, at, x, y);
        let to = Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        };
        pen_change(&mut out, pen, to);
        pen = to;
        let symbol = cell.symbol();
        out.extend_from_slice(symbol.as_bytes());
        let next = x.saturating_add(symbol.width().max(1) as u16);
        // Past the last column a terminal waits to wrap: where the cursor is, is not certain.
        at = (next < width).then_some((next, y));
        i += 1;
    }
    pen_change(&mut out, pen, PLAIN);
    out
}

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
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        let bytes = paint(&cells, self.size.width);
        self.inner.write_all(&bytes)
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

    /// Frames of styled text, each drawn over the last: the terminal shows each exactly, text,
    /// colours and modifiers.
    #[test]
    fn the_painter_gives_the_terminal_exactly_each_frame() {
        let (w, h) = (40u16, 6u16);
        let out = Shared::default();
        let fixed = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        };
        let mut terminal = Terminal::with_options(Sink::new(out.clone(), w, h), fixed).unwrap();
        let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let mut parser = vt100::Parser::new(nz(h), nz(w), 0);
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
}
