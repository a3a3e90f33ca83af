//! Bulk metrics: one table over many domains (ranks, referring domains, backlinks, spam score,
//! new / lost counts) with percentiles and a sort order.
//!
//! Entry point: [`bulk_table`], whose docs hold the percentile and order rules.

use std::cmp::Ordering;
use std::fmt;

use hashbrown::HashSet;

use crate::domain::normalize_host;

/// The metrics of one domain, as the bulk endpoints return them. `None` means the data is
/// missing, never zero.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BulkRow {
    /// The domain (or URL) the row is about.
    pub target: String,
    /// Rank (0-1000).
    pub rank: Option<u32>,
    /// Referring domains (hosts).
    pub referring_domains: Option<u64>,
    /// Referring main (registrable) domains.
    pub referring_main_domains: Option<u64>,
    /// Backlinks.
    pub backlinks: Option<u64>,
    /// Spam score (0-100).
    pub spam_score: Option<u8>,
    /// New backlinks since the requested date.
    pub new_backlinks: Option<u64>,
    /// Lost backlinks since the requested date.
    pub lost_backlinks: Option<u64>,
    /// New referring domains since the requested date.
    pub new_referring_domains: Option<u64>,
    /// Lost referring domains since the requested date.
    pub lost_referring_domains: Option<u64>,
}

/// A column of the bulk table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BulkColumn {
    /// [`BulkRow::rank`].
    Rank,
    /// [`BulkRow::referring_domains`].
    ReferringDomains,
    /// [`BulkRow::referring_main_domains`].
    ReferringMainDomains,
    /// [`BulkRow::backlinks`].
    Backlinks,
    /// [`BulkRow::spam_score`].
    SpamScore,
    /// [`BulkRow::new_backlinks`].
    NewBacklinks,
    /// [`BulkRow::lost_backlinks`].
    LostBacklinks,
    /// [`BulkRow::new_referring_domains`].
    NewReferringDomains,
    /// [`BulkRow::lost_referring_domains`].
    LostReferringDomains,
}

impl BulkColumn {
    /// Every column, in table order.
    pub const ALL: [BulkColumn; 9] = [
        BulkColumn::Rank,
        BulkColumn::ReferringDomains,
        BulkColumn::ReferringMainDomains,
        BulkColumn::Backlinks,
        BulkColumn::SpamScore,
        BulkColumn::NewBacklinks,
        BulkColumn::LostBacklinks,
        BulkColumn::NewReferringDomains,
        BulkColumn::LostReferringDomains,
    ];

    /// Snake-case name, as the API names the field.
    pub fn as_str(self) -> &'static str {
        match self {
            BulkColumn::Rank => "rank",
            BulkColumn::ReferringDomains => "referring_domains",
            BulkColumn::ReferringMainDomains => "referring_main_domains",
            BulkColumn::Backlinks => "backlinks",
            BulkColumn::SpamScore => "spam_score",
            BulkColumn::NewBacklinks => "new_backlinks",
            BulkColumn::LostBacklinks => "lost_backlinks",
            BulkColumn::NewReferringDomains => "new_referring_domains",
            BulkColumn::LostReferringDomains => "lost_referring_domains",
        }
    }

    /// The value of this column in `row`.
    pub fn value(self, row: &BulkRow) -> Option<f64> {
        match self {
            BulkColumn::Rank => row.rank.map(f64::from),
            BulkColumn::ReferringDomains => row.referring_domains.map(|value| value as f64),
            BulkColumn::ReferringMainDomains => {
                row.referring_main_domains.map(|value| value as f64)
            }
            BulkColumn::Backlinks => row.backlinks.map(|value| value as f64),
            BulkColumn::SpamScore => row.spam_score.map(f64::from),
            BulkColumn::NewBacklinks => row.new_backlinks.map(|value| value as f64),
            BulkColumn::LostBacklinks => row.lost_backlinks.map(|value| value as f64),
            BulkColumn::NewReferringDomains => row.new_referring_domains.map(|value| value as f64),
            BulkColumn::LostReferringDomains => {
                row.lost_referring_domains.map(|value| value as f64)
            }
        }
    }
}

