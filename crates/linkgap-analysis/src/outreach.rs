//! Outreach ranking: gap prospects ordered by a transparent score of named, weighted factors.
//!
//! The score is a weighted sum of factor values in 0..=1, minus a spam penalty, scaled to 0..=100.
//! Every factor appears in the output with its weight, value and contribution, so a user can see
//! why a prospect is where it is. A diversity rule then keeps one network or subnet from filling
//! the top of the list.

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;
use hashbrown::HashMap;
use rayon::prelude::*;

use crate::domain::normalize_host;
use crate::gap::{Absence, Category, GapReport, GapRow};

/// A prospect's spam risk, as the spam analysis reports it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProspectRisk {
    /// The referring domain or host the risk is about.
    pub domain: String,
    /// Risk from 0 (clean) to 100 (certain spam).
    pub score: u8,
    /// The network (shared IP, subnet or interlinked group) the domain belongs to, if any.
    pub network: Option<String>,
}

/// Weights of the factors of the outreach score.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Weights {
    /// Competitor overlap: share of the analysed competitors the source links to.
    pub overlap: f64,
    /// Source rank, 0-1000 scaled to 0-1.
    pub rank: f64,
    /// Dofollow share of the source's competitor links.
    pub dofollow: f64,
    /// Freshness of the competitors' links (halves every `freshness_half_life_days`).
    pub freshness: f64,
    /// Topical fit: share of the keywords found in the source's anchors and titles.
    pub topical: f64,
    /// Spam risk penalty: subtracted, risk 0-100 scaled to 0-1.
    pub spam: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            overlap: 0.35,
            rank: 0.25,
            dofollow: 0.15,
            freshness: 0.10,
            topical: 0.15,
            spam: 0.5,
        }
    }
}

/// Options of [`rank_prospects`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OutreachConfig {
    /// Factor weights.
    pub weights: Weights,
    /// Keywords for topical fit (matched case-insensitively as substrings of anchors and titles).
    pub keywords: Vec<String>,
    /// The date freshness is measured from; `None` takes the latest last-seen date in the report,
    /// so the ranking never depends on the clock.
    pub today: Option<NaiveDate>,
    /// Days after which a link's freshness halves (default 180).
    pub freshness_half_life_days: u32,
    /// Diversity: at most this many prospects from one network or subnet in the top (default 2).
    pub max_per_group: usize,
    /// Diversity: how many places "the top" is (default 50).
    pub top: usize,
    /// Gap categories to rank (default: gap and reclaim).
    pub categories: Vec<Category>,
}

impl Default for OutreachConfig {
    fn default() -> OutreachConfig {
        OutreachConfig {
            weights: Weights::default(),
            keywords: Vec::new(),
            today: None,
            freshness_half_life_days: 180,
            max_per_group: 2,
            top: 50,
            categories: vec![Category::Gap, Category::Reclaim],
        }
    }
}

/// A named factor of the outreach score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FactorKind {
    /// Competitor overlap.
    Overlap,
    /// Source rank.
    Rank,
    /// Dofollow share.
    Dofollow,
    /// Freshness of competitor links.
    Freshness,
    /// Topical fit.
    Topical,
    /// Spam risk (a penalty).
    Spam,
}

impl FactorKind {
    /// The factor's name (`overlap`, `rank`, `dofollow`, `freshness`, `topical`, `spam`).
    pub fn as_str(self) -> &'static str {
        match self {
            FactorKind::Overlap => "overlap",
            FactorKind::Rank => "rank",
            FactorKind::Dofollow => "dofollow",
            FactorKind::Freshness => "freshness",
            FactorKind::Topical => "topical",
            FactorKind::Spam => "spam",
        }
    }
}

impl fmt::Display for FactorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One factor of a prospect's score.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Factor {
    /// Which factor.
    pub kind: FactorKind,
    /// Its weight.
    pub weight: f64,
    /// Its value, 0-1.
    pub value: f64,
    /// Points it adds to the 0-100 score (negative for the spam penalty).
    pub points: f64,
    /// What the value was computed from, e.g. `3 of 10 competitors`.
    pub detail: String,
}

/// A ranked gap prospect.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RankedProspect {
    /// 1-based place in the ranking.
    pub position: usize,
    /// The source (at the gap report's level).
    pub source: String,
    /// Its registrable domain.
    pub domain: String,
    /// Its gap category.
    pub category: Category,
    /// Whether its absence from the target's profile is proven.
    pub absence: Option<Absence>,
    /// Score, 0-100.
    pub score: f64,
    /// The factors, in [`FactorKind`] order.
    pub factors: Vec<Factor>,
    /// The network or subnet it was grouped by for diversity.
    pub group: Option<String>,
    /// Why it was moved below the top, when it was.
    pub demoted: Option<String>,
}

