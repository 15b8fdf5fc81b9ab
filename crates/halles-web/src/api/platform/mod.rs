//! API of what every organization shares: the caller, its organization, members, invitations
//! and audit log.

pub mod organizations;
