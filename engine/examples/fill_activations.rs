//! Fills an engine database with synthetic activations, for measuring the console's
//! activations page against a large store:
//! `cargo run --release -p engine --example fill_activations -- DATA_DIR/engine.db 1000000`.

use engine::store::{Durability, Store};
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: fill_activations DB_PATH COUNT";
    let path = PathBuf::from(args.next().ok_or(usage)?);
    let count: u64 = args.next().ok_or(usage)?.parse()?;
    let now_ms = i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis())?;
    let store = Store::open(&path, Durability::Normal)?;
    let started = Instant::now();
    for i in 0..count {
        store.insert_activation(&synthetic::activation(i, now_ms))?;
    }
    println!(
        "{count} activations written to {} in {:.1?}",
        path.display(),
        started.elapsed()
    );
    Ok(())
}
