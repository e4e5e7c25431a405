//! Reply templates: the council's standard wording, with placeholders that fill from the
//! customer, the case and the values read from its contacts, so nothing is typed twice.
//!
//! A placeholder is a name in braces, `{customer.first_name}`; `{{` writes a brace. The
//! names are fixed ([`PLACEHOLDERS`]) and checked when the config is read, so a typo
//! is an error at start, not a hole in a letter to a resident.

use crate::Invalid;
use std::collections::BTreeMap;

/// Every placeholder a template may use, with what it stands for.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("customer.name", "the customer's full name"),
    (
        "customer.first_name",
        "the customer's first name (their full name for an organisation)",
    ),
    ("case.reference", "the case reference, e.g. HRD-000123"),
    ("case.title", "the case's title"),
    ("service.name", "the service the case is with"),
    ("agent.name", "the name of the person replying"),
    ("postcode", "the first postcode read from the contacts"),
    ("address", "the first address read from the contacts"),
    (
        "account_reference",
        "the first council tax or business rates account reference read",
    ),
    ("date", "the first date read from the contacts"),
];

/// One template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplyTemplate {
    /// What agents pick it by.
    pub name: String,
    /// Offered only on cases of this service; every service when absent.
    #[serde(default)]
    pub service: Option<String>,
    pub body: String,
}

impl ReplyTemplate {
    /// Checks the name and that every placeholder is known.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.name.trim().is_empty() {
            return Err(Invalid::field("name", "a template needs a name"));
        }
        for p in placeholders(&self.body)? {
            if !PLACEHOLDERS.iter().any(|(k, _)| *k == p) {
                let known: Vec<&str> = PLACEHOLDERS.iter().map(|(k, _)| *k).collect();
                return Err(Invalid::field(
                    "body",
                    format!("`{{{p}}}` is not a placeholder; use one of {}", known.join(", ")),
                ));
            }
        }
        Ok(())
    }

    /// Whether it is offered on a case of `service`.
    pub fn applies_to(&self, service: &str) -> bool {
        self.service.as_deref().is_none_or(|s| s == service)
    }

    /// The body with each placeholder replaced by its value; a placeholder with no value
    /// (no postcode was read, say) is left showing, for the agent to fill in.
    pub fn fill(&self, values: &BTreeMap<&str, String>) -> String {
        let mut out = String::with_capacity(self.body.len());
        let mut rest = self.body.as_str();
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
            } else if let (true, Some(end)) = (tail.starts_with('{'), tail.find('}')) {
                let name = &tail[1..end];
                match values.get(name).filter(|v| !v.is_empty()) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&tail[..=end]),
                }
                rest = &tail[end + 1..];
            } else {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        out
    }
}

/// The placeholder names in `body`, in order; an unclosed brace is an error.
fn placeholders(body: &str) -> Result<Vec<&str>, Invalid> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("{{") {
            rest = after;
            continue;
        }
        let end = tail
            .find('}')
            .ok_or_else(|| Invalid::field("body", "a `{` is not closed; write `{{` for a brace"))?;
        out.push(&tail[1..end]);
        rest = &tail[end + 1..];
    }
    Ok(out)
}

/// The wording heard offers when the council has configured none.
pub fn default_templates() -> Vec<ReplyTemplate> {
    let t = |name: &str, body: &str| ReplyTemplate {
        name: name.into(),
        service: None,
        body: body.into(),
    };
    vec![
        t(
            "Acknowledge",
            "Dear {customer.name},\n\nThank you for contacting us. Your reference is {case.reference}; please quote it if you get in touch again.\n\n{service.name} will look into this and reply as soon as we can.\n\nYours sincerely,\n{agent.name}",
        ),
        t(
            "Ask for more information",
            "Dear {customer.name},\n\nThank you for your message about {case.title} ({case.reference}). To help us, please could you tell us:\n\n- \n\nYours sincerely,\n{agent.name}",
        ),
        t(
            "Resolved",
            "Dear {customer.name},\n\nWe have now dealt with {case.title} ({case.reference}): \n\nIf anything is not right, reply to this message and we will look again.\n\nYours sincerely,\n{agent.name}\n{service.name}",
        ),
    ]
}

/// A first name for a greeting: the first word of a person's name.
pub fn first_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("customer.name", "Ann Jones".to_string()),
            ("case.reference", "HRD-000042".to_string()),
            ("postcode", String::new()),
        ])
    }

    #[test]
    fn placeholders_fill_and_unknown_values_stay_for_the_agent() {
        let t = ReplyTemplate {
            name: "x".into(),
            service: None,
            body: "Dear {customer.name}, re {case.reference} at {postcode} {{not a placeholder}}".into(),
        };
        assert!(t.validate().is_ok());
        assert_eq!(
            t.fill(&values()),
            "Dear Ann Jones, re HRD-000042 at {postcode} {not a placeholder}"
        );
    }

    #[test]
    fn a_misspelt_placeholder_is_refused_by_name() {
        let t = ReplyTemplate {
            name: "x".into(),
            service: None,
            body: "Dear {customer.nmae}".into(),
        };
        let e = t.validate().unwrap_err().to_string();
        assert!(e.contains("`{customer.nmae}` is not a placeholder"), "{e}");
        let t = ReplyTemplate {
            body: "Dear {customer.name".into(),
            ..t
        };
        assert!(t.validate().unwrap_err().to_string().contains("not closed"));
    }

    #[test]
    fn the_defaults_are_valid_and_apply_everywhere() {
        for t in default_templates() {
            t.validate().unwrap();
            assert!(t.applies_to("waste"));
        }
        assert_eq!(first_name("Ann Jones"), "Ann");
    }
}
