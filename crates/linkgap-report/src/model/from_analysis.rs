//! Constructors of the report views from analysis results: the only code that reads analysis types.

use std::collections::BTreeMap;
use std::fmt::Display;

use hashbrown::HashMap;
use linkgap_analysis::{
    Absence, AnchorAudit, AnchorFlag, BulkTable, GapReport, GapRow, Profile, ProfileDiff,
    RankedProspect, RiskLevel, Rows, SampleLink, SiteAnchors, SiteRole, SpamReport,
};
use rayon::prelude::*;

use crate::model::{
    AlertView, AnchorFlagView, AnchorsBody, AnchorsView, AuditView, BulkRowView, BulkSkippedView,
    BulkView, ClassShareView, ClassShiftView, ColumnStatsView, CompetitorLinksView, DiffView,
    DomainChangeView, DomainRiskView, FactorView, GapCountsView, GapView, LinkChangeView,
    LinkRiskView, NetworkView, ProfileSummaryView, ProspectView, ReferringDomainView, ReportMeta,
    RiskCountsView, SampleLinkView, SignalView, SiteAnchorsView, SpamBody, SpamView, TopAnchorView,
    VelocityView, round4,
};

/// An optional date as ISO 8601 (`NaiveDate`'s `Display` is `%Y-%m-%d`).
fn date<D: Display>(value: Option<D>) -> Option<String> {
    value.map(|date| date.to_string())
}

fn risk_name(level: RiskLevel) -> String {
    level.as_str().to_owned()
}

fn sample_view(sample: &SampleLink) -> SampleLinkView {
    SampleLinkView {
        url_from: sample.url_from.clone(),
        competitor: sample.competitor.clone(),
        anchor: sample.anchor.clone(),
        title: sample.title.clone(),
    }
}

impl GapView {
    /// Builds the gap report from the analysis's gap report and its ranked prospects (from
    /// `rank_prospects`). Each prospect is joined with its gap row for the evidence.
    pub fn new(meta: ReportMeta, gap: &GapReport, ranked: &[RankedProspect]) -> GapView {
        let rows: HashMap<&str, &GapRow> =
            gap.rows.iter().map(|row| (row.source.as_str(), row)).collect();
        let prospects = ranked
            .par_iter()
            .map(|prospect| prospect_view(prospect, rows.get(prospect.source.as_str()).copied()))
            .collect();
        let counts = &gap.counts;
        GapView {
            meta,
            level: gap.level.to_string(),
            min_competitors: gap.min_competitors,
            counts: GapCountsView {
                gap: counts.gap,
                reclaim: counts.reclaim,
                shared: counts.shared,
                unique_to_target: counts.unique_to_target,
                weak: counts.weak,
                below_min_competitors: counts.below_min_competitors,
                below_min_rank: counts.below_min_rank,
            },
            prospects,
        }
    }
}

