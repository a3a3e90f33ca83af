//! Unit tests of the spam signals, networks, levels and determinism.

use chrono::NaiveDate;

use super::*;
use crate::profile::Coverage;

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(day))
}

/// A plain, clean link from `host` to trailpeak.com.
fn link(host: &str) -> Backlink {
    Backlink {
        domain_from: host.to_owned(),
        url_from: format!("https://{host}/post"),
        domain_to: "trailpeak.com".to_owned(),
        url_to: "https://trailpeak.com/".to_owned(),
        anchor: Some("trailpeak".to_owned()),
        dofollow: true,
        domain_from_rank: Some(300),
        page_from_language: Some("en".to_owned()),
        semantic_location: Some("article".to_owned()),
        links_count: Some(1),
        page_from_external_links: Some(12),
        first_seen: Some(date(0)),
        ..Backlink::default()
    }
}

fn profile(rows: Vec<Backlink>) -> Profile {
    Profile {
        site: "trailpeak.com".to_owned(),
        coverage: Coverage::Complete,
        rows: Rows::Backlinks(rows),
    }
}

/// Ten clean links from distinct domains, so majorities (language, script) are set.
fn clean_rows() -> Vec<Backlink> {
    (0..10).map(|idx| link(&format!("clean{idx}.org"))).collect()
}

/// Scores `suspect` among clean rows and returns its domain's risk.
fn risk_of(suspect: Backlink, config: &SpamConfig) -> DomainRisk {
    let domain = crate::domain::registrable_domain(&suspect.domain_from).unwrap();
    let mut rows = clean_rows();
    rows.push(suspect);
    let report = detect_spam(&[profile(rows)], config);
    report.domain(&domain).unwrap().clone()
}

fn signals(risk: &DomainRisk) -> Vec<(Signal, u8)> {
    risk.signals.iter().map(|found| (found.signal, found.points)).collect()
}

#[test]
fn clean_links_score_zero() {
    let report = detect_spam(&[profile(clean_rows())], &SpamConfig::default());
    assert!(report.domains.iter().all(|risk| risk.score == 0 && risk.level == RiskLevel::Low));
    assert!(report.links.is_empty());
    assert!(report.networks.is_empty());
}

#[test]
fn each_link_signal_fires_with_its_points() {
    let config = SpamConfig::default();
    let check = |suspect: Backlink, expected: &[(Signal, u8)]| {
        let risk = risk_of(suspect, &config);
        assert_eq!(signals(&risk), expected, "{:?}", risk.signals);
        let sum: u32 = expected.iter().map(|(_, points)| u32::from(*points)).sum();
        assert_eq!(u32::from(risk.score), sum.min(100));
        assert!(risk.signals.iter().all(|found| !found.evidence.is_empty()));
    };
    check(
        Backlink { backlink_spam_score: Some(60), ..link("api.org") },
        &[(Signal::ApiSpamScore, 30)],
    );
    check(Backlink { backlink_spam_score: Some(20), ..link("quiet.org") }, &[]);
    check(Backlink { links_count: Some(40), ..link("wide.org") }, &[(Signal::Sitewide, 15)]);
    check(
        Backlink { semantic_location: Some("footer".into()), ..link("foot.org") },
        &[(Signal::Sitewide, 15)],
    );
    check(
        Backlink { page_from_external_links: Some(150), ..link("farm1.org") },
        &[(Signal::LinkFarm, 20)],
    );
    check(
        Backlink { page_from_external_links: Some(5000), ..link("farm2.org") },
        &[(Signal::LinkFarm, 40)],
    );
    check(link("cheap.xyz"), &[(Signal::SpamTld, 10)]);
    check(
        Backlink { anchor: Some("best online casino".into()), ..link("bets.org") },
        &[(Signal::SpamAnchor, 40)],
    );
    check(
        Backlink {
            anchor: Some("ботинки для походов".into()), ..link("cyrillic.org")
        },
        &[(Signal::ForeignMoneyAnchor, 20)],
    );
}

#[test]
fn money_anchor_on_a_foreign_language_page_is_flagged() {
    let config = SpamConfig { keywords: vec!["hiking boots".into()], ..SpamConfig::default() };
    let foreign = Backlink {
        anchor: Some("hiking boots".into()),
        page_from_language: Some("ru".into()),
        ..link("foreign.org")
    };
    assert_eq!(signals(&risk_of(foreign.clone(), &config)), [(Signal::ForeignMoneyAnchor, 20)]);
    // Without the keyword (none given, none derivable) the anchor is not a money anchor.
    assert_eq!(risk_of(foreign, &SpamConfig::default()).score, 0);
}

