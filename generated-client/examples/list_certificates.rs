//! Lists every certificate of the organization, or of one project with `--project ID`,
//! following the pages as a stream.
//!
//! ```sh
//! cargo run --example list_certificates
//! cargo run --example list_certificates -- --project proj_abc
//! ```

mod common;

use common::take_option;
use futures_util::TryStreamExt;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::run(
        "list_certificates [--project PROJECT_ID]",
        async |client, mut args| {
            let project = take_option(&mut args, "--project")?;
            // The organization's and a project's listings differ in type; both give an id, a
            // name and whether the certificate is active at that level.
            let mut certs: std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>> = match project {
                None => Box::pin(
                    client
                        .organization()
                        .certificates()
                        .list()
                        .limit(100)
                        .into_stream()
                        .map_ok(|c| (c.id, c.name, c.active)),
                ),
                Some(project) => Box::pin(
                    client
                        .project(project)
                        .certificates()
                        .list()
                        .limit(100)
                        .into_stream()
                        .map_ok(|c| (c.id, c.name, c.active)),
                ),
            };
            let mut count = 0;
            while let Some((id, name, active)) = certs.try_next().await? {
                count += 1;
                let name = name.as_deref().unwrap_or("unnamed");
                let state = if active { "active" } else { "inactive" };
                println!("{id}\t{name}\t{state}");
            }
            println!("{count} certificate(s)");
            Ok(())
        },
    )
}
