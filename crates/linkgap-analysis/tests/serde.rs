//! The `serde` feature: public configs and results survive a JSON round trip unchanged.
#![cfg(feature = "serde")]

use linkgap_analysis::{
    AnchorConfig, Backlink, Coverage, DiffConfig, DomainErrorKind, GapConfig, GapReport, Level,
    OutreachConfig, Profile, Rows, SpamConfig, SpamReport, audit_anchors, detect_spam,
    find_gaps_in, rank_prospects,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Serializes `value`, reads it back and checks that nothing changed.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serializes");
    let back: T = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(&back, value, "{json}");
    json
}

fn link(url: &str, anchor: &str) -> Backlink {
    Backlink {
        domain_from: url.split('/').nth(2).unwrap_or_default().to_owned(),
        url_from: url.to_owned(),
        anchor: Some(anchor.to_owned()),
        domain_from_ip: Some("203.0.113.9".to_owned()),
        domain_from_rank: Some(250),
        first_seen: chrono::NaiveDate::from_ymd_opt(2026, 5, 1),
        dofollow: true,
        ..Backlink::default()
    }
}

fn profiles() -> (Profile, Vec<Profile>) {
    let profile = |site: &str, complete: bool, rows| Profile {
        site: site.to_owned(),
        coverage: if complete {
            Coverage::Complete
        } else {
            Coverage::Truncated { fetched: 2, total: 8 }
        },
        rows: Rows::Backlinks(rows),
    };
    let target = profile("me.com", false, vec![link("https://shared.org/a", "me")]);
    let competitors = vec![
        profile(
            "rival-a.com",
            true,
            vec![link("https://shared.org/b", "boots"), link("https://gap.net/x", "casino bonus")],
        ),
        profile("rival-b.com", true, vec![link("https://gap.net/y", "hiking boots")]),
    ];
    (target, competitors)
}

#[test]
fn configs_round_trip() {
    round_trip(&GapConfig { level: Level::Host, min_competitors: Some(3), ..GapConfig::default() });
    round_trip(&AnchorConfig::default());
    round_trip(&SpamConfig::default());
    round_trip(&OutreachConfig::default());
    round_trip(&DiffConfig::default());
}

#[test]
fn inputs_and_results_round_trip() {
    let (target, competitors) = profiles();
    round_trip(&target);
    let report: GapReport = find_gaps_in(&target, &competitors, &GapConfig::default());
    assert!(!report.rows.is_empty());
    let json = round_trip(&report);
    assert!(json.contains("\"gap.net\""), "{json}");
    round_trip(&rank_prospects(&report, &[], &OutreachConfig::default()));
    let mut all = vec![target.clone()];
    all.extend(competitors.iter().cloned());
    let spam: SpamReport = detect_spam(&all, &SpamConfig::default());
    round_trip(&spam);
    round_trip(&audit_anchors(&target, &competitors, &AnchorConfig::default()));
    round_trip(&DomainErrorKind::BareSuffix);
}
