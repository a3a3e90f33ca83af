//! Typed builder and client-side validation for the `filters` / `order_by` grammar (reference §5).
//!
//! A [`Filter`] is either one condition (sent as `[field, op, value]`) or a group of filters joined
//! by `and`/`or` (sent as `[elem, "and", elem, ...]`). Groups nest to any depth. [`OrderBy`] holds
//! one to three `"field,asc|desc"` rules. Both are checked against a static table of the filterable
//! fields of each endpoint before anything is sent, so a typo fails locally and costs nothing.

use std::fmt;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::request::InvalidRequest;
use crate::timefmt::parse_timestamp;

use self::FieldType::{ArrayStr, Bool, Num, Str, Time};

/// Most conditions one `filters` array may hold, counted over all nesting levels (§5.1).
pub const MAX_FILTER_CONDITIONS: usize = 8;
/// Most rules one `order_by` array may hold (§5.3).
pub const MAX_ORDER_RULES: usize = 3;
/// Longest `regex`/`not_regex` pattern, in characters (§5.2).
pub const MAX_REGEX_LEN: usize = 1000;
/// Highest intersection target key (`"1"`..`"20"`).
pub const MAX_INTERSECTION_TARGETS: usize = 20;

/// How two elements of a filter group are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Logic {
    /// `"and"`
    And,
    /// `"or"`
    Or,
}

/// A filter operator (§5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `in` (the value is an array)
    In,
    /// `not_in` (the value is an array)
    NotIn,
    /// `like` (SQL pattern, case-sensitive, `%` wildcard)
    Like,
    /// `not_like`
    NotLike,
    /// `ilike` (case-insensitive `like`)
    Ilike,
    /// `not_ilike`
    NotIlike,
    /// `match` (full-text word match)
    Match,
    /// `not_match`
    NotMatch,
    /// `regex` (RE2, at most 1000 characters)
    Regex,
    /// `not_regex`
    NotRegex,
    /// `has` (array fields)
    Has,
    /// `has_not` (array fields)
    HasNot,
}

impl Operator {
    /// The operator as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Eq => "=",
            Operator::Ne => "<>",
            Operator::In => "in",
            Operator::NotIn => "not_in",
            Operator::Like => "like",
            Operator::NotLike => "not_like",
            Operator::Ilike => "ilike",
            Operator::NotIlike => "not_ilike",
            Operator::Match => "match",
            Operator::NotMatch => "not_match",
            Operator::Regex => "regex",
            Operator::NotRegex => "not_regex",
            Operator::Has => "has",
            Operator::HasNot => "has_not",
        }
    }

    /// The operator for an API spelling (`"not_in"`), if it is one.
    pub fn parse(text: &str) -> Option<Operator> {
        const ALL: [Operator; 18] = [
            Operator::Lt,
            Operator::Le,
            Operator::Gt,
            Operator::Ge,
            Operator::Eq,
            Operator::Ne,
            Operator::In,
            Operator::NotIn,
            Operator::Like,
            Operator::NotLike,
            Operator::Ilike,
            Operator::NotIlike,
            Operator::Match,
            Operator::NotMatch,
            Operator::Regex,
            Operator::NotRegex,
            Operator::Has,
            Operator::HasNot,
        ];
        ALL.into_iter().find(|operator| operator.as_str() == text)
    }

    /// Whether the operator is allowed on a field of this type (§5.2).
    pub fn fits(self, field_type: FieldType) -> bool {
        use Operator::{
            Eq, Ge, Gt, Has, HasNot, Ilike, In, Le, Like, Lt, Match, Ne, NotIlike, NotIn, NotLike,
            NotMatch, NotRegex, Regex,
        };
        match field_type {
            FieldType::Num => matches!(self, Lt | Le | Gt | Ge | Eq | Ne | In | NotIn),
            FieldType::Str => {
                matches!(
                    self,
                    Eq | Ne
                        | In
                        | NotIn
                        | Like
                        | NotLike
                        | Ilike
                        | NotIlike
                        | Match
                        | NotMatch
                        | Regex
                        | NotRegex
                )
            }
            FieldType::Bool => matches!(self, Eq | Ne),
            FieldType::Time => matches!(self, Lt | Le | Gt | Ge | Eq | Ne),
            FieldType::ArrayStr | FieldType::ArrayNum => matches!(self, Has | HasNot),
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Operator {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The type of a filterable field, as `available_filters` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// `num`
    Num,
    /// `str`
    Str,
    /// `bool`
    Bool,
    /// `time` (values are `"yyyy-mm-dd hh:mm:ss +00:00"` strings)
    Time,
    /// `array.str`
    ArrayStr,
    /// `array.num`
    ArrayNum,
}

impl FieldType {
    /// Whether the field is an array (array fields cannot be sorted on).
    pub fn is_array(self) -> bool {
        matches!(self, FieldType::ArrayStr | FieldType::ArrayNum)
    }
}

/// One condition: `[field, operator, value]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The field path (`"rank"`, `"page_summary.backlinks"`, `"1.backlinks"`).
    pub field: String,
    /// The operator.
    pub operator: Operator,
    /// The value: a number, string, boolean, timestamp string, or an array for `in`/`not_in`.
    pub value: Value,
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(3))?;
        seq.serialize_element(&self.field)?;
        seq.serialize_element(&self.operator)?;
        seq.serialize_element(&self.value)?;
        seq.end()
    }
}

