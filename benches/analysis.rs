//! Benchmarks of the analysis: preparation, `find_gaps` (lazy and materialised) and
//! `detect_spam` on generated backlink profiles.
//!
//! Input is generated deterministically (splitmix64, fixed seed): a target and ten competitors
//! share a pool of source domains with a skewed popularity, as real link graphs do.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use linkgap_analysis::{
    Backlink, Corpus, CorpusBuilder, Coverage, GapConfig, Level, Profile, Role, Rows, SpamConfig,
    detect_spam, find_gaps, find_gaps_lazy, prepare,
};

const COMPETITORS: usize = 10;

/// A splitmix64 stream: small, fast and the same on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A uniform float in 0..1.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The profile of site `site_idx` (0 = target) with `rows` backlinks from a pool of
/// `rows / 50` source domains.
fn generate_profile(site_idx: usize, rows: usize, n_domains: u64) -> Profile {
    let mut rng = SplitMix64(0x5eed ^ (site_idx as u64) << 32);
    let site =
        if site_idx == 0 { "target.com".to_owned() } else { format!("competitor{site_idx}.com") };
    let links = (0..rows)
        .map(|_| {
            // The product of two uniforms favours small ids: popular domains link to many sites.
            let domain = ((rng.unit() * rng.unit()) * n_domains as f64) as u64;
            let host = match rng.below(4) {
                0 => format!("blog.d{domain}.com"),
                1 => format!("www.d{domain}.com"),
                _ => format!("d{domain}.com"),
            };
            let page = rng.below(40);
            Backlink {
                url_from: format!("https://{host}/p{page}"),
                domain_from: host,
                domain_to: site.clone(),
                url_to: format!("https://{site}/"),
                anchor: Some(format!("anchor {}", rng.below(500))),
                dofollow: rng.below(5) != 0,
                is_lost: rng.below(10) == 0,
                domain_from_rank: Some((1000 - domain * 1000 / n_domains) as u32),
                domain_from_ip: Some(format!(
                    "10.{}.{}.{}",
                    domain >> 14 & 255,
                    domain >> 6 & 255,
                    domain & 63
                )),
                ..Backlink::default()
            }
        })
        .collect();
    Profile { site, coverage: Coverage::Complete, rows: Rows::Backlinks(links) }
}

/// Builds the corpus one profile at a time, so 10M rows never sit in memory as strings at once.
fn generate_corpus(total_rows: usize) -> Corpus {
    let per_site = total_rows / (COMPETITORS + 1);
    let n_domains = (total_rows / 50) as u64;
    let mut builder = CorpusBuilder::new();
    for site_idx in 0..=COMPETITORS {
        let role = if site_idx == 0 { Role::Target } else { Role::Competitor };
        builder.add(role, &generate_profile(site_idx, per_site, n_domains));
    }
    builder.finish()
}

#[expect(clippy::print_stderr, reason = "the bench reports memory per link next to its timings")]
fn report_memory(corpus: &Corpus) {
    let stats = corpus.stats();
    let total = stats.rows_heap_bytes + stats.strings_heap_bytes;
    eprintln!(
        "{} rows, {} domains, {} hosts, {} pages: {} B/row + {:.1} B/row of strings = {:.1} B/link",
        stats.rows,
        stats.domains,
        stats.hosts,
        stats.pages,
        stats.row_bytes,
        stats.strings_heap_bytes as f64 / stats.rows as f64,
        total as f64 / stats.rows as f64,
    );
}

fn bench_find_gaps(c: &mut Criterion) {
    let mut group = c.benchmark_group("find_gaps");
    group.sample_size(10);
    for total_rows in [1_000_000, 10_000_000] {
        let corpus = generate_corpus(total_rows);
        report_memory(&corpus);
        group.throughput(Throughput::Elements(total_rows as u64));
        // Page level returns a row per source page (millions at 10M rows): measured at 1M only.
        let levels: &[Level] =
            if total_rows <= 1_000_000 { &[Level::Domain, Level::Page] } else { &[Level::Domain] };
        for &level in levels {
            let config = GapConfig { level, ..GapConfig::default() };
            // The gap itself: grouping, classifying and collecting the evidence as ids.
            group.bench_with_input(
                BenchmarkId::new(format!("{}/lazy", level.as_str()), total_rows),
                &corpus,
                |b, corpus| {
                    b.iter(|| black_box(find_gaps_lazy(corpus, &config).len()));
                },
            );
            // The same with every row's evidence turned into strings (what `find_gaps` returns).
            group.bench_with_input(
                BenchmarkId::new(level.as_str(), total_rows),
                &corpus,
                |b, corpus| {
                    b.iter_with_large_drop(|| find_gaps(corpus, &config));
                },
            );
        }
        // Free this corpus before the next, larger one is built.
        drop(corpus);
    }
    group.finish();
}

fn bench_prepare(c: &mut Criterion) {
    let mut group = c.benchmark_group("prepare");
    group.sample_size(10);
    let total_rows = 1_000_000;
    let per_site = total_rows / (COMPETITORS + 1);
    let n_domains = (total_rows / 50) as u64;
    let profiles: Vec<Profile> =
        (0..=COMPETITORS).map(|site_idx| generate_profile(site_idx, per_site, n_domains)).collect();
    group.throughput(Throughput::Elements(total_rows as u64));
    group.bench_function(BenchmarkId::from_parameter(total_rows), |b| {
        b.iter(|| black_box(prepare(&profiles[0], &profiles[1..])));
    });
    group.finish();
}

fn bench_detect_spam(c: &mut Criterion) {
    let mut group = c.benchmark_group("detect_spam");
    group.sample_size(10);
    for total_rows in [100_000, 1_000_000] {
        let per_site = total_rows / (COMPETITORS + 1);
        let n_domains = (total_rows / 50) as u64;
        let profiles: Vec<Profile> = (0..=COMPETITORS)
            .map(|site_idx| generate_profile(site_idx, per_site, n_domains))
            .collect();
        let config = SpamConfig::default();
        group.throughput(Throughput::Elements(total_rows as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(total_rows),
            &profiles,
            |b, profiles| {
                b.iter_with_large_drop(|| detect_spam(profiles, &config));
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_find_gaps, bench_prepare, bench_detect_spam);
criterion_main!(benches);
