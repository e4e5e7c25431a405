//! HTML bodies made safe to show: ammonia removes scripts, styles that run, event
//! handlers and anything else that could act in an agent's browser. Remote images are
//! removed too unless the agent asks for them, since loading one tells the sender the
//! message was read (a tracking pixel) and from where.

use std::borrow::Cow;
use std::collections::HashMap;

/// Sanitises an email's HTML for display. Images embedded in the message (`cid:`,
/// `data:`) always stay; remote ones only with `remote_images`.
pub fn sanitise(html: &str, remote_images: bool) -> String {
    sanitise_with(html, remote_images, HashMap::new())
}

/// [`sanitise`], pointing `cid:` images at the URLs in `cids` (content id → URL), where
/// the message's inline parts can be fetched.
pub fn sanitise_with(html: &str, remote_images: bool, cids: HashMap<String, String>) -> String {
    let mut b = ammonia::Builder::default();
    b.add_url_schemes(["cid", "data"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(move |element, attribute, value| {
            let remote = !(value.starts_with("cid:") || value.starts_with("data:image/"));
            match (element, attribute) {
                ("img", "src") if value.starts_with("cid:") => match cids.get(&value[4..]) {
                    Some(url) => Some(Cow::Owned(url.clone())),
                    None => Some(Cow::Borrowed(value)),
                },
                ("img", "src") if remote && !remote_images => None,
                (_, "src") if value.starts_with("data:") && !value.starts_with("data:image/") => None,
                _ => Some(Cow::Borrowed(value)),
            }
        });
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::{sanitise, sanitise_with};
    use std::collections::HashMap;

    #[test]
    fn scripts_and_handlers_go_remote_images_wait() {
        let html = r#"<p onclick="x()">Hi<script>alert(1)</script></p><img src="https://track.example/p.gif"><img src="cid:photo1"><a href="javascript:evil()">x</a>"#;
        let safe = sanitise(html, false);
        assert!(!safe.contains("script"), "{safe}");
        assert!(!safe.contains("onclick"), "{safe}");
        assert!(!safe.contains("track.example"), "{safe}");
        assert!(safe.contains("cid:photo1"), "{safe}");
        assert!(!safe.contains("javascript"), "{safe}");
        assert!(sanitise(html, true).contains("https://track.example/p.gif"));
        let cids = HashMap::from([("photo1".to_string(), "/api/v1/contacts/7/attachments/3".to_string())]);
        assert!(sanitise_with(html, false, cids).contains(r#"src="/api/v1/contacts/7/attachments/3""#));
    }
}
