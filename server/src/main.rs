//! `fnconsole`: serves the console. See the README for configuration.

use std::process::ExitCode;

const USAGE: &str = "\
usage: fnconsole [serve]
       fnconsole engine
       fnconsole connections test [ID]
       fnconsole backup PATH

serve                  serve the console (default http://127.0.0.1:3000) and its
                       embedded engine (default http://127.0.0.1:3233)
engine                 run the embedded engine alone: every provider dialect (NCP,
                       OpenWhisk, FunctionGraph, SCF) for their CLIs and SDKs
connections test [ID]  make one harmless signed read on each connection (or on ID) and
                       print what the provider answered; exits 1 when any fails
backup PATH            copy the data directory's databases (SQLite's online backup,
                       safe while the console runs) and its keys (engine-keys.toml,
                       secret.key) into the new directory PATH; each copy is
                       integrity-checked. Restore by pointing FNCONSOLE_DATA_DIR
                       (or [server] data_dir) at PATH

Configuration: fnconsole.toml, or the file named by FNCONSOLE_CONFIG;
FNCONSOLE_LISTEN, FNCONSOLE_ENGINE_LISTEN and FNCONSOLE_DATA_DIR override it; RUST_LOG sets the log level.";

fn main() -> ExitCode {
    // A worker process runs action code and nothing else: no async runtime, no threads.
    if std::env::args().nth(1).as_deref() == Some(engine::worker::WORKER_SUBCOMMAND) {
        return engine::worker::serve();
    }
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(serve()),
        Err(error) => {
            eprintln!("fnconsole: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => {}
        ["engine"] => {
            server::telemetry::init();
            return finish(server::run_engine().await);
        }
        ["connections", "test"] => return connections_test(None).await,
        ["connections", "test", id] => return connections_test(Some(id)).await,
        ["backup", path] => return backup(std::path::Path::new(path)),
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
    finish(server::run().await)
}

fn finish(outcome: Result<(), server::ServeError>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("fnconsole: {error}");
            ExitCode::FAILURE
        }
    }
}

fn backup(dest: &std::path::Path) -> ExitCode {
    let config = match server::config::Config::load(|key| std::env::var(key).ok()) {
        Ok((config, _)) => config,
        Err(error) => {
            eprintln!("fnconsole: {error}");
            return ExitCode::FAILURE;
        }
    };
    match server::backup::backup(&config.server.data_dir, dest) {
        Ok(report) => {
            for db in &report.databases {
                println!(
                    "{}  {} pages ({} KiB) copied, integrity ok",
                    db.name,
                    db.pages,
                    db.bytes.div_ceil(1024)
                );
            }
            for name in &report.keys {
                println!("{name}  copied");
            }
            println!("backup written to {}", dest.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("fnconsole: backup failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn connections_test(only: Option<&str>) -> ExitCode {
    use server::config::Config;
    use server::connections;
    let lookup = |key: &str| std::env::var(key).ok();
    let config = match Config::load(lookup) {
        Ok((config, _)) => config,
        Err(error) => {
            eprintln!("fnconsole: {error}");
            return ExitCode::FAILURE;
        }
    };
    let transport = match providers::client::Transport::new(providers::client::TransportOptions {
        timeout: std::time::Duration::from_secs(15),
        ..Default::default()
    }) {
        Ok(t) => t,
        Err(error) => {
            eprintln!("fnconsole: {error}");
            return ExitCode::FAILURE;
        }
    };
    match connections::test_all(&config, only, &transport, &lookup).await {
        Ok(report) if connections::print_report(&report) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("fnconsole: {message}");
            ExitCode::from(2)
        }
    }
}
