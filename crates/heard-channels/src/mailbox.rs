//! Reading messages from files: single messages (`.eml`), mbox files and Maildir
//! folders; directories are walked. Everything streams: an mbox is read one message at
//! a time, so a 100,000-message file needs the memory of its largest message only, and
//! a message over the size limit is skipped over without being held.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Where messages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One message in a file.
    Message(PathBuf),
    /// An mbox file: messages each starting with a `From ` line.
    Mbox(PathBuf),
    /// A Maildir folder (`cur/`, `new/`): one message per file.
    Maildir(PathBuf),
}

/// An input that is not a message at all, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    pub path: String,
    pub reason: String,
}

/// One message read from a source.
#[derive(Debug)]
pub struct Item {
    /// `path`, or `path#n` for the n-th message (from 1) of an mbox.
    pub origin: String,
    pub body: ItemBody,
}

/// A message's bytes, or why they were not read.
#[derive(Debug)]
pub enum ItemBody {
    Raw(Vec<u8>),
    /// Larger than the limit: skipped over, not held.
    TooLarge {
        size: u64,
    },
}

/// Sorts `paths` into sources, walking directories (a folder with `cur/` or `new/` is a
/// Maildir). Missing paths and unreadable or empty files are rejected here.
pub fn discover(paths: &[PathBuf]) -> (Vec<Source>, Vec<Rejected>) {
    let mut sources = Vec::new();
    let mut rejected = Vec::new();
    for p in paths {
        walk(p, &mut sources, &mut rejected, 0);
    }
    (sources, rejected)
}

fn reject(path: &Path, reason: impl Into<String>, out: &mut Vec<Rejected>) {
    out.push(Rejected {
        path: path.display().to_string(),
        reason: reason.into(),
    });
}

fn walk(p: &Path, sources: &mut Vec<Source>, rejected: &mut Vec<Rejected>, depth: usize) {
    let meta = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) => return reject(p, format!("cannot read: {e}"), rejected),
    };
    if meta.is_dir() {
        if depth > 32 {
            return reject(p, "folders nested too deep", rejected);
        }
        if p.join("cur").is_dir() || p.join("new").is_dir() {
            return sources.push(Source::Maildir(p.to_path_buf()));
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return reject(p, format!("cannot list: {e}"), rejected),
        };
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                walk(&e, sources, rejected, depth + 1);
            }
        }
        return;
    }
    if !meta.is_file() {
        return reject(p, "not a file or folder", rejected);
    }
    if meta.len() == 0 {
        return reject(p, "empty file", rejected);
    }
    let mut head = [0u8; 5];
    match File::open(p).and_then(|mut f| f.read(&mut head)) {
        Ok(n) if &head[..n] == b"From " => sources.push(Source::Mbox(p.to_path_buf())),
        Ok(_) => sources.push(Source::Message(p.to_path_buf())),
        Err(e) => reject(p, format!("cannot read: {e}"), rejected),
    }
}

