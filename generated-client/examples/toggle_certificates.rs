//! Activates or deactivates certificates, for the organization or for one project.
//!
//! ```sh
//! cargo run --example toggle_certificates -- activate cert_abc cert_def
//! cargo run --example toggle_certificates -- deactivate --project proj_abc cert_abc
//! ```

mod common;

use common::{Failure, take_option};
use std::process::ExitCode;

fn main() -> ExitCode {
    let usage = "toggle_certificates activate|deactivate [--project PROJECT_ID] CERTIFICATE_ID...";
    common::run(usage, async |client, mut args| {
        let project = take_option(&mut args, "--project")?;
        if args.is_empty() {
            return Err(Failure::Usage("missing activate or deactivate".into()));
        }
        let action = args.remove(0);
        if args.is_empty() {
            return Err(Failure::Usage("missing certificate ids".into()));
        }
        let ids = args;
        // The four operations answer with the same shape: the certificates and their state.
        let changed: Vec<(String, bool)> = match (action.as_str(), &project) {
            ("activate", None) => {
                let certs = client.organization().certificates();
                let page = certs.activate(ids).send().await?;
                page.data.into_iter().map(|c| (c.id, c.active)).collect()
            }
            ("deactivate", None) => {
                let certs = client.organization().certificates();
                let page = certs.deactivate(ids).send().await?;
                page.data.into_iter().map(|c| (c.id, c.active)).collect()
            }
            ("activate", Some(project)) => {
                let certs = client.project(project).certificates();
                let page = certs.activate(ids).send().await?;
                page.data.into_iter().map(|c| (c.id, c.active)).collect()
            }
            ("deactivate", Some(project)) => {
                let certs = client.project(project).certificates();
                let page = certs.deactivate(ids).send().await?;
                page.data.into_iter().map(|c| (c.id, c.active)).collect()
            }
            (other, _) => {
                return Err(Failure::Usage(format!(
                    "`{other}`: say activate or deactivate"
                )));
            }
        };
        let scope =
            project.map_or_else(|| "the organization".to_owned(), |p| format!("project {p}"));
        for (id, active) in changed {
            let state = if active { "active" } else { "inactive" };
            println!("{id}: {state} for {scope}");
        }
        Ok(())
    })
}
