//! 履责 use cases: the records of duty done as it is done — 履责纪实, 廉政约谈 and the other
//! parts of DOMAIN.md "履责", one file per part. Higher levels read a unit's records and never
//! edit them (keeps them genuine); every figure later reports quote is counted from here.

pub mod inquiries;
pub mod records;
pub mod talk_flags;
pub mod talks;
pub mod todo;

/// The parts of 履责 a person opens from its tab bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// 概览 (/conduct)
    Overview,
    /// 约谈 (/conduct/talks): the talks the person may read
    Talks,
    /// 约谈检查 (/conduct/talk-flags): the computed flags, for who reads every talk of the scope
    TalkFlags,
    /// 谈话函询 (/conduct/inquiries): need-to-know, see `inquiries`
    Inquiries,
    /// 履责纪实 (/conduct/records)
    Records,
}

/// Whether a person may open a part of 履责, and over which scope: the one rule the use cases
/// call and the tab bar shows (so the bar never offers a link that answers 403).
pub fn open(p: &crate::auth::Principal, part: Part) -> crate::error::AppResult<lianzheng_core::org::Scope> {
    use lianzheng_core::org::Permission as P;
    match part {
        Part::Overview => p.require(P::ViewConduct),
        Part::Talks => p.require(P::ViewConduct),
        Part::TalkFlags => {
            let scope = p.require(P::ViewConduct)?;
            if lianzheng_core::access::sees_any(&p.roles(), lianzheng_core::access::Record::Talk) == lianzheng_core::access::Sees::All { Ok(scope) } else { Err(crate::error::AppError::Forbidden) }
        }
        Part::Inquiries => {
            let scope = p.require(P::ViewConduct)?;
            if inquiries::may_open(p) { Ok(scope) } else { Err(crate::error::AppError::Forbidden) }
        }
        Part::Records => p.require(P::ViewConduct),
    }
}
