//! Who is acting: proven once when a session starts, then handed to the store, which records it
//! with every write. Never typed: the database login (PostgreSQL), the OS login (SQLite) or, for
//! `serve`, a verified SSH key proves who someone is; `--reviewer` may only repeat that, except
//! for the store's administrator, who may act for a named reviewer (recorded as via them).

/// How a session's login was proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// PostgreSQL: the role the connection logged in as (`session_user`).
    DatabaseLogin,
    /// SQLite: the operating-system user running claimdesk.
    OsLogin,
    /// A verified SSH key (`serve`), by its fingerprint.
    SshKey { fingerprint: String },
    /// Nothing proved it: an in-process caller the program itself trusts (tests, tools).
    Trusted,
}

/// The person (or tool) behind a session's writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Who acts: the reviewer the audit log names.
    pub login: String,
    /// Who proved themselves: `login` itself, or the administrator acting for `login`.
    pub proven: String,
    /// How `proven` was proven.
    pub proof: Proof,
    /// `proven` is the store's administrator (PostgreSQL: a member of the role that owns the
    /// schema; SQLite: the OS user that owns the file), who may act for a named reviewer.
    pub administrator: bool,
}

impl Identity {
    /// Someone the program trusts to be `login` (a test, an in-process tool): no proof asked.
    pub fn trusted(login: &str) -> Identity {
        Identity {
            login: login.to_string(),
            proven: login.to_string(),
            proof: Proof::Trusted,
            administrator: false,
        }
    }

    /// The same proven person, acting as `login` (an administrator acting for a reviewer, or
    /// anyone repeating their own login). Whether that is allowed is the store's rule
    /// (`rules::check_identity`), decided when it acts.
    pub fn acting_as(mut self, login: &str) -> Identity {
        self.login = login.to_string();
        self
    }

    /// Whether the act is someone else's on behalf of `login`.
    pub fn on_behalf(&self) -> bool {
        self.login != self.proven
    }

    /// What the audit log records as `via`: the administrator acting for a reviewer, or the
    /// SSH key a session proved; `None` when the person acts directly as themselves.
    pub fn via(&self) -> Option<String> {
        if self.on_behalf() {
            return Some(self.proven.clone());
        }
        match &self.proof {
            Proof::SshKey { fingerprint } => Some(format!("ssh key {fingerprint}")),
            _ => None,
        }
    }

    /// How the login was proven, in words (for refusals).
    pub fn proof_text(&self) -> &'static str {
        match self.proof {
            Proof::DatabaseLogin => "the database login",
            Proof::OsLogin => "the operating-system login",
            Proof::SshKey { .. } => "the SSH key",
            Proof::Trusted => "the calling program",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn via_names_the_administrator_or_the_key_never_the_person_acting_directly() {
        let me = Identity {
            login: "alice".into(),
            proven: "alice".into(),
            proof: Proof::DatabaseLogin,
            administrator: false,
        };
        assert_eq!(me.via(), None);
        let admin = Identity {
            login: "postgres".into(),
            proven: "postgres".into(),
            proof: Proof::DatabaseLogin,
            administrator: true,
        }
        .acting_as("alice");
        assert_eq!(admin.via().as_deref(), Some("postgres"));
        let key = Identity {
            proof: Proof::SshKey {
                fingerprint: "SHA256:abc".into(),
            },
            ..me
        };
        assert_eq!(key.via().as_deref(), Some("ssh key SHA256:abc"));
    }
}
