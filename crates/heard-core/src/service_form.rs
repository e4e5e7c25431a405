//! The questions a service asks when a problem is reported to it: Open311 service
//! attributes and the fields of the public "Report it" form are one definition, so a
//! council configures them once and both entry points check answers the same way.

use crate::error::Checker;
use crate::{Invalid, vocabulary};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// The kind of answer a field takes (Open311's attribute datatypes).
    FieldType {
        String => "string",
        Number => "number",
        Datetime => "datetime",
        Text => "text",
        /// One key from `values`.
        Singlevaluelist => "singlevaluelist",
        /// Any number of keys from `values`.
        Multivaluelist => "multivaluelist",
    }
}

/// One allowed answer of a list field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldChoice {
    pub key: String,
    pub name: String,
    /// The answer's name in Welsh, for residents reading the form in Welsh.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_cy: String,
}

impl FieldChoice {
    /// The answer's name in `lang` (`cy` falls back to English when no Welsh is given).
    pub fn name_in(&self, lang: &str) -> &str {
        if lang == "cy" && !self.name_cy.is_empty() {
            &self.name_cy
        } else {
            &self.name
        }
    }
}

/// One question a service asks (an Open311 attribute; a field on the web form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceField {
    /// Stable code, sent as `attribute[code]` over Open311 and as the form field name.
    pub code: String,
    /// The question, as shown to the resident.
    pub description: String,
    #[serde(default = "default_type")]
    pub datatype: FieldType,
    #[serde(default)]
    pub required: bool,
    /// Help text under the question.
    #[serde(default)]
    pub datatype_description: String,
    /// Allowed answers, for list fields.
    #[serde(default)]
    pub values: Vec<FieldChoice>,
    /// The question in Welsh (the form falls back to English without it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_cy: String,
    /// The help text in Welsh.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub datatype_description_cy: String,
}

fn default_type() -> FieldType {
    FieldType::String
}

/// Largest answer to one field, in bytes.
pub const MAX_ANSWER_BYTES: usize = 4000;

impl ServiceField {
    /// The question in `lang` (`cy` falls back to English when no Welsh is given).
    pub fn description_in(&self, lang: &str) -> &str {
        if lang == "cy" && !self.description_cy.is_empty() {
            &self.description_cy
        } else {
            &self.description
        }
    }

    /// The help text in `lang`.
    pub fn hint_in(&self, lang: &str) -> &str {
        if lang == "cy" && !self.datatype_description_cy.is_empty() {
            &self.datatype_description_cy
        } else {
            &self.datatype_description
        }
    }

    /// Checks a field's own definition (config): code shape, list values present.
    pub fn check_definition(&self) -> Result<(), String> {
        if self.code.is_empty()
            || self.code.len() > 64
            || !self
                .code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(format!(
                "`{}` is not a field code (letters, digits, `_` and `-`, at most 64)",
                self.code
            ));
        }
        let is_list = matches!(self.datatype, FieldType::Singlevaluelist | FieldType::Multivaluelist);
        if is_list && self.values.is_empty() {
            return Err(format!("field `{}` is a list but has no values", self.code));
        }
        Ok(())
    }
}

/// One answer, checked and normalised (list keys joined by `,` for multivaluelist).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub code: String,
    pub value: String,
}

