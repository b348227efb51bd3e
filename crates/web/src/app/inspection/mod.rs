//! 考责 use cases: the annual inspection (责任制检查考核, seed 001, DOMAIN.md "考责") — the
//! campaign (notice, units, phases, groups, spot check), each unit's self-check drafted from
//! its records, the scoring standard and the scores, 廉政测评 ballots, findings and the 通报.
//! One file per part.

pub mod bulletin;
pub mod campaigns;
pub mod findings;
pub mod scores;
pub mod selfchecks;
pub mod standards;
pub mod talks;
pub mod todo;

/// The parts of 考责 a person opens from its tab bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// 检查考核 (/inspection): the campaigns over one's scope or covering one's unit
    Campaigns,
}

/// Whether a person may open a part of 考责, and over which scope: the one rule the use cases
/// call and the tab bar shows (so the bar never offers a link that answers 403).
pub fn open(p: &crate::auth::Principal, part: Part) -> crate::error::AppResult<lianzheng_core::org::Scope> {
    use lianzheng_core::org::Permission as P;
    match part {
        Part::Campaigns => p.require(P::ViewInspection),
    }
}
pub mod ballots;
