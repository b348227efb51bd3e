//! 个别谈话 records (issue 10, item 5): during the on-site check the group talks with people of
//! the unit one by one (seed 001: "检查组听取谈话对象……的问题反映和意见建议", the records
//! handed in to the organising office). A record names the group member who talked, the person
//! talked to (and his post), the date and what was said.
//!
//! Need-to-know: the group that checks the unit (its leader and members) and the organising
//! 纪委 only — never the unit, whatever its scope. Recording and reading need
//! `ScoreInspection` (the 检查组 and the 纪委); anybody else is refused (403) whatever the id,
//! and every opening of a record is in the audit log.

use lianzheng_core::duty::format_date;
use lianzheng_core::ids::PersonId;
use lianzheng_core::org::Permission;
use lianzheng_store::inspection::talks::{self as store, NewTalk};
pub use lianzheng_store::inspection::talks::{TABLES, Talk};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::campaigns::{self, UnitView};
use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text};
use crate::state::AppState;

const NAME_MAX: usize = 40;
const POST_MAX: usize = 60;
const RECORD_MAX: usize = 20_000;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TalkForm {
    /// Blank for a new record (the version of an edited one).
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// The group member who talked (blank: the caller, if he is in the group).
    #[serde(deserialize_with = "lenient")]
    pub talker_id: String,
    #[serde(deserialize_with = "lenient")]
    pub person_name: String,
    #[serde(deserialize_with = "lenient")]
    pub person_post: String,
    /// Blank: today.
    #[serde(deserialize_with = "lenient")]
    pub talked_on: String,
    #[serde(deserialize_with = "lenient")]
    pub record: String,
}

impl TalkForm {
    pub fn of(t: &Talk) -> TalkForm {
        TalkForm {
            version: t.version.to_string(),
            talker_id: t.talker_id.to_string(),
            person_name: t.person_name.clone(),
            person_post: t.person_post.clone().unwrap_or_default(),
            talked_on: t.talked_on.clone(),
            record: t.record.clone(),
        }
    }
}

/// The unit's part, if the caller reads and records its talks (the organiser or a member of its
/// group); 403 otherwise — also for a unit he cannot see at all.
async fn unit_for_talks(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<UnitView> {
    p.require(Permission::ScoreInspection)?;
    let v = match campaigns::unit(st, p, unit_id).await {
        Ok(v) => v,
        Err(AppError::NotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e),
    };
    if !v.sees_talks {
        return Err(AppError::Forbidden);
    }
    Ok(v)
}

/// The talks at a unit the caller may read: all of them for the organiser and the unit's group,
/// none for anybody else who sees the unit (an empty list, not a refusal).
pub async fn list(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<Vec<Talk>> {
    p.require(Permission::ScoreInspection)?;
    let v = campaigns::unit(st, p, unit_id).await?;
    if !v.sees_talks {
        return Ok(vec![]);
    }
    let rows = store::of_unit(&st.db, unit_id).await?;
    if !rows.is_empty() {
        p.log_read(st, "inspection_talk.list", "inspection_unit", Some(unit_id.to_string()), json!({"count": rows.len()})).await?;
    }
    Ok(rows)
}

/// Checks the form against the unit's group: the talker must lead it or sit in it.
fn checked(p: &Principal, v: &UnitView, f: &TalkForm) -> AppResult<(PersonId, String, Option<String>, String, String)> {
    let mut e = FieldErrors::new();
    let group = v.group.as_ref().ok_or_else(|| AppError::Conflict("该单位尚未安排检查组，不能登记个别谈话".into()))?;
    let in_group = |id: PersonId| group.group.leader_id == Some(id) || group.members.iter().any(|m| m.person_id == id);
    let talker = match f.talker_id.trim() {
        "" => p.user.person_id.filter(|me| in_group(*me)),
        s => s.parse::<PersonId>().ok().filter(|id| in_group(*id)),
    };
    if talker.is_none() {
        e.insert("talker_id".into(), "谈话人应为该单位检查组的组长或成员".into());
    }
    let person_name = text(&mut e, "person_name", "谈话对象", &f.person_name, NAME_MAX, true).unwrap_or_default();
    let person_post = text(&mut e, "person_post", "谈话对象职务", &f.person_post, POST_MAX, false);
    let record = text(&mut e, "record", "谈话记录", &f.record, RECORD_MAX, true).unwrap_or_default();
    let talked_on = crate::app::conduct::past_date(&mut e, "talked_on", "谈话日期", &f.talked_on);
    match (talker, e.is_empty()) {
        (Some(t), true) => Ok((t, person_name, person_post, talked_on, record)),
        _ => Err(into_error(e)),
    }
}

/// Records a talk at a unit (the organiser, entering a record handed in, or a member of the
/// unit's group), while the campaign is open.
pub async fn create(st: &AppState, p: &Principal, unit_id: i64, f: &TalkForm) -> AppResult<Talk> {
    let v = unit_for_talks(st, p, unit_id).await?;
    if v.campaign.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能登记个别谈话".into()));
    }
    let (talker, name, post, on, record) = checked(p, &v, f)?;
    let mut tx = st.db.begin().await?;
    let id = store::insert(
        &mut tx,
        &p.actor(),
        &NewTalk {
            campaign_id: v.campaign.id,
            unit_id,
            group_id: v.unit.group_id,
            talker_id: talker,
            person_name: &name,
            person_post: post.as_deref(),
            talked_on: &on,
            record: &record,
            created_by: Some(p.user.id.get()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(store::get(&st.db, id).await?)
}

/// A talk the caller may read (the organiser, or a member of the unit's group): 403
/// for anybody else, whether the id exists or not.
async fn find(st: &AppState, p: &Principal, id: i64) -> AppResult<(Talk, UnitView)> {
    p.require(Permission::ScoreInspection)?;
    let t = match store::get(&st.db, id).await {
        Ok(t) => t,
        Err(lianzheng_store::StoreError::NotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    let v = unit_for_talks(st, p, t.unit_id).await?;
    Ok((t, v))
}

/// Opens a talk record (logged).
pub async fn get(st: &AppState, p: &Principal, id: i64) -> AppResult<(Talk, UnitView)> {
    let (t, v) = find(st, p, id).await?;
    p.log_read(st, "inspection_talk.read", "inspection_talk", Some(id.to_string()), json!({"unit_id": t.unit_id})).await?;
    Ok((t, v))
}

/// Edits a talk record (the same people who may read it), while the campaign is open.
pub async fn update(st: &AppState, p: &Principal, id: i64, f: &TalkForm) -> AppResult<Talk> {
    let (t, v) = find(st, p, id).await?;
    if v.campaign.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能修改谈话记录".into()));
    }
    let version = f.version.trim().parse::<i64>().map_err(|_| AppError::field("version", "缺少版本号，请刷新页面后重试"))?;
    let (talker, name, post, on, record) = checked(p, &v, f)?;
    let mut tx = st.db.begin().await?;
    store::update(
        &mut tx,
        &p.actor(),
        id,
        version,
        &NewTalk { campaign_id: t.campaign_id, unit_id: t.unit_id, group_id: t.group_id, talker_id: talker, person_name: &name, person_post: post.as_deref(), talked_on: &on, record: &record, created_by: None },
    )
    .await?;
    tx.commit().await?;
    Ok(store::get(&st.db, id).await?)
}

/// Today, for the form's default.
pub fn today() -> String {
    format_date(calendar::today())
}
