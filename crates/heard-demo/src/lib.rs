//! heard-demo
