//! heard-web
