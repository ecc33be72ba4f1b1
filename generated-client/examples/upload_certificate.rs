//! Uploads a PEM certificate to the organization (it is not activated).
//!
//! ```sh
//! OPENAI_ADMIN_KEY=sk-admin-... cargo run --example upload_certificate -- cert.pem "Production"
//! ```

mod common;

use common::{Failure, arg};
use std::process::ExitCode;

fn main() -> ExitCode {
    common::run(
        "upload_certificate PEM_FILE [NAME]",
        async |client, args| {
            let path = arg(&args, 0, "the PEM file")?;
            let pem = std::fs::read_to_string(&path)
                .map_err(|e| Failure::Io(format!("cannot read {path}: {e}")))?;
            let mut upload = client.organization().certificates().create(pem);
            if let Some(name) = args.get(1) {
                upload = upload.name(name);
            }
            let cert = upload.send().await?;
            println!(
                "uploaded {} ({}), {}",
                cert.id,
                cert.name.as_deref().unwrap_or("unnamed"),
                common::validity(
                    cert.certificate_details.valid_at,
                    cert.certificate_details.expires_at
                )
            );
            Ok(())
        },
    )
}
