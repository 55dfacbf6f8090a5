//! A session's input bytes turned into crossterm events, as a local terminal's would be.
//!
//! The parsing itself is `terminput`'s (the xterm, fixterms and kitty encodings, SGR and normal
//! mouse reports, bracketed paste); this module only frames the byte stream for it, the way
//! crossterm frames a local terminal: bytes are offered one at a time until they make an event,
//! and an ESC followed by more bytes of the same packet starts a sequence instead of being the
//! Esc key. An SSH client sends each key's sequence in one packet, so an ESC that ends a packet
//! is the Esc key.

use crossterm::event::Event;

/// The most a pending sequence (a bracketed paste) may hold; more is dropped, not buffered.
const MAX_PENDING: usize = 4 * 1024 * 1024;

const ESC: u8 = 0x1b;

/// Turns one session's input bytes into events; keeps an incomplete sequence for the next packet.
#[derive(Debug, Default)]
pub struct InputParser {
    pending: Vec<u8>,
    /// A paste too large to keep: its bytes are dropped until the paste ends.
    discarding: bool,
}

impl InputParser {
    /// The events `bytes` complete, in order. Bytes that make no event are dropped.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for (i, &byte) in bytes.iter().enumerate() {
            if self.discarding {
                self.discard(byte);
                continue;
            }
            self.pending.push(byte);
            let more_follows = i + 1 < bytes.len();
            if self.pending == [ESC, ESC] {
                // Esc pressed twice in one packet (Alt-Esc means nothing here): the first is a
                // key of its own, the second may still start a sequence.
                events.push(Event::Key(crossterm::event::KeyCode::Esc.into()));
                self.pending.truncate(1);
            }
            if self.pending == [ESC] && more_follows {
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    self.pending.clear();
                    // Only events crossterm cannot represent fail to convert (none that a
                    // terminal sends unasked); they mean nothing to the workbench.
                    if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                        events.push(event);
                    }
                }
                Ok(None) if self.pending.len() >= MAX_PENDING => {
                    // Only a paste grows this long; anything else is noise.
                    self.discarding = self.pending.starts_with(b"\x1b[200~");
                    self.pending.clear();
                }
                Ok(None) => {}
                Err(_) => self.pending.clear(),
            }
        }
        events
    }

    /// Inside an over-long paste: waits for its end marker without keeping the bytes.
    fn discard(&mut self, byte: u8) {
        const END: &[u8] = b"\x1b[201~";
        self.pending.push(byte);
        if !END.starts_with(&self.pending) {
            self.pending.clear();
            if byte == ESC {
                self.pending.push(byte);
            }
        } else if self.pending == END {
            self.pending.clear();
            self.discarding = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{
        KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
    };

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn several_keys_in_one_packet_are_several_events() {
        let mut p = InputParser::default();
        assert_eq!(
            p.feed(b"jj\x1b[Bq"),
            vec![
                key(KeyCode::Char('j')),
                key(KeyCode::Char('j')),
                key(KeyCode::Down),
                key(KeyCode::Char('q'))
            ]
        );
    }

    #[test]
    fn a_lone_escape_is_the_esc_key_and_a_split_sequence_waits() {
        let mut p = InputParser::default();
        assert_eq!(p.feed(b"\x1b"), vec![key(KeyCode::Esc)]);
        assert_eq!(p.feed(b"\x1b["), vec![]);
        assert_eq!(p.feed(b"A"), vec![key(KeyCode::Up)]);
        assert_eq!(
            p.feed(b"\x03"),
            vec![Event::Key(KeyEvent::new(
                KeyCode::Char('c'),
                KeyModifiers::CONTROL
            ))]
        );
        // A multi-byte character split across packets.
        assert_eq!(p.feed(&"é".as_bytes()[..1]), vec![]);
        assert_eq!(p.feed(&"é".as_bytes()[1..]), vec![key(KeyCode::Char('é'))]);
    }

    #[test]
    fn two_escapes_in_one_packet_are_two_esc_keys() {
        let mut p = InputParser::default();
        assert_eq!(
            p.feed(b"\x1b\x1b"),
            vec![key(KeyCode::Esc), key(KeyCode::Esc)]
        );
        // The second may start a sequence: Esc, then Up.
        assert_eq!(
            p.feed(b"\x1b\x1b[A"),
            vec![key(KeyCode::Esc), key(KeyCode::Up)]
        );
    }

    #[test]
    fn bracketed_paste_and_mouse() {
        let mut p = InputParser::default();
        assert_eq!(
            p.feed(b"\x1b[200~two\r\nlines\x1b[201~"),
            vec![Event::Paste("two\r\nlines".into())]
        );
        assert_eq!(p.feed(b"\x1b[200~split "), vec![]);
        assert_eq!(
            p.feed(b"paste\x1b[201~j"),
            vec![Event::Paste("split paste".into()), key(KeyCode::Char('j'))]
        );
        assert_eq!(
            p.feed(b"\x1b[<0;10;5M"),
            vec![Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: 9,
                row: 4,
                modifiers: KeyModifiers::NONE,
            })]
        );
    }

    #[test]
    fn garbage_is_dropped_and_parsing_goes_on() {
        let mut p = InputParser::default();
        assert_eq!(p.feed(b"\x1b[?1;2c"), vec![]);
        assert_eq!(p.feed(b"k"), vec![key(KeyCode::Char('k'))]);
    }

    #[test]
    fn an_endless_paste_is_dropped_without_growing() {
        let mut p = InputParser::default();
        let mut bytes = b"\x1b[200~".to_vec();
        bytes.resize(MAX_PENDING + 10, b'x');
        assert_eq!(p.feed(&bytes), vec![]);
        assert!(p.pending.len() < 16);
        assert_eq!(p.feed(b"xx\x1b[201~j"), vec![key(KeyCode::Char('j'))]);
    }
}
