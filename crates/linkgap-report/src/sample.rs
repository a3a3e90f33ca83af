//! The shared sample of every report kind, built by the real analysis functions from a small
//! hand-made input; deterministic by construction (fixed clock, version and data).

use chrono::NaiveDate;
use linkgap_analysis::{
    AnchorConfig, Backlink, BulkConfig, BulkRow, Coverage, DiffConfig, GapConfig, OutreachConfig,
    Profile, Rows, SpamConfig, audit_anchors, bulk_table, detect_spam, diff_snapshots,
    find_gaps_in, rank_prospects,
};

use crate::model::{
    AnchorsView, AuditView, BulkView, CompetitorView, CompetitorsView, DiffView, GapView, Report,
    ReportMeta, SpamView,
};

const TARGET: &str = "trailpeak.com";
const COMPETITORS: [&str; 3] = ["alpinekit.com", "ridgeoutfitters.com", "summitgear.com"];
const KEYWORDS: [&str; 3] = ["hiking boots", "trail shoes", "hiking backpack"];

/// The meta data of the samples: fixed version and time.
pub fn sample_meta() -> ReportMeta {
    ReportMeta {
        tool_version: "0.1.0-sample".to_owned(),
        generated_at: "2026-02-01T09:30:00Z".to_owned(),
        target: TARGET.to_owned(),
        competitors: COMPETITORS.iter().map(|site| (*site).to_owned()).collect(),
        data_source: "hand-made sample".to_owned(),
        cost_usd: Some(0.0123),
        coverage_notes: vec!["summitgear.com: 12 of 40 backlinks fetched".to_owned()],
    }
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("sample dates are valid")
}

/// One sample backlink.
struct Link<'a> {
    from: &'a str,
    path: &'a str,
    to: &'a str,
    anchor: &'a str,
    dofollow: bool,
    seen: NaiveDate,
    rank: u32,
    spam: u8,
    ip: &'a str,
    title: &'a str,
}

impl Link<'_> {
    fn backlink(&self) -> Backlink {
        Backlink {
            domain_from: self.from.to_owned(),
            url_from: format!("https://{}{}", self.from, self.path),
            domain_to: self.to.to_owned(),
            url_to: format!("https://{}/", self.to),
            anchor: Some(self.anchor.to_owned()),
            item_type: Some("anchor".to_owned()),
            dofollow: self.dofollow,
            first_seen: Some(self.seen),
            last_seen: Some(day(2026, 1, 28)),
            domain_from_rank: Some(self.rank),
            page_from_rank: Some(self.rank / 2),
            backlink_spam_score: Some(self.spam),
            domain_from_ip: Some(self.ip.to_owned()),
            page_from_title: Some(self.title.to_owned()),
            page_from_external_links: Some(if self.spam > 50 { 180 } else { 12 }),
            links_count: Some(1),
            ..Backlink::default()
        }
    }
}

fn link<'a>(
    from: &'a str,
    path: &'a str,
    to: &'a str,
    anchor: &'a str,
    seen: NaiveDate,
) -> Link<'a> {
    Link {
        from,
        path,
        to,
        anchor,
        dofollow: true,
        seen,
        rank: 300,
        spam: 2,
        ip: "198.51.101.10",
        title: "Outdoor gear notes",
    }
}

