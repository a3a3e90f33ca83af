//! The filter grammar (reference §5), `order_by` and paging, evaluated over any [`Record`].

use std::borrow::Cow;
use std::cmp::Ordering;

use regex::Regex;
use serde_json::Value;

use crate::engine::TaskError;
use crate::index::parse_time;

/// Most conditions one `filters` array may hold, counted over all nesting levels.
pub(crate) const MAX_CONDITIONS: usize = 8;
/// Most `order_by` rules.
pub(crate) const MAX_ORDER_RULES: usize = 3;
/// Longest accepted regex pattern.
const MAX_REGEX_LEN: usize = 1000;

/// The type of a filterable field, as `available_filters` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldType {
    Num,
    Str,
    Bool,
    Time,
    ArrayStr,
}

impl FieldType {
    /// The type string of `available_filters`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            FieldType::Num => "num",
            FieldType::Str => "str",
            FieldType::Bool => "bool",
            FieldType::Time => "time",
            FieldType::ArrayStr => "array.str",
        }
    }
}

/// A field value read from a record.
#[derive(Clone, Debug)]
pub(crate) enum Val<'a> {
    Null,
    Num(f64),
    Str(Cow<'a, str>),
    Bool(bool),
    /// Unix seconds.
    Time(i64),
    List(Vec<&'a str>),
}

impl Val<'_> {
    fn as_time(&self) -> Option<i64> {
        match self {
            Val::Time(seconds) => Some(*seconds),
            Val::Str(text) => parse_time(text),
            _ => None,
        }
    }

    fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(number) => Some(*number),
            Val::Str(text) => text.trim().parse().ok(),
            Val::Bool(flag) => Some(f64::from(u8::from(*flag))),
            _ => None,
        }
    }
}

/// Anything filters and `order_by` can read: it answers a dotted field path with a value.
pub(crate) trait Record<'a> {
    /// The value at `path`, [`Val::Null`] when absent.
    fn value(&self, path: &str) -> Val<'a>;
}

impl<'a> Record<'a> for &'a Value {
    fn value(&self, path: &str) -> Val<'a> {
        json_value(json_path(self, path))
    }
}

/// Follows a dotted path through JSON objects (and array indexes); `None` when any step is missing.
pub(crate) fn json_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = value;
    for part in path.split('.') {
        current = match current {
            Value::Object(map) => map.get(part)?,
            Value::Array(list) => list.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Converts a JSON value to a [`Val`].
pub(crate) fn json_value(value: Option<&Value>) -> Val<'_> {
    match value {
        None | Some(Value::Null | Value::Object(_)) => Val::Null,
        Some(Value::Bool(flag)) => Val::Bool(*flag),
        Some(Value::Number(number)) => number.as_f64().map_or(Val::Null, Val::Num),
        Some(Value::String(text)) => Val::Str(Cow::Borrowed(text)),
        Some(Value::Array(list)) => Val::List(list.iter().filter_map(Value::as_str).collect()),
    }
}

/// A compiled `filters` expression.
#[derive(Debug)]
pub(crate) enum Filter {
    Cond(Cond),
    /// Conditions joined by logic; `and` binds tighter than `or`, so this is an `or` of `and`-chains.
    Any(Vec<Vec<Filter>>),
}

/// One compiled condition.
#[derive(Debug)]
pub(crate) struct Cond {
    path: String,
    ty: FieldType,
    op: Op,
    arg: Arg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    In,
    NotIn,
    Like,
    NotLike,
    Ilike,
    NotIlike,
    Match,
    NotMatch,
    Regex,
    NotRegex,
    Has,
    HasNot,
}

impl Op {
    fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "=" => Op::Eq,
            "<>" | "!=" => Op::Ne,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            "like" => Op::Like,
            "not_like" => Op::NotLike,
            "ilike" => Op::Ilike,
            "not_ilike" => Op::NotIlike,
            "match" => Op::Match,
            "not_match" => Op::NotMatch,
            "regex" => Op::Regex,
            "not_regex" => Op::NotRegex,
            "has" => Op::Has,
            "has_not" => Op::HasNot,
            _ => return None,
        })
    }

    /// Whether this operator is allowed on a field of type `ty` (reference §5.2).
    fn fits(self, ty: FieldType) -> bool {
        match ty {
            FieldType::Num => {
                matches!(
                    self,
                    Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Eq | Op::Ne | Op::In | Op::NotIn
                )
            }
            FieldType::Str => matches!(
                self,
                Op::Eq
                    | Op::Ne
                    | Op::In
                    | Op::NotIn
                    | Op::Like
                    | Op::NotLike
                    | Op::Ilike
                    | Op::NotIlike
                    | Op::Match
                    | Op::NotMatch
                    | Op::Regex
                    | Op::NotRegex
            ),
            FieldType::Bool => matches!(self, Op::Eq | Op::Ne),
            FieldType::Time => matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Eq | Op::Ne),
            FieldType::ArrayStr => matches!(self, Op::Has | Op::HasNot),
        }
    }

    /// Operators that hold for a missing (`null`) value.
    fn negative(self) -> bool {
        matches!(
            self,
            Op::Ne
                | Op::NotIn
                | Op::NotLike
                | Op::NotIlike
                | Op::NotMatch
                | Op::NotRegex
                | Op::HasNot
        )
    }
}

