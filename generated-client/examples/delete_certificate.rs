//! Deletes a certificate from the organization.
//!
//! ```sh
//! cargo run --example delete_certificate -- cert_abc
//! ```

mod common;

use common::arg;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::run("delete_certificate CERTIFICATE_ID", async |client, args| {
        let id = arg(&args, 0, "the certificate id")?;
        let deleted = client
            .organization()
            .certificates()
            .delete(id)
            .send()
            .await?;
        println!("deleted {}", deleted.id);
        Ok(())
    })
}
