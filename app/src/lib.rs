//! CloudTrust Console's application: the pages and components both sides render, the server
//! functions they call, the policy that decides who may do what, and the types that cross the
//! wire. Server-only code sits behind the `ssr` feature; `hydrate` is the browser's build.

#![recursion_limit = "256"]

rust_i18n::i18n!("locales", fallback = "en");

pub mod api;
#[cfg(feature = "ssr")]
pub mod charts;
pub mod components;
pub mod error;
pub mod pages;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod workflow;

mod shell;

#[cfg(test)]
mod i18n_tests;

pub use error::{AppError, ErrorKind};
pub use shell::{App, shell};