#[derive(Debug)]
enum Arg {
    Null,
    Num(f64),
    Nums(Vec<f64>),
    Str(String),
    Strs(Vec<String>),
    Bool(bool),
    Time(i64),
    Like { parts: Vec<String>, anchored_start: bool, anchored_end: bool, fold_case: bool },
    Words(Vec<String>),
    Regex(Regex),
}

/// Compiles a `filters` (or `backlinks_filters`) value. `field_type` answers the type of a field path
/// (`None` = not filterable here); every problem is a 40501 naming `request_field`.
pub(crate) fn compile_filter(
    value: &Value,
    field_type: &dyn Fn(&str) -> Option<FieldType>,
    request_field: &str,
) -> Result<Option<Filter>, TaskError> {
    let invalid = || TaskError::invalid_field(request_field);
    match value {
        Value::Null => return Ok(None),
        Value::Array(list) if list.is_empty() => return Ok(None),
        Value::Array(_) => {}
        _ => return Err(invalid()),
    }
    let mut conditions = 0;
    let filter = compile_elem(value, field_type, &mut conditions).ok_or_else(invalid)?;
    if conditions > MAX_CONDITIONS {
        return Err(invalid());
    }
    Ok(Some(filter))
}

fn compile_elem(
    value: &Value,
    field_type: &dyn Fn(&str) -> Option<FieldType>,
    conditions: &mut usize,
) -> Option<Filter> {
    let list = value.as_array()?;
    if is_condition(list) {
        *conditions += 1;
        return compile_cond(list, field_type).map(Filter::Cond);
    }
    // A group: elements at even positions, logic words at odd positions.
    if list.len() % 2 == 0 {
        return None;
    }
    let mut chains: Vec<Vec<Filter>> = vec![Vec::new()];
    for (position, element) in list.iter().enumerate() {
        if position % 2 == 1 {
            match element.as_str()?.to_ascii_lowercase().as_str() {
                "and" => {}
                "or" => chains.push(Vec::new()),
                _ => return None,
            }
        } else {
            let compiled = compile_elem(element, field_type, conditions)?;
            chains.last_mut().expect("chains starts non-empty").push(compiled);
        }
    }
    if chains.len() == 1 && chains[0].len() == 1 {
        return chains.pop().and_then(|mut chain| chain.pop());
    }
    Some(Filter::Any(chains))
}

/// A condition is `[field, operator, value]` with string field and a known operator string.
fn is_condition(list: &[Value]) -> bool {
    list.len() == 3
        && list[0].is_string()
        && list[1].as_str().is_some_and(|op| Op::parse(op).is_some() || !matches!(op, "and" | "or"))
}

