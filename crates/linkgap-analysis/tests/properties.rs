//! Property tests of the link gap: a naive `BTreeSet` reference, subset laws, monotonicity in k,
//! and invariance to input order and thread count.

use std::collections::{BTreeMap, BTreeSet};

use linkgap_analysis::{
    Absence, Backlink, Category, Coverage, Domain, GapConfig, GapReport, Level, OutreachConfig,
    Profile, Rows, find_gaps, find_gaps_in, prepare, rank_prospects,
};
use proptest::prelude::*;

/// Source hosts: subdomains, `www.`, multi-label suffixes and the analysed sites themselves.
const HOSTS: &[&str] = &[
    "a.com",
    "www.a.com",
    "blog.a.com",
    "c.org",
    "d.co.uk",
    "x.d.co.uk",
    "e.net",
    "alice.blogspot.com",
    "me.com",
    "r0.com",
];
const PATHS: &[&str] = &["/", "/1", "/2#frag"];

#[derive(Clone, Debug)]
struct Row {
    host: usize,
    path: usize,
    dofollow: bool,
    lost: bool,
    rank: Option<u32>,
}

fn row_strategy() -> impl Strategy<Value = Row> {
    (
        0..HOSTS.len(),
        0..PATHS.len(),
        any::<bool>(),
        prop::bool::weighted(0.25),
        prop::option::of(0..1000u32),
    )
        .prop_map(|(host, path, dofollow, lost, rank)| Row {
            host,
            path,
            dofollow,
            lost,
            rank,
        })
}

fn backlink(row: &Row) -> Backlink {
    let host = HOSTS[row.host];
    Backlink {
        domain_from: host.to_owned(),
        url_from: format!("https://{host}{}", PATHS[row.path]),
        dofollow: row.dofollow,
        is_lost: row.lost,
        domain_from_rank: row.rank,
        anchor: Some(format!("anchor {}", row.path)),
        ..Backlink::default()
    }
}

fn profile(site: &str, complete: bool, rows: &[Row]) -> Profile {
    Profile {
        site: site.to_owned(),
        coverage: if complete {
            Coverage::Complete
        } else {
            Coverage::Truncated { fetched: rows.len() as u64, total: 1000 }
        },
        rows: Rows::Backlinks(rows.iter().map(backlink).collect()),
    }
}

#[derive(Clone, Debug)]
struct Input {
    target: Profile,
    competitors: Vec<Profile>,
}

fn input_strategy() -> impl Strategy<Value = Input> {
    (
        any::<bool>(),
        prop::collection::vec(row_strategy(), 0..12),
        prop::collection::vec((any::<bool>(), prop::collection::vec(row_strategy(), 0..12)), 1..5),
    )
        .prop_map(|(complete, target_rows, competitors)| Input {
            target: profile("me.com", complete, &target_rows),
            competitors: competitors
                .iter()
                .enumerate()
                .map(|(idx, (complete, rows))| profile(&format!("r{idx}.com"), *complete, rows))
                .collect(),
        })
}

fn config_strategy() -> impl Strategy<Value = GapConfig> {
    (
        prop::sample::select(vec![Level::Domain, Level::Host, Level::Page]),
        prop::option::of(1..4usize),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![0u32, 300]),
    )
        .prop_map(|(level, min_competitors, dofollow_only, exclude_lost, min_source_rank)| {
            GapConfig {
                level,
                min_competitors,
                dofollow_only,
                exclude_lost,
                min_source_rank,
                ..GapConfig::default()
            }
        })
}

/// The source key of a backlink at a level, the naive way.
fn key(link: &Backlink, level: Level) -> (String, String) {
    let domain = Domain::parse(&link.domain_from).expect("test hosts are valid");
    let source = match level {
        Level::Domain => domain.registrable().to_owned(),
        Level::Host => domain.host().to_owned(),
        Level::Page => link.url_from.split('#').next().unwrap_or_default().to_owned(),
    };
    (source, domain.registrable().to_owned())
}

fn links(profile: &Profile) -> &[Backlink] {
    match &profile.rows {
        Rows::Backlinks(rows) => rows,
        Rows::ReferringDomains(_) => &[],
    }
}

/// The gap categories by a naive reference implementation over `BTreeMap`s and `BTreeSet`s.
fn reference(input: &Input, config: &GapConfig) -> BTreeMap<String, Category> {
    let sites: BTreeSet<String> = std::iter::once(&input.target)
        .chain(&input.competitors)
        .map(|profile| {
            Domain::parse(&profile.site).expect("test sites are valid").registrable().to_owned()
        })
        .collect();
    let mut target_live: BTreeMap<String, u64> = BTreeMap::new();
    let mut target_lost: BTreeMap<String, u64> = BTreeMap::new();
    let mut best_rank: BTreeMap<String, u32> = BTreeMap::new();
    let mut counted: BTreeMap<String, BTreeMap<usize, u64>> = BTreeMap::new();
    let mut sources = BTreeSet::new();
    for (site_idx, profile) in std::iter::once(&input.target).chain(&input.competitors).enumerate()
    {
        for link in links(profile) {
            let (source, registrable) = key(link, config.level);
            if sites.contains(&registrable) {
                continue;
            }
            sources.insert(source.clone());
            let rank = best_rank.entry(source.clone()).or_insert(0);
            *rank = (*rank).max(link.domain_from_rank.unwrap_or(0));
            if site_idx == 0 {
                let map = if link.is_lost { &mut target_lost } else { &mut target_live };
                *map.entry(source).or_default() += 1;
            } else if (!config.exclude_lost || !link.is_lost)
                && (!config.dofollow_only || link.dofollow)
            {
                *counted.entry(source).or_default().entry(site_idx).or_default() += 1;
            }
        }
    }
    let k = config.min_competitors.unwrap_or(if input.competitors.len() >= 2 { 2 } else { 1 });
    let mut out = BTreeMap::new();
    for source in sources {
        if best_rank[&source] < config.min_source_rank {
            continue;
        }
        let live = target_live.get(&source).copied().unwrap_or(0);
        let lost = target_lost.get(&source).copied().unwrap_or(0);
        let per_site = counted.get(&source).cloned().unwrap_or_default();
        let max_links = per_site.values().copied().max().unwrap_or(0);
        let category = match (live > 0, per_site.len()) {
            (true, 0) => Category::UniqueToTarget,
            (true, _) if live < max_links => Category::Weak,
            (true, _) => Category::Shared,
            (false, 0) => continue,
            (false, _) if lost > 0 => Category::Reclaim,
            (false, n) if n >= k => Category::Gap,
            (false, _) => continue,
        };
        out.insert(source, category);
    }
    out
}