/// Every sample backlink, to the target and the competitors.
fn all_links(hostile: bool) -> Vec<Backlink> {
    let camp_title = if hostile { HOSTILE[1] } else { "<b>Camp</b> & \"fire\" | tips" };
    let camp_anchor = if hostile { HOSTILE[0] } else { "click here" };
    let review_anchor = if hostile { HOSTILE[3] } else { "best hiking boots" };
    let spam_title = if hostile { HOSTILE[4] } else { "Casino bonus hiking boots" };
    let mut links = vec![
        Link {
            rank: 450,
            ip: "198.51.102.20",
            title: "Best hiking boots 2026 | Outdoor Review",
            ..link(
                "outdoorreview.net",
                "/boots/best",
                "summitgear.com",
                review_anchor,
                day(2025, 6, 3),
            )
        },
        Link {
            rank: 450,
            ip: "198.51.103.20",
            title: "Best hiking boots 2026 | Outdoor Review",
            ..link(
                "outdoorreview.net",
                "/boots/best",
                "ridgeoutfitters.com",
                "ridge outfitters",
                day(2025, 6, 3),
            )
        },
        Link {
            rank: 450,
            ip: "198.51.104.20",
            title: "Alpine Kit review",
            ..link(
                "outdoorreview.net",
                "/brands/alpine",
                "alpinekit.com",
                "alpine kit review",
                day(2025, 9, 14),
            )
        },
        Link {
            rank: 320,
            ip: "198.51.105.30",
            title: "Ten trails for spring",
            ..link(
                "hikingblog.org",
                "/spring-trails",
                "summitgear.com",
                "hiking boots",
                day(2025, 3, 2),
            )
        },
        Link {
            rank: 320,
            ip: "198.51.106.30",
            title: "Ten trails for spring",
            ..link(
                "hikingblog.org",
                "/spring-trails",
                "ridgeoutfitters.com",
                "trail shoes",
                day(2025, 3, 2),
            )
        },
        Link {
            rank: 150,
            dofollow: false,
            ip: "198.51.107.40",
            title: "Gear list",
            ..link(
                "gearlist.io",
                "/women",
                "summitgear.com",
                "lightweight hiking boots for women",
                day(2025, 11, 20),
            )
        },
        Link {
            rank: 210,
            ip: "198.51.108.50",
            title: camp_title,
            ..link(
                "campfire.blog",
                "/tips?ref=1&x=2",
                "alpinekit.com",
                camp_anchor,
                day(2025, 8, 8),
            )
        },
        Link {
            rank: 210,
            ip: "198.51.109.50",
            title: camp_title,
            ..link(
                "campfire.blog",
                "/tips?ref=1&x=2",
                "ridgeoutfitters.com",
                "ridge outfitters",
                day(2025, 8, 8),
            )
        },
        Link {
            rank: 380,
            ip: "198.51.110.60",
            ..link("trailnews.com", "/gear", "summitgear.com", "summit gear", day(2024, 10, 1))
        },
        Link {
            rank: 380,
            ip: "198.51.111.60",
            ..link("trailnews.com", "/gear", "summitgear.com", "hiking backpack", day(2024, 10, 1))
        },
        Link {
            rank: 380,
            ip: "198.51.112.60",
            ..link("trailnews.com", "/shops", "trailpeak.com", "trailpeak", day(2024, 12, 5))
        },
        Link {
            rank: 260,
            ip: "198.51.113.70",
            ..link(
                "oldforum.net",
                "/thread/42",
                "ridgeoutfitters.com",
                "ridge outfitters",
                day(2023, 5, 5),
            )
        },
        Link {
            rank: 500,
            ip: "198.51.114.80",
            ..link("mountainmag.com", "/shops", "trailpeak.com", "trail peak shop", day(2024, 4, 4))
        },
        Link {
            rank: 200,
            ip: "198.51.115.90",
            ..link(
                "directory.net",
                "/outdoor",
                "trailpeak.com",
                "https://trailpeak.com",
                day(2024, 7, 7),
            )
        },
        Link {
            rank: 180,
            ip: "198.51.116.91",
            ..link("bootsworld.com", "/links", "trailpeak.com", "hiking boots", day(2025, 2, 2))
        },
        Link {
            rank: 170,
            ip: "198.51.117.92",
            ..link("walkers.org", "/links", "trailpeak.com", "hiking boots", day(2025, 2, 9))
        },
        Link {
            rank: 160,
            ip: "198.51.118.93",
            ..link(
                "peakbaggers.net",
                "/links",
                "trailpeak.com",
                "trailpeak hiking boots",
                day(2025, 5, 9),
            )
        },
    ];
    for (idx, from) in
        ["casino-a.xyz", "casino-b.xyz", "casino-c.xyz", "casino-d.xyz"].into_iter().enumerate()
    {
        links.push(Link {
            rank: 5,
            spam: 85,
            ip: "203.0.113.7",
            title: spam_title,
            ..link(
                from,
                "/",
                "trailpeak.com",
                "buy hiking boots cheap",
                day(2026, 1, 12 + idx as u32),
            )
        });
    }
    links.push(Link {
        rank: 40,
        spam: 55,
        ip: "100.64.7.99",
        title: "Cheap directory",
        ..link("cheapdirectory.info", "/outdoor", "trailpeak.com", "hiking boots", day(2025, 12, 1))
    });
    links.push(Link {
        rank: 8,
        spam: 70,
        ip: "192.0.2.44",
        title: "Pharmacy",
        ..link("pills-shop.top", "/p", "trailpeak.com", "cheap viagra", day(2026, 1, 20))
    });
    let mut backlinks: Vec<Backlink> = links.iter().map(Link::backlink).collect();
    // The target lost its link from oldforum.net: a reclaim prospect.
    let mut lost =
        link("oldforum.net", "/thread/42", "trailpeak.com", "trailpeak", day(2023, 5, 5))
            .backlink();
    lost.is_lost = true;
    backlinks.push(lost);
    backlinks
}