fn compile_cond(list: &[Value], field_type: &dyn Fn(&str) -> Option<FieldType>) -> Option<Cond> {
    let path = list[0].as_str()?;
    let ty = field_type(path)?;
    let op = Op::parse(list[1].as_str()?)?;
    let raw = &list[2];
    if raw.is_null() {
        // `= null` / `<> null` test for presence on any field.
        return matches!(op, Op::Eq | Op::Ne).then(|| Cond {
            path: path.to_owned(),
            ty,
            op,
            arg: Arg::Null,
        });
    }
    if !op.fits(ty) {
        return None;
    }
    let arg = match (ty, op) {
        (_, Op::In | Op::NotIn) => {
            let items = raw.as_array()?;
            if ty == FieldType::Num {
                Arg::Nums(items.iter().map(num_arg).collect::<Option<_>>()?)
            } else {
                Arg::Strs(
                    items
                        .iter()
                        .map(|item| str_arg(item).map(str::to_owned))
                        .collect::<Option<_>>()?,
                )
            }
        }
        (FieldType::Num, _) => Arg::Num(num_arg(raw)?),
        (FieldType::Bool, _) => Arg::Bool(match raw {
            Value::Bool(flag) => *flag,
            Value::String(text) if text == "true" => true,
            Value::String(text) if text == "false" => false,
            _ => return None,
        }),
        (FieldType::Time, _) => Arg::Time(parse_time(raw.as_str()?)?),
        (_, Op::Like | Op::NotLike | Op::Ilike | Op::NotIlike) => {
            let fold_case = matches!(op, Op::Ilike | Op::NotIlike);
            let pattern = str_arg(raw)?;
            let pattern = if fold_case { pattern.to_lowercase() } else { pattern.to_owned() };
            Arg::Like {
                anchored_start: !pattern.starts_with('%'),
                anchored_end: !pattern.ends_with('%'),
                parts: pattern
                    .split('%')
                    .filter(|part| !part.is_empty())
                    .map(str::to_owned)
                    .collect(),
                fold_case,
            }
        }
        (_, Op::Match | Op::NotMatch) => Arg::Words(words(str_arg(raw)?)),
        (_, Op::Regex | Op::NotRegex) => {
            let pattern = str_arg(raw)?;
            if pattern.len() > MAX_REGEX_LEN {
                return None;
            }
            Arg::Regex(Regex::new(pattern).ok()?)
        }
        _ => Arg::Str(str_arg(raw)?.to_owned()),
    };
    Some(Cond { path: path.to_owned(), ty, op, arg })
}

