//! {title}: a typed async client, generated from its OpenAPI document.
//!
//! Build a [`Client`] with [`Client::from_env`] or [`Client::builder`]; every operation is a
//! method of it that returns a request builder. Optional inputs are builder methods; finish
//! with `.send().await`. Types live in [`models`]; every call fails with one [`Error`] type.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::{builders, models};
pub use runtime::{ApiError, ApiErrorBody, ApiResponse, BoxFuture, Client, ClientBuilder, Error, Result};