impl Source {
    /// The files' total size, for a progress bar measured in bytes.
    pub fn size(&self) -> u64 {
        match self {
            Source::Message(p) | Source::Mbox(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Source::Maildir(p) => maildir_files(p)
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum(),
        }
    }

    /// The messages of this source, read lazily; messages over `max_bytes` come back as
    /// [`ItemBody::TooLarge`].
    pub fn items(&self, max_bytes: usize) -> std::io::Result<Box<dyn Iterator<Item = std::io::Result<Item>> + Send>> {
        match self {
            Source::Message(p) => {
                let item = read_file(p, max_bytes);
                Ok(Box::new(std::iter::once(item)))
            }
            Source::Maildir(dir) => {
                let files = maildir_files(dir);
                Ok(Box::new(files.into_iter().map(move |f| read_file(&f, max_bytes))))
            }
            Source::Mbox(p) => {
                let reader = BufReader::with_capacity(256 * 1024, File::open(p)?);
                let origin = p.display().to_string();
                Ok(Box::new(MboxReader::new(reader, max_bytes).map(move |r| {
                    r.map(|(n, body)| Item {
                        origin: format!("{origin}#{n}"),
                        body,
                    })
                })))
            }
        }
    }
}

fn read_file(p: &Path, max_bytes: usize) -> std::io::Result<Item> {
    let origin = p.display().to_string();
    let size = std::fs::metadata(p)?.len();
    if size > max_bytes as u64 {
        return Ok(Item {
            origin,
            body: ItemBody::TooLarge { size },
        });
    }
    Ok(Item {
        origin,
        body: ItemBody::Raw(std::fs::read(p)?),
    })
}

/// A Maildir's message files (`new/` then `cur/`), sorted by name (delivery order).
fn maildir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Streams an mbox (mboxo or mboxrd): each message starts at a line beginning `From `;
/// `>From ` lines lose one `>`. Yields (1-based index, message).
pub struct MboxReader<R> {
    reader: R,
    max_bytes: usize,
    line: Vec<u8>,
    started: bool,
    index: usize,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(reader: R, max_bytes: usize) -> Self {
        MboxReader {
            reader,
            max_bytes,
            line: Vec::with_capacity(1024),
            started: false,
            index: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = std::io::Result<(usize, ItemBody)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut msg: Vec<u8> = Vec::new();
        let mut size: u64 = 0;
        let mut too_large = false;
        loop {
            self.line.clear();
            let n = match self.reader.read_until(b'\n', &mut self.line) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            let at_end = n == 0;
            let separator = self.line.starts_with(b"From ");
            if at_end || separator {
                if self.started {
                    if at_end {
                        self.done = true;
                    }
                    self.index += 1;
                    let body = if too_large {
                        ItemBody::TooLarge { size }
                    } else {
                        // The blank line before the next `From ` belongs to the mbox.
                        if msg.ends_with(b"\r\n\r\n") {
                            msg.truncate(msg.len() - 2);
                        } else if msg.ends_with(b"\n\n") {
                            msg.pop();
                        }
                        ItemBody::Raw(msg)
                    };
                    return Some(Ok((self.index, body)));
                }
                if at_end {
                    self.done = true;
                    return None;
                }
                self.started = true;
                continue;
            }
            if !self.started {
                continue; // text before the first `From ` line is not a message
            }
            let mut line: &[u8] = &self.line;
            if line.first() == Some(&b'>') {
                let gt = line.iter().take_while(|&&b| b == b'>').count();
                if line[gt..].starts_with(b"From ") {
                    line = &line[1..];
                }
            }
            size += line.len() as u64;
            if size > self.max_bytes as u64 {
                too_large = true;
                msg = Vec::new();
            } else {
                msg.extend_from_slice(line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(mbox: &str, max: usize) -> Vec<ItemBody> {
        MboxReader::new(mbox.as_bytes(), max).map(|r| r.unwrap().1).collect()
    }

    #[test]
    fn mbox_splits_and_unescapes() {
        let mbox = "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n>From the start\n>>From kept\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody\n";
        let items = read(mbox, 1 << 20);
        assert_eq!(items.len(), 2);
        let ItemBody::Raw(first) = &items[0] else { panic!() };
        assert_eq!(
            String::from_utf8_lossy(first),
            "Subject: one\n\nFrom the start\n>From kept\n"
        );
        let ItemBody::Raw(second) = &items[1] else { panic!() };
        assert_eq!(String::from_utf8_lossy(second), "Subject: two\n\nbody\n");
    }

    #[test]
    fn oversized_message_is_skipped_not_held() {
        let big = "x".repeat(5000);
        let mbox = format!("From a@x\nSubject: big\n\n{big}\nFrom b@x\nSubject: small\n\nok\n");
        let items = read(&mbox, 1000);
        assert!(matches!(items[0], ItemBody::TooLarge { size } if size > 5000));
        assert!(matches!(items[1], ItemBody::Raw(_)));
    }
}