/// Checks `given` (code, value) pairs against `fields`, reporting every failure by
/// `field_path(code)`: required fields missing, values of the wrong type or not in the
/// list, and codes the service does not ask. Repeated codes are allowed only for
/// multivaluelist fields. Answers come back in the fields' order.
pub fn check_answers(
    fields: &[ServiceField],
    given: &[(String, String)],
    field_path: impl Fn(&str) -> String,
) -> Result<Vec<Answer>, Invalid> {
    let mut c = Checker::new();
    for (code, _) in given {
        if !fields.iter().any(|f| &f.code == code) {
            c.fail(field_path(code), "is not a field of this service");
        }
    }
    let mut out = Vec::new();
    for f in fields {
        let values: Vec<&str> = given
            .iter()
            .filter(|(k, _)| k == &f.code)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let path = field_path(&f.code);
        if values.is_empty() {
            if f.required {
                c.fail(path, format!("is required ({})", f.description));
            }
            continue;
        }
        if values.len() > 1 && f.datatype != FieldType::Multivaluelist {
            c.fail(path, "was given more than once");
            continue;
        }
        if values.iter().any(|v| v.len() > MAX_ANSWER_BYTES || v.contains('\0')) {
            c.fail(
                path,
                format!("must be at most {MAX_ANSWER_BYTES} bytes, without NUL characters"),
            );
            continue;
        }
        let value = values[0];
        let ok = match f.datatype {
            FieldType::String | FieldType::Text => Ok(value.to_string()),
            FieldType::Number => value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|_| value.to_string())
                .ok_or_else(|| format!("`{value}` is not a number")),
            FieldType::Datetime => value
                .parse::<jiff::Timestamp>()
                .map(|t| t.to_string())
                .map_err(|_| format!("`{value}` is not an ISO 8601 time with a timezone")),
            FieldType::Singlevaluelist => choice(f, value).map(str::to_string),
            FieldType::Multivaluelist => values
                .iter()
                .map(|v| choice(f, v))
                .collect::<Result<Vec<_>, _>>()
                .map(|keys| keys.join(",")),
        };
        if let Some(value) = c.check(&path, ok) {
            out.push(Answer {
                code: f.code.clone(),
                value,
            });
        }
    }
    c.finish().map(|()| out)
}

fn choice<'a>(f: &'a ServiceField, value: &str) -> Result<&'a str, String> {
    f.values
        .iter()
        .find(|v| v.key == value)
        .map(|v| v.key.as_str())
        .ok_or_else(|| {
            format!(
                "`{value}` is not one of: {}",
                f.values.iter().map(|v| v.key.as_str()).collect::<Vec<_>>().join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<ServiceField> {
        vec![
            ServiceField {
                description_cy: String::new(),
                datatype_description_cy: String::new(),
                code: "depth".into(),
                description: "How deep?".into(),
                datatype: FieldType::Singlevaluelist,
                required: true,
                datatype_description: String::new(),
                values: vec![
                    FieldChoice {
                        name_cy: String::new(),
                        key: "shallow".into(),
                        name: "Shallow".into(),
                    },
                    FieldChoice {
                        name_cy: String::new(),
                        key: "deep".into(),
                        name: "Deep".into(),
                    },
                ],
            },
            ServiceField {
                description_cy: String::new(),
                datatype_description_cy: String::new(),
                code: "width_cm".into(),
                description: "Width".into(),
                datatype: FieldType::Number,
                required: false,
                datatype_description: String::new(),
                values: vec![],
            },
        ]
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn answers_are_checked_against_the_definition() {
        let path = |c: &str| format!("attribute[{c}]");
        let ok = check_answers(&fields(), &pairs(&[("depth", "deep"), ("width_cm", "30")]), path).unwrap();
        assert_eq!(ok.len(), 2);
        let err = check_answers(&fields(), &pairs(&[("width_cm", "wide"), ("colour", "red")]), path).unwrap_err();
        let named: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert!(named.contains(&"attribute[depth]"), "{named:?}");
        assert!(named.contains(&"attribute[width_cm]"), "{named:?}");
        assert!(named.contains(&"attribute[colour]"), "{named:?}");
        let err = check_answers(&fields(), &pairs(&[("depth", "bottomless")]), path).unwrap_err();
        assert!(err.errors[0].reason.contains("shallow, deep"));
    }

    #[test]
    fn definitions_are_checked() {
        let mut f = fields();
        assert!(f[0].check_definition().is_ok());
        f[0].values.clear();
        assert!(f[0].check_definition().is_err());
        f[1].code = "bad code".into();
        assert!(f[1].check_definition().is_err());
    }
}