fn prospect_view(prospect: &RankedProspect, row: Option<&GapRow>) -> ProspectView {
    let samples: Vec<SampleLinkView> =
        row.map(|row| row.samples.iter().map(sample_view).collect()).unwrap_or_default();
    let best_page =
        samples.iter().find(|sample| sample.anchor.is_some()).or(samples.first()).cloned();
    ProspectView {
        rank: prospect.position,
        domain: prospect.source.clone(),
        registrable: prospect.domain.clone(),
        category: prospect.category.as_str().to_owned(),
        absence: prospect.absence.map(|absence| {
            match absence {
                Absence::Proven => "proven",
                Absence::Unverified => "unverified",
            }
            .to_owned()
        }),
        score: round4(prospect.score),
        competitors: row
            .map(|row| row.competitors.iter().map(|links| links.site.clone()).collect())
            .unwrap_or_default(),
        competitor_links: row
            .map(|row| {
                row.competitors
                    .iter()
                    .map(|links| CompetitorLinksView {
                        site: links.site.clone(),
                        links: links.links,
                        dofollow_links: links.dofollow_links,
                        lost_links: links.lost_links,
                        first_seen: date(links.first_seen),
                        last_seen: date(links.last_seen),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        factors: prospect
            .factors
            .iter()
            .map(|factor| FactorView {
                kind: factor.kind.as_str().to_owned(),
                weight: round4(factor.weight),
                value: round4(factor.value),
                points: round4(factor.points),
                detail: factor.detail.clone(),
            })
            .collect(),
        best_rank: row.and_then(|row| row.best_rank),
        dofollow_share: row.map_or(0.0, |row| round4(row.dofollow_share)),
        first_seen: row.and_then(|row| date(row.first_seen)),
        last_seen: row.and_then(|row| date(row.last_seen)),
        spam_score: row.and_then(|row| row.spam_score),
        best_page,
        samples,
        anchors: row.map(|row| row.anchors.clone()).unwrap_or_default(),
        titles: row.map(|row| row.titles.clone()).unwrap_or_default(),
        group: prospect.group.clone(),
        demoted: prospect.demoted.clone(),
    }
}

impl AnchorsBody {
    /// Builds the anchor section from an anchor audit.
    pub fn new(audit: &AnchorAudit) -> AnchorsBody {
        AnchorsBody {
            keywords: audit.keywords.clone(),
            keywords_derived: audit.keywords_derived,
            sites: audit.sites.iter().map(site_anchors_view).collect(),
            notes: audit.notes.clone(),
        }
    }
}

impl AnchorsView {
    /// Builds the anchor report from an anchor audit.
    pub fn new(meta: ReportMeta, audit: &AnchorAudit) -> AnchorsView {
        AnchorsView { meta, body: AnchorsBody::new(audit) }
    }
}

fn site_anchors_view(site: &SiteAnchors) -> SiteAnchorsView {
    let link_share = |class| {
        site.by_link.iter().find(|share| share.class == class).map_or(0.0, |share| share.share)
    };
    SiteAnchorsView {
        site: site.site.clone(),
        role: match site.role {
            SiteRole::Target => "target",
            SiteRole::Competitor => "competitor",
        }
        .to_owned(),
        over_optimized: !site.flags.is_empty(),
        anchors_available: site.anchors_available,
        brand_terms: site.brand_terms.clone(),
        links: site.links,
        domains: site.domains,
        classes: site
            .by_domain
            .iter()
            .map(|share| ClassShareView {
                class: share.class.as_str().to_owned(),
                domain_share: round4(share.share),
                link_share: round4(link_share(share.class)),
            })
            .collect(),
        top_anchors: site
            .top_anchors
            .iter()
            .map(|top| TopAnchorView {
                anchor: top.anchor.clone(),
                class: top.class.as_str().to_owned(),
                domains: top.domains,
                links: top.links,
                domain_share: round4(top.domain_share),
            })
            .collect(),
        flags: site.flags.iter().map(flag_view).collect(),
    }
}

fn flag_view(flag: &AnchorFlag) -> AnchorFlagView {
    AnchorFlagView {
        rule: flag.rule.as_str().to_owned(),
        anchor: flag.anchor.clone(),
        value: round4(flag.value),
        threshold: round4(flag.threshold),
        baseline_median: flag.baseline.as_ref().map(|baseline| round4(baseline.median)),
        message: flag.message.clone(),
    }
}

impl SpamBody {
    /// Builds the spam section from a spam report. Risky links are those at medium risk or
    /// above; domains keep the analysis's order.
    pub fn new(spam: &SpamReport) -> SpamBody {
        let count = |level| spam.domains.iter().filter(|risk| risk.level == level).count();
        SpamBody {
            medium_at: spam.medium_at,
            high_at: spam.high_at,
            risk_counts: RiskCountsView {
                low: count(RiskLevel::Low),
                medium: count(RiskLevel::Medium),
                high: count(RiskLevel::High),
            },
            domains: spam
                .domains
                .iter()
                .map(|risk| DomainRiskView {
                    domain: risk.domain.clone(),
                    score: risk.score.min(100),
                    risk: risk_name(risk.level),
                    signals: risk
                        .signals
                        .iter()
                        .map(|hit| SignalView {
                            signal: hit.signal.as_str().to_owned(),
                            points: hit.points,
                            evidence: hit.evidence.clone(),
                        })
                        .collect(),
                    network: risk.network.clone(),
                    rank: risk.rank,
                    links: risk.links,
                    sites: risk.sites.clone(),
                })
                .collect(),
            networks: spam
                .networks
                .iter()
                .map(|network| NetworkView {
                    id: network.id.clone(),
                    members: network.members.clone(),
                    shared_ips: network.shared_ips.clone(),
                    shared_subnets: network.shared_subnets.clone(),
                    interlinks: network.interlinks,
                    total_links: network.total_links,
                    max_score: network.max_score.min(100),
                    risk: risk_name(network.level),
                    note: network.note.clone(),
                })
                .collect(),
            links: spam
                .links
                .iter()
                .filter(|link| link.level >= RiskLevel::Medium)
                .map(|link| LinkRiskView {
                    site: link.site.clone(),
                    url_from: link.url_from.clone(),
                    url_to: link.url_to.clone(),
                    domain: link.domain.clone(),
                    score: link.score.min(100),
                    risk: risk_name(link.level),
                })
                .collect(),
        }
    }
}

impl SpamView {
    /// Builds the spam report from a spam report.
    pub fn new(meta: ReportMeta, spam: &SpamReport) -> SpamView {
        SpamView { meta, body: SpamBody::new(spam) }
    }
}

impl AuditView {
    /// Builds the audit of `target`'s profile with its anchor audit and spam report; lists at
    /// most `top_domains` referring domains (by rank, then backlinks, then name).
    pub fn new(
        meta: ReportMeta,
        target: &Profile,
        anchors: &AnchorAudit,
        spam: &SpamReport,
        top_domains: usize,
    ) -> AuditView {
        let (summary, mut domains) = profile_summary(target);
        for domain in &mut domains {
            domain.risk = spam.domain(&domain.domain).map(|risk| risk_name(risk.level));
        }
        domains.sort_by(|a, b| {
            b.rank
                .cmp(&a.rank)
                .then(b.backlinks.cmp(&a.backlinks))
                .then_with(|| a.domain.cmp(&b.domain))
        });
        domains.truncate(top_domains);
        AuditView {
            meta,
            summary,
            referring_domains: domains,
            anchors: AnchorsBody::new(anchors),
            spam: SpamBody::new(spam),
        }
    }
}

/// Headline numbers and per-domain aggregates of a profile.
fn profile_summary(profile: &Profile) -> (ProfileSummaryView, Vec<ReferringDomainView>) {
    let mut by_domain: BTreeMap<String, ReferringDomainView> = BTreeMap::new();
    let (mut backlinks, mut dofollow, mut lost) = (0u64, 0u64, 0u64);
    let link_rows = matches!(profile.rows, Rows::Backlinks(_));
    match &profile.rows {
        Rows::Backlinks(links) => {
            for link in links {
                backlinks += 1;
                dofollow += u64::from(link.dofollow);
                lost += u64::from(link.is_lost);
                let entry = by_domain.entry(link.domain_from.clone()).or_insert_with(|| {
                    ReferringDomainView {
                        domain: link.domain_from.clone(),
                        rank: None,
                        backlinks: 0,
                        dofollow_backlinks: Some(0),
                        first_seen: None,
                        spam_score: None,
                        risk: None,
                    }
                });
                entry.backlinks += 1;
                entry.dofollow_backlinks =
                    entry.dofollow_backlinks.map(|count| count + u64::from(link.dofollow));
                entry.rank = entry.rank.max(link.domain_from_rank);
                entry.spam_score = entry.spam_score.max(link.backlink_spam_score);
                let seen = date(link.first_seen);
                if entry.first_seen.is_none() || (seen.is_some() && seen < entry.first_seen) {
                    entry.first_seen = seen;
                }
            }
        }
        Rows::ReferringDomains(domains) => {
            for domain in domains {
                backlinks += domain.backlinks;
                by_domain.insert(
                    domain.domain.clone(),
                    ReferringDomainView {
                        domain: domain.domain.clone(),
                        rank: domain.rank,
                        backlinks: domain.backlinks,
                        dofollow_backlinks: domain
                            .nofollow_backlinks
                            .map(|nofollow| domain.backlinks.saturating_sub(nofollow)),
                        first_seen: date(domain.first_seen),
                        spam_score: domain.backlinks_spam_score,
                        risk: None,
                    },
                );
            }
        }
    }
    let summary = ProfileSummaryView {
        site: profile.site.clone(),
        complete: profile.coverage.is_complete(),
        rows: profile.rows.len() as u64,
        referring_domains: by_domain.len() as u64,
        backlinks,
        dofollow_share: (link_rows && backlinks > 0)
            .then(|| round4(dofollow as f64 / backlinks as f64)),
        lost_backlinks: lost,
    };
    (summary, by_domain.into_values().collect())
}

impl DiffView {
    /// Builds the monitoring report from a snapshot diff.
    pub fn new(meta: ReportMeta, diff: &ProfileDiff) -> DiffView {
        let link = |change: &linkgap_analysis::LinkChange| LinkChangeView {
            url_from: change.url_from.clone(),
            url_to: change.url_to.clone(),
            domain: change.domain.clone(),
            anchor: change.anchor.clone(),
            dofollow: change.dofollow,
            date: date(change.date),
            reason: change.reason.map(|reason| reason.as_str().to_owned()),
            evidence: change.evidence.clone(),
            spam_score: change.spam_score,
        };
        let domain = |change: &linkgap_analysis::DomainChange| DomainChangeView {
            domain: change.domain.clone(),
            links: change.links,
            date: date(change.date),
            reasons: change.reasons.iter().map(|reason| reason.as_str().to_owned()).collect(),
            spam_score: change.spam_score,
        };
        let velocity = |bucket: &linkgap_analysis::VelocityBucket| VelocityView {
            period: bucket.period.clone(),
            new_links: bucket.new_links,
            lost_links: bucket.lost_links,
            new_domains: bucket.new_domains,
            lost_domains: bucket.lost_domains,
        };
        DiffView {
            meta,
            site: diff.site.clone(),
            links_compared: diff.links_compared,
            domains_before: diff.domains_before,
            domains_after: diff.domains_after,
            new_links: diff.new_links.iter().map(link).collect(),
            lost_links: diff.lost_links.iter().map(link).collect(),
            new_domains: diff.new_domains.iter().map(domain).collect(),
            lost_domains: diff.lost_domains.iter().map(domain).collect(),
            anchor_shift: diff
                .anchor_shift
                .iter()
                .map(|shift| ClassShiftView {
                    class: shift.class.as_str().to_owned(),
                    before: round4(shift.before),
                    after: round4(shift.after),
                    delta: round4(shift.delta),
                })
                .collect(),
            weekly: diff.weekly.iter().map(velocity).collect(),
            monthly: diff.monthly.iter().map(velocity).collect(),
            alerts: diff
                .alerts
                .iter()
                .map(|alert| AlertView {
                    kind: alert.kind.as_str().to_owned(),
                    message: alert.message.clone(),
                    count: alert.count,
                    share: round4(alert.share),
                    domains: alert.domains.clone(),
                })
                .collect(),
            notes: diff.notes.clone(),
        }
    }
}

impl BulkView {
    /// Builds the bulk report from a bulk table.
    pub fn new(meta: ReportMeta, table: &BulkTable) -> BulkView {
        BulkView {
            meta,
            sort_by: table.sort_by.as_str().to_owned(),
            ascending: table.ascending,
            columns: table
                .columns
                .iter()
                .map(|stats| ColumnStatsView {
                    column: stats.column.as_str().to_owned(),
                    count: stats.count,
                    p25: stats.p25.map(round4),
                    p50: stats.p50.map(round4),
                    p75: stats.p75.map(round4),
                    p90: stats.p90.map(round4),
                })
                .collect(),
            rows: table
                .rows
                .iter()
                .map(|row| BulkRowView {
                    target: row.row.target.clone(),
                    rank: row.row.rank,
                    referring_domains: row.row.referring_domains,
                    referring_main_domains: row.row.referring_main_domains,
                    backlinks: row.row.backlinks,
                    spam_score: row.row.spam_score,
                    new_backlinks: row.row.new_backlinks,
                    lost_backlinks: row.row.lost_backlinks,
                    new_referring_domains: row.row.new_referring_domains,
                    lost_referring_domains: row.row.lost_referring_domains,
                    sort_percentile: row.percentile_rank(table.sort_by).map(round4),
                })
                .collect(),
            skipped: table
                .skipped
                .iter()
                .map(|skipped| BulkSkippedView {
                    target: skipped.target.clone(),
                    reason: skipped.reason.clone(),
                })
                .collect(),
        }
    }
}
