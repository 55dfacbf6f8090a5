//! The server's host key: made on the first run (Ed25519, OpenSSH format, mode 0600), loaded on
//! every later one, so reviewers' `known_hosts` entries stay valid across restarts.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, HashAlg, PrivateKey};

/// The host key and how it was had.
#[derive(Debug)]
pub struct HostKey {
    pub key: PrivateKey,
    pub path: PathBuf,
    /// `SHA256:...`, as `ssh` shows it when it first meets the server.
    pub fingerprint: String,
    /// Made by this run (so a reviewer's first connection should see `fingerprint`).
    pub created: bool,
}

/// Why the host key could not be had: one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("cannot read the host key {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("cannot create the host key {path}: {reason}")]
    Create { path: PathBuf, reason: String },
    #[error(
        "the host key {path} can be read by others (mode {mode:o}); `chmod 600 {path}` and start again"
    )]
    Exposed { path: PathBuf, mode: u32 },
}

impl HostKey {
    /// Loads the key at `path`, or makes one there if no file exists.
    pub fn load_or_create(path: &Path) -> Result<HostKey, HostKeyError> {
        match std::fs::metadata(path) {
            Ok(meta) => {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(HostKeyError::Exposed {
                        path: path.to_path_buf(),
                        mode,
                    });
                }
                let key = PrivateKey::read_openssh_file(path).map_err(|e| HostKeyError::Read {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                Ok(Self::new(key, path, false))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(path),
            Err(e) => Err(HostKeyError::Read {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
        }
    }

    fn create(path: &Path) -> Result<HostKey, HostKeyError> {
        let fail = |reason: String| HostKeyError::Create {
            path: path.to_path_buf(),
            reason,
        };
        let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
            .map_err(|e| fail(e.to_string()))?;
        let text = key
            .to_openssh(LineEnding::LF)
            .map_err(|e| fail(e.to_string()))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        }
        // `create_new`: two servers starting at once never overwrite each other's key.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| fail(e.to_string()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| fail(e.to_string()))?;
        Ok(Self::new(key, path, true))
    }

    fn new(key: PrivateKey, path: &Path, created: bool) -> HostKey {
        let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
        HostKey {
            key,
            path: path.to_path_buf(),
            fingerprint,
            created,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_private_then_loaded_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/host_ed25519");
        let first = HostKey::load_or_create(&path).unwrap();
        assert!(first.created);
        assert!(first.fingerprint.starts_with("SHA256:"));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = HostKey::load_or_create(&path).unwrap();
        assert!(!again.created);
        assert_eq!(again.fingerprint, first.fingerprint);
    }

    #[test]
    fn a_key_others_can_read_or_a_bad_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host");
        HostKey::load_or_create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = HostKey::load_or_create(&path).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
        let junk = dir.path().join("junk");
        std::fs::write(&junk, "not a key").unwrap();
        std::fs::set_permissions(&junk, std::fs::Permissions::from_mode(0o600)).unwrap();
        let err = HostKey::load_or_create(&junk).unwrap_err().to_string();
        assert!(err.starts_with("cannot read the host key"), "{err}");
    }
}