fn num_arg(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn str_arg(value: &Value) -> Option<&str> {
    value.as_str()
}

/// Lower-cased alphanumeric words of a text (the unit of `match`).
fn words(text: &str) -> Vec<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Filter {
    /// Every field path the filter reads.
    pub(crate) fn paths(&self) -> Vec<&str> {
        match self {
            Filter::Cond(cond) => vec![cond.path.as_str()],
            Filter::Any(chains) => chains.iter().flatten().flat_map(Filter::paths).collect(),
        }
    }

    /// Whether `record` passes.
    pub(crate) fn matches(&self, record: &dyn Record<'_>) -> bool {
        match self {
            Filter::Cond(cond) => cond.matches(record),
            Filter::Any(chains) => {
                chains.iter().any(|chain| chain.iter().all(|filter| filter.matches(record)))
            }
        }
    }
}

impl Cond {
    fn matches(&self, record: &dyn Record<'_>) -> bool {
        let value = record.value(&self.path);
        if let Arg::Null = self.arg {
            let is_null = matches!(value, Val::Null);
            return if self.op == Op::Eq { is_null } else { !is_null };
        }
        if matches!(value, Val::Null) {
            return self.op.negative();
        }
        match &self.arg {
            Arg::Null => unreachable!("handled above"),
            Arg::Num(wanted) => {
                value.as_num().is_some_and(|actual| compare_op(self.op, actual.total_cmp(wanted)))
            }
            Arg::Nums(list) => {
                let found = value.as_num().is_some_and(|actual| list.contains(&actual));
                found == (self.op == Op::In)
            }
            Arg::Bool(wanted) => {
                let actual = match value {
                    Val::Bool(flag) => Some(flag),
                    _ => None,
                };
                actual.is_some_and(|actual| (actual == *wanted) == (self.op == Op::Eq))
            }
            Arg::Time(wanted) => {
                value.as_time().is_some_and(|actual| compare_op(self.op, actual.cmp(wanted)))
            }
            Arg::Str(wanted) => match (self.ty, value) {
                (FieldType::ArrayStr, Val::List(list)) => {
                    list.contains(&wanted.as_str()) == (self.op == Op::Has)
                }
                (_, Val::Str(actual)) => (actual == wanted.as_str()) == (self.op == Op::Eq),
                _ => self.op.negative(),
            },
            Arg::Strs(list) => {
                let found = match value {
                    Val::Str(actual) => list.iter().any(|wanted| wanted == actual.as_ref()),
                    Val::Num(actual) => {
                        list.iter().any(|wanted| wanted.parse::<f64>().ok() == Some(actual))
                    }
                    _ => false,
                };
                found == (self.op == Op::In)
            }
            Arg::Like { parts, anchored_start, anchored_end, fold_case } => {
                let Val::Str(actual) = value else { return self.op.negative() };
                let matched = if *fold_case {
                    with_lowercase(&actual, |lower| {
                        like_matches(lower, parts, *anchored_start, *anchored_end)
                    })
                } else {
                    like_matches(&actual, parts, *anchored_start, *anchored_end)
                };
                matched == matches!(self.op, Op::Like | Op::Ilike)
            }
            Arg::Words(wanted) => {
                let Val::Str(actual) = value else { return self.op.negative() };
                let have = words(&actual);
                wanted.iter().all(|word| have.contains(word)) == (self.op == Op::Match)
            }
            Arg::Regex(regex) => {
                let Val::Str(actual) = value else { return self.op.negative() };
                regex.is_match(&actual) == (self.op == Op::Regex)
            }
        }
    }
}

fn compare_op(op: Op, ordering: Ordering) -> bool {
    match op {
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        _ => false,
    }
}

/// Texts up to this long are lower-cased on the stack when they are ASCII.
const STACK_TEXT: usize = 256;

/// Calls `then` with `text.to_lowercase()`, without allocating for short ASCII texts (an `ilike`
/// filter reads every row of a profile, and small allocations are slow on a heap that the index has
/// fragmented). For ASCII, `to_lowercase` is `to_ascii_lowercase`.
fn with_lowercase<T>(text: &str, then: impl FnOnce(&str) -> T) -> T {
    if text.len() <= STACK_TEXT && text.is_ascii() {
        let mut buffer = [0u8; STACK_TEXT];
        let lower = &mut buffer[..text.len()];
        lower.copy_from_slice(text.as_bytes());
        lower.make_ascii_lowercase();
        then(std::str::from_utf8(lower).expect("lower-cased ASCII is UTF-8"))
    } else {
        then(&text.to_lowercase())
    }
}

/// SQL `LIKE` with `%` only: the parts must appear in order, anchored unless the pattern starts/ends with `%`.
fn like_matches(text: &str, parts: &[String], anchored_start: bool, anchored_end: bool) -> bool {
    if parts.is_empty() {
        return !(anchored_start && anchored_end) || text.is_empty();
    }
    let mut rest = text;
    for (position, part) in parts.iter().enumerate() {
        let first = position == 0;
        let last = position == parts.len() - 1;
        if first && anchored_start {
            let Some(after) = rest.strip_prefix(part.as_str()) else { return false };
            rest = after;
            if last && anchored_end {
                return rest.is_empty();
            }
            continue;
        }
        if last && anchored_end {
            return rest.len() >= part.len() && rest.ends_with(part.as_str());
        }
        match rest.find(part.as_str()) {
            Some(found) => rest = &rest[found + part.len()..],
            None => return false,
        }
    }
    true
}

/// One compiled `order_by` rule.
#[derive(Clone, Debug)]
pub(crate) struct SortRule {
    pub(crate) path: String,
    pub(crate) ty: FieldType,
    pub(crate) descending: bool,
}

/// Compiles `order_by` (1-3 `"field,asc|desc"` strings); problems are 40501 `order_by`.
pub(crate) fn compile_order(
    value: Option<&Value>,
    field_type: &dyn Fn(&str) -> Option<FieldType>,
) -> Result<Vec<SortRule>, TaskError> {
    let invalid = || TaskError::invalid_field("order_by");
    let Some(value) = value.filter(|value| !value.is_null()) else { return Ok(Vec::new()) };
    let list = value.as_array().ok_or_else(invalid)?;
    if list.len() > MAX_ORDER_RULES {
        return Err(invalid());
    }
    list.iter()
        .map(|rule| {
            let text = rule.as_str().ok_or_else(invalid)?;
            let (path, direction) = text.rsplit_once(',').unwrap_or((text, "asc"));
            let path = path.trim();
            let descending = match direction.trim().to_ascii_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                _ => return Err(invalid()),
            };
            let ty = field_type(path).ok_or_else(invalid)?;
            if ty == FieldType::ArrayStr {
                return Err(invalid());
            }
            Ok(SortRule { path: path.to_owned(), ty, descending })
        })
        .collect()
}