fn categories(report: &GapReport) -> BTreeMap<String, Category> {
    report.rows.iter().map(|row| (row.source.clone(), row.category)).collect()
}

fn gap_sources(report: &GapReport) -> BTreeSet<String> {
    report
        .rows
        .iter()
        .filter(|row| row.category == Category::Gap)
        .map(|row| row.source.clone())
        .collect()
}

/// Shuffles with a splitmix64 stream (a deterministic permutation chosen by proptest's seed).
fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    for idx in (1..items.len()).rev() {
        *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        items.swap(idx, (z % (idx as u64 + 1)) as usize);
    }
}

fn shuffled(input: &Input, mut seed: u64) -> Input {
    let shuffle_rows = |profile: &Profile, seed: &mut u64| {
        let mut profile = profile.clone();
        if let Rows::Backlinks(rows) = &mut profile.rows {
            shuffle(rows, seed);
        }
        profile
    };
    let target = shuffle_rows(&input.target, &mut seed);
    let mut competitors: Vec<Profile> =
        input.competitors.iter().map(|profile| shuffle_rows(profile, &mut seed)).collect();
    shuffle(&mut competitors, &mut seed);
    Input { target, competitors }
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn categories_equal_the_naive_reference(input in input_strategy(), config in config_strategy()) {
        let report = find_gaps_in(&input.target, &input.competitors, &config);
        prop_assert_eq!(categories(&report), reference(&input, &config));
    }

    #[test]
    fn gaps_link_to_competitors_and_not_to_the_target(input in input_strategy(), config in config_strategy()) {
        let report = find_gaps_in(&input.target, &input.competitors, &config);
        let competitor_sources: BTreeSet<String> = input
            .competitors
            .iter()
            .flat_map(links)
            .map(|link| key(link, config.level).0)
            .collect();
        let target_live: BTreeSet<String> = links(&input.target)
            .iter()
            .filter(|link| !link.is_lost)
            .map(|link| key(link, config.level).0)
            .collect();
        let gaps = gap_sources(&report);
        prop_assert!(gaps.is_subset(&competitor_sources));
        prop_assert!(gaps.is_disjoint(&target_live));
        let proven = input.target.coverage.is_complete();
        for row in report.rows.iter().filter(|row| row.category == Category::Gap) {
            prop_assert_eq!(row.absence, Some(if proven { Absence::Proven } else { Absence::Unverified }));
            prop_assert!(row.competitors.len() >= report.min_competitors);
        }
    }

    #[test]
    fn raising_k_never_adds_gaps(input in input_strategy(), config in config_strategy(), k in 1..4usize) {
        let corpus = prepare(&input.target, &input.competitors);
        let lower = find_gaps(&corpus, &GapConfig { min_competitors: Some(k), ..config.clone() });
        let higher = find_gaps(&corpus, &GapConfig { min_competitors: Some(k + 1), ..config });
        prop_assert!(gap_sources(&higher).is_subset(&gap_sources(&lower)));
    }

    #[test]
    fn input_order_does_not_change_the_report(
        input in input_strategy(),
        config in config_strategy(),
        seed in any::<u64>(),
    ) {
        let report = find_gaps_in(&input.target, &input.competitors, &config);
        let other = shuffled(&input, seed);
        prop_assert_eq!(report, find_gaps_in(&other.target, &other.competitors, &config));
    }

    #[test]
    fn thread_count_does_not_change_the_report(input in input_strategy(), config in config_strategy()) {
        let one = pool(1).install(|| find_gaps_in(&input.target, &input.competitors, &config));
        let four = pool(4).install(|| find_gaps_in(&input.target, &input.competitors, &config));
        prop_assert_eq!(one, four);
    }

    #[test]
    fn ranking_does_not_depend_on_row_order(
        input in input_strategy(),
        seed in any::<u64>(),
        top in 1..6usize,
    ) {
        let config = GapConfig { min_competitors: Some(1), ..GapConfig::default() };
        let report = find_gaps_in(&input.target, &input.competitors, &config);
        let outreach = OutreachConfig {
            keywords: vec!["anchor 1".to_owned()],
            top,
            max_per_group: 1,
            categories: Category::ALL.to_vec(),
            ..OutreachConfig::default()
        };
        let ranked = rank_prospects(&report, &[], &outreach);
        let mut shuffled_report = report.clone();
        let mut seed = seed;
        shuffle(&mut shuffled_report.rows, &mut seed);
        prop_assert_eq!(&ranked, &rank_prospects(&shuffled_report, &[], &outreach));
        prop_assert_eq!(ranked.len(), report.rows.len());
    }
}
