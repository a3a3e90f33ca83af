//! Tests of the conversions: every field of every wire type, coverage, bulk rows, and the fast
//! world parser against the world loader.

use chrono::NaiveDate;
use serde_json::json;

use super::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn a_backlink_item_keeps_every_field() {
    let item: BacklinkItem = serde_json::from_value(json!({
        "type": "backlink", "domain_from": "blog.partner.io", "url_from": "https://blog.partner.io/guide",
        "domain_to": "example.com", "url_to": "https://example.com/tools", "tld_from": "io",
        "is_new": false, "is_lost": true, "backlink_spam_score": 250, "rank": 128,
        "page_from_rank": 270, "domain_from_rank": 5_000_000_000u64, "domain_from_ip": "203.0.113.7",
        "domain_from_country": "US", "page_from_external_links": 10, "page_from_internal_links": 43,
        "page_from_language": "en", "page_from_title": "The complete guide",
        "page_from_status_code": 200, "first_seen": "2024-03-26 23:46:50 -02:00",
        "last_seen": "2024-12-01 08:00:00 +00:00", "item_type": "image", "attributes": ["ugc"],
        "dofollow": false, "alt": "logo", "anchor": "best tools", "text_pre": "see the",
        "text_post": "for details", "semantic_location": "article", "links_count": 2,
        "is_broken": true, "url_to_status_code": 301, "url_to_redirect_target": "https://example.com/new"
    }))
    .unwrap();
    let expected = Backlink {
        domain_from: "blog.partner.io".into(),
        url_from: "https://blog.partner.io/guide".into(),
        domain_to: "example.com".into(),
        url_to: "https://example.com/tools".into(),
        anchor: Some("best tools".into()),
        alt: Some("logo".into()),
        item_type: Some("image".into()),
        dofollow: false,
        attributes: vec!["ugc".into()],
        is_lost: true,
        is_broken: true,
        // 23:46 at -02:00 is the next day in UTC.
        first_seen: Some(day("2024-03-27")),
        last_seen: Some(day("2024-12-01")),
        domain_from_rank: Some(u32::MAX),
        page_from_rank: Some(270),
        backlink_spam_score: Some(100),
        domain_from_ip: Some("203.0.113.7".into()),
        domain_from_country: Some("US".into()),
        tld_from: Some("io".into()),
        page_from_external_links: Some(10),
        page_from_internal_links: Some(43),
        page_from_language: Some("en".into()),
        page_from_title: Some("The complete guide".into()),
        page_from_status_code: Some(200),
        links_count: Some(2),
        semantic_location: Some("article".into()),
        text_pre: Some("see the".into()),
        text_post: Some("for details".into()),
        url_to_redirect_target: Some("https://example.com/new".into()),
        url_to_status_code: Some(301),
    };
    assert_eq!(backlink(&item), expected);
}

#[test]
fn a_backlink_without_dofollow_reads_its_rel_attributes() {
    let item: BacklinkItem =
        serde_json::from_value(json!({"domain_from": "a.org", "attributes": ["nofollow"]}))
            .unwrap();
    let converted = backlink(&item);
    assert!(!converted.dofollow);
    assert_eq!(
        (converted.first_seen, converted.domain_from_rank, converted.is_lost),
        (None, None, false)
    );
    let item: BacklinkItem = serde_json::from_value(json!({"domain_from": "a.org"})).unwrap();
    assert!(backlink(&item).dofollow);
}

#[test]
fn a_referring_domain_item_keeps_every_field() {
    let item: ReferringDomainsItem = serde_json::from_value(json!({
        "type": "backlinks_referring_domain", "domain": "news.site.org", "rank": 420,
        "backlinks": 12, "first_seen": "2019-09-17 05:41:24 +00:00",
        "lost_date": "2024-02-01 00:00:00 +00:00", "backlinks_spam_score": 7,
        "referring_pages": 5, "referring_links_attributes": {"nofollow": 4, "ugc": 1}
    }))
    .unwrap();
    let expected = ReferringDomain {
        domain: "news.site.org".into(),
        rank: Some(420),
        backlinks: 12,
        nofollow_backlinks: Some(4),
        referring_pages: Some(5),
        first_seen: Some(day("2019-09-17")),
        lost_date: Some(day("2024-02-01")),
        backlinks_spam_score: Some(7),
        ip: None,
    };
    assert_eq!(referring_domain(&item), expected);
    let bare: ReferringDomainsItem = serde_json::from_value(json!({"domain": "a.org"})).unwrap();
    let converted = referring_domain(&bare);
    assert_eq!((converted.backlinks, converted.nofollow_backlinks), (0, None));
    let no_nofollow: ReferringDomainsItem =
        serde_json::from_value(json!({"domain": "a.org", "referring_links_attributes": {}}))
            .unwrap();
    assert_eq!(referring_domain(&no_nofollow).nofollow_backlinks, Some(0));
}

