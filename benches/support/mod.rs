//! A queue screen driven without a database or a terminal, shared by the benches and by
//! `examples/output_bytes.rs`: a fake million-claim queue answers every read at once, and frames
//! go through ratatui's real crossterm backend into a byte counter, so what is timed and counted
//! is what a reviewer's terminal would receive.

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::io::{self, Write};
use std::rc::Rc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use claimdesk::app::{update, Effect, Key, Keymap, Msg, State};
use claimdesk::config::Config;
use claimdesk::domain::{
    Activity, Claim, ClaimFacts, Comment, Customer, FindingCode, Partner, PoeItem, PurchaseChannel,
    SolutionArea, Status, Visibility,
};
use claimdesk::store::{Anchor, ClaimView, QueueRow, TabCounts};
use claimdesk::tui::scroll::Scroller;
use claimdesk::tui::Sink;
use claimdesk::ui::{self, Theme};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use uuid::Uuid;

/// Claims in the fake queue.
pub const QUEUE_LEN: u64 = 1_000_000;

/// Thursday 5 November 2026, 20:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 5, 20, 0, 0)
        .single()
        .unwrap_or_default()
}

const PARTNERS: [(&str, &str); 5] = [
    ("Contoso Consulting", "4100001"),
    ("Fabrikam Partners", "4100032"),
    ("Northwind Cloud Services", "4100077"),
    ("Société Générale Conseil", "4100101"),
    ("株式会社フジ", "4100150"),
];

/// The `n`th claim (0-based) of an urgency-sorted queue of `QUEUE_LEN`.
pub fn row(n: u64) -> QueueRow {
    let (partner, mpn) = PARTNERS[(n % 5) as usize];
    let start = Utc
        .with_ymd_and_hms(2026, 10, 15, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let business = n % 3 != 2;
    QueueRow {
        claim_id: format!("CPOR-1-{:07}", n + 1),
        partner_name: partner.into(),
        mpn_id: mpn.into(),
        customer_domain: format!("tailwindtraders{}.onmicrosoft.com", n % 99_991),
        solution_area: if business {
            SolutionArea::BusinessApplications
        } else {
            SolutionArea::Microsoft365
        },
        activity: if business {
            Activity::Usage
        } else {
            Activity::Presales
        },
        product: if business {
            "Dynamics 365 Sales".into()
        } else {
            "Exchange Online".into()
        },
        // Spread over three weeks: countdowns of every kind on one screen.
        submitted_at: start + TimeDelta::seconds((n * 1_814_400 / QUEUE_LEN) as i64),
        status: Status::UnderReview,
        parties: if n % 6 == 1 { 2 } else { 1 },
        incumbent_mpn_id: (n % 31 == 3).then(|| "4100500".to_string()),
        findings: if n.is_multiple_of(4) {
            vec![FindingCode::DomainTenantMismatch]
        } else {
            vec![]
        },
        unknown_checks: (n % 2) as u32,
        assigned_to: None,
        held_until: None,
        assignee: None,
        clock: Default::default(),
    }
}

/// A contest of three parties around claim `n`: each party's claim with two PoE items and a
/// comment, as the compare view gets them from the store.
pub fn contest(n: u64) -> Vec<ClaimView> {
    let ids: Vec<String> = (0..3).map(|k| row(n + k).claim_id).collect();
    let tenant = Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0000 + u128::from(n));
    (0..3u64)
        .map(|k| {
            let r = row(n + k);
            let claim = Claim {
                claim_id: r.claim_id.clone(),
                partner: Partner {
                    name: r.partner_name.clone(),
                    mpn_id: r.mpn_id.clone(),
                },
                customer: Customer {
                    tenant_id: tenant,
                    domain: format!("tailwindtraders{}.onmicrosoft.com", n + k % 2),
                },
                solution_area: SolutionArea::BusinessApplications,
                activity: if k == 0 {
                    Activity::Usage
                } else {
                    Activity::Presales
                },
                product: "Dynamics 365 Sales".into(),
                subscription_id: Some(Uuid::from_u128(u128::from(n + k)).to_string()),
                purchase_channel: PurchaseChannel::Csp,
                submitted_at: r.submitted_at,
                status: Status::UnderReview,
                poe: (0..2)
                    .map(|i| PoeItem {
                        kind: "Signed statement of work".into(),
                        date: r.submitted_at.date_naive(),
                        summary: format!("Deployment workshop {i} for Dynamics 365 Sales"),
                        by: "K. Müller".into(),
                        attachment: format!("poe/{}-{i}.pdf", r.claim_id),
                    })
                    .collect(),
                comments: vec![Comment {
                    author: "partner".into(),
                    visibility: Visibility::Partner,
                    body: "Please find the signed SOW attached to the PoE.".into(),
                    at: r.submitted_at,
                }],
            };
            ClaimView {
                claim,
                version: 1,
                competing_claim_ids: ids.iter().filter(|i| **i != r.claim_id).cloned().collect(),
                incumbent_mpn_id: None,
                association: None,
                facts: ClaimFacts::default(),
                decision: None,
                assigned_to: None,
                held_until: None,
                assignee: None,
                clock: Default::default(),
            }
        })
        .collect()
}

