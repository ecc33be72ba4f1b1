//! {title}: a typed async client, generated from its OpenAPI document.
//!
//! Build a [`Client`] with [`Client::from_env`] or [`Client::builder`]; every operation is a
//! method of it that returns a request builder. Optional inputs are builder methods; finish
//! with `.send().await`. Types live in [`models`]; every call fails with one [`Error`] type.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;
// The runtime serves every spec; the parts a spec does not need (pagination, header
// parameters, discriminated unions, …) stay unused in its crate.
#[allow(dead_code, unused_imports, unused_macros)]
mod runtime;

pub use generated::{builders, models, resources};
pub use runtime::{
    ApiError, ApiErrorBody, ApiResponse, BoxFuture, ByteStream, Bytes, Client, ClientBuilder, Error,
    FileUpload, Result,
};