/// A filter expression: one condition, or a group joined by `and`/`or`.
///
/// ```
/// use linkgap_dataforseo::Filter;
/// let filter = Filter::field("dofollow").eq(true).and(Filter::field("domain_from_rank").ge(200));
/// assert_eq!(
///     serde_json::to_string(&filter).unwrap(),
///     r#"[["dofollow","=",true],"and",["domain_from_rank",">=",200]]"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// A single condition, sent as `[field, op, value]`.
    Condition(Condition),
    /// A group: the first element, then `(logic, element)` pairs. Logic alternates with elements by
    /// construction.
    Group {
        /// The first element.
        first: Box<Filter>,
        /// The following elements, each with the logic joining it to what comes before.
        rest: Vec<(Logic, Filter)>,
    },
}

/// Starts a condition on one field: `Filter::field("rank").gt(80)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRef {
    field: String,
}

impl FieldRef {
    fn with(self, operator: Operator, value: Value) -> Filter {
        Filter::Condition(Condition { field: self.field, operator, value })
    }
    /// `field < value`
    pub fn lt(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::Lt, value.into())
    }
    /// `field <= value`
    pub fn le(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::Le, value.into())
    }
    /// `field > value`
    pub fn gt(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::Gt, value.into())
    }
    /// `field >= value`
    pub fn ge(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::Ge, value.into())
    }
    /// `field = value`
    pub fn eq(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::Eq, value.into())
    }
    /// `field <> value`
    pub fn ne(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::Ne, value.into())
    }
    /// `field in [values]`
    pub fn is_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        self.with(Operator::In, Value::Array(values.into_iter().map(Into::into).collect()))
    }
    /// `field not_in [values]`
    pub fn not_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        self.with(Operator::NotIn, Value::Array(values.into_iter().map(Into::into).collect()))
    }
    /// `field like pattern` (`%` matches any run of characters)
    pub fn like(self, pattern: impl Into<String>) -> Filter {
        self.with(Operator::Like, Value::String(pattern.into()))
    }
    /// `field not_like pattern`
    pub fn not_like(self, pattern: impl Into<String>) -> Filter {
        self.with(Operator::NotLike, Value::String(pattern.into()))
    }
    /// `field ilike pattern` (case-insensitive)
    pub fn ilike(self, pattern: impl Into<String>) -> Filter {
        self.with(Operator::Ilike, Value::String(pattern.into()))
    }
    /// `field not_ilike pattern`
    pub fn not_ilike(self, pattern: impl Into<String>) -> Filter {
        self.with(Operator::NotIlike, Value::String(pattern.into()))
    }
    /// `field match words` (full-text word match)
    pub fn matches(self, words: impl Into<String>) -> Filter {
        self.with(Operator::Match, Value::String(words.into()))
    }
    /// `field not_match words`
    pub fn not_match(self, words: impl Into<String>) -> Filter {
        self.with(Operator::NotMatch, Value::String(words.into()))
    }
    /// `field regex pattern` (RE2)
    pub fn regex(self, pattern: impl Into<String>) -> Filter {
        self.with(Operator::Regex, Value::String(pattern.into()))
    }
    /// `field not_regex pattern`
    pub fn not_regex(self, pattern: impl Into<String>) -> Filter {
        self.with(Operator::NotRegex, Value::String(pattern.into()))
    }
    /// `field has value` (array fields)
    pub fn has(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::Has, value.into())
    }
    /// `field has_not value` (array fields)
    pub fn has_not(self, value: impl Into<Value>) -> Filter {
        self.with(Operator::HasNot, value.into())
    }
}

impl Filter {
    /// Starts a condition on `field`.
    pub fn field(field: impl Into<String>) -> FieldRef {
        FieldRef { field: field.into() }
    }

    /// A condition with an explicit operator.
    pub fn condition(
        field: impl Into<String>,
        operator: Operator,
        value: impl Into<Value>,
    ) -> Filter {
        Filter::Condition(Condition { field: field.into(), operator, value: value.into() })
    }