impl fmt::Display for BulkColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options of [`bulk_table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BulkConfig {
    /// Column to sort by (default referring domains: the usual "who is strongest" question).
    pub sort_by: BulkColumn,
    /// Sort ascending instead of descending (default `false`).
    pub ascending: bool,
}

impl Default for BulkConfig {
    fn default() -> BulkConfig {
        BulkConfig { sort_by: BulkColumn::ReferringDomains, ascending: false }
    }
}

/// Percentiles of one column.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ColumnStats {
    /// The column.
    pub column: BulkColumn,
    /// Rows with a value.
    pub count: usize,
    /// 25th percentile (`None` without values).
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
}

/// One row of the table with its percentile ranks.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BulkTableRow {
    /// The row, with its target normalised.
    pub row: BulkRow,
    /// Percentile rank (0-100) per column, in [`BulkColumn::ALL`] order; `None` where the value
    /// is missing.
    pub percentile_ranks: Vec<(BulkColumn, Option<f64>)>,
}

impl BulkTableRow {
    /// The percentile rank of `column`.
    pub fn percentile_rank(&self, column: BulkColumn) -> Option<f64> {
        self.percentile_ranks.iter().find(|(col, _)| *col == column).and_then(|(_, rank)| *rank)
    }
}

/// A row left out of the table, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BulkSkipped {
    /// The target as given.
    pub target: String,
    /// Why it was left out.
    pub reason: String,
}

/// The result of [`bulk_table`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BulkTable {
    /// Percentiles per column, in [`BulkColumn::ALL`] order.
    pub columns: Vec<ColumnStats>,
    /// Rows in the configured order.
    pub rows: Vec<BulkTableRow>,
    /// The column sorted by.
    pub sort_by: BulkColumn,
    /// Whether the order is ascending.
    pub ascending: bool,
    /// Rows left out (invalid or duplicate targets).
    pub skipped: Vec<BulkSkipped>,
}

/// Linear-interpolation percentile of sorted values (`q` in 0-1).
fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = q * last as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    let fraction = position - lower as f64;
    Some(sorted[lower] + (sorted[upper.min(last)] - sorted[lower]) * fraction)
}

/// Mid-rank percentile rank of `value` among sorted values.
fn percentile_rank(sorted: &[f64], value: f64) -> f64 {
    let below = sorted.partition_point(|other| *other < value);
    let not_above = sorted.partition_point(|other| *other <= value);
    let equal = not_above - below;
    (below as f64 + 0.5 * equal as f64) / sorted.len() as f64 * 100.0
}

/// Builds the bulk table.
///
/// # Rules
///
/// - **Percentiles** (p25, p50, p75, p90) per column are computed over the rows that have a
///   value, by linear interpolation between closest ranks (the common "type 7" definition, the
///   one spreadsheets use), so a column with one missing value is not dragged to zero.
/// - **Percentile rank** of a row's value: the share of the column's values below it plus half of
///   those equal to it, times 100 (mid-rank). Equal values get equal ranks and the rank does not
///   depend on row order. Missing values have no rank.
/// - **Order**: by [`BulkConfig::sort_by`] (default referring domains), descending unless
///   [`BulkConfig::ascending`]; rows without a value come last; ties break by target, ascending.
/// - **Targets** are normalised ([`crate::normalize_host`]); a row whose target is not a host or
///   repeats an earlier row's target is skipped with the reason (first row wins, so the result
///   depends only on the input, not on a hash order).
pub fn bulk_table(rows: Vec<BulkRow>, config: &BulkConfig) -> BulkTable {
    let mut seen: HashSet<String> = HashSet::new();
    let mut kept = Vec::with_capacity(rows.len());
    let mut skipped = Vec::new();
    for mut row in rows {
        match normalize_host(&row.target) {
            Ok(host) if seen.contains(&host) => skipped
                .push(BulkSkipped { reason: format!("duplicate of `{host}`"), target: row.target }),
            Ok(host) => {
                seen.insert(host.clone());
                row.target = host;
                kept.push(row);
            }
            Err(error) => {
                skipped.push(BulkSkipped { reason: error.to_string(), target: row.target });
            }
        }
    }
    let sorted_columns: Vec<Vec<f64>> = BulkColumn::ALL
        .iter()
        .map(|column| {
            let mut values: Vec<f64> = kept.iter().filter_map(|row| column.value(row)).collect();
            values.sort_by(f64::total_cmp);
            values
        })
        .collect();
    let columns = BulkColumn::ALL
        .iter()
        .zip(&sorted_columns)
        .map(|(&column, values)| ColumnStats {
            column,
            count: values.len(),
            p25: percentile(values, 0.25),
            p50: percentile(values, 0.50),
            p75: percentile(values, 0.75),
            p90: percentile(values, 0.90),
        })
        .collect();
    let mut table_rows: Vec<BulkTableRow> = kept
        .into_iter()
        .map(|row| {
            let percentile_ranks = BulkColumn::ALL
                .iter()
                .zip(&sorted_columns)
                .map(|(&column, values)| {
                    (column, column.value(&row).map(|value| percentile_rank(values, value)))
                })
                .collect();
            BulkTableRow { row, percentile_ranks }
        })
        .collect();
    table_rows.sort_by(|a, b| {
        let (left, right) = (config.sort_by.value(&a.row), config.sort_by.value(&b.row));
        let by_value = match (left, right) {
            (Some(left), Some(right)) => {
                if config.ascending {
                    left.total_cmp(&right)
                } else {
                    right.total_cmp(&left)
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_value.then_with(|| a.row.target.cmp(&b.row.target))
    });
    BulkTable {
        columns,
        rows: table_rows,
        sort_by: config.sort_by,
        ascending: config.ascending,
        skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(target: &str, referring_domains: Option<u64>, spam_score: Option<u8>) -> BulkRow {
        BulkRow { target: target.to_owned(), referring_domains, spam_score, ..BulkRow::default() }
    }

    fn targets(table: &BulkTable) -> Vec<&str> {
        table.rows.iter().map(|row| row.row.target.as_str()).collect()
    }

    #[test]
    fn percentiles_interpolate_over_present_values() {
        let rows = vec![
            row("a.com", Some(10), None),
            row("b.com", Some(20), None),
            row("c.com", Some(30), None),
            row("d.com", Some(40), None),
            row("e.com", Some(50), None),
            row("f.com", None, None),
        ];
        let table = bulk_table(rows, &BulkConfig::default());
        let stats = &table.columns[1];
        assert_eq!(stats.column, BulkColumn::ReferringDomains);
        assert_eq!(stats.count, 5);
        assert_eq!(
            (stats.p25, stats.p50, stats.p75, stats.p90),
            (Some(20.0), Some(30.0), Some(40.0), Some(46.0))
        );
        let spam = &table.columns[4];
        assert_eq!((spam.count, spam.p50), (0, None));
    }

    #[test]
    fn percentile_ranks_use_mid_ranks() {
        let rows = vec![
            row("a.com", Some(1), None),
            row("b.com", Some(2), None),
            row("c.com", Some(2), None),
            row("d.com", Some(9), None),
            row("e.com", None, None),
        ];
        let table = bulk_table(rows, &BulkConfig::default());
        let rank_of = |target: &str| {
            table
                .rows
                .iter()
                .find(|row| row.row.target == target)
                .unwrap()
                .percentile_rank(BulkColumn::ReferringDomains)
        };
        assert_eq!(rank_of("a.com"), Some(12.5));
        assert_eq!(rank_of("b.com"), Some(50.0));
        assert_eq!(rank_of("c.com"), Some(50.0));
        assert_eq!(rank_of("d.com"), Some(87.5));
        assert_eq!(rank_of("e.com"), None);
    }

    #[test]
    fn sorts_by_column_with_ties_by_target_and_missing_last() {
        let rows = vec![
            row("zeta.com", Some(5), Some(3)),
            row("alpha.com", Some(5), Some(9)),
            row("none.com", None, Some(1)),
            row("big.com", Some(50), None),
        ];
        let table = bulk_table(rows.clone(), &BulkConfig::default());
        assert_eq!(targets(&table), ["big.com", "alpha.com", "zeta.com", "none.com"]);
        let config = BulkConfig { sort_by: BulkColumn::SpamScore, ascending: true };
        assert_eq!(
            targets(&bulk_table(rows, &config)),
            ["none.com", "zeta.com", "alpha.com", "big.com"]
        );
    }

    #[test]
    fn invalid_and_duplicate_targets_are_skipped() {
        let rows = vec![
            row("WWW.Example.com", Some(1), None),
            row("example.com", Some(2), None),
            row("not a host", Some(3), None),
        ];
        let table = bulk_table(rows, &BulkConfig::default());
        assert_eq!(targets(&table), ["example.com"]);
        assert_eq!(table.rows[0].row.referring_domains, Some(1));
        let reasons: Vec<&str> = table.skipped.iter().map(|skip| skip.target.as_str()).collect();
        assert_eq!(reasons, ["example.com", "not a host"]);
        assert!(table.skipped[0].reason.contains("duplicate"));
    }

    #[test]
    fn table_is_independent_of_input_order() {
        let rows: Vec<BulkRow> = (0..30)
            .map(|idx| row(&format!("d{idx}.com"), Some(idx % 7), Some((idx % 5) as u8)))
            .collect();
        let first = bulk_table(rows.clone(), &BulkConfig::default());
        let mut reversed = rows;
        reversed.reverse();
        assert_eq!(first, bulk_table(reversed, &BulkConfig::default()));
    }

    #[test]
    fn empty_input_gives_an_empty_table() {
        let table = bulk_table(Vec::new(), &BulkConfig::default());
        assert!(table.rows.is_empty() && table.skipped.is_empty());
        assert!(table.columns.iter().all(|stats| stats.count == 0 && stats.p90.is_none()));
    }
}