#[test]
fn coverage_is_complete_unless_the_row_cap_stopped_the_fetch() {
    assert_eq!(coverage(40, Some(40), false, true), Coverage::Complete);
    assert_eq!(coverage(1000, Some(1000), true, true), Coverage::Complete);
    assert_eq!(
        coverage(1000, Some(5000), true, true),
        Coverage::Truncated { fetched: 1000, total: 5000 }
    );
    // `referring_domains` counts main domains in `total_count`: hosts can outnumber it.
    assert_eq!(
        coverage(1000, Some(900), true, false),
        Coverage::Truncated { fetched: 1000, total: 1000 }
    );
    assert_eq!(coverage(120, Some(90), false, false), Coverage::Complete);
}

#[test]
fn profiles_carry_the_site_coverage_and_rows() {
    let items: Vec<ReferringDomainsItem> =
        vec![serde_json::from_value(json!({"domain": "a.org", "backlinks": 3})).unwrap()];
    let profile = referring_domains_profile("me.com", &items, Coverage::Complete);
    assert_eq!(profile.site, "me.com");
    assert!(matches!(&profile.rows, Rows::ReferringDomains(rows) if rows[0].backlinks == 3));
    let links: Vec<BacklinkItem> =
        vec![serde_json::from_value(json!({"url_from": "https://a.org/x"})).unwrap()];
    let truncated = Coverage::Truncated { fetched: 1, total: 9 };
    let profile = backlinks_profile("me.com", &links, truncated);
    assert_eq!(profile.coverage, truncated);
    assert!(
        matches!(&profile.rows, Rows::Backlinks(rows) if rows[0].url_from == "https://a.org/x")
    );
}

#[test]
fn bulk_rows_join_every_endpoint_by_target_and_keep_gaps_as_none() {
    let targets = vec!["a.com".to_owned(), "b.com".to_owned()];
    let mut answers = BulkAnswers::default();
    answers.ranks.insert(
        "a.com".into(),
        serde_json::from_value(json!({"target": "a.com", "rank": 310})).unwrap(),
    );
    answers.backlinks.insert(
        "a.com".into(),
        serde_json::from_value(json!({"target": "a.com", "backlinks": 900})).unwrap(),
    );
    answers.spam_scores.insert(
        "a.com".into(),
        serde_json::from_value(json!({"target": "a.com", "spam_score": 140})).unwrap(),
    );
    answers.referring_domains.insert(
        "a.com".into(),
        serde_json::from_value(
            json!({"target": "a.com", "referring_domains": 80, "referring_main_domains": 70}),
        )
        .unwrap(),
    );
    answers.new_lost_backlinks.insert(
        "a.com".into(),
        serde_json::from_value(json!({"target": "a.com", "new_backlinks": 5, "lost_backlinks": 2}))
            .unwrap(),
    );
    answers.new_lost_referring_domains.insert(
        "a.com".into(),
        serde_json::from_value(
            json!({"target": "a.com", "new_reffering_domains": 3, "lost_referring_domains": 1}),
        )
        .unwrap(),
    );
    let rows = bulk_rows(&targets, &answers);
    assert_eq!(
        rows[0],
        BulkRow {
            target: "a.com".into(),
            rank: Some(310),
            referring_domains: Some(80),
            referring_main_domains: Some(70),
            backlinks: Some(900),
            spam_score: Some(100),
            new_backlinks: Some(5),
            lost_backlinks: Some(2),
            new_referring_domains: Some(3),
            lost_referring_domains: Some(1),
        }
    );
    assert_eq!(rows[1], BulkRow { target: "b.com".into(), ..BulkRow::default() });
}

