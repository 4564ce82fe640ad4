//! Where `generate`'s time goes, stage by stage, in process: load (read + parse), normalize,
//! IR build, the SDK, docs and validators backends, and writing the files, on the Rivya
//! fixture and (when `scripts/fetch-corpus all` has cached it) Stripe's description. The bare
//! `serde_json` parse of the same bytes is measured beside `load` as the floor.
//!
//! `cargo bench --bench pipeline` (about two minutes on 2 cores); `-- fixture` or `-- stripe`
//! runs one spec. Each stage gets the previous stage's output, prepared outside the timing.
//! Whole-process timings (start-up, peak RSS, the peers) are `scripts/bench`'s job.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use rivya_codegen::backends::sdk;
use rivya_codegen::load::{self, Limits, Source};
use rivya_codegen::{normalize, pipeline, write};

/// The allocator the `rivya-codegen` binary uses (src/main.rs), so these timings add up to its
/// own; the system allocator is much slower on the large specs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// How long to spend on one spec: the fixture's stages take milliseconds, Stripe's up to
/// about a second, so Stripe gets criterion's minimum of 10 samples, flat (the same number of
/// iterations in each), and the SDK backend, its slowest stage, the time for 10 iterations.
struct Budget {
    samples: usize,
    warm_up: Duration,
    measurement: Duration,
    sdk_measurement: Duration,
    flat: bool,
}

const FIXTURE: Budget = Budget {
    samples: 20,
    warm_up: Duration::from_millis(500),
    measurement: Duration::from_secs(3),
    sdk_measurement: Duration::from_secs(3),
    flat: false,
};

const LARGE: Budget = Budget {
    samples: 10,
    warm_up: Duration::from_secs(1),
    measurement: Duration::from_secs(3),
    sdk_measurement: Duration::from_secs(15),
    flat: true,
};

fn stages(c: &mut Criterion, name: &str, path: &Path, budget: &Budget) {
    let limits = Limits::default();
    let source = Source::File(path.to_owned());
    let bytes = std::fs::read(path).expect("the spec is readable");

    // Each stage's input, computed once outside the timing (and checked to succeed).
    let document = load::load(&source, &limits).expect("the spec loads");
    let spec = normalize::normalize(document.clone()).expect("the spec normalizes");
    let ir = pipeline::build_ir(&spec, None).expect("the IR builds");
    let tree = pipeline::output(&ir).expect("the output generates");

    let mut group = c.benchmark_group(name);
    group
        .sample_size(budget.samples)
        .warm_up_time(budget.warm_up)
        .measurement_time(budget.measurement);
    if budget.flat {
        group.sampling_mode(SamplingMode::Flat);
    }

    group.bench_function("floor: serde_json::from_slice", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap()
        })
    });
    group.bench_function("load (read + parse)", |b| {
        b.iter(|| load::load(black_box(&source), &limits).unwrap())
    });
    group.bench_function("normalize", |b| {
        b.iter_batched(
            || document.clone(),
            |document| normalize::normalize(document).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("ir build", |b| {
        b.iter(|| pipeline::build_ir(black_box(&spec), None).unwrap())
    });
    group.measurement_time(budget.sdk_measurement);
    group.bench_function("backend: sdk (catalog.rs included)", |b| {
        b.iter(|| {
            let ir = black_box(&ir);
            let mut tree = sdk::generate(ir).unwrap();
            sdk::Examples::new(ir).unwrap().add_to(&mut tree).unwrap();
            tree
        })
    });
    group.measurement_time(budget.measurement);
    group.bench_function("backend: docs", |b| {
        b.iter(|| rivya_codegen::pipeline::docs(black_box(&ir)).unwrap())
    });
    // Only the fixture has a model catalog; on other specs this is the cost of finding none.
    group.bench_function("backend: sdk, catalog.rs alone", |b| {
        b.iter(|| sdk::catalog::catalog_module(black_box(&ir)))
    });
    // Into a new folder each time, as a first `generate` does; removing it is not timed, but
    // takes criterion's time all the same, hence flat sampling.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("write", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("a temporary folder"),
            |dir| {
                write::write(&tree, dir.path()).unwrap();
                dir
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    stages(
        c,
        "fixture",
        &manifest_path("fixtures/openapi.json"),
        &FIXTURE,
    );

    let stripe = manifest_path(".cache/corpus/sdk-stripe/package/stripe.oas.json");
    if stripe.is_file() {
        stages(c, "stripe", &stripe, &LARGE);
    } else {
        eprintln!(
            "note: {} is missing: skipping the Stripe benchmarks (run `scripts/fetch-corpus all`)",
            stripe.display()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
