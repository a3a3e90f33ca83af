//! Tests of world loading and writing.

use std::path::Path;

use tempfile::TempDir;

use super::*;

const ROW: &str = r#"{"domain_from":"blog.example.org","url_from":"https://blog.example.org/a","domain_to":"www.trailpeak.com","url_to":"https://www.trailpeak.com/"}"#;

fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn load_error(files: &[(&str, &str)]) -> String {
    let dir = dir_with(files);
    let error = World::load(dir.path()).unwrap_err();
    error.to_string()
}

fn sample_world() -> World {
    let full = WorldBacklink {
        domain_from: "news.example.co.uk".to_owned(),
        url_from: "https://news.example.co.uk/story".to_owned(),
        domain_to: "summitgear.co.uk".to_owned(),
        url_to: "https://summitgear.co.uk/boots".to_owned(),
        anchor: Some("hiking boots".to_owned()),
        dofollow: false,
        is_lost: true,
        first_seen: Some("2025-01-02 03:04:05 +00:00".to_owned()),
        last_seen: Some("2025-06-02 03:04:05 +00:00".to_owned()),
        domain_from_rank: 420,
        backlink_spam_score: 12,
        domain_from_ip: Some("81.2.3.4".to_owned()),
        attributes: Some(vec!["nofollow".to_owned()]),
        links_count: 3,
        ..WorldBacklink::default()
    };
    let minimal = WorldBacklink {
        domain_from: "alice.blogspot.com".to_owned(),
        url_from: "https://alice.blogspot.com/p".to_owned(),
        domain_to: "www.trailpeak.com".to_owned(),
        url_to: "https://www.trailpeak.com/".to_owned(),
        ..WorldBacklink::default()
    };
    let domain = WorldDomain {
        domain: "news.example.co.uk".to_owned(),
        rank: Some(430),
        country: Some("GB".to_owned()),
        ..WorldDomain::default()
    };
    World { backlinks: vec![full, minimal], domains: vec![domain] }
}

#[test]
fn every_compression_round_trips() {
    let world = sample_world();
    for compression in Compression::ALL {
        let dir = tempfile::tempdir().unwrap();
        world.write(dir.path(), compression).unwrap();
        assert!(dir.path().join(compression.file_name(BACKLINKS_FILE)).is_file());
        assert!(dir.path().join(compression.file_name(DOMAINS_FILE)).is_file());
        assert_eq!(World::load(dir.path()).unwrap(), world, "{compression}");
    }
}

#[test]
fn writing_twice_gives_identical_bytes() {
    let world = sample_world();
    for compression in Compression::ALL {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        world.write(first.path(), compression).unwrap();
        world.write(second.path(), compression).unwrap();
        let name = compression.file_name(BACKLINKS_FILE);
        assert_eq!(
            std::fs::read(first.path().join(&name)).unwrap(),
            std::fs::read(second.path().join(&name)).unwrap()
        );
    }
}

#[test]
fn rewriting_in_another_compression_replaces_the_old_files() {
    let dir = tempfile::tempdir().unwrap();
    let world = sample_world();
    world.write(dir.path(), Compression::None).unwrap();
    world.write(dir.path(), Compression::Zstd).unwrap();
    assert!(!dir.path().join(BACKLINKS_FILE).exists());
    assert!(!dir.path().join(DOMAINS_FILE).exists());
    assert_eq!(World::load(dir.path()).unwrap(), world);
}

#[test]
fn missing_fields_take_the_documented_defaults() {
    let dir = dir_with(&[(BACKLINKS_FILE, ROW)]);
    let world = World::load(dir.path()).unwrap();
    assert!(world.domains.is_empty());
    let row = &world.backlinks[0];
    assert!(row.dofollow);
    assert!(!row.is_lost && !row.is_new && !row.is_broken && !row.is_indirect_link);
    assert!(row.original);
    assert_eq!(row.links_count, 1);
    assert_eq!(
        (row.rank, row.domain_from_rank, row.page_from_rank, row.backlink_spam_score),
        (0, 0, 0, 0)
    );
    assert_eq!(row.item_type_or_default(), "anchor");
    assert_eq!(row.tld_from_or_derived(), "org");
    assert_eq!(row.anchor, None);
    assert_eq!(row.first_seen_at(), None);
}

#[test]
fn null_fields_take_the_documented_defaults() {
    let line = r#"{"domain_from":"a.com","url_from":"https://a.com/","domain_to":"b.com","url_to":"https://b.com/","dofollow":null,"links_count":null,"original":null,"rank":null,"anchor":null,"unknown_field":[1,2]}"#;
    let dir = dir_with(&[(BACKLINKS_FILE, line)]);
    let row = &World::load(dir.path()).unwrap().backlinks[0];
    assert!(row.dofollow && row.original);
    assert_eq!((row.links_count, row.rank), (1, 0));
}

