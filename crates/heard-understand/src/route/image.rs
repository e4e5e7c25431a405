//! A model file's bytes, mapped from the operating system's file cache where it can be
//! (no copy and no fresh memory to clear, so a new process routes within milliseconds),
//! read into memory elsewhere.
//!
//! A mapped file must not change while it is mapped. heard never rewrites a model in
//! place: [`super::Router::save`] writes a new file and renames it over the old one, which
//! leaves the mapped (old) file untouched.

use std::io::Read;
use std::path::Path;

pub(crate) enum Image {
    Owned(Vec<u8>),
    #[cfg(unix)]
    Mapped(Mapped),
}

impl std::ops::Deref for Image {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Image::Owned(v) => v,
            #[cfg(unix)]
            Image::Mapped(m) => m.as_slice(),
        }
    }
}

impl Clone for Image {
    fn clone(&self) -> Self {
        Image::Owned(self.to_vec())
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({} bytes)", self.len())
    }
}

/// A read-only private mapping of a whole file.
#[cfg(unix)]
pub(crate) struct Mapped {
    ptr: *mut libc::c_void,
    len: usize,
}

// SAFETY: the mapping is read-only and owned by this value alone; shared references only
// ever read it.
#[cfg(unix)]
unsafe impl Send for Mapped {}
#[cfg(unix)]
unsafe impl Sync for Mapped {}

#[cfg(unix)]
impl Mapped {
    fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` is a live mapping of `len` readable bytes until `drop`.
        unsafe { std::slice::from_raw_parts(self.ptr as *const u8, self.len) }
    }
}

#[cfg(unix)]
impl Drop for Mapped {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` came from a successful mmap and are unmapped once.
        unsafe {
            libc::munmap(self.ptr, self.len);
        }
    }
}

/// Opens a file as an image (mapped when possible).
pub(crate) fn open(path: &Path) -> std::io::Result<Image> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    #[cfg(unix)]
    if len > 0
        && let Ok(len) = usize::try_from(len)
    {
        use std::os::fd::AsRawFd;
        #[cfg(target_os = "linux")]
        let flags = libc::MAP_PRIVATE | libc::MAP_POPULATE;
        #[cfg(not(target_os = "linux"))]
        let flags = libc::MAP_PRIVATE;
        // SAFETY: a fresh read-only private mapping of an open file; nothing else refers
        // to the address range. (The file must not be changed in place meanwhile: see the
        // module documentation.)
        let ptr = unsafe { libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, flags, file.as_raw_fd(), 0) };
        if ptr != libc::MAP_FAILED {
            return Ok(Image::Mapped(Mapped { ptr, len }));
        }
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(Image::Owned(bytes))
}
