//! `authgen-example-service`: see the crate's README for the environment.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match authgen_example_service::config::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("authgen-example-service: {e}");
            return ExitCode::from(2);
        }
    };
    match authgen_example_service::serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authgen-example-service: {e}");
            ExitCode::FAILURE
        }
    }
}
