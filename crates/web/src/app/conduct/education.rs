//! 廉政教育 use cases: a unit's education activities (警示教育, 专题党课, 参观 廉政教育基地, 其他)
//! with attendance. Read with ViewConduct in scope; recorded and changed with RecordConduct by
//! the unit itself only (a grant on exactly that unit): higher levels read, never edit.

use lianzheng_core::ids::{EducationId, OrgId, PersonId};
use lianzheng_core::org::Permission;
use lianzheng_store::conduct::education as store;
pub use lianzheng_store::conduct::education::{Activity, Attendee, KINDS, TABLES};
use serde::{Deserialize, Serialize};

use crate::app::duty::tasks::lenient_list;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient};
use crate::state::AppState;

pub const TITLE_MAX: usize = 100;
pub const PLACE_MAX: usize = 100;
pub const CONTENT_MAX: usize = 5000;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EducationForm {
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub held_on: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    #[serde(deserialize_with = "lenient")]
    pub content: String,
    /// 参加人员: person ids
    #[serde(deserialize_with = "lenient_list")]
    pub attendees: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

fn split_ids(s: &str) -> impl Iterator<Item = &str> {
    s.split(['、', ',', '，', ';', '\n']).map(str::trim).filter(|t| !t.is_empty())
}

impl EducationForm {
    /// From a urlencoded body where the attendee checkboxes repeat their key.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> EducationForm {
        let mut f = EducationForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "org_id" => &mut f.org_id,
                "kind" => &mut f.kind,
                "held_on" => &mut f.held_on,
                "title" => &mut f.title,
                "place" => &mut f.place,
                "content" => &mut f.content,
                "attendees" => &mut f.attendees,
                "version" => &mut f.version,
                _ => continue,
            };
            if k == "attendees" && !slot.is_empty() {
                slot.push(',');
                slot.push_str(&v);
            } else {
                *slot = v;
            }
        }
        f
    }
    pub fn attendee_count(&self) -> usize {
        split_ids(&self.attendees).count()
    }
    pub fn attends(&self, id: &PersonId) -> bool {
        split_ids(&self.attendees).any(|s| s == id.to_string())
    }
    pub fn of(a: &Activity, people: &[Attendee]) -> EducationForm {
        EducationForm {
            org_id: a.org_id.to_string(),
            kind: a.kind.clone(),
            held_on: a.held_on.clone(),
            title: a.title.clone(),
            place: a.place.clone().unwrap_or_default(),
            content: a.content.clone().unwrap_or_default(),
            attendees: people.iter().map(|x| x.person_id.to_string()).collect::<Vec<_>>().join(","),
            version: a.version.to_string(),
        }
    }
    fn validate(&self, org_id: OrgId) -> Result<store::ActivityInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = self.kind.trim();
        let kind = match KINDS.iter().find(|(c, l)| *c == kind || *l == kind) {
            Some((c, _)) => c.to_string(),
            None => {
                e.insert("kind".into(), "请选择活动类型（警示教育、专题党课、参观廉政教育基地、其他）".into());
                String::new()
            }
        };
        let held_on = crate::forms::date(&mut e, "held_on", "活动日期", &self.held_on);
        if held_on.is_none() && !e.contains_key("held_on") {
            e.insert("held_on".into(), "请填写活动日期".into());
        }
        let text = |e: &mut FieldErrors, field: &str, label: &str, v: &str, max: usize, required: bool| -> Option<String> {
            let t = v.trim();
            if t.is_empty() {
                if required {
                    e.insert(field.into(), format!("请填写{label}"));
                }
                return None;
            }
            if t.chars().count() > max {
                e.insert(field.into(), format!("{label}不能超过{max}个字"));
            }
            Some(t.to_string())
        };
        let title = text(&mut e, "title", "活动主题", &self.title, TITLE_MAX, true).unwrap_or_default();
        let place = text(&mut e, "place", "地点", &self.place, PLACE_MAX, false);
        let content = text(&mut e, "content", "活动内容", &self.content, CONTENT_MAX, false);
        let mut attendees = Vec::new();
        for t in split_ids(&self.attendees) {
            match t.parse::<PersonId>() {
                Ok(v) if !attendees.contains(&v) => attendees.push(v),
                Ok(_) => {}
                Err(_) => {
                    e.insert("attendees".into(), "参加人员无效".into());
                }
            }
        }
        match (held_on, e.is_empty()) {
            (Some(held_on), true) => Ok(store::ActivityInput { org_id, kind, held_on, title, place, content, attendees }),
            _ => Err(e),
        }
    }
}