fn profile(site: &str, links: &[Backlink], keep: impl Fn(&Backlink) -> bool) -> Profile {
    Profile {
        site: site.to_owned(),
        coverage: Coverage::Complete,
        rows: Rows::Backlinks(
            links.iter().filter(|link| link.domain_to == site && keep(link)).cloned().collect(),
        ),
    }
}

/// Strings that try to break out of every format.
pub(crate) const HOSTILE: [&str; 8] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(document.cookie)",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "\u{202E}gnp.exe\u{202C} right-to-left",
    "nul\0bell\u{7}esc\u{1b}[31m line\nbreak\r\n# fake\ndomain:google.com\u{2028}x",
    "emoji \u{1F680}\u{1F525} \u{fc}n\u{ef}c\u{f6}d\u{e9}",
    "@SUM(1+1)",
];

/// Every report kind, in the order gap, audit, anchors, spam, diff, bulk.
pub fn sample_reports() -> Vec<Report> {
    build(false)
}

pub(crate) fn build(hostile: bool) -> Vec<Report> {
    let meta = sample_meta();
    let links = all_links(hostile);
    let target = profile(TARGET, &links, |_| true);
    let competitors: Vec<Profile> =
        COMPETITORS.iter().map(|site| profile(site, &links, |_| true)).collect();
    let keywords: Vec<String> = KEYWORDS.iter().map(|keyword| (*keyword).to_owned()).collect();

    let gap = find_gaps_in(
        &target,
        &competitors,
        &GapConfig { min_competitors: Some(1), ..GapConfig::default() },
    );
    let mut all_profiles = vec![target.clone()];
    all_profiles.extend(competitors.iter().cloned());
    let spam = detect_spam(
        &all_profiles,
        &SpamConfig { keywords: keywords.clone(), ..SpamConfig::default() },
    );
    let ranked = rank_prospects(
        &gap,
        &spam.prospect_risks(),
        &OutreachConfig {
            keywords: keywords.clone(),
            today: Some(day(2026, 2, 1)),
            ..OutreachConfig::default()
        },
    );
    let anchors = audit_anchors(
        &target,
        &competitors,
        &AnchorConfig { keywords: Some(keywords.clone()), ..AnchorConfig::default() },
    );

    // The old snapshot predates the spam burst and still has a link from oldtrails.net.
    let mut old = profile(TARGET, &links, |link| link.first_seen < Some(day(2026, 1, 1)));
    if let Rows::Backlinks(rows) = &mut old.rows {
        let mut gone =
            link("oldtrails.net", "/archive", TARGET, "trailpeak", day(2024, 2, 2)).backlink();
        gone.url_from =
            if hostile { format!("https://oldtrails.net/{}", HOSTILE[1]) } else { gone.url_from };
        rows.push(gone);
    }
    let diff = diff_snapshots(
        &old,
        &target,
        &DiffConfig { keywords: keywords.clone(), ..DiffConfig::default() },
    );

    let bulk_rows = vec![
        bulk_row(TARGET, 310, 14, 22, 30),
        bulk_row("summitgear.com", 420, 35, 80, 5),
        bulk_row("ridgeoutfitters.com", 390, 28, 61, 8),
        bulk_row("alpinekit.com", 280, 12, 19, 3),
        bulk_row("summitgear.com", 1, 1, 1, 1),
    ];
    let bulk = bulk_table(bulk_rows, &BulkConfig::default());

    vec![
        Report::Gap(GapView::new(meta.clone(), &gap, &ranked)),
        Report::Audit(AuditView::new(meta.clone(), &target, &anchors, &spam, 20)),
        Report::Anchors(AnchorsView::new(meta.clone(), &anchors)),
        Report::Spam(SpamView::new(meta.clone(), &spam)),
        Report::Diff(DiffView::new(meta.clone(), &diff)),
        Report::Bulk(BulkView::new(meta.clone(), &bulk)),
        Report::Competitors(CompetitorsView::new(
            ReportMeta { competitors: Vec::new(), ..meta },
            vec![
                competitor("summitgear.com", Some(420), 9),
                competitor("ridgeoutfitters.com", Some(390), 7),
                competitor("alpinekit.com", None, 4),
            ],
        )),
    ]
}

