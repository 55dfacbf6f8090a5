//! What `ssh HOST COMMAND` may run: the read-only subcommands, nothing else.
//!
//! The command arrives as one string (the client joins its words with spaces); it is split the
//! way a shell would (quotes kept together) and its first word must name a read-only subcommand.
//! Whatever writes (import, generate, reviewer, migrate, ...) is refused with one line, and so is
//! anything that would pick another store, config or identity (`--db`, `--config`, `--reviewer`):
//! over SSH the store is the server's and the identity is the key's.

/// The subcommands an SSH client may run, each read-only.
pub const READ_ONLY: [&str; 3] = ["queue", "audit", "outbox"];

/// Options of the command line that choose what the server alone chooses.
const SERVER_CHOSEN: [&str; 3] = ["--db", "--config", "--reviewer"];

/// Why an exec request is refused: one line for the client's stderr.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

/// The words of an exec request, if it may run (the subcommand first).
pub fn parse(command: &[u8]) -> Result<Vec<String>, Refusal> {
    let allowed = READ_ONLY.join(", ");
    let text = std::str::from_utf8(command)
        .map_err(|_| Refusal("the command is not valid UTF-8".into()))?;
    let words = shlex::split(text).ok_or_else(|| {
        Refusal(format!(
            "cannot split {text:?} into words (unclosed quote?)"
        ))
    })?;
    let Some(first) = words.first() else {
        return Err(Refusal(format!(
            "an empty command; over ssh you may run: {allowed}"
        )));
    };
    if !READ_ONLY.contains(&first.as_str()) {
        let what = if first.starts_with('-') {
            format!("options before the command ({first})")
        } else {
            format!("`{first}`")
        };
        return Err(Refusal(format!(
            "{what} is refused over ssh; over ssh you may run only the read-only commands: \
             {allowed} (anything that writes runs in the workbench or on the server)"
        )));
    }
    if let Some(option) = words.iter().skip(1).find(|w| {
        SERVER_CHOSEN
            .iter()
            .any(|o| *w == o || w.starts_with(&format!("{o}=")))
    }) {
        let name = option.split('=').next().unwrap_or(option);
        return Err(Refusal(format!(
            "{name} is refused over ssh: the server chooses the store and your key says who you are"
        )));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_commands_run_with_their_words() {
        assert_eq!(
            parse(b"queue --tab contested --filter 'Contoso Consulting'").unwrap(),
            vec![
                "queue",
                "--tab",
                "contested",
                "--filter",
                "Contoso Consulting"
            ]
        );
        assert_eq!(parse(b"audit").unwrap(), vec!["audit"]);
    }

    #[test]
    fn writes_other_stores_and_other_identities_are_refused() {
        for command in [
            "import claims.jsonl",
            "reviewer deactivate alice",
            "generate --claims 10",
            "migrate",
            "--db postgres://x queue",
            "sh -c id",
        ] {
            let refused = parse(command.as_bytes()).unwrap_err();
            assert!(
                refused.0.contains("refused over ssh"),
                "{command}: {refused}"
            );
            assert!(!refused.0.contains('\n'));
        }
        for command in [
            "queue --reviewer alice",
            "audit --db=sqlite:x",
            "queue --config /etc/x",
        ] {
            let refused = parse(command.as_bytes()).unwrap_err();
            assert!(refused.0.contains("the server chooses"), "{command}");
        }
        assert!(parse(b"").is_err());
        assert!(parse(b"queue 'unclosed").is_err());
        assert!(parse(&[0xff, 0xfe]).is_err());
    }
}