/// The year's activities in the caller's scope.
pub async fn list(st: &AppState, p: &Principal, year: &str) -> AppResult<(i64, Vec<Activity>)> {
    list_of(st, p, year, "").await
}

/// As [`list`], narrowed to a unit and those below it (`org`: its id; blank: all).
pub async fn list_of(st: &AppState, p: &Principal, year: &str, org: &str) -> AppResult<(i64, Vec<Activity>)> {
    let scope = super::open(p, super::Part::Education)?;
    let year = i64::from(crate::app::duty::year_or_current(year));
    let mut rows = store::list(&st.db, &scope, Some(year)).await?;
    if let Some(path) = crate::app::org::filter_path(st, org).await? {
        rows.retain(|a| a.org_path.starts_with(&path));
    }
    Ok((year, rows))
}

/// The units the caller records activities for (his own units: grants with RecordConduct).
pub fn own_units(p: &Principal) -> Vec<(OrgId, String)> {
    if p.require(Permission::RecordConduct).is_err() {
        return vec![];
    }
    super::own_units(p, Permission::RecordConduct).into_iter().map(|u| (u.id, u.name)).collect()
}

/// Whether the caller records for the unit itself (not from above).
fn records_for(p: &Principal, org_id: OrgId) -> bool {
    own_units(p).iter().any(|(id, _)| *id == org_id)
}

pub struct Detail {
    pub activity: Activity,
    pub attendees: Vec<Attendee>,
    pub can_edit: bool,
}

pub async fn get(st: &AppState, p: &Principal, id: EducationId) -> AppResult<Detail> {
    let scope = super::open(p, super::Part::Education)?;
    let activity = store::get(&st.db, &scope, id).await?;
    let attendees = store::attendees(&st.db, id).await?;
    let can_edit = records_for(p, activity.org_id);
    Ok(Detail { activity, attendees, can_edit })
}

/// The people of a unit the caller records for (the attendance picker).
pub async fn people_of(st: &AppState, p: &Principal, org_id: OrgId) -> AppResult<Vec<Attendee>> {
    if !records_for(p, org_id) {
        return Err(AppError::Forbidden);
    }
    let o = lianzheng_store::org::get(&st.db, org_id).await?.ok_or(AppError::NotFound)?;
    Ok(store::people_of(&st.db, &o.path).await?)
}

pub async fn create(st: &AppState, p: &Principal, f: &EducationForm) -> AppResult<EducationId> {
    p.require(Permission::RecordConduct)?;
    let org_id = match f.org_id.trim().parse::<OrgId>() {
        Ok(id) if records_for(p, id) => Some(id),
        Ok(_) => return Err(AppError::field("org_id", "只能为本单位登记廉政教育活动（上级单位只能查看）")),
        Err(_) => None,
    };
    let checked = f.validate(org_id.unwrap_or_default());
    let (Some(_), Ok(input)) = (org_id, &checked) else {
        let mut e = checked.err().unwrap_or_default();
        if org_id.is_none() {
            e.insert("org_id".into(), "请选择单位".into());
        }
        return Err(into_error(e));
    };
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), Some(p.user.id), input).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(st: &AppState, p: &Principal, id: EducationId, f: &EducationForm) -> AppResult<EducationId> {
    let d = get(st, p, id).await?;
    if !d.can_edit {
        return Err(AppError::Refused("上级单位只能查看，不能修改下级单位的廉政教育记录".into()));
    }
    let version = f.version.trim().parse::<i64>().map_err(|_| AppError::Conflict("缺少版本号 version（来自读取时的数据），为免覆盖他人的修改，请刷新后重试".into()))?;
    let input = f.validate(d.activity.org_id).map_err(into_error)?;
    let mut tx = st.db.begin().await?;
    store::update(&mut tx, &p.actor(), &d.activity, version, &input).await?;
    tx.commit().await?;
    Ok(id)
}
