//! The painter behind `Sink`: the bytes that bring a terminal from one frame to the next, given
//! ratatui's changed cells, and a shadow of what the terminal shows so that a short gap of
//! unchanged cells can be written over (a byte or two) instead of stepped over (`\e[C`, 3 bytes).

use ratatui::buffer::{Cell, CellDiffOption};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

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

impl Pen {
    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }
}

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

/// A relative cursor move of `n` cells or lines (`final_byte` C right, D left, A up, B down).
fn relative(n: u16, final_byte: char) -> String {
    match n {
        0 => String::new(),
        1 => format!("\x1b[{final_byte}"),
        _ => format!("\x1b[{n}{final_byte}"),
    }
}

/// What the terminal shows, as far as the painter knows: each cell it wrote since the screen was
/// last cleared or written around it (`None`: not known). Only ever used to write a cell again
/// with what it already holds, so an unknown cell costs bytes, never a wrong screen.
#[derive(Debug, Clone, Default)]
pub struct Shadow {
    width: u16,
    height: u16,
    cells: Vec<Option<Cell>>,
}

impl Shadow {
    /// A shadow of a `width` x `height` screen of which nothing is known.
    pub fn new(width: u16, height: u16) -> Shadow {
        Shadow {
            width,
            height,
            cells: vec![None; usize::from(width) * usize::from(height)],
        }
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.width && y < self.height)
            .then(|| usize::from(y) * usize::from(self.width) + usize::from(x))
    }

    /// The cell at `(x, y)`, when known.
    pub fn get(&self, x: u16, y: u16) -> Option<&Cell> {
        self.cells.get(self.index(x, y)?)?.as_ref()
    }

    /// Nothing is known any more (a clear, or bytes written around the painter).
    pub fn forget(&mut self) {
        self.cells.fill(None);
    }

    /// The painter wrote `cell` at `(x, y)`; a wide one also covers the cells after it.
    fn record(&mut self, x: u16, y: u16, cell: &Cell) {
        let wide = cell.symbol().width().max(1) as u16;
        if let Some(i) = self.index(x, y) {
            self.cells[i] = Some(cell.clone());
        }
        for k in 1..wide {
            if let Some(i) = self.index(x.saturating_add(k), y) {
                self.cells[i] = None;
            }
        }
    }

    /// The terminal scrolled the full-width lines `rows` by `lines` (up when `up`). What scrolls
    /// in is blank in the default colours: the painter leaves the pen plain at the end of every
    /// frame, and scrolls come between frames (the scroller assumes the same of ratatui's record).
    pub fn scroll(&mut self, rows: std::ops::Range<u16>, lines: u16, up: bool) {
        let w = usize::from(self.width);
        let top = usize::from(rows.start.min(self.height)) * w;
        let bottom = usize::from(rows.end.min(self.height)) * w;
        let by = (usize::from(lines) * w).min(bottom.saturating_sub(top));
        let region = &mut self.cells[top..bottom];
        if up {
            region.rotate_left(by);
            let len = region.len();
            region[len - by..].fill(Some(Cell::default()));
        } else {
            region.rotate_right(by);
            region[..by].fill(Some(Cell::default()));
        }
    }
}

/// What a gap of unchanged cells `from..to` on row `y` costs written out with the pen as it is:
/// `None` when a cell is not known, is wide, or needs another pen.
fn rewrite(known: &Shadow, pen: Pen, y: u16, from: u16, to: u16) -> Option<String> {
    let mut text = String::new();
    for x in from..to {
        let cell = known.get(x, y)?;
        if Pen::of(cell) != pen
            || cell.diff_option != CellDiffOption::None
            || cell.symbol().width() != 1
        {
            return None;
        }
        text.push_str(cell.symbol());
    }
    Some(text)
}

/// Moves the cursor from `at` (where it is, when known) to `(x, y)` in the fewest bytes:
/// an absolute move, a relative one, or (on the same row) the unchanged cells in between written
/// again.
fn move_to(out: &mut Vec<u8>, at: Option<(u16, u16)>, x: u16, y: u16, pen: Pen, known: &Shadow) {
    let absolute = if x == 0 {
        format!("\x1b[{}H", y + 1)
    } else {
        format!("\x1b[{};{}H", y + 1, x + 1)
    };
    let Some((ax, ay)) = at else {
        out.extend_from_slice(absolute.as_bytes());
        return;
    };
    if (ax, ay) == (x, y) {
        return;
    }
    let vertical = if y > ay {
        relative(y - ay, 'B')
    } else {
        relative(ay - y, 'A')
    };
    let horizontal = if x > ax {
        relative(x - ax, 'C')
    } else if x == 0 {
        "\r".to_string()
    } else {
        relative(ax - x, 'D')
    };
    let mut best = absolute;
    let stepped = vertical + &horizontal;
    if stepped.len() < best.len() {
        best = stepped;
    }
    if ay == y && x > ax {
        if let Some(text) = rewrite(known, pen, y, ax, x) {
            if text.len() <= best.len() {
                best = text;
            }
        }
    }
    out.extend_from_slice(best.as_bytes());
}

