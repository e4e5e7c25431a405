//! Retention schedules: how long a closed case keeps its personal data, per service and
//! case kind ("closed complaints after 6 years"). The most specific rule for a case wins
//! (service and kind, then service, then kind, then a rule naming neither); a case no
//! rule matches is kept.

use crate::CaseKind;
use serde::{Deserialize, Serialize};

/// The longest schedule accepted, in years.
pub const MAX_YEARS: u32 = 100;

/// One rule (`[[retention]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    /// A service slug; `None` for every service.
    #[serde(default)]
    pub service: Option<String>,
    /// A case kind; `None` for every kind.
    #[serde(default)]
    pub kind: Option<CaseKind>,
    /// Whole years after closing that a case's personal data is removed.
    pub after_years: u32,
}

impl RetentionRule {
    /// Checks the rule; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_YEARS).contains(&self.after_years) {
            return Err(format!(
                "after_years: must be between 1 and {MAX_YEARS} (got {})",
                self.after_years
            ));
        }
        if let Some(s) = &self.service
            && !crate::contact::is_slug(s)
        {
            return Err(format!("service: `{s}` is not a service slug"));
        }
        Ok(())
    }

    /// How specific the rule is: 3 service and kind, 2 service, 1 kind, 0 neither.
    fn rank(&self) -> u8 {
        match (&self.service, &self.kind) {
            (Some(_), Some(_)) => 3,
            (Some(_), None) => 2,
            (None, Some(_)) => 1,
            (None, None) => 0,
        }
    }

    fn matches(&self, service: &str, kind: CaseKind) -> bool {
        self.service.as_deref().is_none_or(|s| s == service) && self.kind.is_none_or(|k| k == kind)
    }

    /// A name for the record of what went: `complaint cases of waste, 6 years`.
    pub fn describe(&self) -> String {
        let kind = self.kind.map_or("all".to_string(), |k| k.as_str().to_string());
        let service = self.service.as_deref().unwrap_or("every service");
        format!("{kind} cases of {service}, {} years", self.after_years)
    }
}

/// The rule for a case of `service` and `kind`, if any.
pub fn rule_for<'r>(rules: &'r [RetentionRule], service: &str, kind: CaseKind) -> Option<&'r RetentionRule> {
    rules
        .iter()
        .filter(|r| r.matches(service, kind))
        .max_by_key(|r| r.rank())
}

/// Checks a whole schedule: each rule, and no two rules for the same service and kind.
pub fn validate(rules: &[RetentionRule]) -> Result<(), String> {
    for (i, r) in rules.iter().enumerate() {
        r.validate().map_err(|e| format!("retention[{i}].{e}"))?;
        if rules[..i].iter().any(|o| o.service == r.service && o.kind == r.kind) {
            return Err(format!("retention[{i}]: a second rule for the same service and kind"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(service: Option<&str>, kind: Option<CaseKind>, years: u32) -> RetentionRule {
        RetentionRule {
            service: service.map(String::from),
            kind,
            after_years: years,
        }
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let rules = [
            rule(None, None, 2),
            rule(None, Some(CaseKind::Complaint), 6),
            rule(Some("registrar"), None, 10),
            rule(Some("registrar"), Some(CaseKind::Complaint), 7),
        ];
        let years = |s, k| rule_for(&rules, s, k).map(|r| r.after_years);
        assert_eq!(years("waste", CaseKind::Request), Some(2));
        assert_eq!(years("waste", CaseKind::Complaint), Some(6));
        assert_eq!(years("registrar", CaseKind::Request), Some(10));
        assert_eq!(years("registrar", CaseKind::Complaint), Some(7));
        assert_eq!(
            rule_for(&rules[1..2], "waste", CaseKind::Request),
            None,
            "no rule: kept"
        );
        assert_eq!(rules[1].describe(), "complaint cases of every service, 6 years");
    }

    #[test]
    fn bad_schedules_are_named() {
        assert!(
            validate(&[rule(None, None, 0)])
                .unwrap_err()
                .contains("retention[0].after_years")
        );
        assert!(
            validate(&[rule(None, None, 2), rule(None, None, 3)])
                .unwrap_err()
                .contains("retention[1]")
        );
        assert!(
            validate(&[rule(Some("Not A Slug"), None, 3)])
                .unwrap_err()
                .contains("service")
        );
    }
}
