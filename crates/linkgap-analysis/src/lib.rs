//! Pure, synchronous competitor backlink analysis: link gap, anchors, spam, outreach, monitoring.
//!
//! The input is plain data: one [`Profile`] per site (the target and its competitors), with
//! link-level [`Backlink`] rows or domain-level [`ReferringDomain`] rows and a [`Coverage`] that
//! says whether the rows are everything the index has. The output is plain data with the evidence
//! behind every number. The crate does no IO and has no async code; it uses rayon for data-parallel
//! loops and sorts every output, so results are identical whatever the thread count or input order.
//! Bad input is never a panic: it becomes a [`Skipped`] entry in the output. The few functions
//! that can fail on their own (parsing a host) return the crate's [`Error`].
//!
//! **Cargo feature `serde`** (off by default): `Serialize` and `Deserialize` on the input
//! ([`Profile`], [`Backlink`], ...), every `*Config` and every result type, so embedders can
//! persist them. [`Corpus`], [`LazyGapReport`] and [`Domain`] are not serializable: keep the
//! profiles and prepare again.
//!
//! Start from:
//! - [`prepare`] (or [`CorpusBuilder`]) turns profiles into a [`Corpus`] once;
//! - [`find_gaps`] with a [`GapConfig`] gives a [`GapReport`]: every source with its [`Category`]
//!   ([`find_gaps_lazy`] gives the same rows with their evidence still as ids, read one at a time);
//! - [`rank_prospects`] with an [`OutreachConfig`] orders the gap's prospects by a transparent score.
//!
//! ```
//! use linkgap_analysis::{
//!     Backlink, Category, Coverage, GapConfig, OutreachConfig, Profile, Rows, find_gaps, prepare,
//!     rank_prospects,
//! };
//!
//! let link = |url: &str| Backlink {
//!     domain_from: url.split('/').nth(2).unwrap_or_default().to_owned(),
//!     url_from: url.to_owned(),
//!     dofollow: true,
//!     ..Backlink::default()
//! };
//! let profile = |site: &str, rows| Profile {
//!     site: site.to_owned(),
//!     coverage: Coverage::Complete,
//!     rows: Rows::Backlinks(rows),
//! };
//! let target = profile("me.com", vec![link("https://friends.org/")]);
//! let competitors = [
//!     profile("rival-a.com", vec![link("https://blog.news.co.uk/a"), link("https://friends.org/")]),
//!     profile("rival-b.com", vec![link("https://news.co.uk/b")]),
//! ];
//! let corpus = prepare(&target, &competitors);
//! let report = find_gaps(&corpus, &GapConfig::default());
//! let categories: Vec<(&str, Category)> =
//!     report.rows.iter().map(|row| (row.source.as_str(), row.category)).collect();
//! assert_eq!(categories, [("friends.org", Category::Shared), ("news.co.uk", Category::Gap)]);
//! let ranked = rank_prospects(&report, &[], &OutreachConfig::default());
//! assert_eq!(ranked[0].source, "news.co.uk");
//! ```
//!
//! # Sites and domains
//!
//! [`Domain::parse`] normalises a host or URL: surrounding whitespace trimmed, lower case, one
//! trailing dot removed, IDN labels to punycode (UTS 46, the `idna` crate), a leading `www.`
//! folded (unless that would leave a bare public suffix, as in `www.co.uk`), IP hosts kept as IPs.
//! The registrable domain comes from the full Public Suffix List, ICANN and private sections (the
//! `psl` crate): `news.bbc.co.uk` belongs to `bbc.co.uk`, while `alice.blogspot.com` is a site of
//! its own, because a blogspot blog is owned by its author, not by Google. Rejected with an
//! [`Error::InvalidHost`] naming the input and a [`DomainErrorKind`]: empty input, inner whitespace, a bare public suffix or single label,
//! a label over 63 or a name over 253 bytes (RFC 1035), an empty label, characters outside
//! `a-z 0-9 - _` (underscores occur in real links), and URLs with a bad scheme, port or no host.
//! Unknown TLDs are accepted (the list's `*` rule), so new gTLDs work before the list knows them.
//! [`subnet24`] gives the /24 of an IPv4 and the /48 of an IPv6 address: hosting providers hand out
//! addresses in such blocks, so many sources in one block hint at one owner.
//!
//! # Link gap
//!
//! **Preparation.** [`prepare`] normalises every source host once (a cache keyed by the raw
//! text), interns hosts, registrable domains, pages, anchors, titles and IPs into `u32` ids, and
//! stores each row as a 32-byte fact (ids, link counts, dofollow count, rank, spam score, dates as
//! days, a lost flag). Ids are assigned in sorted string order (hosts by domain, pages by host), and
//! each site's rows are sorted, so the rows of one domain, host or page are contiguous in every
//! site. Profiles of the same site are merged (complete only if every piece was); a competitor that
//! is the target itself is skipped. A page belongs to the host of its rows (the smallest, should
//! rows disagree); a URL's `#fragment` is dropped.
//!
//! **Levels.** A source is a registrable domain ([`Level::Domain`], the default: one site, one
//! outreach), a host ([`Level::Host`]) or a page URL ([`Level::Page`]). Domain-level rows
//! ([`Rows::ReferringDomains`]) take part at domain and host level; their evidence has no samples,
//! anchors or titles, and the row says so with [`Detail::ReferringDomains`]. At page level they are
//! left out with a [`SkipReason::NoPagesAtPageLevel`] entry, and if the target has them, absence
//! from the target cannot be proven (see below).
//!
//! **Categories.** Let C be the competitors whose links from the source count, T the target's live
//! links from it, L its lost links to the target, and k the minimum competitors:
//!
//! | category | rule |
//! |---|---|
//! | [`Category::Gap`] | T = 0, L = 0, \|C\| ≥ k |
//! | [`Category::Reclaim`] | T = 0, L > 0, \|C\| ≥ 1: the target had the link and lost it |
//! | [`Category::Shared`] | T > 0, \|C\| ≥ 1, T ≥ the links of every competitor in C |
//! | [`Category::Weak`] | T > 0, \|C\| ≥ 1, T < the links of the competitor it links to most |
//! | [`Category::UniqueToTarget`] | T > 0, \|C\| = 0 |
//!
//! Sources linking to fewer than k competitors and not to the target are only counted
//! ([`GapCounts::below_min_competitors`]). k defaults to 2 when there are at least two competitors
//! (a site that links to two of your competitors links to the topic, not to a friend) and to 1
//! with a single competitor.
//!
//! **Proof of absence.** "Does not link to the target" is [`Absence::Proven`] only when the
//! target's profile is [`Coverage::Complete`] (and, at page level, has link-level rows); otherwise
//! it is [`Absence::Unverified`]: the source may be among the rows not fetched, so nobody pitches a
//! site that already links to them without checking.
//!
//! **Options** ([`GapConfig`]): `dofollow_only` counts only dofollow links to competitors, while
//! any live link to the target counts (a site that already links to you, even nofollow, is not a
//! cold prospect); `min_source_rank` drops sources whose best rank on any row is lower (unknown
//! counts as 0); `exclude_lost` (on by default) counts only live competitor links, off counts lost
//! ones too (the source was willing once); `exclude_domains` drops a site and its subdomains;
//! `exclude_patterns` drops hosts matching a glob (`*.blogspot.com`) or containing a substring
//! (`casino`); `categories` limits the rows returned (counts cover all). The analysed sites
//! themselves (target and competitors, by registrable domain) are never sources.
//!
//! **Evidence** ([`GapRow`]): competitors with their counted, dofollow and lost links and dates;
//! the best rank; the dofollow share of counted competitor links (before `dofollow_only`); first
//! and last seen; the highest API spam score; sample links (smallest URLs first, one per page and
//! competitor); distinct anchors and page titles (alphabetical); IPs and their subnets.
//!
//! # Outreach ranking
//!
//! [`rank_prospects`] scores each prospect (gap and reclaim rows by default) from named factors,
//! each a value in 0..=1, and shows every factor with its weight, value and points:
//!
//! | factor | value | default weight | why |
//! |---|---|---|---|
//! | overlap | competitors linked / competitors analysed | 0.35 | a site linking to many rivals covers the topic |
//! | rank | best rank / 1000 | 0.25 | authority passes through the link |
//! | dofollow | dofollow share of its competitor links | 0.15 | nofollow-only sites pass little value |
//! | freshness | 0.5 ^ (age of the latest competitor link / 180 days) | 0.10 | recent links mean an active site |
//! | topical | keywords found in its anchors and titles / keywords | 0.15 | relevant links are worth more and easier to get |
//! | spam | risk / 100 ([`ProspectRisk`], else the API spam score) | 0.5, subtracted | risky links can hurt |
//!
//! Score = 100 × Σ(weight × value) / Σ(positive weights) − 100 × spam weight × spam value,
//! clamped to 0..=100; so with the defaults a certain-spam prospect loses 50 points. Freshness is
//! measured from `OutreachConfig::today`, or else from the latest date in the report, so the
//! ranking never depends on the clock. Ties break by source name. **Diversity**: within the top
//! `top` places (50) at most `max_per_group` prospects (2) may share a network (from
//! [`ProspectRisk::network`]) or, failing that, a subnet; later ones move below the top, keeping
//! their order, with the reason in [`RankedProspect::demoted`] (one network is one link, however
//! many domains it has).
//!
//! # Anchor audit
//!
//! [`audit_anchors`] classifies every anchor of the target and its competitors with
//! [`classify_anchor`] into an [`AnchorClass`] (branded, exact match, partial match, compound,
//! naked URL, generic in nine languages, image / empty, other; brand terms from the site's domain
//! unless given, money keywords given or derived by [`derive_keywords`] from the competitors'
//! shared anchors), builds distributions by referring domain (each domain weighs one, split over
//! its anchors, so sitewide links do not swamp it) and by link, lists top anchors, and raises
//! [`AnchorFlag`]s, each with its [`AnchorRule`], value, threshold and baseline: exact- and
//! partial-match shares above the competitors' `median + max(2 × MAD, 0.10)` or above absolute
//! ceilings (0.30, 0.50), one money anchor on more than 20% of the domains, a long (4+ word) anchor
//! repeated verbatim on 10+ domains. The share rules fire only on a site with at least 10
//! referring domains ([`AnchorConfig::min_flag_domains`]): one money anchor among four domains is
//! 25%, noise rather than placement. A site whose mix looks like its competitors' is not flagged. The rules
//! and their rationale are on [`classify_anchor`] and [`audit_anchors`]; every threshold is a field
//! of [`AnchorConfig`].
//!
//! # Spam patterns
//!
//! [`detect_spam`] scores every referring (registrable) domain and every link from 0 to 100 as a
//! sum of named [`Signal`]s, each a [`SignalHit`] with its points and evidence: the API's own spam
//! score, shared IP, shared /24 and interlinks (networks found as connected components of a
//! petgraph graph and reported as one [`Network`]: one network counts as one link), a network
//! whose members are risky on their own, sitewide placement, link farms, spam-prone TLDs, spam
//! anchors (casino, pharma, loans, adult, crypto, replicas, essay mills), money anchors in a foreign language or script,
//! and low rank with a sudden burst of links. Levels: low below 30, medium from 30, high from 60.
//! The signal table, weights and rationale are on [`detect_spam`]; every number is a field of
//! [`SpamConfig`]. [`SpamReport::prospect_risks`] feeds [`rank_prospects`]; [`spam_risks`] gives the
//! same scores without the report, for a ranking alone.
//!
//! Judged on generated worlds with planted networks, farms and a negative-SEO burst
//! (`tests/spam_eval.rs`, medium + high risk against the ground truth): precision 0.905, 0.947 and
//! 0.965, recall 1.000 at seeds 1, 2 and 3; every planted network found as one unit. The same
//! worlds check the anchor audit: the planted over-optimized site is flagged at every seed, with
//! given or derived keywords, and no natural site is.
//!
//! # Monitoring diff
//!
//! [`diff_snapshots`] compares two snapshots of a profile: new and lost links (keyed by source
//! and destination URL) with the [`LostReason`] the data tells (source page error, redirected,
//! removed, turned nofollow), new and lost referring domains, the anchor mix shift, velocity per
//! ISO week and month, and [`Alert`]s for a drop in referring domains (≥ 50, or ≥ 10% and ≥ 3)
//! and for a burst of new high-risk domains (possible negative SEO, scored by [`detect_spam`]).
//! Dates come from the rows; no clock is read. Rules on [`diff_snapshots`], knobs in
//! [`DiffConfig`].
//!
//! # Bulk metrics
//!
//! [`bulk_table`] turns [`BulkRow`]s (rank, referring domains, backlinks, spam score, new / lost)
//! for many domains into a [`BulkTable`]: p25 / p50 / p75 / p90 per column over the present
//! values, each row's mid-rank percentile per column, and an order by a chosen [`BulkColumn`]
//! (descending by default, missing values last, ties by target).
//!
//! # Speed and memory
//!
//! Measured with `cargo bench --bench analysis -- --warm-up-time 1 --measurement-time 3`
//! (criterion, release, 10 samples; input generated by a seeded splitmix64: a target and 10
//! competitors, one source domain per 50 rows, popular domains linking to many sites). The
//! machine has 2 cores shared with three other builds (load average 4.6-7 during the run), so
//! wall times are well above what two idle cores give; CPU time (from `/proc/self/stat`, in a
//! separate timing run of the same input) is the steadier figure.
//!
//! | benchmark | rows | sources returned | wall (median, loaded) | CPU time |
//! |---|---|---|---|---|
//! | [`find_gaps_lazy`], domain level | 1M | 19,136 domains | 41 ms | 0.05-0.06 s |
//! | [`find_gaps`], domain level | 1M | 19,136 domains | 127 ms | 0.08-0.12 s |
//! | [`find_gaps_lazy`], page level | 1M | 214,263 pages | 125 ms | 0.09 s |
//! | [`find_gaps`], page level | 1M | 214,263 pages | 676 ms | 0.45-0.55 s |
//! | [`find_gaps_lazy`], domain level | 10M | 191,579 domains | 712 ms | 0.45 s (both threads) |
//! | [`find_gaps`], domain level | 10M | 191,579 domains | 1.30 s | 1.3 s (both threads, during a build) |
//! | [`prepare`] | 1M | | 1.28 s | 1.6 s |
//! | [`detect_spam`] | 100k | 2,000 domains | 237 ms (load 1.5-1.8, was 311-444 ms at load 4.5-5.3) | |
//! | [`detect_spam`] | 1M | 20,000 domains | 4.3 s (load 1.5-1.8, was 6.4 s at load 4.5-5.3) | |
//!
//! On the same 2 cores with nothing else running (load average 1.7, 2026-11-29, `-- find_gaps/domain
//! --sample-size 10 --warm-up-time 1 --measurement-time 4`): [`find_gaps_lazy`] 29 ms at 1M and
//! **311 ms at 10M** rows; [`find_gaps`] with every row's strings 58 ms at 1M and 839 ms at 10M.
//!
//! **The gap** itself (grouping rows by source, classifying, and collecting every row's
//! evidence as ids: competitors, samples, anchors, titles, IPs, subnets) is [`find_gaps_lazy`]:
//! 0.45 s of CPU for 10M rows, so about a quarter of a second on two idle cores; measured on the
//! loaded machine it was 0.71 s. The hot loops allocate nothing per row or per source: chunks of
//! 2048 source ids reuse one set of scratch buffers and write into a few arena vectors, and
//! subnets are computed once per distinct IP while preparing. [`find_gaps`] then copies each
//! returned row's evidence into strings (a few dozen allocations per row, in parallel); that is
//! most of its time, grows with the rows returned (ask for fewer [`GapConfig::categories`] to
//! save it), and [`LazyGapReport::row`] does it for one row at a time instead.
//! Against the previous code, timed back to back on the same 1M-row input: `find_gaps` at
//! domain level 136 ms before, 83 ms now, [`find_gaps_lazy`] 41 ms (median wall); `prepare`
//! 2.2 s of CPU before, 1.6 s now (ids are sorted on precomputed keys). The previous 10M
//! `find_gaps` took 0.96 s of CPU in a quieter moment, with no way to skip the strings.
//!
//! **Memory per link**: a row is 32 bytes ([`CorpusStats::row_bytes`]); interned strings and id
//! tables add 26-27 bytes per row on the generated input (0.69 distinct source pages per row
//! dominate), so a prepared link costs about 59 bytes: 0.59 GB for 10M rows (58.8 B/link
//! measured). A lazy report adds about 120 bytes per returned source plus its evidence ids.
//! [`Corpus::stats`] reports these figures for any corpus.
//!
//! [`detect_spam`] works on the profiles directly (not on a [`Corpus`]). Each distinct source host
//! is resolved to its registrable domain once, in parallel, and rows carry domain ids; per-domain
//! lists are filled in profile order (no per-row map lookups), each distinct anchor is searched for
//! spam vocabulary once per worker, and the link list is sorted on borrowed keys before any string
//! is copied. On the referring-domain profiles of `linkgap gap --world` (1M backlink rows,
//! `gen-world --size 200000 --seed 42`, 6 sites) it takes 2.3 s on one thread against 3.4 s before
//! (load average 4.7, back to back), and the whole command 7.7-8.0 s against 10.9-11.7 s. The bench
//! above did not move (6.38 s against 6.44 s, within the noise of the loaded machine): on its input
//! nearly every link scores above zero (its sources sit in shared /24s), so most of the time is
//! building, sorting and dropping 900k [`LinkRisk`]s with their evidence strings, plus
//! [`derive_keywords`] over all anchors.
#![warn(missing_docs)]

