//! `cargo xtask <task>`: see `xtask::USAGE`.

mod bench;

/// Generation allocates many small, short-lived values (tokens, strings); mimalloc serves
/// them in about 60% of the time the system allocator takes (OpenAI's spec: 433 ms against
/// 730 ms), and `cargo xtask codegen` is what maintainers and the corpus sweep wait on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;
use xtask::{Outcome, Run, USAGE, parse_codegen_args, workspace_root};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("bench") => bench::main(&args[1..]),
        Some("corpus") => xtask::corpus::main(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage(&format!("unknown task `{other}`")),
        None => usage("no task given"),
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn codegen(args: &[String]) -> ExitCode {
    let args = match parse_codegen_args(args) {
        Ok(args) => args,
        Err(e) => return usage(&e.0),
    };
    let run = match Run::new(&workspace_root(), args) {
        Ok(run) => run,
        Err(e) => return usage(&e.0),
    };
    // Specs are untrusted input and some are deeply nested: generate on a thread with a
    // generous stack rather than risk the main thread's.
    let outcome = std::thread::Builder::new()
        .name("codegen".into())
        .stack_size(256 << 20)
        .spawn(move || run.execute(None))
        .expect("spawning the codegen thread")
        .join();
    let Ok(outcome) = outcome else {
        eprintln!(
            "error: the generator crashed; nothing was written. Please report this with the spec."
        );
        return ExitCode::from(1);
    };
    match outcome {
        Outcome::Written { report } | Outcome::Fresh { report } => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Outcome::Stale { report } => {
            print!("{report}");
            ExitCode::from(1)
        }
        Outcome::Failed { report } => {
            eprint!("{report}");
            ExitCode::from(1)
        }
    }
}