fn competitor(domain: &str, rank: Option<u64>, intersections: u64) -> CompetitorView {
    CompetitorView { domain: domain.to_owned(), rank, intersections }
}

fn bulk_row(target: &str, rank: u32, domains: u64, backlinks: u64, spam: u8) -> BulkRow {
    BulkRow {
        target: target.to_owned(),
        rank: Some(rank),
        referring_domains: Some(domains),
        referring_main_domains: Some(domains.saturating_sub(1)),
        backlinks: Some(backlinks),
        spam_score: Some(spam),
        new_backlinks: Some(backlinks / 10),
        lost_backlinks: Some(backlinks / 20),
        new_referring_domains: Some(domains / 5),
        lost_referring_domains: None,
    }
}

/// The sample reports built from hostile input (script tags, `javascript:` URLs, formulas, bidi and
/// control characters, emoji, 10,000-character strings), with hostile strings also planted in the
/// view fields the analysis would have normalised away (domains, URLs, notes, evidence).
pub fn hostile_reports() -> Vec<Report> {
    let long = "x".repeat(10_000);
    let pick = |idx: usize| -> String {
        if idx == HOSTILE.len() { long.clone() } else { HOSTILE[idx % HOSTILE.len()].to_owned() }
    };
    let mut reports = build(true);
    for report in &mut reports {
        match report {
            Report::Gap(view) => {
                view.meta.target = pick(0);
                view.meta.coverage_notes.push(pick(5));
                for (idx, prospect) in view.prospects.iter_mut().enumerate() {
                    prospect.domain = pick(idx);
                    prospect.demoted = Some(pick(idx + 1));
                    for sample in &mut prospect.samples {
                        sample.url_from = pick(2);
                    }
                    if let Some(page) = &mut prospect.best_page {
                        "javascript:alert(1)".clone_into(&mut page.url_from);
                        page.anchor = Some(pick(3));
                        page.title = Some(pick(idx + 2));
                    }
                    prospect.anchors.push(pick(HOSTILE.len()));
                }
            }
            Report::Audit(view) => {
                for (idx, domain) in view.referring_domains.iter_mut().enumerate() {
                    domain.domain = pick(idx);
                }
                view.anchors.notes.push(pick(5));
                view.spam.networks.iter_mut().for_each(|network| network.note = pick(1));
            }
            Report::Anchors(view) => {
                for site in &mut view.body.sites {
                    site.site = pick(4);
                    for (idx, anchor) in site.top_anchors.iter_mut().enumerate() {
                        anchor.anchor = pick(idx);
                    }
                }
            }
            Report::Spam(view) => {
                for (idx, domain) in view.body.domains.iter_mut().enumerate() {
                    domain.domain = if idx == 0 {
                        "evil.example\ndomain:google.com".to_owned()
                    } else {
                        pick(idx)
                    };
                    for signal in &mut domain.signals {
                        signal.evidence = pick(5);
                    }
                    domain.network = Some(pick(5));
                }
                for network in &mut view.body.networks {
                    network.members.push("ok.example\r\nhttps://google.com/".to_owned());
                    network.note = pick(5);
                }
                for (idx, link) in view.body.links.iter_mut().enumerate() {
                    link.url_from = if idx % 2 == 0 {
                        "javascript:alert(1)".to_owned()
                    } else {
                        format!("https://x.example/{}", pick(5))
                    };
                    link.domain = pick(idx);
                    link.url_to = pick(1);
                }
            }
            Report::Diff(view) => {
                for (idx, link) in
                    view.new_links.iter_mut().chain(view.lost_links.iter_mut()).enumerate()
                {
                    link.url_from =
                        if idx % 2 == 0 { "JavaScript:alert(1)".to_owned() } else { pick(idx) };
                    link.anchor = Some(pick(idx + 3));
                    link.evidence = pick(7);
                }
                for alert in &mut view.alerts {
                    alert.message = pick(0);
                }
                view.notes.push(pick(HOSTILE.len()));
            }
            Report::Bulk(view) => {
                for (idx, row) in view.rows.iter_mut().enumerate() {
                    row.target = pick(idx + 3);
                }
                view.skipped.iter_mut().for_each(|skipped| skipped.reason = pick(1));
            }
            Report::Competitors(view) => {
                for (idx, competitor) in view.competitors.iter_mut().enumerate() {
                    competitor.domain = pick(idx);
                }
            }
        }
    }
    reports
}
