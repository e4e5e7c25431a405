//! heard-store