/// Whether a cell is a blank an erase gives (a space, default colours, no modifier).
fn plain_blank(cell: &Cell) -> bool {
    cell.symbol() == " "
        && cell.fg == Color::Reset
        && cell.bg == Color::Reset
        && cell.modifier.is_empty()
}

/// The bytes that bring the terminal from the last frame to this one, given ratatui's changed
/// cells in order, on a terminal of which nothing is known beyond them.
pub fn paint(cells: &[(u16, u16, &Cell)], width: u16) -> Vec<u8> {
    paint_over(cells, width, &mut Shadow::default(), &mut Vec::new())
}

/// `paint` on a terminal showing `known`, which is brought up to date; `spent` receives, for
/// each place the painter moved to, how many bytes were written from there (the reset at the
/// end counts to the last place).
///
/// One SGR sequence per change of style, with the sixteen colours in their short forms; the
/// cheapest cursor move (absolute, relative, or the unchanged cells in between rewritten); a run
/// of blank cells erased (`ECH`/`EL`) instead of written; and one reset at the end only when the
/// style is not plain already.
pub fn paint_over(
    cells: &[(u16, u16, &Cell)],
    width: u16,
    known: &mut Shadow,
    spent: &mut Vec<(u16, u16, usize)>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(cells.len() * 2);
    let mut pen = PLAIN;
    // Where the cursor is, when known (unknown at the start, and after the last column).
    let mut at: Option<(u16, u16)> = None;
    let mut i = 0;
    let mut mark = |out: &Vec<u8>, x: u16, y: u16, from: usize| {
        if out.len() > from {
            spent.push((x, y, out.len() - from));
        }
    };
    while i < cells.len() {
        let (x, y, cell) = cells[i];
        let from = out.len();
        // A run of blanks on one row: each right after the one before it, or after unchanged
        // cells known to be blank already (erasing them again changes nothing).
        let mut run = 0;
        let mut end = x; // the column after the run
        while let Some(&(rx, ry, rc)) = cells.get(i + run) {
            let joined = rx == end
                || (rx > end && (end..rx).all(|gx| known.get(gx, y).is_some_and(plain_blank)));
            if ry != y || !joined || !plain_blank(rc) {
                break;
            }
            run += 1;
            end = rx + 1;
        }
        let span = end - x;
        if usize::from(span) >= ERASE_RUN {
            move_to(&mut out, at, x, y, pen, known);
            pen_change(&mut out, pen, PLAIN);
            pen = PLAIN;
            if end >= width {
                out.extend_from_slice(b"\x1b[K");
            } else {
                out.extend_from_slice(format!("\x1b[{span}X").as_bytes());
            }
            for &(rx, ry, rc) in &cells[i..i + run] {
                known.record(rx, ry, rc);
            }
            // The erase leaves the cursor where it was.
            at = Some((x, y));
            i += run;
            mark(&out, x, y, from);
            continue;
        }
        let to = Pen::of(cell);
        move_to(&mut out, at, x, y, pen, known);
        pen_change(&mut out, pen, to);
        pen = to;
        let symbol = cell.symbol();
        out.extend_from_slice(symbol.as_bytes());
        known.record(x, y, cell);
        let next = x.saturating_add(symbol.width().max(1) as u16);
        // Past the last column a terminal waits to wrap: where the cursor is, is not certain.
        at = (next < width).then_some((next, y));
        i += 1;
        mark(&out, x, y, from);
    }
    let from = out.len();
    pen_change(&mut out, pen, PLAIN);
    if let Some(&(x, y, _)) = cells.last() {
        mark(&out, x, y, from);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(symbol: &str) -> Cell {
        let mut cell = Cell::default();
        cell.set_symbol(symbol);
        cell
    }

    fn cells(text: &str) -> Vec<Cell> {
        text.chars().map(|c| cell(&c.to_string())).collect()
    }

    /// The changed cells of `now` against `before` on one row, as ratatui hands them over.
    fn changes<'a>(before: &[Cell], now: &'a [Cell]) -> Vec<(u16, u16, &'a Cell)> {
        now.iter()
            .enumerate()
            .filter(|(i, c)| before.get(*i) != Some(*c))
            .map(|(i, c)| (i as u16, 0, c))
            .collect()
    }

    #[test]
    fn a_short_gap_the_terminal_is_known_to_show_is_rewritten_instead_of_stepped_over() {
        let mut shown = Shadow::new(20, 2);
        let first = cells("abcdefghijk");
        let all: Vec<(u16, u16, &Cell)> = first
            .iter()
            .enumerate()
            .map(|(i, c)| (i as u16, 0, c))
            .collect();
        paint_over(&all, 20, &mut shown, &mut Vec::new());
        let second = cells("AbCdefghijK");
        let out = paint_over(&changes(&first, &second), 20, &mut shown, &mut Vec::new());
        // `b` costs one byte, `\e[C` three; `defghij` is cheaper stepped over (`\e[7C`).
        assert_eq!(String::from_utf8_lossy(&out), "\x1b[1HAbC\x1b[7CK");
    }

    #[test]
    fn a_gap_not_known_or_in_another_style_is_stepped_over() {
        let first = cells("abcd");
        let second = cells("AbCd");
        // Nothing known: the plain painter.
        assert_eq!(
            String::from_utf8_lossy(&paint(&changes(&first, &second), 10)),
            "\x1b[1HA\x1b[CC"
        );
        // Known, but `b` is red: rewriting it would need two style changes.
        let mut shown = Shadow::new(10, 1);
        let mut red = first.clone();
        red[1].set_fg(Color::Red);
        let all: Vec<(u16, u16, &Cell)> = red
            .iter()
            .enumerate()
            .map(|(i, c)| (i as u16, 0, c))
            .collect();
        paint_over(&all, 10, &mut shown, &mut Vec::new());
        let mut now = second.clone();
        now[1].set_fg(Color::Red);
        let out = paint_over(&changes(&red, &now), 10, &mut shown, &mut Vec::new());
        assert_eq!(String::from_utf8_lossy(&out), "\x1b[1HA\x1b[CC");
    }

    #[test]
    fn blanks_over_a_longer_text_are_one_erase_across_cells_known_blank() {
        let mut shown = Shadow::new(20, 1);
        let first = cells("abcdefghij klmnopq");
        let all: Vec<(u16, u16, &Cell)> = first
            .iter()
            .enumerate()
            .map(|(i, c)| (i as u16, 0, c))
            .collect();
        paint_over(&all, 20, &mut shown, &mut Vec::new());
        let second = cells("ab                ");
        let out = paint_over(&changes(&first, &second), 20, &mut shown, &mut Vec::new());
        assert_eq!(String::from_utf8_lossy(&out), "\x1b[1;3H\x1b[16X");
    }

    #[test]
    fn moves_between_rows_take_the_shorter_of_absolute_and_relative() {
        let x = Cell::new("x");
        // (0,0) then (1,1): `\e[B` is shorter than `\e[2;2H`; then to (0,5): `\e[6H`.
        let out = paint(&[(0, 0, &x), (1, 1, &x), (0, 5, &x)], 80);
        assert_eq!(String::from_utf8_lossy(&out), "\x1b[1Hx\x1b[Bx\x1b[6Hx");
        // Back to the start of the row: a carriage return.
        let out = paint(&[(0, 13, &x), (0, 14, &x)], 80);
        assert_eq!(String::from_utf8_lossy(&out), "\x1b[14Hx\x1b[B\rx");
    }

    #[test]
    fn a_scroll_moves_what_is_known_and_what_scrolls_in_is_blank() {
        let mut shown = Shadow::new(2, 4);
        for y in 0..4 {
            shown.record(0, y, &cell(&y.to_string()));
        }
        shown.scroll(1..4, 1, true);
        let at = |shown: &Shadow, y| shown.get(0, y).map(|c| c.symbol().to_string());
        assert_eq!(
            [at(&shown, 0), at(&shown, 1), at(&shown, 2), at(&shown, 3)],
            [
                Some("0".into()),
                Some("2".into()),
                Some("3".into()),
                Some(" ".into())
            ]
        );
        shown.scroll(0..4, 1, false);
        assert_eq!(at(&shown, 0), Some(" ".into()));
        assert_eq!(at(&shown, 1), Some("0".into()));
        shown.forget();
        assert_eq!(at(&shown, 1), None);
    }

    #[test]
    fn a_wide_character_leaves_the_cell_it_covers_unknown() {
        let mut shown = Shadow::new(4, 1);
        shown.record(1, 0, &Cell::new("a"));
        shown.record(0, 0, &Cell::new("株"));
        assert!(shown.get(1, 0).is_none());
    }
}