    /// `self and other`. Appends to `self` when it is already a pure `and` group, so chains stay flat;
    /// otherwise wraps, so precedence is always explicit on the wire.
    #[must_use]
    pub fn and(self, other: Filter) -> Filter {
        self.join(Logic::And, other)
    }

    /// `self or other`, flattened the same way as [`Filter::and`].
    #[must_use]
    pub fn or(self, other: Filter) -> Filter {
        self.join(Logic::Or, other)
    }

    fn join(self, logic: Logic, other: Filter) -> Filter {
        match self {
            Filter::Group { first, mut rest }
                if rest.iter().all(|(existing, _)| *existing == logic) =>
            {
                rest.push((logic, other));
                Filter::Group { first, rest }
            }
            lone => Filter::Group { first: Box::new(lone), rest: vec![(logic, other)] },
        }
    }

    /// All conditions, depth first.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Condition>) {
        match self {
            Filter::Condition(condition) => out.push(condition),
            Filter::Group { first, rest } => {
                first.collect(out);
                for (_, element) in rest {
                    element.collect(out);
                }
            }
        }
    }

    /// Reads a filter from its JSON form (for filters given as text by a user), checking the shape:
    /// conditions are `[string, operator, value]`, groups alternate element and `"and"`/`"or"`.
    pub fn from_json(value: &Value) -> Result<Filter, InvalidRequest> {
        Filter::parse_element(value, "filters")
    }

    fn parse_element(value: &Value, name: &str) -> Result<Filter, InvalidRequest> {
        let Value::Array(elements) = value else {
            return Err(InvalidRequest::new(name, format!("expected an array, got `{value}`")));
        };
        if let [Value::String(field), Value::String(operator), value] = elements.as_slice()
            && let Some(operator) = Operator::parse(operator)
        {
            return Ok(Filter::condition(field.clone(), operator, value.clone()));
        }
        if elements.len() % 2 == 0 {
            return Err(InvalidRequest::new(
                name,
                "a group must alternate elements and `and`/`or` and have odd length",
            ));
        }
        let mut parts = elements.iter();
        let first = Filter::parse_element(
            parts.next().ok_or_else(|| InvalidRequest::new(name, "empty filter group"))?,
            name,
        )?;
        let mut rest = Vec::new();
        while let (Some(logic), Some(element)) = (parts.next(), parts.next()) {
            let logic = match logic.as_str() {
                Some("and") => Logic::And,
                Some("or") => Logic::Or,
                _ => {
                    return Err(InvalidRequest::new(
                        name,
                        format!("expected `and` or `or` between elements, got `{logic}`"),
                    ));
                }
            };
            rest.push((logic, Filter::parse_element(element, name)?));
        }
        Ok(Filter::Group { first: Box::new(first), rest })
    }

    /// Checks the filter against the field table of one endpoint: at most 8 conditions, known fields,
    /// operators that fit the field type, array values for `in`/`not_in`, regex length.
    /// `name` is the request field (`filters` or `backlinks_filters`) used in errors.
    pub fn validate(&self, fields: FilterFields, name: &str) -> Result<(), InvalidRequest> {
        let conditions = self.conditions();
        if conditions.len() > MAX_FILTER_CONDITIONS {
            return Err(InvalidRequest::new(
                name,
                format!(
                    "{} conditions, at most {MAX_FILTER_CONDITIONS} are allowed",
                    conditions.len()
                ),
            ));
        }
        for condition in conditions {
            validate_condition(condition, fields, name)?;
        }
        Ok(())
    }
}

fn validate_condition(
    condition: &Condition,
    fields: FilterFields,
    name: &str,
) -> Result<(), InvalidRequest> {
    let field = condition.field.as_str();
    let operator = condition.operator;
    let field_type = fields.field_type(field).ok_or_else(|| {
        InvalidRequest::new(name, format!("unknown field `{field}` for {} filters", fields.name()))
    })?;
    if !operator.fits(field_type) {
        return Err(InvalidRequest::new(
            name,
            format!(
                "operator `{operator}` does not fit field `{field}` of type `{}`",
                field_type_name(field_type)
            ),
        ));
    }
    let value = &condition.value;
    match operator {
        Operator::In | Operator::NotIn => {
            let Value::Array(values) = value else {
                return Err(InvalidRequest::new(
                    name,
                    format!("`{operator}` on `{field}` needs an array value"),
                ));
            };
            if values.is_empty() {
                return Err(InvalidRequest::new(
                    name,
                    format!("`{operator}` on `{field}` needs a non-empty array"),
                ));
            }
            if let Some(bad) = values.iter().find(|element| !scalar_fits(element, field_type)) {
                return Err(InvalidRequest::new(
                    name,
                    format!("value `{bad}` does not fit field `{field}`"),
                ));
            }
        }
        _ if value.is_array() => {
            return Err(InvalidRequest::new(
                name,
                format!("`{operator}` on `{field}` takes a single value, not an array"),
            ));
        }
        Operator::Regex | Operator::NotRegex => {
            let pattern_len = value.as_str().map_or(0, |pattern| pattern.chars().count());
            if pattern_len > MAX_REGEX_LEN {
                return Err(InvalidRequest::new(
                    name,
                    format!(
                        "regex on `{field}` is {pattern_len} characters, at most {MAX_REGEX_LEN} are allowed"
                    ),
                ));
            }
        }
        _ => {}
    }
    if !value.is_array() && !value.is_null() && !scalar_fits(value, field_type) {
        return Err(InvalidRequest::new(
            name,
            format!("value `{value}` does not fit field `{field}`"),
        ));
    }
    Ok(())
}

