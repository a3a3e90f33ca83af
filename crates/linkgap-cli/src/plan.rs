//! Fetch plans: which endpoints a command calls, how often, and the worst case they can cost,
//! stated before anything is sent; and the rule that decides whether a run may spend it.
//!
//! The plans pick the cheapest endpoints for the job: `referring_domains` (one row per referring
//! host) for a domain- or host-level gap, `backlinks` only where anchors or pages are needed
//! (audit, anchors, spam, page-level gap), the bulk endpoints (one call per 1,000 targets) for
//! `bulk`, and `competitors` for suggestions. Paginated fetches ask for 1,000 rows per call (the
//! cheapest per row) up to `--max-rows` per site, which bounds the worst case.

use std::fmt::Write as _;

use linkgap_dataforseo::{Endpoint, MAX_LIMIT, PriceTable};
use serde::Serialize;

/// Above this worst case (USD) a run asks before spending (or needs `--yes`).
pub(crate) const DEFAULT_CONFIRM_ABOVE_USD: f64 = 1.0;

/// Calls to one endpoint for one subject.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PlannedCall {
    /// The endpoint.
    pub(crate) endpoint: Endpoint,
    /// What the calls are for (a site, or `N targets`).
    pub(crate) subject: String,
    /// Calls at most.
    pub(crate) calls: u64,
    /// Rows billed at most, over all the calls.
    pub(crate) rows: u64,
}

/// The calls a command would make.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Plan {
    /// The planned calls, in the order they are made.
    pub(crate) calls: Vec<PlannedCall>,
}

/// One line of a cost estimate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct CostLine {
    /// The endpoint path.
    pub(crate) endpoint: String,
    /// What the calls are for.
    pub(crate) subject: String,
    /// Calls at most.
    pub(crate) calls: u64,
    /// Worst-case price in USD.
    pub(crate) worst_case_usd: f64,
}

/// The worst case of a plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub(crate) struct CostEstimate {
    /// Calls at most.
    pub(crate) calls: u64,
    /// Worst-case price in USD.
    pub(crate) worst_case_usd: f64,
    /// Per endpoint and subject.
    pub(crate) steps: Vec<CostLine>,
}

/// Calls of `page_size` rows needed for `rows` rows.
fn pages(rows: u64) -> u64 {
    rows.div_ceil(MAX_LIMIT).max(1)
}

impl Plan {
    /// An empty plan (a local world sends nothing).
    pub(crate) fn new() -> Plan {
        Plan::default()
    }

    /// A paginated fetch of at most `max_rows` rows of `site`, 1,000 rows per call.
    pub(crate) fn paged(&mut self, endpoint: Endpoint, site: &str, max_rows: u64) {
        self.calls.push(PlannedCall {
            endpoint,
            subject: site.to_owned(),
            calls: pages(max_rows),
            rows: max_rows,
        });
    }

    /// A bulk endpoint over `n_targets` targets, 1,000 per call.
    pub(crate) fn bulk(&mut self, endpoint: Endpoint, n_targets: u64) {
        self.calls.push(PlannedCall {
            endpoint,
            subject: format!("{n_targets} targets"),
            calls: pages(n_targets),
            rows: n_targets,
        });
    }

    /// One call billed for at most `rows` rows.
    pub(crate) fn single(&mut self, endpoint: Endpoint, subject: &str, rows: u64) {
        self.calls.push(PlannedCall { endpoint, subject: subject.to_owned(), calls: 1, rows });
    }

    /// The plan of a gap: referring domains per site at domain and host level, backlinks at
    /// page level (pages are only in link-level rows).
    pub(crate) fn gap(sites: &[String], page_level: bool, max_rows: u64) -> Plan {
        let endpoint = if page_level { Endpoint::Backlinks } else { Endpoint::ReferringDomains };
        let mut plan = Plan::new();
        for site in sites {
            plan.paged(endpoint, site, max_rows);
        }
        plan
    }