/// Compares two values of one field: `null` sorts lowest, numbers numerically, times chronologically.
pub(crate) fn compare_values(left: &Val<'_>, right: &Val<'_>, ty: FieldType) -> Ordering {
    match (left, right) {
        (Val::Null, Val::Null) => Ordering::Equal,
        (Val::Null, _) => Ordering::Less,
        (_, Val::Null) => Ordering::Greater,
        _ => match ty {
            FieldType::Num => {
                left.as_num().unwrap_or(f64::MIN).total_cmp(&right.as_num().unwrap_or(f64::MIN))
            }
            FieldType::Time => left.as_time().cmp(&right.as_time()),
            FieldType::Bool => {
                matches!(left, Val::Bool(true)).cmp(&matches!(right, Val::Bool(true)))
            }
            FieldType::Str | FieldType::ArrayStr => match (left, right) {
                (Val::Str(left), Val::Str(right)) => left.cmp(right),
                _ => Ordering::Equal,
            },
        },
    }
}

/// Sorts `items` by `rules`; ties keep their incoming order (the item's position is the final key),
/// which the callers make deterministic, so equal keys always come back in the same order.
///
/// With `needed = Some(k)` only the first `k` items in that order are returned (a selection, then a
/// sort of those `k`), which is what one page of a long list needs.
pub(crate) fn sort_records<'a, R: Record<'a>>(
    items: Vec<R>,
    rules: &[SortRule],
    needed: Option<usize>,
) -> Vec<R> {
    if rules.is_empty() {
        let mut items = items;
        items.truncate(needed.unwrap_or(usize::MAX));
        return items;
    }
    let width = rules.len();
    let mut keys: Vec<Val<'a>> = Vec::with_capacity(items.len() * width);
    for item in &items {
        keys.extend(rules.iter().map(|rule| item.value(&rule.path)));
    }
    let compare = |left: &usize, right: &usize| -> Ordering {
        let left_keys = &keys[left * width..(left + 1) * width];
        let right_keys = &keys[right * width..(right + 1) * width];
        for ((left_key, right_key), rule) in left_keys.iter().zip(right_keys).zip(rules) {
            let ordering = compare_values(left_key, right_key, rule.ty);
            let ordering = if rule.descending { ordering.reverse() } else { ordering };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        left.cmp(right)
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    match needed {
        Some(0) => order.clear(),
        Some(count) if count < order.len() => {
            order.select_nth_unstable_by(count - 1, |left, right| compare(left, right));
            order.truncate(count);
        }
        _ => {}
    }
    order.sort_unstable_by(|left, right| compare(left, right));
    let mut slots: Vec<Option<R>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|position| slots[position].take()).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn types(path: &str) -> Option<FieldType> {
        Some(match path {
            "rank" | "backlinks" | "nested.count" => FieldType::Num,
            "anchor" | "domain" => FieldType::Str,
            "dofollow" => FieldType::Bool,
            "first_seen" => FieldType::Time,
            "attributes" => FieldType::ArrayStr,
            _ => return None,
        })
    }

    fn item() -> Value {
        json!({"rank": 120, "backlinks": 7, "anchor": "Best SEO tools", "domain": "blog.example.com",
               "dofollow": false, "first_seen": "2024-03-01 10:00:00 +00:00", "attributes": ["nofollow", "ugc"],
               "nested": {"count": 3}})
    }

    fn passes(filter: &Value) -> bool {
        let filter = compile_filter(filter, &types, "filters").unwrap().unwrap();
        let item = item();
        filter.matches(&&item)
    }

    fn rejects(filter: &Value) -> String {
        compile_filter(filter, &types, "filters").unwrap_err().message
    }

    #[test]
    fn lowercasing_on_the_stack_equals_to_lowercase() {
        let long = "Ab".repeat(STACK_TEXT);
        for text in
            ["", "Best HIKING Gear", "ÄÖÜ Straße", "ΣΑΣ", "İstanbul", "\u{212a}elvin", &long]
        {
            assert_eq!(with_lowercase(text, str::to_owned), text.to_lowercase(), "{text}");
        }
        assert!(passes(&json!(["anchor", "ilike", "%SEO TOOLS"])));
        assert!(!passes(&json!(["anchor", "not_ilike", "best%"])));
    }

    #[test]
    fn numeric_operators_accept_numbers_and_numeric_strings() {
        assert!(passes(&json!(["rank", ">", 100])));
        assert!(passes(&json!(["rank", ">", "100"])));
        assert!(!passes(&json!(["rank", "<", 100])));
        assert!(passes(&json!(["rank", "<=", 120])));
        assert!(passes(&json!(["rank", ">=", 120])));
        assert!(passes(&json!(["rank", "=", 120])));
        assert!(passes(&json!(["rank", "<>", 121])));
        assert!(passes(&json!(["rank", "in", [1, 120]])));
        assert!(passes(&json!(["rank", "not_in", [1, 2]])));
        assert!(passes(&json!(["nested.count", "=", 3])));
    }

    #[test]
    fn string_operators_follow_their_meaning() {
        assert!(passes(&json!(["anchor", "like", "%SEO%"])));
        assert!(!passes(&json!(["anchor", "like", "%seo%"])));
        assert!(passes(&json!(["anchor", "ilike", "%seo%"])));
        assert!(passes(&json!(["anchor", "like", "Best%"])));
        assert!(!passes(&json!(["anchor", "like", "Best"])));
        assert!(passes(&json!(["anchor", "not_like", "%casino%"])));
        assert!(passes(&json!(["anchor", "not_ilike", "%CASINO%"])));
        assert!(passes(&json!(["anchor", "match", "seo"])));
        assert!(!passes(&json!(["anchor", "match", "se"])));
        assert!(passes(&json!(["anchor", "not_match", "casino"])));
        assert!(passes(&json!(["domain", "regex", "^blog\\."])));
        assert!(passes(&json!(["domain", "not_regex", "^www\\."])));
        assert!(passes(&json!(["domain", "=", "blog.example.com"])));
        assert!(passes(&json!(["domain", "<>", "example.com"])));
        assert!(passes(&json!(["domain", "in", ["a.com", "blog.example.com"]])));
        assert!(passes(&json!(["domain", "not_in", ["a.com"]])));
    }

    #[test]
    fn bool_time_and_array_operators() {
        assert!(passes(&json!(["dofollow", "=", false])));
        assert!(passes(&json!(["dofollow", "<>", true])));
        assert!(passes(&json!(["first_seen", ">", "2024-01-01 00:00:00 +00:00"])));
        assert!(passes(&json!(["first_seen", "<", "2024-03-02"])));
        assert!(!passes(&json!(["first_seen", "=", "2024-03-01 10:00:01 +00:00"])));
        assert!(passes(&json!(["attributes", "has", "ugc"])));
        assert!(passes(&json!(["attributes", "has_not", "sponsored"])));
    }

    #[test]
    fn groups_nest_and_bind_and_tighter_than_or() {
        assert!(passes(&json!([["rank", ">", 100]])));
        assert!(passes(&json!([["rank", ">", 500], "or", ["backlinks", "=", 7]])));
        assert!(!passes(&json!([["rank", ">", 500], "and", ["backlinks", "=", 7]])));
        assert!(passes(&json!([
            ["rank", ">", 500],
            "and",
            ["backlinks", "=", 0],
            "or",
            ["anchor", "ilike", "%tools"]
        ])));
        assert!(passes(&json!([
            ["dofollow", "=", false],
            "and",
            [["rank", ">", 500], "or", ["backlinks", ">", 1]]
        ])));
    }

    #[test]
    fn invalid_filters_name_the_request_field() {
        let expected = "Invalid Field: 'filters'.";
        assert_eq!(rejects(&json!(["unknown", "=", 1])), expected);
        assert_eq!(rejects(&json!(["rank", "like", "%1%"])), expected);
        assert_eq!(rejects(&json!(["anchor", ">", "a"])), expected);
        assert_eq!(rejects(&json!(["rank", "in", 5])), expected);
        assert_eq!(rejects(&json!(["rank", ">", "many"])), expected);
        assert_eq!(rejects(&json!([["rank", ">", 1], "xor", ["rank", "<", 5]])), expected);
        assert_eq!(rejects(&json!(["domain", "regex", "("])), expected);
        let nine: Vec<Value> =
            (0..9).flat_map(|index| [json!(["rank", ">", index]), json!("and")]).take(17).collect();
        assert_eq!(rejects(&Value::Array(nine)), expected);
        let eight: Vec<Value> =
            (0..8).flat_map(|index| [json!(["rank", ">", index]), json!("and")]).take(15).collect();
        assert!(compile_filter(&Value::Array(eight), &types, "filters").is_ok());
    }

    #[test]
    fn null_values_test_presence() {
        assert!(passes(&json!(["anchor", "<>", null])));
        assert!(!passes(&json!(["anchor", "=", null])));
        let filter = compile_filter(&json!(["rank", ">", 1]), &types, "filters").unwrap().unwrap();
        let empty = json!({});
        assert!(!filter.matches(&&empty));
        let negative =
            compile_filter(&json!(["rank", "<>", 1]), &types, "filters").unwrap().unwrap();
        assert!(negative.matches(&&empty));
    }

    #[test]
    fn order_rules_sort_stably_with_nulls_lowest() {
        let rules = compile_order(Some(&json!(["rank,desc", "anchor,asc"])), &types).unwrap();
        let items = [
            json!({"rank": 1, "anchor": "b"}),
            json!({"rank": 5, "anchor": "z"}),
            json!({"rank": 1, "anchor": "a"}),
            json!({"anchor": "n"}),
        ];
        let sorted = sort_records(items.iter().collect(), &rules, None);
        let top = sort_records(items.iter().collect(), &rules, Some(2));
        assert_eq!(top, sorted[..2]);
        let anchors: Vec<&str> =
            sorted.iter().map(|item| item["anchor"].as_str().unwrap()).collect();
        assert_eq!(anchors, ["z", "a", "b", "n"]);
        assert!(compile_order(Some(&json!(["rank,up"])), &types).is_err());
        assert!(compile_order(Some(&json!(["attributes,asc"])), &types).is_err());
        assert_eq!(
            compile_order(
                Some(&json!(["rank,asc", "rank,desc", "anchor,asc", "domain,asc"])),
                &types
            )
            .unwrap_err()
            .message,
            "Invalid Field: 'order_by'."
        );
    }

    #[test]
    fn like_matching_edge_cases() {
        let parts = |pattern: &str| -> Vec<String> {
            pattern.split('%').filter(|part| !part.is_empty()).map(str::to_owned).collect()
        };
        assert!(like_matches("abcabc", &parts("a%c"), true, true));
        assert!(like_matches("abc", &parts("%"), false, false));
        assert!(!like_matches("ab", &parts("abc%"), true, false));
        assert!(like_matches("xaby", &parts("%a%b%"), false, false));
        assert!(!like_matches("xbay", &parts("%a%b"), false, true));
    }
}