/// Ranks the gap report's prospects (see the crate docs for every factor and weight).
///
/// Order: score (high first), then source name; then the diversity rule moves prospects beyond
/// `max_per_group` of one group out of the top `top` places, keeping their order among the rest.
pub fn rank_prospects(
    gap: &GapReport,
    risks: &[ProspectRisk],
    config: &OutreachConfig,
) -> Vec<RankedProspect> {
    let risk_by_host = risk_index(risks);
    let today = config.today.or_else(|| gap.rows.iter().filter_map(|row| row.last_seen).max());
    let keywords: Vec<String> = config
        .keywords
        .iter()
        .map(|keyword| keyword.trim().to_lowercase())
        .filter(|keyword| !keyword.is_empty())
        .collect();
    let n_competitors = gap.competitors.len();
    let mut prospects: Vec<RankedProspect> = gap
        .rows
        .par_iter()
        .filter(|row| config.categories.contains(&row.category))
        .map(|row| {
            let risk = risk_by_host
                .get(row.source.as_str())
                .or_else(|| risk_by_host.get(row.domain.as_str()))
                .copied();
            score_row(row, risk, n_competitors, today, &keywords, config)
        })
        .collect();
    prospects.par_sort_by(by_score);
    let prospects = diversify(prospects, config);
    prospects
        .into_iter()
        .enumerate()
        .map(|(idx, prospect)| RankedProspect { position: idx + 1, ..prospect })
        .collect()
}

/// Highest score first, then source name.
fn by_score(a: &RankedProspect, b: &RankedProspect) -> Ordering {
    b.score.total_cmp(&a.score).then_with(|| a.source.cmp(&b.source))
}

/// Risks by normalised host; for a host given twice, the highest score (then smallest network).
fn risk_index(risks: &[ProspectRisk]) -> HashMap<String, &ProspectRisk> {
    let hosts: Vec<Option<String>> =
        risks.par_iter().map(|risk| normalize_host(&risk.domain).ok()).collect();
    let mut index: HashMap<String, &ProspectRisk> = HashMap::new();
    for (risk, host) in risks.iter().zip(hosts) {
        let Some(host) = host else { continue };
        let entry = index.entry(host).or_insert(risk);
        let key = |risk: &ProspectRisk| (risk.score, std::cmp::Reverse(risk.network.clone()));
        if key(risk) > key(entry) {
            *entry = risk;
        }
    }
    index
}

