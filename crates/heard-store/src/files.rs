//! Attachment storage, addressed by content: a file's name is the SHA-256 of its bytes,
//! so the same photo sent twice is stored once, and a stored file cannot be swapped.
//!
//! Only a local folder today; the interface (put bytes, get bytes by hash) is what an
//! S3-compatible store would implement.

use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Where attachment bytes live.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// Files under `root` (created on first write).
    pub fn local(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    /// Stores `bytes` durably (written, synced, then renamed into place); returns the hash.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let hash = hex::encode(Sha256::digest(bytes));
        let path = self.path(&hash);
        if tokio::fs::try_exists(&path).await? {
            return Ok(hash);
        }
        let dir = path.parent().map(PathBuf::from).unwrap_or_else(|| self.root.clone());
        tokio::fs::create_dir_all(&dir).await?;
        // A name of its own per write: the same bytes may be stored by two tasks at once.
        let tmp = dir.join(format!(
            ".{hash}.{}.{:016x}.tmp",
            std::process::id(),
            rand::random::<u64>()
        ));
        let bytes = bytes.to_vec();
        let (tmp2, path2) = (tmp.clone(), path.clone());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp2)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp2, &path2)
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(hash)
    }

    /// The bytes stored under `hash`, if any. Only well-formed hashes are looked up,
    /// so no caller-supplied text reaches the file system.
    pub async fn get(&self, hash: &str) -> std::io::Result<Option<Vec<u8>>> {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Ok(None);
        }
        match tokio::fs::read(self.path(hash)).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the bytes stored under `hash` (erasure); absent is fine.
    pub async fn remove(&self, hash: &str) -> std::io::Result<()> {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Ok(());
        }
        match tokio::fs::remove_file(self.path(hash)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn path(&self, hash: &str) -> PathBuf {
        self.root.join(&hash[..2]).join(hash)
    }
}
