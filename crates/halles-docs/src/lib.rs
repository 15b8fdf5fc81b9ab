//! halles-docs
