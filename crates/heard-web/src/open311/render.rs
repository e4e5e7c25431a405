//! One data model, two renderings. Each resource is a serde value shaped as the spec's
//! JSON; the XML is written from that value with quick-xml, naming list items the way
//! the spec does (`services` → `service`, `service_requests` → `request`, …). Elements
//! come in the value's key order; Open311 readers look elements up by name.

use super::Format;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use serde_json::Value;

/// Renders `value` in `format`; `root` names the XML document element.
pub(crate) fn respond(format: Format, root: &str, status: StatusCode, value: &impl Serialize) -> Response {
    let json = match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "open311 response could not be serialised");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let (body, content_type) = match format {
        Format::Json => (json.to_string(), "application/json; charset=utf-8"),
        Format::Xml => (to_xml(root, &json), "text/xml; charset=utf-8"),
    };
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// The XML document for `value` under `root`, UTF-8 with its declaration.
pub(crate) fn to_xml(root: &str, value: &Value) -> String {
    let mut w = Writer::new(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    element(&mut w, root, value);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, value: &Value) {
    let text = match value {
        Value::Null => {
            let _ = w.write_event(Event::Empty(BytesStart::new(name)));
            return;
        }
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            for item in items {
                element(w, item_name(name), item);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
            return;
        }
        Value::Object(map) => {
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            for (k, v) in map {
                element(w, k, v);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
            return;
        }
    };
    if text.is_empty() {
        let _ = w.write_event(Event::Empty(BytesStart::new(name)));
        return;
    }
    let _ = w.write_event(Event::Start(BytesStart::new(name)));
    let _ = w.write_event(Event::Text(BytesText::new(&text)));
    let _ = w.write_event(Event::End(BytesEnd::new(name)));
}

/// The element name of one item of the list element `list`.
fn item_name(list: &str) -> &'static str {
    match list {
        "services" => "service",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "service_requests" => "request",
        "service_request_updates" => "request_update",
        "errors" => "error",
        _ => "item",
    }
}

/// A time as the spec writes it: ISO 8601 / W3C with an explicit offset.
pub(crate) fn w3c(t: jiff::Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn lists_name_their_items_and_text_is_escaped() {
        let xml = super::to_xml(
            "services",
            &json!([{"service_code": "a&b", "metadata": true, "group": null}]),
        );
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><group/><metadata>true</metadata>\
             <service_code>a&amp;b</service_code></service></services>"
        );
    }

    #[test]
    fn times_carry_an_offset() {
        let t: jiff::Timestamp = "2026-03-01T09:30:00Z".parse().unwrap();
        assert_eq!(super::w3c(t), "2026-03-01T09:30:00+00:00");
    }
}