/// The claim number (0-based) behind a fake claim id.
fn number(claim_id: &str) -> u64 {
    claim_id
        .rsplit('-')
        .next()
        .and_then(|n| n.parse::<u64>().ok())
        .map_or(0, |n| n.saturating_sub(1))
}

/// Answers one queue read from the fake queue.
fn answer(anchor: &Anchor, limit: u32) -> Vec<QueueRow> {
    let limit = u64::from(limit);
    let (from, to) = match anchor {
        Anchor::First => (0, limit.min(QUEUE_LEN)),
        Anchor::Last => (QUEUE_LEN.saturating_sub(limit), QUEUE_LEN),
        Anchor::After(key) => {
            let from = number(&key.claim_id) + 1;
            (from.min(QUEUE_LEN), (from + limit).min(QUEUE_LEN))
        }
        Anchor::Before(key) => {
            let to = number(&key.claim_id);
            (to.saturating_sub(limit), to)
        }
    };
    (from..to).map(row).collect()
}

/// Counts the bytes written to the "terminal" (shared: the backend owns its writer).
#[derive(Debug, Default, Clone)]
pub struct Counter {
    pub bytes: Rc<Cell<usize>>,
    /// Every byte, when asked for (to replay them into a terminal emulator).
    pub kept: Option<Rc<RefCell<Vec<u8>>>>,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.set(self.bytes.get() + buf.len());
        if let Some(kept) = &self.kept {
            kept.borrow_mut().extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The queue on a `width`x`height` terminal, with the first page loaded.
pub struct Screen {
    pub state: State,
    /// Every byte written so far.
    pub written: Counter,
    pub terminal: Terminal<Sink<Counter>>,
    theme: Theme,
    scroller: Scroller,
    /// Where the bytes of the frames drawn since the last key went: `(x, y, bytes)` as the
    /// `Sink` reports them (scrolls of the terminal are not in it).
    pub spent: Vec<(u16, u16, usize)>,
    /// The terminal's size.
    pub width: u16,
    pub height: u16,
}

impl Screen {
    pub fn new(width: u16, height: u16) -> Screen {
        Screen::with_writer(width, height, Counter::default())
    }

    /// A screen whose every byte is kept in `written.kept`.
    pub fn keeping_bytes(width: u16, height: u16) -> Screen {
        Screen::with_writer(
            width,
            height,
            Counter {
                kept: Some(Rc::default()),
                ..Counter::default()
            },
        )
    }

    /// A screen in the theme `theme` (`mono` is what `NO_COLOR` gives) keeping every byte.
    pub fn themed(width: u16, height: u16, theme: &str) -> Screen {
        let mut screen = Screen::keeping_bytes(width, height);
        screen.theme = Theme::by_name(theme).unwrap_or_else(|e| panic!("the {theme} theme: {e}"));
        screen
            .terminal
            .clear()
            .unwrap_or_else(|e| panic!("clearing a counter: {e}"));
        screen.written.bytes.set(0);
        screen.draw();
        screen
    }

    fn with_writer(width: u16, height: u16, written: Counter) -> Screen {
        let state = State::new(
            &Config::default(),
            Keymap::default(),
            "alice",
            vec!["dark".into()],
            0,
            now(),
        );
        let terminal = Terminal::with_options(
            Sink::new(written.clone(), width, height),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
            },
        )
        .unwrap_or_else(|e| panic!("a terminal over a counter: {e}"));
        let theme = Theme::by_name("dark").unwrap_or_else(|e| panic!("the dark theme: {e}"));
        let mut screen = Screen {
            state,
            written,
            terminal,
            theme,
            scroller: Scroller::default(),
            spent: Vec::new(),
            width,
            height,
        };
        screen.send(Msg::Start);
        screen.draw();
        screen
    }

    /// Applies `msg` and answers every store read it causes at once (as many rounds as needed).
    pub fn send(&mut self, msg: Msg) {
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            for effect in update(&mut self.state, msg) {
                match effect {
                    Effect::LoadQueue { req_id, query } => queue.push(Msg::QueueLoaded {
                        req_id,
                        result: Ok(answer(&query.anchor, query.limit)),
                    }),
                    Effect::LoadCompare { req_id, claim_ids } => queue.push(Msg::CompareLoaded {
                        req_id,
                        result: Ok(contest(claim_ids.first().map_or(0, |id| number(id)))),
                    }),
                    Effect::LoadCounts { req_id, .. } => queue.push(Msg::CountsLoaded {
                        req_id,
                        result: Ok(TabCounts {
                            under_review: QUEUE_LEN,
                            contested: QUEUE_LEN / 6,
                            info_requested: QUEUE_LEN / 10,
                            disputed: 0,
                            mine: 0,
                            all: QUEUE_LEN,
                        }),
                    }),
                    _ => {}
                }
            }
        }
    }