/// Whether a scalar value suits the field type. Numbers may be sent as numeric strings (§5.1).
fn scalar_fits(value: &Value, field_type: FieldType) -> bool {
    match field_type {
        FieldType::Num | FieldType::ArrayNum => {
            value.is_number()
                || value.as_str().is_some_and(|text| text.trim().parse::<f64>().is_ok())
        }
        FieldType::Str | FieldType::ArrayStr => value.is_string() || value.is_number(),
        FieldType::Bool => value.is_boolean(),
        FieldType::Time => value.as_str().is_some_and(|text| parse_timestamp(text).is_some()),
    }
}

fn field_type_name(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Num => "num",
        FieldType::Str => "str",
        FieldType::Bool => "bool",
        FieldType::Time => "time",
        FieldType::ArrayStr => "array.str",
        FieldType::ArrayNum => "array.num",
    }
}

impl Serialize for Filter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Filter::Condition(condition) => condition.serialize(serializer),
            Filter::Group { first, rest } => {
                let mut seq = serializer.serialize_seq(Some(1 + 2 * rest.len()))?;
                seq.serialize_element(first.as_ref())?;
                for (logic, element) in rest {
                    seq.serialize_element(logic)?;
                    seq.serialize_element(element)?;
                }
                seq.end()
            }
        }
    }
}

/// Sort direction of one `order_by` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
}

/// One sort rule, sent as `"field,asc"` or `"field,desc"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortRule {
    /// The field path, as in filters.
    pub field: String,
    /// The direction.
    pub direction: Direction,
}

impl fmt::Display for SortRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let direction = match self.direction {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        };
        write!(f, "{},{direction}", self.field)
    }
}

/// The `order_by` array: one to three sort rules.
///
/// ```
/// use linkgap_dataforseo::OrderBy;
/// let order = OrderBy::desc("intersections_count").then_desc("1.rank");
/// assert_eq!(serde_json::to_string(&order).unwrap(), r#"["intersections_count,desc","1.rank,desc"]"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct OrderBy {
    /// The rules, most significant first.
    pub rules: Vec<SortRule>,
}

impl OrderBy {
    /// Sorts by `field` ascending.
    pub fn asc(field: impl Into<String>) -> OrderBy {
        OrderBy { rules: vec![SortRule { field: field.into(), direction: Direction::Asc }] }
    }
    /// Sorts by `field` descending.
    pub fn desc(field: impl Into<String>) -> OrderBy {
        OrderBy { rules: vec![SortRule { field: field.into(), direction: Direction::Desc }] }
    }
    /// Adds a tie-breaking rule, ascending.
    #[must_use]
    pub fn then_asc(mut self, field: impl Into<String>) -> OrderBy {
        self.rules.push(SortRule { field: field.into(), direction: Direction::Asc });
        self
    }
    /// Adds a tie-breaking rule, descending.
    #[must_use]
    pub fn then_desc(mut self, field: impl Into<String>) -> OrderBy {
        self.rules.push(SortRule { field: field.into(), direction: Direction::Desc });
        self
    }

