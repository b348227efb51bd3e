//! 考责: the annual inspection (责任制检查考核) — campaigns and everything that hangs off them
//! (self-checks, scoring standards and scores, 廉政测评 ballots, findings), one module per part,
//! each owning its tables and migration.

pub mod ballots;
pub mod campaigns;
pub mod scores;
pub mod selfchecks;
pub mod setup;
pub mod standards;
pub mod talks;