#[test]
fn foreign_branded_anchor_is_not_a_money_anchor() {
    let risk = risk_of(
        Backlink { page_from_language: Some("de".into()), ..link("german.org") },
        &SpamConfig::default(),
    );
    assert_eq!(risk.score, 0);
}

#[test]
fn ignored_topics_are_not_flagged() {
    let config = SpamConfig { ignored_topics: vec![SpamTopic::Casino], ..SpamConfig::default() };
    let risk =
        risk_of(Backlink { anchor: Some("casino bonus".into()), ..link("bets.org") }, &config);
    assert!(signals(&risk).iter().all(|(signal, _)| *signal != Signal::SpamAnchor));
}

#[test]
fn levels_follow_the_cut_offs() {
    let config = SpamConfig::default();
    assert_eq!(config.level(29), RiskLevel::Low);
    assert_eq!(config.level(30), RiskLevel::Medium);
    assert_eq!(config.level(59), RiskLevel::Medium);
    assert_eq!(config.level(60), RiskLevel::High);
    let farm = Backlink {
        anchor: Some("payday loans".into()),
        page_from_external_links: Some(2000),
        ..link("farm.top")
    };
    let risk = risk_of(farm, &config);
    assert_eq!(risk.score, 90);
    assert_eq!(risk.level, RiskLevel::High);
}

#[test]
fn a_domain_takes_its_worst_link_per_signal() {
    let mut rows = clean_rows();
    rows.push(Backlink { backlink_spam_score: Some(10), ..link("mixed.org") });
    rows.push(Backlink {
        url_from: "https://mixed.org/other".into(),
        backlink_spam_score: Some(80),
        ..link("www.mixed.org")
    });
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    let risk = report.domain("mixed.org").unwrap();
    assert_eq!(signals(risk), [(Signal::ApiSpamScore, 45)]);
    assert_eq!(risk.hosts, ["mixed.org", "www.mixed.org"]);
    assert_eq!(risk.links, 2);
    let link_scores: Vec<u8> = report.links.iter().map(|link| link.score).collect();
    assert_eq!(link_scores, [45]);
}

#[test]
fn many_pages_of_one_domain_are_sitewide() {
    let mut rows = clean_rows();
    rows.extend((0..25).map(|idx| Backlink {
        url_from: format!("https://blogroll.org/p{idx}"),
        ..link("blogroll.org")
    }));
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    assert_eq!(signals(report.domain("blogroll.org").unwrap()), [(Signal::Sitewide, 15)]);
}

/// A network: `n` domains on one IP (and so one /24), each with a footer link.
fn network_rows(n: usize) -> Vec<Backlink> {
    (0..n)
        .map(|idx| Backlink {
            domain_from_ip: Some(format!("203.0.113.{}", 10 + idx % 2)),
            semantic_location: Some("footer".into()),
            ..link(&format!("pbn{idx}.net"))
        })
        .collect()
}

#[test]
fn network_is_detected_and_reported_as_one_unit() {
    let mut rows = clean_rows();
    rows.extend(network_rows(6));
    // Two clean domains on a shared host: below the group minimum, no network.
    for host in ["shared1.org", "shared2.org"] {
        rows.push(Backlink { domain_from_ip: Some("198.51.100.7".into()), ..link(host) });
    }
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    assert_eq!(report.networks.len(), 1, "{:?}", report.networks);
    let network = &report.networks[0];
    assert_eq!(network.id, "net:pbn0.net");
    assert_eq!(network.members.len(), 6);
    assert_eq!(network.shared_ips, ["203.0.113.10", "203.0.113.11"]);
    assert_eq!(network.shared_subnets, ["203.0.113.0/24"]);
    assert_eq!(network.total_links, 6);
    assert_eq!(
        network.links_to,
        [NetworkTarget { site: "trailpeak.com".into(), domains: 6, links: 6 }]
    );
    assert!(network.note.contains("one link"));
    let member = report.domain("pbn3.net").unwrap();
    assert_eq!(member.network.as_deref(), Some("net:pbn0.net"));
    // Shared IP 20 + subnet 10 capped at 25, plus the footer link: medium.
    assert_eq!(
        signals(member),
        [(Signal::SharedIp, 20), (Signal::SharedSubnet, 5), (Signal::Sitewide, 15)]
    );
    assert_eq!(member.level, RiskLevel::Medium);
    assert_eq!(report.domain("shared1.org").unwrap().score, 0);
}