    /// Reads rules written as the API writes them (`"rank,desc"`).
    pub fn parse<'a>(rules: impl IntoIterator<Item = &'a str>) -> Result<OrderBy, InvalidRequest> {
        let rules = rules
            .into_iter()
            .map(|rule| {
                let (field, direction) = rule.rsplit_once(',').ok_or_else(|| {
                    InvalidRequest::new(
                        "order_by",
                        format!("rule `{rule}` is not `field,asc|desc`"),
                    )
                })?;
                let direction = match direction.trim() {
                    "asc" => Direction::Asc,
                    "desc" => Direction::Desc,
                    other => {
                        return Err(InvalidRequest::new(
                            "order_by",
                            format!("direction `{other}` is not `asc` or `desc`"),
                        ));
                    }
                };
                Ok(SortRule { field: field.trim().to_owned(), direction })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OrderBy { rules })
    }

    /// Checks 1..=3 rules on known, sortable (non-array) fields of the endpoint.
    pub fn validate(&self, fields: FilterFields) -> Result<(), InvalidRequest> {
        if self.rules.is_empty() {
            return Err(InvalidRequest::new("order_by", "at least one sort rule is needed"));
        }
        if self.rules.len() > MAX_ORDER_RULES {
            return Err(InvalidRequest::new(
                "order_by",
                format!("{} sort rules, at most {MAX_ORDER_RULES} are allowed", self.rules.len()),
            ));
        }
        for rule in &self.rules {
            let field_type = fields.field_type(&rule.field).ok_or_else(|| {
                InvalidRequest::new(
                    "order_by",
                    format!("unknown field `{}` for {} sorting", rule.field, fields.name()),
                )
            })?;
            if field_type.is_array() {
                return Err(InvalidRequest::new(
                    "order_by",
                    format!("array field `{}` cannot be sorted on", rule.field),
                ));
            }
        }
        Ok(())
    }
}

impl Serialize for OrderBy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.rules.iter().map(ToString::to_string))
    }
}

/// The table of filterable fields for one endpoint's items (`available_filters`, §7.20), written
/// from the item fields of §7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterFields {
    /// Backlink rows (`backlinks/live` filters, and `backlinks_filters` everywhere).
    Backlinks,
    /// `anchors/live` rows.
    Anchors,
    /// `domain_pages/live` rows.
    DomainPages,
    /// `domain_pages_summary/live` rows.
    DomainPagesSummary,
    /// `referring_domains/live` rows.
    ReferringDomains,
    /// `referring_networks/live` rows.
    ReferringNetworks,
    /// `competitors/live` rows.
    Competitors,
    /// `domain_intersection/live` rows (`"1.rank"`, ..., `intersections_count`).
    DomainIntersection,
    /// `page_intersection/live` rows (`"1.dofollow"`, ..., `intersections_count`).
    PageIntersection,
}

const BACKLINK_FIELDS: &[(&str, FieldType)] = &[
    ("type", Str),
    ("domain_from", Str),
    ("url_from", Str),
    ("url_from_https", Bool),
    ("domain_to", Str),
    ("url_to", Str),
    ("url_to_https", Bool),
    ("tld_from", Str),
    ("is_new", Bool),
    ("is_lost", Bool),
    ("backlink_spam_score", Num),
    ("rank", Num),
    ("page_from_rank", Num),
    ("domain_from_rank", Num),
    ("domain_from_platform_type", ArrayStr),
    ("domain_from_is_ip", Bool),
    ("domain_from_ip", Str),
    ("domain_from_country", Str),
    ("page_from_external_links", Num),
    ("page_from_internal_links", Num),
    ("page_from_size", Num),
    ("page_from_encoding", Str),
    ("page_from_language", Str),
    ("page_from_title", Str),
    ("page_from_status_code", Num),
    ("first_seen", Time),
    ("prev_seen", Time),
    ("last_seen", Time),
    ("item_type", Str),
    ("attributes", ArrayStr),
    ("dofollow", Bool),
    ("original", Bool),
    ("alt", Str),
    ("image_url", Str),
    ("anchor", Str),
    ("text_pre", Str),
    ("text_post", Str),
    ("semantic_location", Str),
    ("links_count", Num),
    ("group_count", Num),
    ("is_broken", Bool),
    ("url_to_status_code", Num),
    ("url_to_spam_score", Num),
    ("url_to_redirect_target", Str),
    ("ranked_keywords_info.page_from_keywords_count_top_3", Num),
    ("ranked_keywords_info.page_from_keywords_count_top_10", Num),
    ("ranked_keywords_info.page_from_keywords_count_top_100", Num),
    ("is_indirect_link", Bool),
];

/// Aggregate fields (`ProfileAggregates`, §7.0) other than the breakdown maps.
const AGGREGATE_FIELDS: &[(&str, FieldType)] = &[
    ("rank", Num),
    ("backlinks", Num),
    ("first_seen", Time),
    ("lost_date", Time),
    ("backlinks_spam_score", Num),
    ("broken_backlinks", Num),
    ("broken_pages", Num),
    ("referring_domains", Num),
    ("referring_domains_nofollow", Num),
    ("referring_main_domains", Num),
    ("referring_main_domains_nofollow", Num),
    ("referring_ips", Num),
    ("referring_subnets", Num),
    ("referring_pages", Num),
    ("referring_pages_nofollow", Num),
];