#[test]
fn a_world_row_keeps_every_field() {
    let row: WorldBacklink = serde_json::from_value(json!({
        "domain_from": "a.org", "url_from": "https://a.org/p", "domain_to": "me.com",
        "url_to": "https://me.com/", "anchor": "me", "dofollow": false, "is_lost": true,
        "is_broken": true, "first_seen": "2025-01-02 03:04:05 +00:00",
        "last_seen": "2025-02-03 00:00:00 +00:00", "domain_from_rank": 300, "page_from_rank": 40,
        "backlink_spam_score": 12, "domain_from_ip": "198.51.100.4", "domain_from_country": "DE",
        "tld_from": "org", "page_from_external_links": 3, "page_from_internal_links": 9,
        "page_from_language": "de", "page_from_title": "T", "page_from_status_code": 404,
        "links_count": 2, "semantic_location": "footer", "attributes": ["nofollow"], "alt": "x",
        "text_pre": "a", "text_post": "b", "url_to_status_code": 200,
        "url_to_redirect_target": "https://me.com/r"
    }))
    .unwrap();
    let expected = Backlink {
        domain_from: "a.org".into(),
        url_from: "https://a.org/p".into(),
        domain_to: "me.com".into(),
        url_to: "https://me.com/".into(),
        anchor: Some("me".into()),
        alt: Some("x".into()),
        item_type: Some("anchor".into()),
        dofollow: false,
        attributes: vec!["nofollow".into()],
        is_lost: true,
        is_broken: true,
        first_seen: Some(day("2025-01-02")),
        last_seen: Some(day("2025-02-03")),
        domain_from_rank: Some(300),
        page_from_rank: Some(40),
        backlink_spam_score: Some(12),
        domain_from_ip: Some("198.51.100.4".into()),
        domain_from_country: Some("DE".into()),
        tld_from: Some("org".into()),
        page_from_external_links: Some(3),
        page_from_internal_links: Some(9),
        page_from_language: Some("de".into()),
        page_from_title: Some("T".into()),
        page_from_status_code: Some(404),
        links_count: Some(2),
        semantic_location: Some("footer".into()),
        text_pre: Some("a".into()),
        text_post: Some("b".into()),
        url_to_redirect_target: Some("https://me.com/r".into()),
        url_to_status_code: Some(200),
    };
    assert_eq!(world_backlink(&row), expected);
    assert_eq!(world_backlink_last_seen(&row), Some(day("2025-02-03")));
}

#[test]
fn live_profile_scope_includes_subdomains_and_excludes_internal_and_lost_links() {
    assert!(in_live_profile("a.org", "blog.me.com", false, "me.com"));
    assert!(!in_live_profile("a.org", "notme.com", false, "me.com"));
    assert!(!in_live_profile("shop.me.com", "me.com", false, "me.com"));
    assert!(!in_live_profile("a.org", "me.com", true, "me.com"));
}

#[test]
fn fast_dates_agree_with_the_full_timestamp_parser() {
    assert_eq!(fast_date("2024-03-26 02:46:50 +00:00"), Some(day("2024-03-26")));
    assert_eq!(fast_date("2024-03-26 23:00:00 -02:00"), Some(day("2024-03-27")));
    assert_eq!(fast_date("2024-13-26 00:00:00 +00:00"), None);
    assert_eq!(fast_date("yesterday"), None);
}

fn line(from: &str, to: &str, extra: &str) -> String {
    format!(
        r#"{{"domain_from":"{from}","url_from":"https://{from}/p","domain_to":"{to}","url_to":"https://{to}/"{extra}}}"#
    )
}

