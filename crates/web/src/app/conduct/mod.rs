//! 履责 use cases: the records of duty done as it is done — 履责纪实, 廉政约谈 and the other
//! parts of DOMAIN.md "履责", one file per part. Higher levels read a unit's records and never
//! edit them (keeps them genuine); every figure later reports quote is counted from here.

pub mod archive;
pub mod education;
pub mod exams;
pub mod family_events;
pub mod inquiries;
pub mod matters;
pub mod notices;
pub mod records;
pub mod replies;
pub mod reply_draft;
pub mod sanctions;
pub mod statements;
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
    /// 廉政教育 (/conduct/education)
    Education,
    /// 廉政考试 (/conduct/exams): the bank, papers and results; takers use /conduct/exams/mine
    Exams,
    /// 抄告单 (/conduct/notices): 抄告单 and 整改建议书, need-to-know, see `notices`
    Notices,
    /// 廉政档案 (/conduct/archive): the files of others, for who reads them (`archive`); everybody
    /// with a person reads his own at /conduct/archive/mine
    Archive,
    /// 述责述廉 (/conduct/statements): need-to-know, see `statements`
    Statements,
    /// 廉洁意见回复 (/conduct/replies): the 纪委's own work
    Replies,
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
        Part::Education => p.require(P::ViewConduct),
        Part::Exams => p.require(P::ManageExams),
        Part::Notices => {
            let scope = p.require(P::ViewConduct)?;
            if notices::may_open(p) { Ok(scope) } else { Err(crate::error::AppError::Forbidden) }
        }
        Part::Archive => {
            let scope = p.require(P::ViewConduct)?;
            if archive::reads_others(p) { Ok(scope) } else { Err(crate::error::AppError::Forbidden) }
        }
        Part::Statements => {
            let scope = p.require(P::ViewConduct)?;
            if statements::may_open(p) { Ok(scope) } else { Err(crate::error::AppError::Forbidden) }
        }
        Part::Replies => p.require(P::ReplyIntegrity),
    }
}

/// A unit a person records for himself (see `own_units`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnUnit {
    pub id: lianzheng_core::ids::OrgId,
    pub name: String,
    pub path: String,
}

/// The one rule of "own unit" in 履责: the units on which a grant of the person's gives `perm`,
/// the account's own unit first, then in grant order. A person records, edits and keeps the
/// records of these units; a grant's scope below them (a county 纪委 clerk's townships) is for
/// reading only, so a unit's records stay its own.
pub fn own_units(p: &crate::auth::Principal, perm: lianzheng_core::org::Permission) -> Vec<OwnUnit> {
    let mut out: Vec<OwnUnit> = Vec::new();
    for g in &p.grants {
        if let (Some(role), Some(id), Some(name), Some(path)) = (g.role(), g.org_id, g.org_name.clone(), g.org_path.clone())
            && perm.granted_to(role)
            && !out.iter().any(|u| u.id == id)
        {
            out.push(OwnUnit { id, name, path });
        }
    }
    if let Some(k) = out.iter().position(|u| Some(u.id) == p.user.org_id) {
        out[..=k].rotate_right(1);
    }
    out
}

/// People of a scope whose name or pinyin matches `q` (the pickers of 谈话函询 and 廉洁意见回复):
/// at most 20, as (id, name, unit).
pub async fn people_matching(st: &crate::state::AppState, scope: &lianzheng_core::org::Scope, q: &str) -> crate::error::AppResult<Vec<(lianzheng_core::ids::PersonId, String, String)>> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let f = lianzheng_store::people::PeopleFilter { q: Some(q.chars().take(50).collect()), ..Default::default() };
    let (rows, _) = lianzheng_store::people::list(&st.db, scope, &f, 0, 20).await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name, r.org_name)).collect())
}

/// The body a 纪委 document goes out in the name of (公文, 廉洁意见回复): the unit of the
/// caller's person (张淑芬 works in the 县纪委 while her account is granted over the 县委),
/// else the account's unit, or the 纪委 directly below it.
pub async fn issuing_body(st: &crate::state::AppState, p: &crate::auth::Principal) -> crate::error::AppResult<lianzheng_store::org::Org> {
    let from_person = match p.user.person_id {
        Some(pid) => st.db.fetch_optional::<(lianzheng_core::ids::OrgId,)>(lianzheng_store::q("SELECT org_id FROM people WHERE id = $1").bind(pid)).await?.map(|r| r.0),
        None => None,
    };
    let id = from_person.or(p.user.org_id).ok_or_else(|| crate::error::AppError::Refused("您的账号未关联单位，不能以单位名义发出公文".into()))?;
    let org = lianzheng_store::org::get(&st.db, id).await?.ok_or_else(|| crate::error::AppError::Refused("您的账号关联的单位不存在".into()))?;
    if lianzheng_core::org::OrgKind::from_code(&org.kind).is_some_and(lianzheng_core::org::OrgKind::is_discipline) {
        return Ok(org);
    }
    // an account granted over the 县委 issues in the name of its 纪委 (the one directly below it)
    let below: Vec<(lianzheng_core::ids::OrgId,)> = st.db.fetch_all(lianzheng_store::q("SELECT id FROM orgs WHERE parent_id = $1 AND kind = 'discipline_commission' ORDER BY sort_order, id LIMIT 2").bind(org.id)).await?;
    match below.as_slice() {
        [(only,)] => Ok(lianzheng_store::org::get(&st.db, *only).await?.unwrap_or(org)),
        _ => Ok(org),
    }
}

/// A date of the past or today (YYYY-MM-DD), blank meaning today: the dates staff record after
/// the fact (函询, 抄告单 answers, 廉洁意见回复) — a field error for a future or malformed one.
pub fn past_date(e: &mut crate::forms::FieldErrors, field: &str, label: &str, v: &str) -> String {
    let today = crate::app::calendar::today();
    if v.trim().is_empty() {
        return lianzheng_core::duty::format_date(today);
    }
    match lianzheng_core::duty::parse_date(v) {
        Some(d) if d > today => {
            e.insert(field.into(), format!("{label}不能晚于今天"));
            String::new()
        }
        Some(d) if d.year() < 2000 => {
            e.insert(field.into(), format!("{label}无效"));
            String::new()
        }
        Some(d) => lianzheng_core::duty::format_date(d),
        None => {
            e.insert(field.into(), format!("{label}应为日期，格式如 2026-03-15"));
            String::new()
        }
    }
}
