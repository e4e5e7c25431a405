//! Photos on the public form: the type is read from the bytes, never taken from the
//! browser's word for it, and only image types councils can open are kept.

/// Largest photo accepted, in bytes.
pub(crate) const MAX_PHOTO_BYTES: usize = 10 << 20;

/// The image type of `bytes` by its signature: JPEG, PNG, GIF, WebP or HEIC.
pub(crate) fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(("image/gif", "gif"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"msf1")
    {
        Some(("image/heic", "heic"))
    } else {
        None
    }
}

/// A safe stored name for an upload: the browser's name reduced to plain characters,
/// with the extension of the type actually found.
pub(crate) fn filename(given: &str, ext: &str) -> String {
    let stem = given.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    let clean: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .take(80)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        format!("photo.{ext}")
    } else {
        format!("{clean}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap().0, "image/jpeg");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap().0, "image/png");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap().0, "image/webp");
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0").unwrap().0, "image/heic");
        assert!(sniff(b"<svg xmlns=").is_none());
        assert!(sniff(b"%PDF-1.7").is_none());
        assert!(sniff(b"MZ\x90\0").is_none());
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(filename("C:\\Users\\jo\\pot hole!.JPG", "jpg"), "pot hole.jpg");
        assert_eq!(filename("../../etc/passwd", "png"), "passwd.png");
        assert_eq!(filename("", "gif"), "photo.gif");
        assert_eq!(filename("evil.php.jpg", "jpg"), "evilphp.jpg");
    }
}
