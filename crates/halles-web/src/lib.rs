//! halles-web
