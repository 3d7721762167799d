//! What can be wrong with a configuration, phrased for the operator who must fix it.

use std::path::{Path, PathBuf};

/// A configuration that stops the start-up. Every message names where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a value has the wrong type or an unknown name.
    #[error("error in {} at line {line}, column {column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The parser's description.
        message: String,
    },
    /// The file parses but a value is not allowed.
    #[error("error in {} at line {line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending value, or where the offending `[[connections]]`
        /// entry starts.
        line: usize,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// An environment override is malformed.
    #[error("environment variable {var}={value:?} is not valid: expected {expected}")]
    Env {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
        /// What would be accepted.
        expected: &'static str,
    },
    /// `database_url` does not name a PostgreSQL database. Its value is never shown: it may
    /// hold a password.
    #[error(
        "database_url (FNCONSOLE_DATABASE_URL or [server] database_url) is not a PostgreSQL URL: expected postgres://user:password@host:port/database (the value is not shown: it may hold a password)"
    )]
    DatabaseUrl,
}

impl ConfigError {
    /// The parser's `error`; `named_at` names what starts at an offset (a connection entry),
    /// to say which one the message is about.
    pub(super) fn from_toml(
        path: &Path,
        text: &str,
        error: &toml::de::Error,
        named_at: impl Fn(usize) -> Option<String>,
    ) -> Self {
        let start = error.span().map_or(0, |span| span.start);
        let (line, column) = line_column(text, start);
        let message = error.message().trim();
        let message = match error.span().and_then(|_| named_at(start)) {
            Some(what) => format!("{what}: {message}"),
            None => message.to_string(),
        };
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    pub(super) fn invalid(path: &Path, text: &str, offset: usize, message: String) -> Self {
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line: line_column(text, offset).0,
            message,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    // Step back to a character boundary so slicing cannot panic on a multi-byte offset.
    let offset = (0..=offset)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
