//! Renames a certificate (the name is the only thing that can be changed).
//!
//! ```sh
//! cargo run --example rename_certificate -- cert_abc "Production (2027)"
//! ```

mod common;

use common::arg;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::run(
        "rename_certificate CERTIFICATE_ID NEW_NAME",
        async |client, args| {
            let id = arg(&args, 0, "the certificate id")?;
            let name = arg(&args, 1, "the new name")?;
            let cert = client
                .organization()
                .certificates()
                .update(id)
                .name(name)
                .send()
                .await?;
            println!(
                "renamed {} to {}",
                cert.id,
                cert.name.as_deref().unwrap_or("(no name)")
            );
            Ok(())
        },
    )
}