#[test]
fn shared_hosting_alone_stays_low() {
    let mut rows = clean_rows();
    rows.extend((0..5).map(|idx| Backlink {
        domain_from_ip: Some("198.51.100.7".into()),
        ..link(&format!("host{idx}.org"))
    }));
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    assert_eq!(report.networks.len(), 1);
    assert_eq!(report.networks[0].level, RiskLevel::Low);
}

#[test]
fn huge_ip_groups_are_treated_as_cdn() {
    let config = SpamConfig { max_group_domains: 4, ..SpamConfig::default() };
    let mut rows = clean_rows();
    rows.extend(
        network_rows(6)
            .into_iter()
            .map(|row| Backlink { domain_from_ip: Some("203.0.113.10".into()), ..row }),
    );
    let report = detect_spam(&[profile(rows)], &config);
    assert!(report.networks.is_empty());
}

#[test]
fn interlinked_sources_form_a_network() {
    let mut rows = clean_rows();
    for (from, to) in
        [("ring1.org", "ring2.org"), ("ring2.org", "ring3.org"), ("ring3.org", "ring1.org")]
    {
        rows.push(link(from));
        // A row of the data in which one source links to another source.
        rows.push(Backlink {
            domain_to: to.to_owned(),
            url_to: format!("https://{to}/"),
            url_from: format!("https://{from}/friends"),
            ..link(from)
        });
    }
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    assert_eq!(report.networks.len(), 1);
    assert_eq!(report.networks[0].members, ["ring1.org", "ring2.org", "ring3.org"]);
    assert_eq!(report.networks[0].interlinks, 3);
    assert_eq!(signals(report.domain("ring2.org").unwrap()), [(Signal::Interlinks, 15)]);
}

#[test]
fn low_rank_domain_with_its_own_burst_is_flagged() {
    let mut rows = clean_rows();
    rows.extend((0..20).map(|idx| Backlink {
        url_from: format!("https://burst.org/p{idx}"),
        domain_from_rank: Some(5),
        first_seen: Some(date(100 + idx % 7)),
        ..link("burst.org")
    }));
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    let risk = report.domain("burst.org").unwrap();
    assert!(signals(risk).contains(&(Signal::LowRankBurst, 25)), "{:?}", risk.signals);
}

#[test]
fn cohort_of_new_low_rank_domains_is_a_burst() {
    let mut rows = Vec::new();
    // A steady trickle: one low-rank domain every 20 days for 400 days...
    rows.extend((0..20).map(|idx| Backlink {
        domain_from_rank: Some(20),
        first_seen: Some(date(idx * 20)),
        ..link(&format!("steady{idx}.org"))
    }));
    // ...then twelve in one week.
    rows.extend((0..12).map(|idx| Backlink {
        domain_from_rank: Some(20),
        first_seen: Some(date(500 + idx % 7)),
        ..link(&format!("wave{idx}.org"))
    }));
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    let flagged: Vec<&str> = report
        .domains
        .iter()
        .filter(|risk| risk.signals.iter().any(|found| found.signal == Signal::LowRankBurst))
        .map(|risk| risk.domain.as_str())
        .collect();
    assert_eq!(flagged.len(), 12, "{flagged:?}");
    assert!(flagged.iter().all(|domain| domain.starts_with("wave")));
}

#[test]
fn referring_domain_rows_are_scored_too() {
    let rows = vec![
        ReferringDomain { domain: "ok.org".into(), backlinks: 1, ..ReferringDomain::default() },
        ReferringDomain {
            domain: "spammy.xyz".into(),
            backlinks: 300,
            backlinks_spam_score: Some(70),
            ..ReferringDomain::default()
        },
    ];
    let profile = Profile {
        site: "trailpeak.com".into(),
        coverage: Coverage::Complete,
        rows: Rows::ReferringDomains(rows),
    };
    let report = detect_spam(&[profile], &SpamConfig::default());
    let risk = report.domain("spammy.xyz").unwrap();
    assert_eq!(
        signals(risk),
        [(Signal::ApiSpamScore, 38), (Signal::Sitewide, 15), (Signal::SpamTld, 10)]
    );
    assert_eq!(risk.level, RiskLevel::High);
    assert_eq!(report.domain("ok.org").unwrap().score, 0);
}

#[test]
fn internal_and_lost_links_are_skipped() {
    let mut rows = clean_rows();
    rows.push(link("blog.trailpeak.com"));
    rows.push(Backlink { is_lost: true, backlink_spam_score: Some(90), ..link("gone.org") });
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    assert!(report.domain("trailpeak.com").is_none());
    assert!(report.domain("gone.org").is_none());
}

