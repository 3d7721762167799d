//! `fnconsole`: serves the console. See the README for configuration.

use std::process::ExitCode;

const USAGE: &str = "\
usage: fnconsole [serve]

Serves the console (default http://127.0.0.1:3000).
Configuration: fnconsole.toml, or the file named by FNCONSOLE_CONFIG;
FNCONSOLE_LISTEN and FNCONSOLE_DATA_DIR override it; RUST_LOG sets the log level.";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => {}
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        ["-V" | "--version"] => {
            println!("fnconsole {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("fnconsole: unknown arguments {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }

    server::telemetry::init();
    match server::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("fnconsole: {error}");
            ExitCode::FAILURE
        }
    }
}