mod anchors;
mod bulk;
mod corpus;
mod domain;
mod error;
mod gap;
mod monitor;
mod outreach;
mod profile;
mod spam;
mod text;

pub use anchors::{
    AnchorAudit, AnchorClass, AnchorConfig, AnchorContext, AnchorFlag, AnchorRule, Baseline,
    ClassShare, SiteAnchors, SiteRole, TopAnchor, audit_anchors, brand_terms_for, classify_anchor,
    classify_link, derive_keywords,
};
pub use bulk::{
    BulkColumn, BulkConfig, BulkRow, BulkSkipped, BulkTable, BulkTableRow, ColumnStats, bulk_table,
};
pub use corpus::{Corpus, CorpusBuilder, CorpusStats, Detail, Role, SkipReason, Skipped, prepare};
pub use domain::{Domain, Level, normalize_host, registrable_domain, subnet24};
pub use error::{DomainError, DomainErrorKind, Error};
pub use gap::{
    Absence, Category, CompetitorLinks, GapConfig, GapCounts, GapReport, GapRow, LazyGapReport,
    SampleLink, SiteSummary, find_gaps, find_gaps_in, find_gaps_lazy,
};
pub use monitor::{
    Alert, AlertKind, ClassShift, DiffConfig, DomainChange, LinkChange, LostReason, ProfileDiff,
    VelocityBucket, diff_snapshots,
};
pub use outreach::{
    Factor, FactorKind, OutreachConfig, ProspectRisk, RankedProspect, Weights, rank_prospects,
};
pub use profile::{Backlink, Coverage, Profile, ReferringDomain, Rows};
pub use spam::{
    DomainRisk, LinkRisk, Network, NetworkTarget, RiskLevel, Signal, SignalHit, SpamConfig,
    SpamReport, detect_spam, spam_risks,
};
pub use text::{Script, SpamTopic};