#[test]
fn world_jsonl_aggregates_referring_domains_per_site() {
    let lines = [
        line("a.org", "me.com", r#","domain_from_rank":300,"backlink_spam_score":10,"first_seen":"2024-05-01 00:00:00 +00:00""#),
        line("a.org", "blog.me.com", r#","dofollow":false,"domain_from_rank":100,"backlink_spam_score":21,"first_seen":"2024-01-01 00:00:00 +00:00""#),
        line("a.org", "rival.com", ""),
        line("b.org", "me.com", r#","is_lost":true"#),
        line("shop.me.com", "me.com", ""),
        String::new(),
        // An escaped slash makes the host an owned string; it must still merge.
        r#"{"domain_from":"c.org","url_from":"https:\/\/c.org\/","domain_to":"rival.com","url_to":"https:\/\/rival.com\/"}"#.to_owned(),
    ];
    let text = lines.join("\n");
    let sites = vec!["me.com".to_owned(), "rival.com".to_owned()];
    let rows = referring_domains_from_jsonl(text.as_bytes(), &sites).unwrap();
    assert_eq!(
        rows[0],
        vec![ReferringDomain {
            domain: "a.org".into(),
            rank: Some(300),
            backlinks: 2,
            nofollow_backlinks: Some(1),
            referring_pages: None,
            first_seen: Some(day("2024-01-01")),
            lost_date: None,
            backlinks_spam_score: Some(16),
            ip: None,
        }]
    );
    let hosts: Vec<&str> = rows[1].iter().map(|row| row.domain.as_str()).collect();
    assert_eq!(hosts, ["a.org", "c.org"]);
}

#[test]
fn a_bad_world_line_is_reported_with_its_number() {
    let good = line("a.org", "me.com", "");
    let sites = vec!["me.com".to_owned()];
    let text = format!("{good}\n\n{{oops\n{good}\n");
    let error = referring_domains_from_jsonl(text.as_bytes(), &sites).unwrap_err();
    assert_eq!(error.line, 3, "{error:?}");
    let text = format!("{good}\n{}\n", line("", "me.com", ""));
    let error = referring_domains_from_jsonl(text.as_bytes(), &sites).unwrap_err();
    assert_eq!((error.line, error.problem.as_str()), (2, "missing or empty `domain_from`"));
    let text = line("a.org", "me.com", r#","first_seen":"soon""#);
    let error = referring_domains_from_jsonl(text.as_bytes(), &sites).unwrap_err();
    assert!(error.problem.contains("`first_seen`"), "{error:?}");
}

#[test]
fn the_fast_parser_matches_the_world_loader_on_the_demo_world() {
    let world = linkgap_world::demo_world();
    let mut text = String::new();
    for row in &world.backlinks {
        text.push_str(&serde_json::to_string(row).unwrap());
        text.push('\n');
    }
    let sites = vec!["trailpeak.com".to_owned(), "wildtrail.net".to_owned()];
    let fast = referring_domains_from_jsonl(text.as_bytes(), &sites).unwrap();
    for (site, fast_rows) in sites.iter().zip(&fast) {
        let mut slow: BTreeMap<&str, (u64, u32)> = BTreeMap::new();
        for row in &world.backlinks {
            if in_live_profile(&row.domain_from, &row.domain_to, row.is_lost, site) {
                let entry = slow.entry(&row.domain_from).or_default();
                entry.0 += 1;
                entry.1 = entry.1.max(row.domain_from_rank);
            }
        }
        let fast_view: BTreeMap<&str, (u64, u32)> = fast_rows
            .iter()
            .map(|row| (row.domain.as_str(), (row.backlinks, row.rank.unwrap())))
            .collect();
        assert!(!slow.is_empty());
        assert_eq!(fast_view, slow, "{site}");
    }
}

#[test]
fn line_blocks_cover_the_input_and_end_at_line_ends() {
    let text = "a\nbb\nccc\n\ndddddddd\ne";
    for block_bytes in [1, 2, 3, 5, 64] {
        let pool = Mutex::new(Vec::new());
        let blocks = LineBlocks {
            reader: text.as_bytes(),
            block_bytes,
            carry: Vec::new(),
            next_idx: 0,
            done: false,
            pool: &pool,
        };
        let blocks: Vec<Block> = blocks.map(Result::unwrap).collect();
        let joined: Vec<u8> = blocks.iter().flat_map(|block| block.bytes.clone()).collect();
        assert_eq!(joined, text.as_bytes(), "{block_bytes}");
        let indices: Vec<usize> = blocks.iter().map(|block| block.idx).collect();
        assert_eq!(indices, (0..blocks.len()).collect::<Vec<_>>());
        for block in &blocks[..blocks.len() - 1] {
            assert_eq!(block.bytes.last(), Some(&b'\n'), "{block_bytes}");
        }
    }
}

#[test]
fn small_blocks_give_the_same_rows_and_line_numbers_as_one_block() {
    let world = linkgap_world::demo_world();
    let mut text = String::new();
    for row in &world.backlinks {
        text.push_str(&serde_json::to_string(row).unwrap());
        text.push('\n');
    }
    let sites = vec!["trailpeak.com".to_owned(), "wildtrail.net".to_owned()];
    let whole = scan_world(text.as_bytes(), &sites, text.len() + 1).unwrap();
    let small = scan_world(text.as_bytes(), &sites, 1000).unwrap();
    assert_eq!(whole, small);
    // A bad line far into the file, and a second one after it: the first is reported.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(3000, "{\"domain_from\": oops}");
    lines.insert(3500, "not json");
    let broken = lines.join("\n");
    for block_bytes in [1000, 1 << 20] {
        let Err(ScanError::Line(error)) = scan_world(broken.as_bytes(), &sites, block_bytes) else {
            panic!("the bad line was not found");
        };
        assert_eq!(error.line, 3001, "{block_bytes}: {error:?}");
    }
}

#[test]
fn a_read_error_stops_the_scan() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    let sites = vec!["me.com".to_owned()];
    let Err(ScanError::Read(error)) = referring_domains_from_reader(Failing, &sites) else {
        panic!("the read error was lost");
    };
    assert_eq!(error.to_string(), "disk on fire");
}

#[test]
fn escaped_strings_parse_like_plain_ones() {
    let sites = vec!["me.com".to_owned()];
    let plain = line("a.org", "me.com", r#","first_seen":"2024-05-01 00:00:00 +00:00""#);
    let escaped = r#"{"domain_from":"\u0061.org","url_from":"https:\/\/a.org\/p","domain_to":"me\u002ecom","url_to":"https://me.com/","first_seen":"2024-05-01 00:00:00 \u002b00:00"}"#;
    let from_plain = referring_domains_from_jsonl(plain.as_bytes(), &sites).unwrap();
    let from_escaped = referring_domains_from_jsonl(escaped.as_bytes(), &sites).unwrap();
    assert_eq!(from_plain, from_escaped);
    assert_eq!(from_plain[0][0].domain, "a.org");
}