fn score_row(
    row: &GapRow,
    risk: Option<&ProspectRisk>,
    n_competitors: usize,
    today: Option<NaiveDate>,
    keywords: &[String],
    config: &OutreachConfig,
) -> RankedProspect {
    let weights = &config.weights;
    let n_linked = row.competitors.len();
    let overlap =
        if n_competitors == 0 { 0.0 } else { (n_linked as f64 / n_competitors as f64).min(1.0) };
    let rank = row.best_rank.map_or(0.0, |rank| (f64::from(rank) / 1000.0).min(1.0));
    let (freshness, freshness_detail) = match (row.last_seen, today) {
        (Some(last_seen), Some(today)) => {
            let age = (today - last_seen).num_days().max(0) as f64;
            let half_life = f64::from(config.freshness_half_life_days.max(1));
            (
                0.5f64.powf(age / half_life),
                format!("last seen {last_seen}, {age} days before {today}"),
            )
        }
        _ => (0.0, "no last-seen date".to_owned()),
    };
    let texts: Vec<String> =
        row.anchors.iter().chain(&row.titles).map(|text| text.to_lowercase()).collect();
    let matched: Vec<&str> = keywords
        .iter()
        .filter(|keyword| texts.iter().any(|text| text.contains(keyword.as_str())))
        .map(String::as_str)
        .collect();
    let topical =
        if keywords.is_empty() { 0.0 } else { matched.len() as f64 / keywords.len() as f64 };
    let topical_detail = if keywords.is_empty() {
        "no keywords given".to_owned()
    } else if row.anchors.is_empty() && row.titles.is_empty() {
        "no anchors or titles (domain-level rows)".to_owned()
    } else {
        format!("{} of {} keywords: {}", matched.len(), keywords.len(), matched.join(", "))
    };
    let (spam, spam_detail) = match (risk, row.spam_score) {
        (Some(risk), _) => (f64::from(risk.score.min(100)) / 100.0, format!("risk {}", risk.score)),
        (None, Some(score)) => {
            (f64::from(score.min(100)) / 100.0, format!("api spam score {score}"))
        }
        (None, None) => (0.0, "no spam data".to_owned()),
    };
    let factor = |kind, weight: f64, value: f64, detail: String| Factor {
        kind,
        weight,
        value,
        points: 0.0,
        detail,
        // Points are filled in below, once the positive weights are known.
    };
    let mut factors = vec![
        factor(
            FactorKind::Overlap,
            weights.overlap,
            overlap,
            format!("{n_linked} of {n_competitors} competitors"),
        ),
        factor(
            FactorKind::Rank,
            weights.rank,
            rank,
            row.best_rank.map_or_else(|| "unknown rank".to_owned(), |rank| format!("rank {rank}")),
        ),
        factor(
            FactorKind::Dofollow,
            weights.dofollow,
            row.dofollow_share,
            format!("{:.0}% dofollow", row.dofollow_share * 100.0),
        ),
        factor(FactorKind::Freshness, weights.freshness, freshness, freshness_detail),
        factor(FactorKind::Topical, weights.topical, topical, topical_detail),
        factor(FactorKind::Spam, weights.spam, spam, spam_detail),
    ];
    // Positive weights are normalised so a perfect prospect scores 100 whatever their sum.
    let positive_sum: f64 = factors
        .iter()
        .filter(|factor| factor.kind != FactorKind::Spam)
        .map(|factor| factor.weight.max(0.0))
        .sum();
    let scale = if positive_sum > 0.0 { 100.0 / positive_sum } else { 0.0 };
    for factor in &mut factors {
        let points = factor.weight.max(0.0) * factor.value;
        factor.points =
            if factor.kind == FactorKind::Spam { -points * 100.0 } else { points * scale };
    }
    let score = factors.iter().map(|factor| factor.points).sum::<f64>().clamp(0.0, 100.0);
    let group = risk.and_then(|risk| risk.network.clone()).or_else(|| row.subnets.first().cloned());
    RankedProspect {
        position: 0,
        source: row.source.clone(),
        domain: row.domain.clone(),
        category: row.category,
        absence: row.absence,
        score,
        factors,
        group,
        demoted: None,
    }
}

