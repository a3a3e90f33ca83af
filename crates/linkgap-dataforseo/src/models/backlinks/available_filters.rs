//! `GET /v3/backlinks/available_filters`: filterable fields per endpoint with their types (reference §7.20).

use std::collections::BTreeMap;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::filter::FieldType;
use crate::request::{ApiRequest, InvalidRequest};
use crate::timefmt::Lenient;

/// Request of `available_filters` (a GET without body; free).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AvailableFiltersRequest;

impl ApiRequest for AvailableFiltersRequest {
    const ENDPOINT: Endpoint = Endpoint::AvailableFilters;
    type Result = AvailableFiltersResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }

    fn max_billed_rows(&self) -> u64 {
        0
    }
}

/// `result[0]` of `available_filters`: endpoint name → filter path → type string (`num`, `str`,
/// `bool`, `time`, `array.str`, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AvailableFiltersResult {
    /// The table as sent.
    pub endpoints: BTreeMap<String, BTreeMap<String, String>>,
}

impl AvailableFiltersResult {
    /// The type of `field` on `endpoint` (`"referring_domains"`), if listed and known.
    pub fn field_type(&self, endpoint: &str, field: &str) -> Option<FieldType> {
        let type_name = self.endpoints.get(endpoint)?.get(field)?;
        match type_name.as_str() {
            "num" => Some(FieldType::Num),
            "str" => Some(FieldType::Str),
            "bool" => Some(FieldType::Bool),
            "time" => Some(FieldType::Time),
            "array.str" => Some(FieldType::ArrayStr),
            "array.num" => Some(FieldType::ArrayNum),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for AvailableFiltersResult {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<AvailableFiltersResult, D::Error> {
        let endpoints = BTreeMap::from_wire(Value::deserialize(deserializer)?).unwrap_or_default();
        Ok(AvailableFiltersResult { endpoints })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::FilterFields;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes_and_types_resolve() {
        let result: AvailableFiltersResult = fixture_result("available_filters", "ok").unwrap();
        assert_eq!(result.field_type("backlinks", "dofollow"), Some(FieldType::Bool));
        assert_eq!(result.field_type("backlinks", "attributes"), Some(FieldType::ArrayStr));
        assert_eq!(
            result.field_type("domain_intersection", "intersections_count"),
            Some(FieldType::Num)
        );
        assert_eq!(result.field_type("nope", "rank"), None);
        assert!(result.endpoints.contains_key("content_duplicates"));
    }

    /// The static client-side table agrees with every field the fixture (written from the reference) lists.
    #[test]
    fn static_filter_table_agrees_with_the_fixture() {
        let result: AvailableFiltersResult = fixture_result("available_filters", "ok").unwrap();
        let tables = [
            ("backlinks", FilterFields::Backlinks),
            ("referring_domains", FilterFields::ReferringDomains),
            ("domain_intersection", FilterFields::DomainIntersection),
        ];
        for (endpoint, fields) in tables {
            for field in result.endpoints[endpoint].keys() {
                assert_eq!(
                    fields.field_type(field),
                    result.field_type(endpoint, field),
                    "{endpoint}: {field}"
                );
            }
        }
    }
}
