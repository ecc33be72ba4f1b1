//! Lists every certificate of the organization, or of one project with `--project ID`,
//! following the pages, and prints the cursor to resume from; `--after CURSOR` starts
//! after a cursor printed before (it lists only what follows it).
//!
//! ```sh
//! cargo run --example list_certificates
//! cargo run --example list_certificates -- --project proj_abc
//! cargo run --example list_certificates -- --after cert_abc
//! ```

mod common;

use common::take_option;
use futures_util::TryStreamExt;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::run(
        "list_certificates [--project PROJECT_ID] [--after CURSOR]",
        async |client, mut args| {
            let project = take_option(&mut args, "--project")?;
            let after = take_option(&mut args, "--after")?;
            // The organization's and a project's listings differ in type; both give an id, a
            // name and whether the certificate is active at that level. Each page also
            // carries the cursor after its last item.
            let mut pages: std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>> = match project {
                None => {
                    let mut list = client.organization().certificates().list().limit(100);
                    if let Some(after) = after {
                        list = list.after(after);
                    }
                    Box::pin(list.into_pages().map_ok(|page| {
                        let items: Vec<_> = page
                            .items
                            .into_iter()
                            .map(|c| (c.id, c.name, c.active))
                            .collect();
                        (items, page.next_cursor)
                    }))
                }
                Some(project) => {
                    let mut list = client.project(project).certificates().list().limit(100);
                    if let Some(after) = after {
                        list = list.after(after);
                    }
                    Box::pin(list.into_pages().map_ok(|page| {
                        let items: Vec<_> = page
                            .items
                            .into_iter()
                            .map(|c| (c.id, c.name, c.active))
                            .collect();
                        (items, page.next_cursor)
                    }))
                }
            };
            let mut count = 0;
            let mut resume = None;
            while let Some((items, cursor)) = pages.try_next().await? {
                for (id, name, active) in items {
                    count += 1;
                    let name = name.as_deref().unwrap_or("unnamed");
                    let state = if active { "active" } else { "inactive" };
                    println!("{id}\t{name}\t{state}");
                }
                resume = cursor.or(resume);
            }
            println!("{count} certificate(s)");
            if let Some(cursor) = resume {
                println!("to go on from here later: --after {cursor}");
            }
            Ok(())
        },
    )
}
