//! The engine's worker process for this crate's tests: the same code `fnconsole
//! __engine-worker` runs.

fn main() -> std::process::ExitCode {
    engine::worker::serve()
}