#[test]
fn report_is_independent_of_input_order() {
    let mut rows = clean_rows();
    rows.extend(network_rows(5));
    rows.push(Backlink {
        anchor: Some("viagra".into()),
        backlink_spam_score: Some(40),
        ..link("pills.top")
    });
    rows.push(Backlink { backlink_spam_score: Some(40), ..link("www.pills.top") });
    let first = detect_spam(&[profile(rows.clone())], &SpamConfig::default());
    rows.reverse();
    rows.rotate_left(3);
    let second = detect_spam(&[profile(rows.clone())], &SpamConfig::default());
    assert_eq!(first, second);
    let single_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let third = single_thread.install(|| detect_spam(&[profile(rows)], &SpamConfig::default()));
    assert_eq!(third, first);
}

#[test]
fn prospect_risks_cover_domains_and_hosts() {
    let mut rows = clean_rows();
    rows.extend(network_rows(6));
    rows.push(Backlink { backlink_spam_score: Some(100), ..link("WWW.Spam.org") });
    rows.push(Backlink { backlink_spam_score: Some(100), ..link("blog.spam.org") });
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    let risks = report.prospect_risks();
    let find = |name: &str| risks.iter().find(|risk| risk.domain == name).unwrap();
    assert_eq!(find("spam.org").score, 60);
    assert_eq!(find("blog.spam.org").score, 60);
    assert_eq!(find("pbn1.net").network.as_deref(), Some("net:pbn0.net"));
    assert_eq!(find("clean0.org").score, 0);
    let mut names: Vec<&str> = risks.iter().map(|risk| risk.domain.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), risks.len());
}

#[test]
fn a_network_with_risky_members_is_risky_as_a_whole() {
    let plain_network = || {
        let mut members = network_rows(6);
        for member in &mut members {
            member.semantic_location = Some("article".into());
        }
        members
    };
    // Two of six members carry spam anchors: the network is judged as a unit.
    let mut members = plain_network();
    members[0].anchor = Some("casino bonus".into());
    members[1].anchor = Some("payday loans".into());
    let mut rows = clean_rows();
    rows.extend(members);
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    let quiet = report.domain("pbn4.net").unwrap();
    assert_eq!(
        signals(quiet),
        [(Signal::SharedIp, 20), (Signal::SharedSubnet, 5), (Signal::RiskyNetwork, 20)]
    );
    assert_eq!(quiet.level, RiskLevel::Medium);
    assert!(quiet.signals[2].evidence.contains("2 of the 6 members"), "{:?}", quiet.signals);
    // One risky member of six is not enough.
    let mut members = plain_network();
    members[0].anchor = Some("casino bonus".into());
    let mut rows = clean_rows();
    rows.extend(members);
    let report = detect_spam(&[profile(rows)], &SpamConfig::default());
    assert_eq!(report.domain("pbn4.net").unwrap().level, RiskLevel::Low);
}

#[test]
fn no_profiles_give_an_empty_report() {
    let report = detect_spam(&[], &SpamConfig::default());
    assert!(report.domains.is_empty() && report.links.is_empty() && report.networks.is_empty());
    assert!(report.prospect_risks().is_empty());
}

