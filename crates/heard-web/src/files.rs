//! Attachment storage lives in [`heard_store::files`] (every channel writes there, not
//! only the web); re-exported here so `heard_web::files::FileStore` keeps working.

pub use heard_store::files::FileStore;