    /// Draws one frame as the TUI does (render, diff, write); returns the bytes written.
    pub fn draw(&mut self) -> usize {
        let before = self.written.bytes.get();
        let mut viewport = self.state.viewport;
        let state = &self.state;
        let theme = &self.theme;
        self.scroller
            .before_draw(&mut self.terminal, state)
            .unwrap_or_else(|e| panic!("scrolling a counter: {e}"));
        let drawn = self
            .terminal
            .draw(|frame| viewport = ui::render(frame, state, theme))
            .unwrap_or_else(|e| panic!("drawing into a counter: {e}"));
        self.scroller.after_draw(drawn.buffer, state);
        self.spent
            .extend_from_slice(self.terminal.backend().spent());
        if viewport != self.state.viewport {
            self.send(Msg::Viewport(viewport));
            let state = &self.state;
            let theme = &self.theme;
            let drawn = self
                .terminal
                .draw(|frame| {
                    ui::render(frame, state, theme);
                })
                .unwrap_or_else(|e| panic!("drawing into a counter: {e}"));
            self.scroller.after_draw(drawn.buffer, state);
            self.spent
                .extend_from_slice(self.terminal.backend().spent());
        }
        self.written.bytes.get() - before
    }

    /// The text ratatui believes is on the screen (its last frame).
    pub fn expected_text(&mut self) -> String {
        let state = &self.state;
        let theme = &self.theme;
        let mut text = String::new();
        // Drawing the same state again writes nothing and hands back the full frame.
        let frame = self
            .terminal
            .draw(|frame| {
                ui::render(frame, state, theme);
            })
            .unwrap_or_else(|e| panic!("drawing into a counter: {e}"));
        let area = frame.area;
        for y in area.top()..area.bottom() {
            let mut line = String::new();
            let mut skip = 0;
            for x in area.left()..area.right() {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = frame.buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text
    }

    /// One key as the TUI handles it: update, answer the reads, draw; returns the bytes written.
    pub fn key(&mut self, key: Key) -> usize {
        self.spent.clear();
        self.send(Msg::Key(key));
        self.draw()
    }

    /// The session's one-second tick, `seconds` after the screen's clock: returns the bytes
    /// written.
    pub fn tick(&mut self, seconds: i64) -> usize {
        self.spent.clear();
        let now = self.state.now + TimeDelta::seconds(seconds);
        self.send(Msg::Tick(now));
        self.draw()
    }
}

/// The colour vt100 reports for a ratatui colour the painter wrote.
fn vt_color(c: ratatui::style::Color) -> vt100::Color {
    use ratatui::style::Color;
    let idx = vt100::Color::Idx;
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

impl Screen {
    /// Replays every byte written so far into vt100 and compares each cell with ratatui's last
    /// frame: text, colours, bold, dim, italic, underline, reverse. `Err` names the first
    /// difference.
    pub fn replay_check(&mut self) -> Result<(), String> {
        use ratatui::buffer::CellDiffOption;
        use ratatui::style::Modifier;
        let kept = self.written.kept.clone().unwrap_or_default();
        let state = &self.state;
        let theme = &self.theme;
        // Drawing the same state again writes nothing and hands back the full frame.
        let frame = self
            .terminal
            .draw(|frame| {
                ui::render(frame, state, theme);
            })
            .map_err(|e| e.to_string())?;
        let area = frame.area;
        let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN);
        let mut parser = vt100::Parser::new(nz(area.height), nz(area.width), 0);
        parser.process(&kept.borrow());
        let screen = parser.screen();
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                let want = &frame.buffer[(x, y)];
                let Some(got) = screen.cell(y, x) else {
                    return Err(format!("no cell at ({x}, {y})"));
                };
                if got.is_wide_continuation() || want.diff_option == CellDiffOption::Skip {
                    continue;
                }
                let text = if got.has_contents() {
                    got.contents()
                } else {
                    " "
                };
                let m = want.modifier;
                let checks = [
                    ("text", text == want.symbol()),
                    ("fg", got.fgcolor() == vt_color(want.fg)),
                    ("bg", got.bgcolor() == vt_color(want.bg)),
                    ("bold", got.bold() == m.contains(Modifier::BOLD)),
                    ("dim", got.dim() == m.contains(Modifier::DIM)),
                    ("italic", got.italic() == m.contains(Modifier::ITALIC)),
                    (
                        "underline",
                        got.underline() == m.contains(Modifier::UNDERLINED),
                    ),
                    ("reverse", got.inverse() == m.contains(Modifier::REVERSED)),
                ];
                if let Some((what, _)) = checks.iter().find(|(_, ok)| !ok) {
                    return Err(format!(
                        "{what} differs at ({x}, {y}): terminal {text:?}, frame {:?}",
                        want.symbol()
                    ));
                }
            }
        }
        Ok(())
    }
}