/// Thousands of mixed rows over three sites: networks on shared subnets, interlinks between
/// sources, farms, spam and foreign anchors, bursts, lost links and a referring-domain profile.
/// Every source page is distinct: links that tie on every sort key keep their input order.
fn many_profiles(shift: usize) -> Vec<Profile> {
    let sites = ["trailpeak.com", "summitgear.co.uk", "wildtrail.net"];
    let mut profiles: Vec<Profile> = sites
        .iter()
        .enumerate()
        .map(|(site_idx, site)| {
            let mut rows: Vec<Backlink> = (0..4000_usize)
                .map(|idx| {
                    let n = idx * 7 + site_idx * 13;
                    let domain = n % 700;
                    let host = if n % 3 == 0 {
                        format!("www.d{domain}.{}", ["com", "xyz", "org"][domain % 3])
                    } else {
                        format!("d{domain}.{}", ["com", "xyz", "org"][domain % 3])
                    };
                    let to = if n % 97 == 0 {
                        format!("d{}.com", (domain + 3) % 700 / 3 * 3)
                    } else {
                        (*site).to_owned()
                    };
                    Backlink {
                        url_from: format!("https://{host}/p{idx}"),
                        url_to: format!("https://{to}/"),
                        domain_to: to,
                        anchor: Some(
                            ["trailpeak", "online casino", "hiking boots", "купить ботинки"][n % 4]
                                .to_owned(),
                        ),
                        page_from_language: Some(if n % 11 == 0 { "de" } else { "en" }.into()),
                        domain_from_ip: Some(format!("10.0.{}.{}", domain / 40, domain % 40)),
                        domain_from_rank: Some((domain % 150) as u32),
                        page_from_external_links: Some((n % 1200) as u32),
                        links_count: Some((n % 6) as u32),
                        is_lost: n % 17 == 0,
                        first_seen: Some(date((n % 200) as u32)),
                        ..link(&host)
                    }
                })
                .collect();
            let len = rows.len();
            rows.rotate_left(shift % len);
            Profile { rows: Rows::Backlinks(rows), ..profile(Vec::new()) }
        })
        .zip(sites)
        .map(|(profile, site)| Profile { site: site.to_owned(), ..profile })
        .collect();
    let mut domains: Vec<ReferringDomain> = (0..900_usize)
        .map(|idx| ReferringDomain {
            domain: format!("d{}.{}", idx % 800, ["net", "top"][idx % 2]),
            backlinks: (idx % 40) as u64,
            backlinks_spam_score: Some((idx % 90) as u8),
            ip: Some(format!("10.1.{}.1", idx % 30)),
            rank: Some((idx % 200) as u32),
            first_seen: Some(date((idx % 60) as u32)),
            ..ReferringDomain::default()
        })
        .collect();
    let len = domains.len();
    domains.rotate_left(shift % len);
    profiles.push(Profile {
        site: "basecamp-supply.com".into(),
        coverage: Coverage::Complete,
        rows: Rows::ReferringDomains(domains),
    });
    profiles
}

#[test]
fn report_is_identical_on_one_thread_and_many() {
    let profiles = many_profiles(0);
    let config = SpamConfig::default();
    let pool = |threads| rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let single = pool(1).install(|| detect_spam(&profiles, &config));
    let multi = pool(4).install(|| detect_spam(&profiles, &config));
    assert!(!single.networks.is_empty() && !single.links.is_empty());
    assert!(single.domains.iter().any(|risk| risk.level == RiskLevel::High));
    assert_eq!(single, multi);
    let rotated = pool(3).install(|| detect_spam(&many_profiles(1234), &config));
    assert_eq!(single, rotated);
}

#[test]
fn a_gap_ranks_the_same_with_its_own_risks_with_all_and_with_the_lean_ones() {
    let profiles = many_profiles(0);
    let report = detect_spam(&profiles, &SpamConfig::default());
    let all = report.prospect_risks();
    let lean = spam_risks(&profiles, &SpamConfig::default());
    // The report's entries named by a domain (the others are its hosts), in name order.
    let domains: HashSet<&str> = report.domains.iter().map(|risk| risk.domain.as_str()).collect();
    let expected: Vec<ProspectRisk> =
        all.iter().filter(|risk| domains.contains(risk.domain.as_str())).cloned().collect();
    assert_eq!(lean.len(), report.domains.len());
    assert_eq!(lean, expected, "the same scores and networks as the report's");
    assert!(lean.iter().any(|risk| risk.network.is_some() && risk.score >= 60));
    // The referring-domain profile is the target: the three link profiles share sources.
    let (target, competitors) = profiles.split_last().unwrap();
    let prepared = crate::prepare(target, competitors);
    for level in [crate::Level::Domain, crate::Level::Host, crate::Level::Page] {
        // Each page links to one site: pages are prospects from one competitor on.
        let k = if level == crate::Level::Page { 1 } else { 2 };
        let config = crate::GapConfig { level, min_competitors: Some(k), ..Default::default() };
        let gap = crate::find_gaps(&prepared, &config);
        let own = report.prospect_risks_of(&gap);
        assert!(own.len() < report.domains.len(), "{level:?}: only the gap's domains are indexed");
        // Every category is ranked, so every row of the gap looks its risk up.
        let categories = crate::Category::ALL.to_vec();
        let outreach = crate::OutreachConfig { categories, ..crate::OutreachConfig::default() };
        let ranked = crate::rank_prospects(&gap, &own, &outreach);
        let with_all = crate::rank_prospects(&gap, &all, &outreach);
        assert_eq!(ranked, with_all, "{level:?}");
        let with_lean = crate::rank_prospects(&gap, &lean, &outreach);
        assert_eq!(ranked, with_lean, "{level:?}");
        assert!(ranked.iter().any(|prospect| prospect.factors[5].value > 0.0), "{level:?}");
    }
}
