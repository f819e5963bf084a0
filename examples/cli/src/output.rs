//! How every subcommand talks to scripts: JSON on stdout, one clear error line on stderr.

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

/// A failure reported to the user as one line on stderr, with a non-zero exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: u8,
}

impl CliError {
    /// Exit code 1: bad input or a failed operation.
    pub fn new(message: impl Display) -> Self {
        CliError {
            message: message.to_string(),
            code: 1,
        }
    }

    /// A failure with a specific exit code (documented per subcommand).
    pub fn with_code(message: impl Display, code: u8) -> Self {
        CliError {
            message: message.to_string(),
            code,
        }
    }

    /// Reading a file failed; the message names the file.
    pub fn io(path: &std::path::Path, error: std::io::Error) -> Self {
        CliError::new(format!("{}: {error}", path.display()))
    }

    pub fn report(&self) -> ExitCode {
        eprintln!("kots: {}", self.message);
        ExitCode::from(self.code)
    }
}

/// Writes one JSON document as a single line on stdout.
pub fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let line = serde_json::to_string(value).map_err(CliError::new)?;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`kots ... | head`) is not an error worth a message.
    let _ = writeln!(out, "{line}");
    Ok(())
}

/// Reads a file to a string, naming the file on failure.
pub fn read_file(path: &std::path::Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))
}