#[test]
fn blank_lines_are_skipped_and_counted() {
    let text = format!("\n{ROW}\n   \n\r\n{ROW}\r\n\n");
    let dir = dir_with(&[(BACKLINKS_FILE, &text)]);
    assert_eq!(World::load(dir.path()).unwrap().backlinks.len(), 2);
    // Line numbers count the blank lines too.
    let text = format!("\n{ROW}\n\nnot json\n");
    let message = load_error(&[(BACKLINKS_FILE, &text)]);
    assert!(message.contains("line 4:"), "{message}");
}

#[test]
fn malformed_json_names_the_file_and_line() {
    let text = format!("{ROW}\n{ROW}\n{{\"domain_from\": \n");
    let message = load_error(&[(BACKLINKS_FILE, &text)]);
    assert!(message.contains("backlinks.jsonl` line 3: invalid row"), "{message}");
}

#[test]
fn a_wrong_type_is_rejected() {
    let line = ROW.replace('}', r#","dofollow":"yes"}"#);
    let message = load_error(&[(BACKLINKS_FILE, &line)]);
    assert!(message.contains("line 1: invalid row: invalid type"), "{message}");
    let line = ROW.replace('}', r#","domain_from_rank":-3}"#);
    let message = load_error(&[(BACKLINKS_FILE, &line)]);
    assert!(message.contains("line 1: invalid row"), "{message}");
}

#[test]
fn a_missing_or_empty_required_field_is_rejected() {
    for field in ["domain_from", "url_from", "domain_to", "url_to"] {
        let mut value: serde_json::Value = serde_json::from_str(ROW).unwrap();
        value.as_object_mut().unwrap().remove(field);
        let text = format!("{ROW}\n{value}\n");
        let message = load_error(&[(BACKLINKS_FILE, &text)]);
        assert!(
            message.contains(&format!("line 2: missing or empty required field `{field}`")),
            "{message}"
        );
        value[field] = serde_json::Value::String(String::new());
        let message = load_error(&[(BACKLINKS_FILE, &value.to_string())]);
        assert!(message.contains(&format!("line 1: missing or empty required field `{field}`")));
    }
}

#[test]
fn an_unparsable_timestamp_is_rejected() {
    for field in ["first_seen", "prev_seen", "last_seen"] {
        let line = ROW.replace('}', &format!(r#","{field}":"2024-02-30 10:00:00 +00:00"}}"#));
        let message = load_error(&[(BACKLINKS_FILE, &line)]);
        assert!(message.contains(&format!("line 1: field `{field}`")), "{message}");
    }
}

#[test]
fn a_malformed_domains_line_names_its_file() {
    let message = load_error(&[
        (BACKLINKS_FILE, ROW),
        (DOMAINS_FILE, "{\"domain\":\"a.com\"}\n{\"rank\":3}\n"),
    ]);
    assert!(
        message.contains("domains.jsonl` line 2: missing or empty required field `domain`"),
        "{message}"
    );
    let message = load_error(&[
        (BACKLINKS_FILE, ROW),
        (DOMAINS_FILE, "{\"domain\":\"a.com\",\"rank\":\"high\"}"),
    ]);
    assert!(message.contains("domains.jsonl` line 1: invalid row"), "{message}");
}

#[test]
fn a_malformed_line_in_a_compressed_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    sample_world().write(dir.path(), Compression::Gzip).unwrap();
    let path = dir.path().join("backlinks.jsonl.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(format!("{ROW}\n[1]\n").as_bytes()).unwrap();
    std::fs::write(&path, encoder.finish().unwrap()).unwrap();
    let message = World::load(dir.path()).unwrap_err().to_string();
    assert!(message.contains("backlinks.jsonl.gz` line 2"), "{message}");
}

#[test]
fn a_missing_backlinks_file_names_the_directory_and_the_files_tried() {
    let dir = dir_with(&[(DOMAINS_FILE, "")]);
    let message = World::load(dir.path()).unwrap_err().to_string();
    assert!(message.contains(&format!("`{}`", dir.path().display())), "{message}");
    assert!(
        message.contains("`backlinks.jsonl`, `backlinks.jsonl.gz`, `backlinks.jsonl.zst`"),
        "{message}"
    );
}

#[test]
fn a_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let message = World::load(&missing).unwrap_err().to_string();
    assert!(message.contains("failed to read") && message.contains("nope"), "{message}");
}

#[test]
fn two_compressions_of_one_file_are_ambiguous() {
    let message = load_error(&[(BACKLINKS_FILE, ROW), ("backlinks.jsonl.zst", "")]);
    assert!(message.contains("more than one `backlinks.jsonl` file"), "{message}");
    assert!(message.contains("`backlinks.jsonl`, `backlinks.jsonl.zst`"), "{message}");
}

#[test]
fn corrupt_compressed_data_is_a_read_error() {
    let message = load_error(&[("backlinks.jsonl.zst", "this is not zstd")]);
    assert!(
        message.contains("failed to read") && message.contains("backlinks.jsonl.zst"),
        "{message}"
    );
}

#[test]
fn embedded_bytes_parse_like_files() {
    let label = Path::new("embedded");
    let rows = World::parse_backlinks(ROW.as_bytes(), Compression::None, label).unwrap();
    assert_eq!(rows[0].domain_to, "www.trailpeak.com");
    let compressed = zstd::encode_all(format!("{ROW}\nnope").as_bytes(), 1).unwrap();
    let message =
        World::parse_backlinks(&compressed, Compression::Zstd, label).unwrap_err().to_string();
    assert!(message.contains("`embedded` line 2"), "{message}");
}

#[test]
fn the_domain_table_prefers_given_values_and_derives_the_rest() {
    let mut world = sample_world();
    let row = |from: &str, rank: u32, spam: u32, ip: &str| WorldBacklink {
        domain_from: from.to_owned(),
        url_from: format!("https://{from}/"),
        domain_to: "www.trailpeak.com".to_owned(),
        url_to: "https://www.trailpeak.com/".to_owned(),
        domain_from_rank: rank,
        backlink_spam_score: spam,
        domain_from_ip: Some(ip.to_owned()),
        ..WorldBacklink::default()
    };
    world.backlinks.push(row("news.example.co.uk", 500, 20, "81.2.3.4"));
    world.backlinks.push(row("derived.net", 100, 10, "9.9.9.9"));
    world.backlinks.push(row("derived.net", 300, 21, "8.8.8.8"));
    world.backlinks.push(row("derived.net", 200, 30, "8.8.8.8"));
    let table = world.domain_table();
    let given = &table["news.example.co.uk"];
    assert_eq!(given.rank, Some(430));
    assert_eq!(given.country.as_deref(), Some("GB"));
    assert_eq!(given.spam_score, Some(16));
    assert_eq!(given.ip.as_deref(), Some("81.2.3.4"));
    let derived = &table["derived.net"];
    assert_eq!(derived.rank, Some(300));
    assert_eq!(derived.spam_score, Some(20));
    assert_eq!(derived.ip.as_deref(), Some("8.8.8.8"));
    let target = &table["www.trailpeak.com"];
    assert_eq!((target.rank, target.ip.as_deref()), (None, None));
    assert!(table.contains_key("summitgear.co.uk"));
}

#[test]
fn compression_names_parse() {
    assert_eq!("zstd".parse::<Compression>().unwrap(), Compression::Zstd);
    assert_eq!("gzip".parse::<Compression>().unwrap(), Compression::Gzip);
    assert_eq!("none".parse::<Compression>().unwrap(), Compression::None);
    let message = "brotli".parse::<Compression>().unwrap_err().to_string();
    assert_eq!(message, "unknown compression `brotli` (expected `none`, `gzip` or `zstd`)");
}

#[test]
fn large_files_keep_row_order_and_exact_line_numbers() {
    let mut lines = Vec::new();
    for idx in 0..20_000 {
        lines.push(ROW.replace("/a\"", &format!("/{idx}\"")));
        if idx % 1000 == 0 {
            lines.push(String::new());
        }
    }
    let text = lines.join("\n");
    assert!(text.len() > 2 * CHUNK_BYTES);
    let dir = dir_with(&[(BACKLINKS_FILE, &text)]);
    let world = World::load(dir.path()).unwrap();
    assert_eq!(world.backlinks.len(), 20_000);
    for (idx, row) in world.backlinks.iter().enumerate() {
        assert_eq!(row.url_from, format!("https://blog.example.org/{idx}"));
    }
    // Two bad lines in different chunks: the earlier one is reported, with its exact number.
    lines[19_500] = "oops".to_owned();
    lines[9_001] = "{}".to_owned();
    let message = load_error(&[(BACKLINKS_FILE, &lines.join("\n"))]);
    assert!(
        message.contains("line 9002: missing or empty required field `domain_from`"),
        "{message}"
    );
}
