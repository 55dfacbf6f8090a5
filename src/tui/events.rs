//! Terminal events turned into app messages: the only place that knows crossterm's key types.

use crossterm::event::{
    Event, KeyCode as CtKey, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use crate::app::view::MouseAct;
use crate::app::{Key, KeyCode, Msg};

/// The message for one terminal event, if it means anything to the app (a resize needs none:
/// every loop turn redraws at the new size).
pub fn to_msg(event: &Event) -> Option<Msg> {
    match event {
        Event::Key(key) => to_key(key).map(Msg::Key),
        Event::Paste(text) => Some(Msg::Paste(text.clone())),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Msg::Mouse(MouseAct::Click {
                column: mouse.column,
                row: mouse.row,
            })),
            MouseEventKind::ScrollUp => Some(Msg::Mouse(MouseAct::Wheel { up: true })),
            MouseEventKind::ScrollDown => Some(Msg::Mouse(MouseAct::Wheel { up: false })),
            _ => None,
        },
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

/// Converts a key press (or auto-repeat); releases are ignored.
pub fn to_key(event: &KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let code = match event.code {
        CtKey::Char(c) => KeyCode::Char(c),
        CtKey::Enter => KeyCode::Enter,
        CtKey::Esc => KeyCode::Esc,
        CtKey::Tab => KeyCode::Tab,
        CtKey::BackTab => KeyCode::BackTab,
        CtKey::Backspace => KeyCode::Backspace,
        CtKey::Delete => KeyCode::Delete,
        CtKey::Up => KeyCode::Up,
        CtKey::Down => KeyCode::Down,
        CtKey::Left => KeyCode::Left,
        CtKey::Right => KeyCode::Right,
        CtKey::Home => KeyCode::Home,
        CtKey::End => KeyCode::End,
        CtKey::PageUp => KeyCode::PageUp,
        CtKey::PageDown => KeyCode::PageDown,
        CtKey::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let code = match code {
        // Terminals report Ctrl-letters in either case; the keymap spells them lower-case.
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key {
        code,
        ctrl,
        alt: event.modifiers.contains(KeyModifiers::ALT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_letters_and_ctrl_keys() {
        let ev = KeyEvent::new(CtKey::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(to_key(&ev), Some(Key::ch('G')));
        let ev = KeyEvent::new(
            CtKey::Char('C'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(to_key(&ev), Some(Key::ctrl('c')));
        let mut ev = KeyEvent::new(CtKey::Down, KeyModifiers::NONE);
        assert_eq!(to_key(&ev), Some(Key::plain(KeyCode::Down)));
        ev.kind = KeyEventKind::Release;
        assert_eq!(to_key(&ev), None);
    }
}
