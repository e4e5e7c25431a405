//! Validation errors that name the field and the reason, so every entry point
//! (HTTP, email, import, config) can tell the sender exactly what to fix.

use serde::Serialize;

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `from` or `attachments[2].filename`.
    pub field: String,
    /// What is wrong, in words a sender can act on.
    pub reason: String,
}

/// Input rejected: one or more field errors, never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", summary(.errors))]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Invalid {
    /// A single-field error.
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Invalid {
            errors: vec![FieldError {
                field: field.into(),
                reason: reason.into(),
            }],
        }
    }

    /// Prefixes every field path, for errors found inside a nested value.
    pub fn within(mut self, parent: &str) -> Self {
        for e in &mut self.errors {
            e.field = format!("{parent}.{}", e.field);
        }
        self
    }
}

/// Collects field errors while validating a whole value, so a sender learns about
/// every problem at once rather than one per round trip.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error of `result` (if any) and passes its value through.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(reason) => {
                self.fail(field, reason);
                None
            }
        }
    }

    /// Records an error.
    pub fn fail(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// Ok when nothing was recorded.
    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid { errors: self.errors })
        }
    }
}
