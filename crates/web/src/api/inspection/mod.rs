//! JSON API of 考责, one module per part.
pub mod ballots;
pub mod campaigns;
pub mod findings;
pub mod scores;
pub mod selfchecks;
pub mod standards;
