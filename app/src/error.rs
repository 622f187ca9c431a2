//! The one error that crosses the wire between server functions and the browser.
//!
//! It carries an HTTP status, a kind the front end can act on, and a message fit for a person.
//! The cause is logged on the server when the error is made; it never travels.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, as the front end needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// No session: sign in again.
    Unauthenticated,
    /// Signed in, but this action or tenant is not yours.
    Forbidden,
    /// The thing asked for does not exist.
    NotFound,
    /// The input is wrong; `field` says where.
    InvalidInput,
    /// The change collides with the current state (a duplicate, a stale read).
    Conflict,
    /// Keycloak, the database or the metrics store cannot be reached now; try again.
    Unavailable,
    /// A fault of the console itself; it has been logged.
    Internal,
}

impl ErrorKind {
    /// The HTTP status this kind answers with.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::InvalidInput => 400,
            ErrorKind::Conflict => 409,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }
}

/// An error a person can read, with the field it concerns when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// What failed and what to do, in plain words.
    pub message: String,
    /// The input field at fault, for [`ErrorKind::InvalidInput`].
    pub field: Option<String>,
}

impl AppError {
    /// An error of `kind` with a message for the person.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError { kind, message: message.into(), field: None }
    }

    /// The session is missing or has expired.
    pub fn unauthenticated() -> AppError {
        AppError::new(ErrorKind::Unauthenticated, "Your session has ended. Sign in again.")
    }

    /// The action or tenant is not the caller's. Says nothing about whether the tenant exists.
    pub fn forbidden() -> AppError {
        AppError::new(ErrorKind::Forbidden, "You do not have access to this.")
    }

    /// The change collides with the current state.
    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Conflict, message)
    }

    /// Bad input in `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError {
            kind: ErrorKind::InvalidInput,
            message: message.into(),
            field: Some(field.into()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::new(
                ErrorKind::Unavailable,
                "The console could not be reached. Check your connection and try again.",
            ),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::new(ErrorKind::InvalidInput, "The request was not understood.")
            }
            ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_) => {
                AppError::new(ErrorKind::Internal, "Something went wrong in the console.")
            }
        }
    }
}
