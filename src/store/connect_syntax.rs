//! The text of a `--db` value: libpq's key=value syntax, URL query options, and the passwords
//! either may carry (found, scrubbed from messages, masked for display). No IO: `connect.rs`
//! decides what the options mean.

/// Whether `text` starts like libpq's `keyword = value`.
pub(super) fn looks_like_key_value(text: &str) -> bool {
    let text = text.trim_start();
    let key_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    key_len > 0
        && text.as_bytes()[0].is_ascii_alphabetic()
        && text[key_len..].trim_start().starts_with('=')
}

/// One `keyword = value` of a key=value string, with where its value lies in the text.
struct Setting {
    key: String,
    value: String,
    value_span: std::ops::Range<usize>,
}

/// libpq's key=value syntax: `key = value` pairs separated by whitespace; a value may be
/// single-quoted; `\'` and `\\` escape inside values.
fn settings(text: &str) -> Result<Vec<Setting>, String> {
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && bytes[*i].1.is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= bytes.len() {
            return Ok(out);
        }
        let key_start = i;
        while i < bytes.len() && !bytes[i].1.is_whitespace() && bytes[i].1 != '=' {
            i += 1;
        }
        let key: String = bytes[key_start..i].iter().map(|(_, c)| c).collect();
        skip_ws(&mut i);
        if i >= bytes.len() || bytes[i].1 != '=' {
            return Err(format!("{key:?} has no \"=\" after it"));
        }
        i += 1;
        skip_ws(&mut i);
        let start = bytes.get(i).map_or(text.len(), |(at, _)| *at);
        let mut value = String::new();
        let quoted = bytes.get(i).is_some_and(|(_, c)| *c == '\'');
        if quoted {
            i += 1;
        }
        let mut closed = !quoted;
        while i < bytes.len() {
            let c = bytes[i].1;
            if c == '\\' && i + 1 < bytes.len() {
                value.push(bytes[i + 1].1);
                i += 2;
                continue;
            }
            if quoted && c == '\'' {
                closed = true;
                i += 1;
                break;
            }
            if !quoted && c.is_whitespace() {
                break;
            }
            value.push(c);
            i += 1;
        }
        if !closed {
            return Err(format!("the value of {key:?} has no closing quote"));
        }
        let end = bytes.get(i).map_or(text.len(), |(at, _)| *at);
        out.push(Setting {
            key,
            value,
            value_span: start..end,
        });
    }
}

pub(super) fn key_value_pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    Ok(settings(text)?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect())
}

/// A URL query's `key=value` pairs, percent-decoded (`+` is a space).
pub(super) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = text
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The passwords a `--db` value carries (as written and decoded), and `PGPASSWORD`'s.
pub(super) fn secrets(given: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(pass) = userinfo_password(given) {
        out.push(pass.to_string());
        out.push(decode(pass));
    }
    if given.contains("://") {
        if let Some((_, query)) = given.split_once('?') {
            for part in query.split('&') {
                if let Some((k, v)) = part.split_once('=') {
                    if is_password_key(&decode(k)) && !v.is_empty() {
                        out.push(v.to_string());
                        out.push(decode(v));
                    }
                }
            }
        }
    } else if let Ok(found) = settings(given) {
        out.extend(
            found
                .into_iter()
                .filter(|s| is_password_key(&s.key) && !s.value.is_empty())
                .map(|s| s.value),
        );
    }
    if let Ok(env) = std::env::var("PGPASSWORD") {
        out.push(env);
    }
    out.retain(|s| !s.is_empty());
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

fn is_password_key(key: &str) -> bool {
    matches!(key, "password" | "sslpassword")
}

/// The password part of a URL's userinfo (`user:PASSWORD@`), up to the last `@`.
fn userinfo_password(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let at = url.rfind('@').filter(|&at| at > start)?;
    let userinfo = &url[start..at];
    userinfo.split_once(':').map(|(_, pass)| pass)
}

pub(super) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        out = out.replace(secret.as_str(), "***");
    }
    out
}

/// A `--db` value with every password replaced by `***`: the userinfo password of a URL, a
/// `password=` (or `sslpassword=`) query option, and a key=value string's `password`.
pub fn mask(given: &str) -> String {
    if given.contains("://") {
        let mut out = given.to_string();
        if let Some(pass) = userinfo_password(given) {
            let start = given.find("://").map_or(0, |s| s + 3);
            let colon = given[start..].find(':').map_or(start, |c| start + c + 1);
            out = format!("{}***{}", &given[..colon], &given[colon + pass.len()..]);
        }
        return mask_query(&out);
    }
    if !looks_like_key_value(given) {
        return given.to_string();
    }
    match settings(given) {
        Ok(found) => {
            let mut out = given.to_string();
            for s in found.iter().rev() {
                if is_password_key(&s.key) {
                    out.replace_range(s.value_span.clone(), "***");
                }
            }
            out
        }
        // Unreadable: keep nothing after the first password keyword.
        Err(_) => match given.find("password") {
            Some(at) => format!("{}password=***", &given[..at]),
            None => given.to_string(),
        },
    }
}

fn mask_query(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|part| match part.split_once('=') {
            Some((k, _)) if is_password_key(&decode(k)) => format!("{k}=***"),
            _ => part.to_string(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}