/// Breakdown maps; `"<map>.<key>"` is a `num` filter field for any key.
const AGGREGATE_MAPS: &[&str] = &[
    "referring_links_tld",
    "referring_links_types",
    "referring_links_attributes",
    "referring_links_platform_types",
    "referring_links_semantic_locations",
    "referring_links_countries",
];

const DOMAIN_PAGE_FIELDS: &[(&str, FieldType)] = &[
    ("type", Str),
    ("main_domain", Str),
    ("domain", Str),
    ("tld", Str),
    ("page", Str),
    ("ip", Str),
    ("first_visited", Time),
    ("prev_visited", Time),
    ("fetch_time", Time),
    ("status_code", Num),
    ("location", Str),
    ("size", Num),
    ("encoded_size", Num),
    ("content_encoding", Str),
    ("media_type", Str),
    ("server", Str),
    ("meta.title", Str),
    ("meta.canonical", Str),
    ("meta.internal_links_count", Num),
    ("meta.external_links_count", Num),
    ("meta.images_count", Num),
    ("meta.words_count", Num),
    ("meta.page_spam_score", Num),
    ("meta.h1", ArrayStr),
    ("meta.h2", ArrayStr),
    ("meta.h3", ArrayStr),
    ("meta.images_alt", ArrayStr),
    ("meta.powered_by", ArrayStr),
    ("meta.language", Str),
    ("meta.charset", Str),
    ("meta.platform_type", ArrayStr),
];

const COMPETITOR_FIELDS: &[(&str, FieldType)] =
    &[("type", Str), ("target", Str), ("rank", Num), ("intersections", Num)];

fn lookup(table: &[(&str, FieldType)], field: &str) -> Option<FieldType> {
    table.iter().find(|(name, _)| *name == field).map(|(_, field_type)| *field_type)
}

fn aggregate_type(field: &str, with_spam_score: bool) -> Option<FieldType> {
    if !with_spam_score && field == "backlinks_spam_score" {
        return None;
    }
    if let Some(field_type) = lookup(AGGREGATE_FIELDS, field) {
        return Some(field_type);
    }
    let (map, key) = field.split_once('.')?;
    (AGGREGATE_MAPS.contains(&map) && !key.is_empty()).then_some(Num)
}

/// Splits `"12.rank"` into its target key (1..=20) and the rest.
fn intersection_field(field: &str) -> Option<&str> {
    let (key, rest) = field.split_once('.')?;
    let key: usize = key.parse().ok()?;
    (1..=MAX_INTERSECTION_TARGETS).contains(&key).then_some(rest)
}

impl FilterFields {
    /// A short name for error messages.
    pub fn name(self) -> &'static str {
        match self {
            FilterFields::Backlinks => "backlinks",
            FilterFields::Anchors => "anchors",
            FilterFields::DomainPages => "domain_pages",
            FilterFields::DomainPagesSummary => "domain_pages_summary",
            FilterFields::ReferringDomains => "referring_domains",
            FilterFields::ReferringNetworks => "referring_networks",
            FilterFields::Competitors => "competitors",
            FilterFields::DomainIntersection => "domain_intersection",
            FilterFields::PageIntersection => "page_intersection",
        }
    }

    /// The type of a filter field path, or `None` if the endpoint has no such field.
    pub fn field_type(self, field: &str) -> Option<FieldType> {
        match self {
            FilterFields::Backlinks => lookup(BACKLINK_FIELDS, field),
            FilterFields::Anchors => match field {
                "type" | "anchor" => Some(Str),
                _ => aggregate_type(field, true),
            },
            FilterFields::DomainPages => lookup(DOMAIN_PAGE_FIELDS, field).or_else(|| {
                let rest = field.strip_prefix("page_summary.")?;
                aggregate_type(rest, true)
            }),
            FilterFields::DomainPagesSummary => match field {
                "type" | "url" => Some(Str),
                _ => aggregate_type(field, true),
            },
            FilterFields::ReferringDomains => match field {
                "type" | "domain" => Some(Str),
                _ => aggregate_type(field, true),
            },
            FilterFields::ReferringNetworks => match field {
                "type" | "network_address" => Some(Str),
                _ => aggregate_type(field, false),
            },
            FilterFields::Competitors => lookup(COMPETITOR_FIELDS, field),
            FilterFields::DomainIntersection => {
                if field == "intersections_count" {
                    return Some(Num);
                }
                match intersection_field(field)? {
                    "type" | "target" => Some(Str),
                    rest => aggregate_type(rest, true),
                }
            }
            FilterFields::PageIntersection => {
                if field == "intersections_count" {
                    return Some(Num);
                }
                let rest = intersection_field(field)?;
                if rest == "image_url" || rest.starts_with("ranked_keywords_info") {
                    return None;
                }
                lookup(BACKLINK_FIELDS, rest)
            }
        }
    }
}