/// Applies the diversity rule to prospects sorted by score.
fn diversify(prospects: Vec<RankedProspect>, config: &OutreachConfig) -> Vec<RankedProspect> {
    let mut top = Vec::new();
    let mut rest = Vec::new();
    let mut per_group: HashMap<String, usize> = HashMap::new();
    for mut prospect in prospects {
        if top.len() >= config.top {
            rest.push(prospect);
            continue;
        }
        let Some(group) = prospect.group.clone() else {
            top.push(prospect);
            continue;
        };
        let seen = per_group.entry(group.clone()).or_insert(0);
        if *seen < config.max_per_group {
            *seen += 1;
            top.push(prospect);
        } else {
            prospect.demoted = Some(format!(
                "more than {} prospects from `{group}` in the top {}",
                config.max_per_group, config.top
            ));
            rest.push(prospect);
        }
    }
    // Both parts were taken from a sorted list, so the rest is merged back in score order.
    rest.par_sort_by(by_score);
    top.extend(rest);
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Level;
    use crate::corpus::Detail;
    use crate::gap::{CompetitorLinks, GapCounts, SiteSummary};
    use crate::profile::Coverage;

    fn competitor(site: &str) -> CompetitorLinks {
        CompetitorLinks {
            site: site.to_owned(),
            links: 1,
            dofollow_links: 1,
            lost_links: 0,
            first_seen: None,
            last_seen: None,
        }
    }

    fn row(source: &str) -> GapRow {
        GapRow {
            source: source.to_owned(),
            domain: source.to_owned(),
            category: Category::Gap,
            absence: Some(Absence::Proven),
            competitors: vec![competitor("a.com")],
            target_links: 0,
            target_lost_links: 0,
            best_rank: None,
            dofollow_share: 0.0,
            first_seen: None,
            last_seen: None,
            spam_score: None,
            samples: Vec::new(),
            anchors: Vec::new(),
            titles: Vec::new(),
            ips: Vec::new(),
            subnets: Vec::new(),
            detail: Detail::Links,
        }
    }

    fn report(rows: Vec<GapRow>) -> GapReport {
        let site = |name: &str| SiteSummary {
            site: name.to_owned(),
            coverage: Coverage::Complete,
            detail: Detail::Links,
            rows: 1,
        };
        GapReport {
            level: Level::Domain,
            min_competitors: 1,
            target: site("me.com"),
            competitors: vec![site("a.com"), site("b.com"), site("c.com"), site("d.com")],
            rows,
            counts: GapCounts::default(),
            skipped: Vec::new(),
        }
    }

    /// Ranks rows with the config and returns (source, score rounded to 0.1) in order.
    fn check(
        rows: Vec<GapRow>,
        risks: &[ProspectRisk],
        config: &OutreachConfig,
        expected: &[(&str, f64)],
    ) {
        let ranked = rank_prospects(&report(rows), risks, config);
        let got: Vec<(&str, f64)> = ranked
            .iter()
            .map(|prospect| (prospect.source.as_str(), (prospect.score * 10.0).round() / 10.0))
            .collect();
        assert_eq!(got, expected);
        for (idx, prospect) in ranked.iter().enumerate() {
            assert_eq!(prospect.position, idx + 1);
        }
    }

    fn only(kind: FactorKind) -> OutreachConfig {
        let mut weights = Weights {
            overlap: 0.0,
            rank: 0.0,
            dofollow: 0.0,
            freshness: 0.0,
            topical: 0.0,
            spam: 0.0,
        };
        match kind {
            FactorKind::Overlap => weights.overlap = 1.0,
            FactorKind::Rank => weights.rank = 1.0,
            FactorKind::Dofollow => weights.dofollow = 1.0,
            FactorKind::Freshness => weights.freshness = 1.0,
            FactorKind::Topical => weights.topical = 1.0,
            FactorKind::Spam => {
                weights.rank = 1.0;
                weights.spam = 0.5;
            }
        }
        OutreachConfig { weights, ..OutreachConfig::default() }
    }

    #[test]
    fn overlap_counts_the_share_of_competitors() {
        let mut wide = row("wide.com");
        wide.competitors = ["a.com", "b.com", "c.com"].map(competitor).to_vec();
        check(
            vec![row("narrow.com"), wide],
            &[],
            &only(FactorKind::Overlap),
            &[("wide.com", 75.0), ("narrow.com", 25.0)],
        );
    }

    #[test]
    fn rank_scales_from_0_to_1000() {
        let mut strong = row("strong.com");
        strong.best_rank = Some(800);
        let mut weak = row("weak.com");
        weak.best_rank = Some(100);
        check(
            vec![weak, strong, row("unknown.com")],
            &[],
            &only(FactorKind::Rank),
            &[("strong.com", 80.0), ("weak.com", 10.0), ("unknown.com", 0.0)],
        );
    }

    #[test]
    fn dofollow_share_is_a_factor() {
        let mut follow = row("follow.com");
        follow.dofollow_share = 0.5;
        check(
            vec![row("nofollow.com"), follow],
            &[],
            &only(FactorKind::Dofollow),
            &[("follow.com", 50.0), ("nofollow.com", 0.0)],
        );
    }

    #[test]
    fn freshness_halves_every_half_life() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d);
        let mut fresh = row("fresh.com");
        fresh.last_seen = day(31);
        let mut old = row("old.com");
        old.last_seen = day(1);
        let config = OutreachConfig { freshness_half_life_days: 30, ..only(FactorKind::Freshness) };
        // Today defaults to the latest last-seen date in the report.
        check(
            vec![old, fresh, row("never.com")],
            &[],
            &config,
            &[("fresh.com", 100.0), ("old.com", 50.0), ("never.com", 0.0)],
        );
    }

    #[test]
    fn topical_fit_matches_keywords_in_anchors_and_titles() {
        let mut fit = row("fit.com");
        fit.anchors = vec!["Best Running Shoes".to_owned()];
        fit.titles = vec!["Trail guide".to_owned()];
        let mut half = row("half.com");
        half.titles = vec!["All about TRAIL running".to_owned()];
        let config = OutreachConfig {
            keywords: vec!["running shoes".to_owned(), "trail".to_owned()],
            ..only(FactorKind::Topical)
        };
        check(
            vec![row("off.com"), half, fit],
            &[],
            &config,
            &[("fit.com", 100.0), ("half.com", 50.0), ("off.com", 0.0)],
        );
    }

    #[test]
    fn spam_risk_is_a_penalty_and_falls_back_to_the_api_score() {
        let mut risky = row("risky.com");
        risky.best_rank = Some(1000);
        let mut api = row("api.com");
        api.best_rank = Some(1000);
        api.spam_score = Some(20);
        let mut clean = row("clean.com");
        clean.best_rank = Some(1000);
        let risks = [ProspectRisk { domain: "WWW.Risky.com".to_owned(), score: 60, network: None }];
        check(
            vec![risky, api, clean],
            &risks,
            &only(FactorKind::Spam),
            &[("clean.com", 100.0), ("api.com", 90.0), ("risky.com", 70.0)],
        );
    }

    #[test]
    fn ties_break_by_source_name() {
        check(
            vec![row("b.com"), row("c.com"), row("a.com")],
            &[],
            &only(FactorKind::Overlap),
            &[("a.com", 25.0), ("b.com", 25.0), ("c.com", 25.0)],
        );
    }

    #[test]
    fn every_factor_is_visible_with_its_weight() {
        let ranked = rank_prospects(&report(vec![row("a.com")]), &[], &OutreachConfig::default());
        let kinds: Vec<(FactorKind, f64)> =
            ranked[0].factors.iter().map(|factor| (factor.kind, factor.weight)).collect();
        let weights = Weights::default();
        assert_eq!(
            kinds,
            [
                (FactorKind::Overlap, weights.overlap),
                (FactorKind::Rank, weights.rank),
                (FactorKind::Dofollow, weights.dofollow),
                (FactorKind::Freshness, weights.freshness),
                (FactorKind::Topical, weights.topical),
                (FactorKind::Spam, weights.spam),
            ]
        );
        let sum: f64 = ranked[0].factors.iter().map(|factor| factor.points).sum();
        assert!((sum - ranked[0].score).abs() < 1e-9);
        assert_eq!(ranked[0].factors[0].detail, "1 of 4 competitors");
    }

    #[test]
    fn diversity_demotes_a_crowded_network_below_the_top() {
        let ranked_row = |source: &str, rank: u32, subnet: &str| {
            let mut row = row(source);
            row.best_rank = Some(rank);
            row.subnets = vec![subnet.to_owned()];
            row
        };
        let rows = vec![
            ranked_row("n1.com", 900, "10.0.0.0/24"),
            ranked_row("n2.com", 800, "10.0.0.0/24"),
            ranked_row("n3.com", 700, "10.0.0.0/24"),
            ranked_row("other.com", 100, "10.9.9.0/24"),
            ranked_row("tail.com", 50, "10.8.8.0/24"),
        ];
        let config = OutreachConfig { max_per_group: 2, top: 3, ..only(FactorKind::Rank) };
        let ranked = rank_prospects(&report(rows), &[], &config);
        let order: Vec<(&str, bool)> =
            ranked.iter().map(|p| (p.source.as_str(), p.demoted.is_some())).collect();
        assert_eq!(
            order,
            [
                ("n1.com", false),
                ("n2.com", false),
                ("other.com", false),
                ("n3.com", true),
                ("tail.com", false),
            ]
        );
        assert_eq!(
            ranked[3].demoted.as_deref(),
            Some("more than 2 prospects from `10.0.0.0/24` in the top 3")
        );
    }

    #[test]
    fn named_networks_group_prospects() {
        let rows = vec![row("a.com"), row("b.com"), row("c.com")];
        let risks: Vec<ProspectRisk> = ["a.com", "b.com"]
            .iter()
            .map(|domain| ProspectRisk {
                domain: (*domain).to_owned(),
                score: 0,
                network: Some("pbn-1".to_owned()),
            })
            .collect();
        let config = OutreachConfig { max_per_group: 1, top: 2, ..OutreachConfig::default() };
        let ranked = rank_prospects(&report(rows), &risks, &config);
        let order: Vec<&str> = ranked.iter().map(|p| p.source.as_str()).collect();
        assert_eq!(order, ["a.com", "c.com", "b.com"]);
        assert_eq!(ranked[2].group.as_deref(), Some("pbn-1"));
    }

    #[test]
    fn only_requested_categories_are_ranked() {
        let mut shared = row("shared.com");
        shared.category = Category::Shared;
        let ranked =
            rank_prospects(&report(vec![shared, row("gap.com")]), &[], &OutreachConfig::default());
        let sources: Vec<&str> = ranked.iter().map(|p| p.source.as_str()).collect();
        assert_eq!(sources, ["gap.com"]);
    }
}
