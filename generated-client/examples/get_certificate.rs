//! Gets one certificate with its PEM content (`include[]=content`).
//!
//! ```sh
//! cargo run --example get_certificate -- cert_abc
//! ```

mod common;

use common::arg;
use generated_client::models::Include;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::run("get_certificate CERTIFICATE_ID", async |client, args| {
        let id = arg(&args, 0, "the certificate id")?;
        let cert = client
            .organization()
            .certificates()
            .retrieve(id)
            .include([Include::Content])
            .send()
            .await?;
        let details = &cert.certificate_details;
        println!(
            "{} ({}), {}",
            cert.id,
            cert.name.as_deref().unwrap_or("unnamed"),
            common::validity(details.valid_at, details.expires_at)
        );
        match &details.content {
            Some(pem) => println!("{pem}"),
            None => println!("(the API returned no content)"),
        }
        Ok(())
    })
}
