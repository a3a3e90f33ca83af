//! Tests of the generator: determinism, realism and a truth that matches the rows.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::timestamp::parse_timestamp;

fn small() -> GenConfig {
    GenConfig { size: 250, ..GenConfig::default() }
}

fn registrable(host: &str) -> String {
    psl::domain_str(host).unwrap_or(host).to_owned()
}

fn subnet_of(ip: &str) -> &str {
    &ip[..ip.rfind('.').unwrap()]
}

fn bytes(generated: &GeneratedWorld) -> Vec<u8> {
    let mut out = Vec::new();
    for row in &generated.world.backlinks {
        out.extend(serde_json::to_vec(row).unwrap());
    }
    for row in &generated.world.domains {
        out.extend(serde_json::to_vec(row).unwrap());
    }
    out.extend(serde_json::to_vec(&generated.truth).unwrap());
    out
}

#[test]
fn the_same_config_gives_the_same_bytes() {
    let first = generate(&small());
    let second = generate(&small());
    assert_eq!(bytes(&first), bytes(&second));
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    first.write(dir_a.path(), Compression::Zstd).unwrap();
    second.write(dir_b.path(), Compression::Zstd).unwrap();
    for name in ["backlinks.jsonl.zst", "domains.jsonl.zst", "truth.json"] {
        assert_eq!(
            std::fs::read(dir_a.path().join(name)).unwrap(),
            std::fs::read(dir_b.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn another_seed_gives_another_world() {
    let first = generate(&small());
    let second = generate(&GenConfig { seed: 43, ..small() });
    assert_ne!(bytes(&first), bytes(&second));
}

#[test]
fn a_written_world_loads_back_with_its_truth() {
    let generated = generate(&GenConfig { size: 60, ..GenConfig::default() });
    let dir = tempfile::tempdir().unwrap();
    generated.write(dir.path(), Compression::Gzip).unwrap();
    assert_eq!(World::load(dir.path()).unwrap(), generated.world);
    assert_eq!(GroundTruth::load(&dir.path().join("truth.json")).unwrap(), generated.truth);
}

#[test]
fn the_size_scales_the_world() {
    let small_world = generate(&GenConfig { size: 100, ..GenConfig::default() });
    let large_world = generate(&GenConfig { size: 400, ..GenConfig::default() });
    assert!(large_world.world.backlinks.len() > 2 * small_world.world.backlinks.len());
    assert_eq!(small_world.truth.backlinks, small_world.world.backlinks.len());
}

#[test]
fn referring_sites_follow_a_power_law() {
    let generated = generate(&small());
    let truth = &generated.truth;
    let spam: BTreeSet<&str> = truth.spam_domains.iter().map(String::as_str).collect();
    let mut per_domain: BTreeMap<String, usize> = BTreeMap::new();
    for row in &generated.world.backlinks {
        let domain = registrable(&row.domain_from);
        if !spam.contains(domain.as_str()) && truth.site(&domain).is_none() {
            *per_domain.entry(domain).or_default() += 1;
        }
    }
    let mut counts: Vec<usize> = per_domain.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let total: usize = counts.iter().sum();
    let top = counts.len().div_ceil(100);
    let top_share = counts[..top].iter().sum::<usize>() as f64 / total as f64;
    assert!(top_share > 0.08, "top 1% of sites hold {top_share:.3} of links");
    let single = counts.iter().filter(|&&count| count <= 2).count() as f64 / counts.len() as f64;
    assert!(single > 0.4, "only {single:.2} of sites have one or two links");
    // Most sites link to one or two of the six sites, a few link to nearly all of them.
    let mut targets_per_domain: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in &generated.world.backlinks {
        let domain = registrable(&row.domain_from);
        if !spam.contains(domain.as_str()) {
            targets_per_domain.entry(domain).or_default().insert(registrable(&row.domain_to));
        }
    }
    let wide = targets_per_domain.values().filter(|targets| targets.len() >= 5).count();
    let narrow = targets_per_domain.values().filter(|targets| targets.len() <= 2).count();
    assert!(wide >= 2 && narrow > targets_per_domain.len() / 2, "wide {wide}, narrow {narrow}");
}

#[test]
fn the_niche_has_realistic_hosts_and_links() {
    let generated = generate(&small());
    let rows = &generated.world.backlinks;
    let hosts: BTreeSet<&str> = rows.iter().map(|row| row.domain_from.as_str()).collect();
    assert!(hosts.iter().any(|host| host.ends_with(".co.uk")));
    assert!(hosts.iter().any(|host| host.ends_with(".com.au")));
    assert!(hosts.iter().any(|host| host.starts_with("www.")));
    assert!(hosts.iter().any(|host| host.ends_with(".blogspot.com")));
    assert!(hosts.iter().any(|host| {
        !host.starts_with("www.") && registrable(host) != *host && !host.ends_with(".blogspot.com")
    }));
    for host in &generated.truth.platform_hosts {
        assert_eq!(&registrable(host), host, "a hosted blog is its own site");
    }
    assert!(rows.iter().any(|row| !row.dofollow));
    assert!(rows.iter().any(|row| row.is_lost));
    assert!(rows.iter().any(|row| row.is_new));
    assert!(rows.iter().any(|row| row.url_to_redirect_target.is_some()));
    let image = rows.iter().find(|row| row.item_type.as_deref() == Some("image")).unwrap();
    assert_eq!(image.anchor.as_deref(), Some(""));
    assert!(image.alt.is_some() && image.image_url.is_some());
}

#[test]
fn dates_are_consistent_and_cover_a_year() {
    let config = small();
    let generated = generate(&config);
    let today_end = config.today.and_hms_opt(23, 59, 59).unwrap().and_utc();
    let mut earliest = today_end;
    for row in &generated.world.backlinks {
        let first = parse_timestamp(row.first_seen.as_deref().unwrap()).unwrap();
        let prev = parse_timestamp(row.prev_seen.as_deref().unwrap()).unwrap();
        let last = parse_timestamp(row.last_seen.as_deref().unwrap()).unwrap();
        assert!(first <= prev && prev <= last && last <= today_end, "{row:?}");
        earliest = earliest.min(first);
    }
    assert!((today_end - earliest).num_days() >= 365);
}

#[test]
fn normal_sites_have_their_own_subnets() {
    let generated = generate(&small());
    let truth = &generated.truth;
    let excluded: BTreeSet<&str> =
        truth.spam_hosts.iter().chain(&truth.platform_hosts).map(String::as_str).collect();
    let mut owners: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in &generated.world.backlinks {
        if excluded.contains(row.domain_from.as_str()) {
            continue;
        }
        let ip = row.domain_from_ip.as_deref().unwrap();
        owners.entry(subnet_of(ip).to_owned()).or_default().insert(registrable(&row.domain_from));
    }
    for (subnet, domains) in owners {
        assert_eq!(domains.len(), 1, "{subnet} is shared by {domains:?}");
    }
}

#[test]
fn networks_share_a_subnet_interlink_and_link_to_their_site() {
    let generated = generate(&small());
    let rows = &generated.world.backlinks;
    assert!(generated.truth.networks.len() >= 2);
    for network in &generated.truth.networks {
        assert!((5..=30).contains(&network.members.len()));
        let prefix = network.subnet.trim_end_matches("0/24");
        let members: BTreeSet<&str> = network.members.iter().map(String::as_str).collect();
        for row in rows.iter().filter(|row| members.contains(row.domain_from.as_str())) {
            let ip = row.domain_from_ip.as_deref().unwrap();
            assert!(ip.starts_with(prefix), "{ip} outside {}", network.subnet);
            assert_eq!(row.semantic_location.as_deref(), Some("footer"));
            assert!(row.links_count >= 2);
            if network.shared_ip_members.contains(&row.domain_from) {
                assert_eq!(ip, network.shared_ip);
            }
        }
        assert!(network.shared_ip_members.len() >= 2);
        for member in &network.members {
            for site in &network.links_to {
                assert!(
                    rows.iter()
                        .any(|row| &row.domain_from == member
                            && &registrable(&row.domain_to) == site)
                );
            }
        }
        let interlinks = rows
            .iter()
            .filter(|row| {
                members.contains(row.domain_from.as_str())
                    && members.contains(row.domain_to.as_str())
            })
            .count();
        assert!(interlinks >= network.members.len());
        assert!(!network.high_spam_score_members.is_empty());
        assert!(network.high_spam_score_members.len() < network.members.len());
    }
}

#[test]
fn farms_have_huge_outbound_counts_and_off_topic_anchors() {
    let generated = generate(&small());
    let rows = &generated.world.backlinks;
    assert!(!generated.truth.farms.is_empty());
    for farm in &generated.truth.farms {
        let farm_rows: Vec<&WorldBacklink> =
            rows.iter().filter(|row| farm.members.contains(&row.domain_from)).collect();
        assert!(farm_rows.iter().all(|row| row.page_from_external_links.unwrap() >= 500));
        assert!(farm_rows.iter().all(|row| farm.links_to.contains(&registrable(&row.domain_to))));
        assert!(farm.min_external_links >= 500);
    }
    let spam_hosts: BTreeSet<&str> =
        generated.truth.spam_hosts.iter().map(String::as_str).collect();
    let spam_rows: Vec<&WorldBacklink> =
        rows.iter().filter(|row| spam_hosts.contains(row.domain_from.as_str())).collect();
    assert!(
        spam_rows.iter().any(|row| SPAM_ANCHORS.contains(&row.anchor.as_deref().unwrap_or("")))
    );
    assert!(spam_rows.iter().any(|row| row.page_from_language.as_deref() != Some("en")));
    assert!(spam_rows.iter().any(|row| SPAM_TLDS.iter().any(|tld| row.domain_from.ends_with(tld))));
    // The API's spam score flags some spam rows but not all, so a heuristic needs other signals.
    assert!(spam_rows.iter().any(|row| row.backlink_spam_score >= 55));
    assert!(spam_rows.iter().any(|row| row.backlink_spam_score <= 30));
}

#[test]
fn the_negative_seo_burst_is_recent_low_rank_and_aimed_at_one_site() {
    let config = small();
    let generated = generate(&config);
    let burst = generated.truth.negative_seo.as_ref().unwrap();
    assert_eq!(burst.site, "trailpeak.com");
    let rows: Vec<&WorldBacklink> = generated
        .world
        .backlinks
        .iter()
        .filter(|row| burst.hosts.contains(&row.domain_from))
        .collect();
    assert_eq!(rows.len(), burst.links);
    assert!(burst.hosts.len() >= 10);
    let from = NaiveDate::parse_from_str(&burst.first_seen_from, "%Y-%m-%d").unwrap();
    for row in rows {
        assert_eq!(registrable(&row.domain_to), burst.site);
        assert!(row.domain_from_rank <= burst.max_rank && burst.max_rank <= 12);
        let first = parse_timestamp(row.first_seen.as_deref().unwrap()).unwrap().date_naive();
        assert!(first >= from && first < config.today);
    }
    let none = generate(&GenConfig { negative_seo_site: None, ..small() });
    assert!(none.truth.negative_seo.is_none());
}

#[test]
fn the_over_optimized_site_is_exact_match_heavy() {
    let generated = generate(&small());
    let truth = &generated.truth;
    assert_eq!(truth.over_optimized, ["ridgeline-outdoors.com"]);
    let spam: BTreeSet<&str> = truth.spam_hosts.iter().map(String::as_str).collect();
    let exact_share = |site: &TruthSite| {
        let (mut exact, mut total) = (0, 0);
        for row in &generated.world.backlinks {
            if registrable(&row.domain_to) == site.domain
                && !spam.contains(row.domain_from.as_str())
            {
                total += 1;
                if row.anchor.as_ref().is_some_and(|anchor| site.keywords.contains(anchor)) {
                    exact += 1;
                }
            }
        }
        f64::from(exact) / f64::from(total)
    };
    for site in &truth.sites {
        let share = exact_share(site);
        if site.over_optimized {
            assert!(share > 0.3, "{} exact share {share}", site.domain);
        } else {
            assert!(share < 0.15, "{} exact share {share}", site.domain);
        }
    }
}

#[test]
fn referring_domains_match_an_independent_count() {
    let generated = generate(&small());
    for site in &generated.truth.sites {
        let mut live = BTreeSet::new();
        let mut any = BTreeSet::new();
        for row in &generated.world.backlinks {
            let source = registrable(&row.domain_from);
            if registrable(&row.domain_to) != site.domain || source == site.domain {
                continue;
            }
            if !row.is_lost {
                live.insert(source.clone());
            }
            any.insert(source);
        }
        assert_eq!(site.referring_domains, live.into_iter().collect::<Vec<_>>(), "{}", site.domain);
        assert_eq!(site.referring_domains_including_lost, any.into_iter().collect::<Vec<_>>());
    }
    // Gaps exist: domains linking to two or more competitors but not to the target.
    let target = generated.truth.site("trailpeak.com").unwrap();
    let mut competitor_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for site in generated.truth.sites.iter().filter(|site| site.role == "competitor") {
        for domain in &site.referring_domains {
            *competitor_counts.entry(domain).or_default() += 1;
        }
    }
    let gaps = competitor_counts
        .iter()
        .filter(|(domain, count)| {
            **count >= 2 && !target.referring_domains.iter().any(|own| own == *domain)
        })
        .count();
    assert!(gaps >= 5, "{gaps} gaps");
}

#[test]
fn domain_rows_cover_most_hosts_and_leave_some_to_derivation() {
    let generated = generate(&small());
    let truth = &generated.truth;
    let given: BTreeSet<&str> =
        generated.world.domains.iter().map(|row| row.domain.as_str()).collect();
    assert!(!truth.hosts_without_domain_row.is_empty());
    for host in &truth.hosts_without_domain_row {
        assert!(!given.contains(host.as_str()));
    }
    let sources: BTreeSet<&str> =
        generated.world.backlinks.iter().map(|row| row.domain_from.as_str()).collect();
    let covered = sources.iter().filter(|host| given.contains(*host)).count();
    assert!(covered * 10 > sources.len() * 9);
    let table = generated.world.domain_table();
    for host in &truth.hosts_without_domain_row {
        let row = &table[host];
        assert!(row.rank.is_some() && row.ip.is_some() && row.spam_score.is_some());
    }
    for site in &truth.sites {
        for host in &site.hosts {
            assert!(given.contains(host.as_str()), "{host}");
        }
    }
}
