//! A worker process for the engine's tests and benchmarks: the same code `fnconsole
//! __engine-worker` runs.

fn main() -> std::process::ExitCode {
    engine::worker::serve()
}
