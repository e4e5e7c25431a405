//! One data model, two renderings. Each resource is a [`Doc`] shaped as the spec's JSON
//! (serialised with serde), and the XML is written from the same `Doc` with quick-xml,
//! naming list items the way the spec does (`services` → `service`, `service_requests`
//! → `request`, …). Fields keep the order the spec lists them in, in both.

use super::Format;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use serde_json::Value;

/// A response document: scalars, lists and objects whose fields keep their order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Doc {
    Value(Value),
    List(Vec<Doc>),
    Obj(Vec<(&'static str, Doc)>),
}

impl Serialize for Doc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Doc::Value(v) => v.serialize(s),
            Doc::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Doc::Obj(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// What can be a field of a [`Doc`].
pub(crate) trait IntoDoc {
    fn into_doc(self) -> Doc;
}

impl IntoDoc for Doc {
    fn into_doc(self) -> Doc {
        self
    }
}

impl IntoDoc for Vec<Doc> {
    fn into_doc(self) -> Doc {
        Doc::List(self)
    }
}

macro_rules! scalar_doc {
    ($($t:ty),*) => {$(
        impl IntoDoc for $t {
            fn into_doc(self) -> Doc {
                Doc::Value(Value::from(self))
            }
        }
        impl IntoDoc for Option<$t> {
            fn into_doc(self) -> Doc {
                Doc::Value(self.map_or(Value::Null, Value::from))
            }
        }
    )*};
}
scalar_doc!(String, &str, bool, i64, u16, usize, f64);

impl IntoDoc for Vec<&str> {
    fn into_doc(self) -> Doc {
        Doc::List(self.into_iter().map(IntoDoc::into_doc).collect())
    }
}

/// An object whose fields keep their order: `obj! { "code" => 400, … }`.
macro_rules! obj {
    ($($k:literal => $v:expr),* $(,)?) => {
        $crate::open311::render::Doc::Obj(vec![$(($k, $crate::open311::render::IntoDoc::into_doc($v))),*])
    };
}
pub(crate) use obj;

/// Renders `doc` in `format`; `root` names the XML document element.
pub(crate) fn respond(format: Format, root: &str, status: StatusCode, doc: &Doc) -> Response {
    let (body, content_type) = match format {
        Format::Json => match serde_json::to_string(doc) {
            Ok(json) => (json, "application/json; charset=utf-8"),
            Err(e) => {
                tracing::error!(error = %e, "open311 response could not be serialised");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        },
        Format::Xml => (to_xml(root, doc), "text/xml; charset=utf-8"),
    };
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// The XML document for `doc` under `root`, UTF-8 with its declaration.
pub(crate) fn to_xml(root: &str, doc: &Doc) -> String {
    let mut w = Writer::new(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    node(&mut w, root, doc);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

fn node(w: &mut Writer<Vec<u8>>, name: &str, doc: &Doc) {
    match doc {
        Doc::Value(v) => element(w, name, v),
        Doc::List(items) => {
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            for item in items {
                node(w, item_name(name), item);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
        }
        Doc::Obj(fields) => {
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            for (k, v) in fields {
                node(w, k, v);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
        }
    }
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
    use super::Doc;

    #[test]
    fn lists_name_their_items_fields_keep_order_and_text_is_escaped() {
        let doc = Doc::List(vec![
            obj! {"service_code" => "a&b", "metadata" => true, "group" => None::<String>},
        ]);
        let xml = super::to_xml("services", &doc);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><service_code>a&amp;b</service_code>\
             <metadata>true</metadata><group/></service></services>"
        );
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            r#"[{"service_code":"a&b","metadata":true,"group":null}]"#
        );
    }

    #[test]
    fn times_carry_an_offset() {
        let t: jiff::Timestamp = "2026-03-01T09:30:00Z".parse().unwrap();
        assert_eq!(super::w3c(t), "2026-03-01T09:30:00+00:00");
    }
}
