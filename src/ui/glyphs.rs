//! The glyphs a frame may use, chosen per session: Unicode where the terminal's locale is UTF-8,
//! ASCII only where it is not (`LANG=C`, `POSIX`, `en_US.ISO-8859-1`). One table for every screen:
//! each glyph they draw (borders, ▶ ★ ▲ ≠ …) has its ASCII stand-in here, and text (names with
//! accents, CJK) is folded cell by cell, so a frame for an ASCII terminal holds no byte above 0x7F
//! and every column stays where it was.

use ratatui::buffer::Buffer;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

/// Which glyphs a session's frames use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Glyphs {
    /// Anything Unicode has (a UTF-8 terminal).
    #[default]
    Unicode,
    /// Printable ASCII only.
    Ascii,
}

impl Glyphs {
    /// The glyphs for a locale, from its variables as POSIX ranks them: the first one set (and
    /// not empty) of `LC_ALL`, `LC_CTYPE`, `LANG` decides; Unicode if its codeset is UTF-8
    /// (`de_DE.UTF-8`, `C.utf8`), ASCII otherwise (`C`, `POSIX`, `en_US.ISO-8859-1`). None set at
    /// all: Unicode (what a client that sends no locale almost always is).
    pub fn for_locale(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> Glyphs {
        let chosen = [lc_all, lc_ctype, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty());
        let Some(locale) = chosen else {
            return Glyphs::Unicode;
        };
        let codeset = locale
            .split('@')
            .next()
            .and_then(|l| l.split_once('.'))
            .map(|(_, codeset)| codeset.to_ascii_lowercase());
        match codeset.as_deref() {
            Some("utf-8" | "utf8") => Glyphs::Unicode,
            _ => Glyphs::Ascii,
        }
    }

    /// Rewrites a drawn frame for these glyphs: with `Ascii`, every cell holding anything but
    /// ASCII gets its stand-in (a wide character: two cells of it), keeping its style.
    pub fn apply(self, buf: &mut Buffer) {
        if self == Glyphs::Unicode {
            return;
        }
        let area = buf.area;
        for y in area.top()..area.bottom() {
            let mut x = area.left();
            while x < area.right() {
                let symbol = buf[(x, y)].symbol();
                if symbol.is_ascii() {
                    x += 1;
                    continue;
                }
                let width = symbol.width().clamp(1, 2) as u16;
                let stand_in = ascii(symbol);
                let style = buf[(x, y)].style();
                buf[(x, y)].set_char(stand_in);
                if width == 2 && x + 1 < area.right() {
                    buf[(x + 1, y)].set_char(stand_in).set_style(style);
                }
                x += width;
            }
        }
    }
}

/// One printable ASCII character standing in for a cell's symbol (a grapheme).
pub fn ascii(symbol: &str) -> char {
    let mut chars = symbol.chars();
    let Some(first) = chars.next() else {
        return ' ';
    };
    if let Some(c) = glyph(first) {
        return c;
    }
    // Letters with accents and compatibility forms (Ｃ, ﬁ): their first ASCII letter.
    let folded = std::iter::once(first)
        .chain(chars)
        .nfkd()
        .find(|c| !is_combining_mark(*c));
    match folded {
        Some(c) if c.is_ascii_graphic() || c == ' ' => c,
        Some(c) => glyph(c).unwrap_or('?'),
        None => '?',
    }
}

/// The table: what the screens draw and the letters that do not decompose.
fn glyph(c: char) -> Option<char> {
    let ascii = match c {
        // Box drawing (ratatui's borders, plain, rounded, thick or double).
        '─' | '━' | '═' | '╌' | '╍' | '┄' | '┅' | '┈' | '┉' => '-',
        '│' | '┃' | '║' | '╎' | '╏' | '┆' | '┇' | '┊' | '┋' => '|',
        '\u{2500}'..='\u{257F}' => '+',
        // Blocks and shades (scrollbars, gauges).
        '\u{2580}'..='\u{259F}' => '#',
        '▶' | '▸' | '►' | '→' | '⟶' | '»' | '›' => '>',
        '◀' | '◂' | '◄' | '←' | '«' | '‹' => '<',
        '▲' | '△' | '↑' => '^',
        '▼' | '▽' | '↓' => 'v',
        '★' | '☆' | '✱' | '•' | '●' => '*',
        '○' | '◯' => 'o',
        '≠' => '#',
        '⇄' | '↔' | '≈' => '=',
        '…' | '⋯' => '~',
        '·' | '∙' | '⋅' => '.',
        '✓' | '✔' => '+',
        '✗' | '✘' | '✖' | '×' => 'x',
        '⚠' | '‼' => '!',
        '“' | '”' | '„' | '″' => '"',
        '‘' | '’' | '‚' | '′' => '\'',
        '–' | '—' | '‐' | '−' => '-',
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{3000}' => ' ',
        'ß' | 'ẞ' => 's',
        'æ' | 'ǽ' => 'a',
        'Æ' => 'A',
        'œ' => 'o',
        'Œ' => 'O',
        'ø' => 'o',
        'Ø' => 'O',
        'ł' => 'l',
        'Ł' => 'L',
        'đ' | 'ð' => 'd',
        'Đ' | 'Ð' => 'D',
        'ı' => 'i',
        'þ' => 't',
        'Þ' => 'T',
        _ => return None,
    };
    Some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Style};

    #[test]
    fn the_locale_decides_and_the_first_set_variable_wins() {
        let g = Glyphs::for_locale;
        assert_eq!(g(None, None, None), Glyphs::Unicode);
        assert_eq!(g(None, None, Some("de_DE.UTF-8")), Glyphs::Unicode);
        assert_eq!(g(None, None, Some("C.utf8")), Glyphs::Unicode);
        assert_eq!(g(None, None, Some("sr_RS.UTF-8@latin")), Glyphs::Unicode);
        for ascii in ["C", "POSIX", "en_US.ISO-8859-1", "en_US"] {
            assert_eq!(g(None, None, Some(ascii)), Glyphs::Ascii, "{ascii}");
        }
        assert_eq!(g(Some("C"), None, Some("en_US.UTF-8")), Glyphs::Ascii);
        assert_eq!(g(None, Some("en_US.UTF-8"), Some("C")), Glyphs::Unicode);
        assert_eq!(g(Some(""), None, Some("POSIX")), Glyphs::Ascii);
    }

    #[test]
    fn an_ascii_frame_keeps_its_columns_and_styles() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        let red = Style::default().fg(Color::Red);
        buf.set_string(0, 0, "▶Müller株式…", red);
        Glyphs::Ascii.apply(&mut buf);
        assert_eq!(buf, {
            let mut want = Buffer::empty(Rect::new(0, 0, 12, 1));
            want.set_string(0, 0, ">Muller????~", red);
            want
        });
        let mut same = buf.clone();
        Glyphs::Unicode.apply(&mut same);
        assert_eq!(same, buf);
    }
}