/// Validates optional `filters` and `order_by` of a request against one field table.
pub(crate) fn validate_filters(
    filters: Option<&Filter>,
    order_by: Option<&OrderBy>,
    fields: FilterFields,
) -> Result<(), InvalidRequest> {
    if let Some(filters) = filters {
        filters.validate(fields, "filters")?;
    }
    if let Some(order_by) = order_by {
        order_by.validate(fields)?;
    }
    Ok(())
}

/// Validates optional `backlinks_filters` (always against backlink-row fields).
pub(crate) fn validate_backlinks_filters(
    backlinks_filters: Option<&Filter>,
) -> Result<(), InvalidRequest> {
    backlinks_filters
        .map_or(Ok(()), |filter| filter.validate(FilterFields::Backlinks, "backlinks_filters"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn single_condition_serialises_without_outer_array() {
        let filter = Filter::field("rank").gt(80);
        assert_eq!(serde_json::to_value(&filter).unwrap(), json!(["rank", ">", 80]));
    }

    #[test]
    fn nested_groups_serialise_with_logic_between_elements() {
        let filter = Filter::field("first_seen")
            .gt("2024-01-01 00:00:00 +00:00")
            .and(Filter::field("anchor").like("%seo%").or(Filter::field("text_pre").like("%seo%")));
        assert_eq!(
            serde_json::to_value(&filter).unwrap(),
            json!([
                ["first_seen", ">", "2024-01-01 00:00:00 +00:00"],
                "and",
                [["anchor", "like", "%seo%"], "or", ["text_pre", "like", "%seo%"]]
            ])
        );
        filter.validate(FilterFields::Backlinks, "filters").unwrap();
    }

    #[test]
    fn mixed_logic_chains_are_wrapped_not_flattened() {
        let filter = Filter::field("rank")
            .gt(1)
            .or(Filter::field("rank").lt(0))
            .and(Filter::field("dofollow").eq(true));
        assert_eq!(
            serde_json::to_value(&filter).unwrap(),
            json!([[["rank", ">", 1], "or", ["rank", "<", 0]], "and", ["dofollow", "=", true]])
        );
    }

    #[test]
    fn nine_conditions_over_all_levels_are_rejected() {
        let mut filter = Filter::field("rank").gt(1);
        for n in 0..4 {
            filter = filter
                .and(Filter::field("backlinks").gt(n).or(Filter::field("backlinks").lt(1000)));
        }
        assert_eq!(filter.conditions().len(), 9);
        let error = filter.validate(FilterFields::ReferringDomains, "filters").unwrap_err();
        assert_eq!(error.field, "filters");
        assert!(error.reason.contains("at most 8"), "{error}");
    }

    #[test]
    fn eight_conditions_are_accepted() {
        let mut filter = Filter::field("rank").gt(1);
        for n in 0..7 {
            filter = filter.and(Filter::field("backlinks").gt(n));
        }
        filter.validate(FilterFields::ReferringDomains, "filters").unwrap();
    }

    #[test]
    fn unknown_field_is_named_in_the_error() {
        let error = Filter::field("domian")
            .eq("x")
            .validate(FilterFields::ReferringDomains, "filters")
            .unwrap_err();
        assert!(error.reason.contains("`domian`"), "{error}");
    }

    #[test]
    fn operator_must_fit_field_type() {
        let error = Filter::field("dofollow")
            .gt(1)
            .validate(FilterFields::Backlinks, "filters")
            .unwrap_err();
        assert!(error.reason.contains("does not fit"), "{error}");
        Filter::field("anchor").like("%x%").validate(FilterFields::Backlinks, "filters").unwrap();
        assert!(
            Filter::field("rank").like("1%").validate(FilterFields::Backlinks, "filters").is_err()
        );
        assert!(
            Filter::field("attributes")
                .eq("ugc")
                .validate(FilterFields::Backlinks, "filters")
                .is_err()
        );
        Filter::field("attributes")
            .has("ugc")
            .validate(FilterFields::Backlinks, "filters")
            .unwrap();
    }

    #[test]
    fn in_needs_an_array_and_others_reject_one() {
        let scalar_in = Filter::condition("domain_from_country", Operator::In, "US");
        assert!(
            scalar_in
                .validate(FilterFields::Backlinks, "filters")
                .unwrap_err()
                .reason
                .contains("array")
        );
        Filter::field("domain_from_country")
            .is_in(["US", "GB"])
            .validate(FilterFields::Backlinks, "filters")
            .unwrap();
        let array_eq = Filter::condition("domain_from_country", Operator::Eq, json!(["US"]));
        assert!(array_eq.validate(FilterFields::Backlinks, "filters").is_err());
    }

    #[test]
    fn numbers_as_strings_are_accepted_but_text_is_not() {
        Filter::field("rank").gt("80").validate(FilterFields::Backlinks, "filters").unwrap();
        assert!(
            Filter::field("rank").gt("high").validate(FilterFields::Backlinks, "filters").is_err()
        );
        assert!(
            Filter::field("dofollow")
                .eq("yes")
                .validate(FilterFields::Backlinks, "filters")
                .is_err()
        );
    }

    #[test]
    fn time_fields_take_timestamps() {
        Filter::field("first_seen")
            .gt("2024-01-01 00:00:00 +00:00")
            .validate(FilterFields::Backlinks, "filters")
            .unwrap();
        let error = Filter::field("first_seen")
            .gt("last week")
            .validate(FilterFields::Backlinks, "filters")
            .unwrap_err();
        assert!(error.reason.contains("last week"), "{error}");
        assert!(
            Filter::field("first_seen").gt(5).validate(FilterFields::Backlinks, "filters").is_err()
        );
    }

    #[test]
    fn regex_longer_than_1000_chars_is_rejected() {
        Filter::field("anchor")
            .regex("a".repeat(1000))
            .validate(FilterFields::Backlinks, "filters")
            .unwrap();
        let error = Filter::field("anchor")
            .regex("a".repeat(1001))
            .validate(FilterFields::Backlinks, "filters")
            .unwrap_err();
        assert!(error.reason.contains("1001"), "{error}");
    }

    #[test]
    fn intersection_fields_need_a_key_from_1_to_20() {
        let fields = FilterFields::DomainIntersection;
        assert_eq!(fields.field_type("1.backlinks"), Some(Num));
        assert_eq!(fields.field_type("20.target"), Some(Str));
        assert_eq!(fields.field_type("intersections_count"), Some(Num));
        assert_eq!(fields.field_type("21.backlinks"), None);
        assert_eq!(fields.field_type("0.backlinks"), None);
        assert_eq!(fields.field_type("backlinks"), None);
        assert_eq!(FilterFields::PageIntersection.field_type("2.domain_from_rank"), Some(Num));
        assert_eq!(FilterFields::PageIntersection.field_type("1.image_url"), None);
    }

    #[test]
    fn map_keys_and_nested_paths_are_known() {
        assert_eq!(FilterFields::Anchors.field_type("referring_links_types.anchor"), Some(Num));
        assert_eq!(FilterFields::DomainPages.field_type("page_summary.backlinks"), Some(Num));
        assert_eq!(FilterFields::DomainPages.field_type("meta.internal_links_count"), Some(Num));
        assert_eq!(FilterFields::ReferringNetworks.field_type("backlinks_spam_score"), None);
    }

    #[test]
    fn order_by_serialises_and_limits_rules() {
        let order = OrderBy::desc("rank").then_asc("first_seen");
        assert_eq!(serde_json::to_value(&order).unwrap(), json!(["rank,desc", "first_seen,asc"]));
        order.validate(FilterFields::ReferringDomains).unwrap();
        let four = OrderBy::desc("rank")
            .then_desc("backlinks")
            .then_desc("referring_pages")
            .then_asc("domain");
        assert!(
            four.validate(FilterFields::ReferringDomains).unwrap_err().reason.contains("at most 3")
        );
        let array = OrderBy::asc("attributes");
        assert!(
            array.validate(FilterFields::Backlinks).unwrap_err().reason.contains("array field")
        );
        assert!(
            OrderBy::asc("nope")
                .validate(FilterFields::Backlinks)
                .unwrap_err()
                .reason
                .contains("`nope`")
        );
        assert_eq!(OrderBy::parse(["1.rank,desc"]).unwrap(), OrderBy::desc("1.rank"));
        assert!(OrderBy::parse(["rank"]).is_err());
    }

    #[test]
    fn filters_parse_from_json_and_check_alternation() {
        let text = json!([
            ["dofollow", "=", true],
            "and",
            [["anchor", "like", "%a%"], "or", ["rank", ">", 3]]
        ]);
        let filter = Filter::from_json(&text).unwrap();
        assert_eq!(serde_json::to_value(&filter).unwrap(), text);
        assert!(Filter::from_json(&json!([["rank", ">", 1], ["rank", "<", 3]])).is_err());
        assert!(Filter::from_json(&json!([["rank", ">", 1], "xor", ["rank", "<", 3]])).is_err());
        assert!(Filter::from_json(&json!([["rank", ">", 1], "and"])).is_err());
        let single = Filter::from_json(&json!([["rank", ">", 1]])).unwrap();
        assert_eq!(single.conditions().len(), 1);
    }
}
