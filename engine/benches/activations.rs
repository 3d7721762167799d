//! Listing activations at 10,000 and 1,000,000 stored: the first page, the next page, one
//! action's first page and the last month's first page (what NCP's dialect asks), each with
//! its total — what the activations page costs the engine's store.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use engine::store::{ActivationFilter, Order, Paging, Scope, Store};

#[path = "support/synthetic.rs"]
mod synthetic;

const NOW_MS: i64 = 1_796_164_205_123;

fn filled(count: u64) -> Store {
    let store = Store::in_memory().expect("an in-memory store opens");
    for i in 0..count {
        store
            .insert_activation(&synthetic::activation(i, NOW_MS))
            .expect("a synthetic activation is stored");
    }
    store
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("activations list");
    group.sample_size(30);
    for count in [10_000_u64, 1_000_000] {
        let store = filled(count);
        let cases = [
            ("first page", ActivationFilter::default(), 0),
            ("second page", ActivationFilter::default(), 20),
            (
                "one action, first page",
                ActivationFilter {
                    package: Scope::of(Some("demo")),
                    action: Some("bench-3".into()),
                    ..Default::default()
                },
                0,
            ),
            (
                "last month, first page",
                ActivationFilter {
                    since_ms: Some(NOW_MS - 30 * 24 * 3600 * 1000),
                    ..Default::default()
                },
                0,
            ),
        ];
        for (name, filter, offset) in cases {
            let page = Paging { offset, limit: 20 };
            group.bench_with_input(BenchmarkId::new(name, count), &filter, |b, filter| {
                b.iter(|| {
                    store
                        .activations(filter, Order::default(), page)
                        .expect("lists")
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