    /// The plan of `audit`, `anchors` and `spam`: backlinks per site (anchors, pages and IPs are
    /// only in link-level rows).
    pub(crate) fn backlinks(sites: &[String], max_rows: u64) -> Plan {
        let mut plan = Plan::new();
        for site in sites {
            plan.paged(Endpoint::Backlinks, site, max_rows);
        }
        plan
    }

    /// The plan of `bulk`: the six bulk endpoints.
    pub(crate) fn bulk_metrics(n_targets: u64) -> Plan {
        let mut plan = Plan::new();
        for endpoint in [
            Endpoint::BulkRanks,
            Endpoint::BulkBacklinks,
            Endpoint::BulkSpamScore,
            Endpoint::BulkReferringDomains,
            Endpoint::BulkNewLostBacklinks,
            Endpoint::BulkNewLostReferringDomains,
        ] {
            plan.bulk(endpoint, n_targets);
        }
        plan
    }

    /// The plan of `competitors`.
    pub(crate) fn competitors(target: &str, limit: u64) -> Plan {
        let mut plan = Plan::new();
        plan.single(Endpoint::Competitors, target, limit);
        plan
    }

    /// The worst case of the plan: per step, `calls × per_request + rows × per_row`.
    pub(crate) fn cost(&self, prices: &PriceTable) -> CostEstimate {
        let steps: Vec<CostLine> = self
            .calls
            .iter()
            .map(|call| {
                let price = prices.price(call.endpoint);
                CostLine {
                    endpoint: call.endpoint.path().to_owned(),
                    subject: call.subject.clone(),
                    calls: call.calls,
                    worst_case_usd: price.per_request * call.calls as f64
                        + price.per_row * call.rows as f64,
                }
            })
            .collect();
        CostEstimate {
            calls: steps.iter().map(|step| step.calls).sum(),
            worst_case_usd: steps.iter().map(|step| step.worst_case_usd).sum(),
            steps,
        }
    }
}

impl CostEstimate {
    /// A one-line summary for stderr.
    pub(crate) fn summary(&self) -> String {
        format!(
            "plan: at most {} API call{}, worst case ${:.4}",
            self.calls,
            if self.calls == 1 { "" } else { "s" },
            self.worst_case_usd
        )
    }

    /// A Markdown table of the steps and the total.
    pub(crate) fn to_markdown(&self) -> String {
        let mut out = String::from(
            "| endpoint | for | calls (at most) | worst case (USD) |\n|---|---|---:|---:|\n",
        );
        for step in &self.steps {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {:.4} |",
                step.endpoint, step.subject, step.calls, step.worst_case_usd
            );
        }
        let _ = writeln!(
            out,
            "\nTotal: at most {} calls, worst case ${:.4}. Nothing was sent.",
            self.calls, self.worst_case_usd
        );
        out
    }
}

/// When a run may spend without asking.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SpendPolicy {
    /// Worst cases above this (USD) need a confirmation.
    pub(crate) confirm_above_usd: f64,
    /// `--yes`: confirmed in advance.
    pub(crate) yes: bool,
    /// Whether stdin is a terminal, so a person can be asked.
    pub(crate) interactive: bool,
}

/// Decides whether a run with worst case `cost` may go ahead: below the threshold or with
/// `--yes` it may; above it an interactive run asks (`ask` gets the question), and a
/// non-interactive one is refused with a sentence saying what to do.
pub(crate) fn confirm_spend(
    cost: &CostEstimate,
    policy: &SpendPolicy,
    ask: &mut dyn FnMut(&str) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    if policy.yes || cost.worst_case_usd <= policy.confirm_above_usd {
        return Ok(());
    }
    let worst = cost.worst_case_usd;
    let threshold = policy.confirm_above_usd;
    if !policy.interactive {
        anyhow::bail!(
            "this run could cost up to ${worst:.4} ({} calls), above the ${threshold:.2} \
             confirmation threshold; rerun with `--yes` to accept, or lower `--max-rows`",
            cost.calls
        );
    }
    let question =
        format!("This run could cost up to ${worst:.4} ({} calls). Continue?", cost.calls);
    if ask(&question)? {
        Ok(())
    } else {
        anyhow::bail!("stopped before spending: the worst case of ${worst:.4} was not accepted")
    }
}

