//! What every example shares: the client from the environment, the arguments, and one way
//! to report an error (a readable line on stderr and a non-zero exit code).
// Each example uses only part of this module.
#![allow(dead_code)]

use generated_client::Client;
use std::process::ExitCode;

/// Runs `main` with a client built from `OPENAI_ADMIN_KEY` / `OPENAI_BASE_URL` and the
/// command-line arguments, and turns its outcome into the process's exit code.
pub fn run<F>(usage: &str, main: F) -> ExitCode
where
    F: AsyncFnOnce(Client, Vec<String>) -> Result<(), Failure>,
{
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: {usage}");
        return ExitCode::SUCCESS;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let outcome = runtime.block_on(async {
        let client = Client::from_env()?;
        main(client, args).await
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\nusage: {usage}");
            ExitCode::from(2)
        }
        Err(Failure::Api(e)) => {
            eprintln!("error: {e}");
            if let Some(id) = e.request_id() {
                eprintln!("(request id {id}: quote it when you contact OpenAI support)");
            }
            ExitCode::FAILURE
        }
        Err(Failure::Io(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Why an example stopped.
pub enum Failure {
    /// Wrong arguments.
    Usage(String),
    /// The client or the API failed.
    Api(generated_client::Error),
    /// A local file could not be read.
    Io(String),
}

/// Any operation's error (typed by its error model or not), as the plain `Error`.
impl<E> From<generated_client::Error<E>> for Failure {
    fn from(e: generated_client::Error<E>) -> Self {
        Failure::Api(e.into_untyped())
    }
}

/// The `index`th positional argument, or a usage error naming it.
pub fn arg(args: &[String], index: usize, what: &str) -> Result<String, Failure> {
    args.get(index)
        .cloned()
        .ok_or_else(|| Failure::Usage(format!("missing {what}")))
}

/// Removes `--flag VALUE` from `args` and returns the value.
pub fn take_option(args: &mut Vec<String>, flag: &str) -> Result<Option<String>, Failure> {
    let Some(at) = args.iter().position(|a| a == flag) else {
        return Ok(None);
    };
    if at + 1 >= args.len() {
        return Err(Failure::Usage(format!("{flag} needs a value")));
    }
    let value = args.remove(at + 1);
    args.remove(at);
    Ok(Some(value))
}

/// A certificate's dates as text.
pub fn validity(valid_at: Option<i64>, expires_at: Option<i64>) -> String {
    let show = |t: Option<i64>| t.map_or_else(|| "?".to_owned(), |t| t.to_string());
    format!(
        "valid {} – {} (Unix time)",
        show(valid_at),
        show(expires_at)
    )
}