#[cfg(test)]
mod tests {
    use linkgap_dataforseo::Price;

    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn sites(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn a_domain_gap_fetches_referring_domains_and_prices_every_page() {
        let plan = Plan::gap(&sites(&["me.com", "a.com", "b.com"]), false, 2500);
        assert!(plan.calls.iter().all(|call| call.endpoint == Endpoint::ReferringDomains));
        let cost = plan.cost(&PriceTable::default());
        // Per site: 3 pages × $0.02 + 2,500 rows × $0.00003 = $0.135.
        assert_eq!(cost.calls, 9);
        assert!(close(cost.worst_case_usd, 3.0 * 0.135), "{}", cost.worst_case_usd);
        assert_eq!(cost.steps[1].subject, "a.com");
    }

    #[test]
    fn a_page_gap_and_audits_need_backlinks() {
        let plan = Plan::gap(&sites(&["me.com", "a.com"]), true, 1000);
        assert!(plan.calls.iter().all(|call| call.endpoint == Endpoint::Backlinks));
        let plan = Plan::backlinks(&sites(&["me.com"]), 100);
        let cost = plan.cost(&PriceTable::default());
        assert_eq!(cost.calls, 1);
        assert!(close(cost.worst_case_usd, 0.02 + 100.0 * 0.000_03));
    }

    #[test]
    fn bulk_uses_one_call_per_thousand_targets_and_endpoint() {
        let cost = Plan::bulk_metrics(2500).cost(&PriceTable::default());
        assert_eq!(cost.calls, 6 * 3);
        assert!(close(cost.worst_case_usd, 6.0 * (3.0 * 0.02 + 2500.0 * 0.000_03)));
    }

    #[test]
    fn the_estimate_follows_the_price_table() {
        let prices = PriceTable::default()
            .with_price(Endpoint::Competitors, Price { per_request: 0.1, per_row: 0.01 });
        let cost = Plan::competitors("me.com", 20).cost(&prices);
        assert_eq!(cost.calls, 1);
        assert!(close(cost.worst_case_usd, 0.1 + 0.2));
        assert!(
            cost.to_markdown().contains("`/v3/backlinks/competitors/live` | me.com | 1 | 0.3000")
        );
    }

    fn estimate(usd: f64) -> CostEstimate {
        CostEstimate { calls: 7, worst_case_usd: usd, steps: Vec::new() }
    }

    fn never_asked(_: &str) -> anyhow::Result<bool> {
        panic!("nobody should be asked")
    }

    #[test]
    fn a_cheap_run_or_yes_goes_ahead_without_asking() {
        let policy = SpendPolicy { confirm_above_usd: 1.0, yes: false, interactive: false };
        confirm_spend(&estimate(0.99), &policy, &mut never_asked).unwrap();
        let policy = SpendPolicy { yes: true, ..policy };
        confirm_spend(&estimate(50.0), &policy, &mut never_asked).unwrap();
    }

    #[test]
    fn a_non_interactive_run_above_the_threshold_is_refused_without_yes() {
        let policy = SpendPolicy { confirm_above_usd: 1.0, yes: false, interactive: false };
        let error = confirm_spend(&estimate(2.5), &policy, &mut never_asked).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("$2.5000") && message.contains("`--yes`"), "{message}");
    }

    #[test]
    fn an_interactive_run_asks_and_respects_the_answer() {
        let policy = SpendPolicy { confirm_above_usd: 1.0, yes: false, interactive: true };
        let mut questions = Vec::new();
        let mut yes = |question: &str| {
            questions.push(question.to_owned());
            Ok(true)
        };
        confirm_spend(&estimate(2.0), &policy, &mut yes).unwrap();
        assert_eq!(questions, ["This run could cost up to $2.0000 (7 calls). Continue?"]);
        let error = confirm_spend(&estimate(2.0), &policy, &mut |_| Ok(false)).unwrap_err();
        assert!(format!("{error}").contains("not accepted"));
    }
}
