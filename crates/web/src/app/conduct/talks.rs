//! 廉政约谈 use cases: recording a talk (talker, interviewees, 集体/个别, occasion, content
//! tags, the record, follow-up), reading by need-to-know, the interviewee's confirmation (in the
//! system by the interviewee, or a signed scan filed by the unit's staff), and the compliance
//! flags (`talk_flags`).
//!
//! Who records: the unit's staff who see all its talks (纪委, 党务, 书记) with RecordConduct over
//! the talker's unit, or the talker himself. Higher levels read, never edit: a talk is edited
//! only by a scope that holds the talk's unit as its own unit (`Scope::contains_below` is
//! refused). Once any interviewee has confirmed, the text is locked.

use lianzheng_core::access::{self, Record, Sees};
use lianzheng_core::ids::*;
use lianzheng_core::org::{Permission, Scope};
use lianzheng_store::conduct::talks::{self as store, TalkFilter, TalkInput};
pub use lianzheng_store::conduct::talks::{Interviewee, TABLES, Talk};
use serde::{Deserialize, Serialize};

use super::talk_flags::{self, TalkFlag};
use super::{Part, open};
use crate::app::files::{self, Owner, Upload};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient};
use crate::forms::{split_list, text};
use crate::state::AppState;

pub const KINDS: &[(&str, &str)] = &[("individual", "个别约谈"), ("collective", "集体约谈")];
pub const OCCASIONS: &[(&str, &str)] = &[("pre_appointment", "任前"), ("holiday", "节前"), ("routine", "日常"), ("problem", "问题提醒")];
pub const TAGS: &[(&str, &str)] = &[("integrity", "廉政要求"), ("work", "工作要求"), ("problem", "问题提醒")];

const CONTENT_MAX: usize = 5000;
const PLACE_MAX: usize = 100;
const FOLLOW_UP_MAX: usize = 2000;
/// Interviewees of one talk (a collective talk of a whole unit stays well below).
const INTERVIEWEES_MAX: usize = 200;
/// People offered by the form's pickers.
const PEOPLE_MAX: i64 = 1000;

/// The label of a code in one of the tables above ("" when unknown).
pub fn label(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("")
}

/// "廉政要求、工作要求" from the stored codes.
pub fn tag_labels(tags: &str) -> String {
    let v: Vec<&str> = tags.split(',').map(|t| label(TAGS, t)).filter(|l| !l.is_empty()).collect();
    if v.is_empty() { "未选择".into() } else { v.join("、") }
}

/// A code from its code or its label.
fn code_of(table: &[(&'static str, &'static str)], v: &str) -> Option<&'static str> {
    let v = v.trim();
    table.iter().find(|(c, l)| *c == v || *l == v || l.trim_end_matches("约谈") == v).map(|(c, _)| *c)
}

/// A talk as typed (page form or API body). Lists are ids/codes separated by commas, or JSON arrays.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TalkForm {
    #[serde(deserialize_with = "lenient")]
    pub talker_id: String,
    #[serde(deserialize_with = "crate::app::duty::tasks::lenient_list")]
    pub interviewees: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub occasion: String,
    #[serde(deserialize_with = "crate::app::duty::tasks::lenient_list")]
    pub tags: String,
    #[serde(deserialize_with = "lenient")]
    pub talk_date: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    #[serde(deserialize_with = "lenient")]
    pub content: String,
    #[serde(deserialize_with = "lenient")]
    pub follow_up: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

impl TalkForm {
    /// From a urlencoded body where the checkboxes repeat their key.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> TalkForm {
        let mut f = TalkForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "talker_id" => &mut f.talker_id,
                "interviewees" => &mut f.interviewees,
                "kind" => &mut f.kind,
                "occasion" => &mut f.occasion,
                "tags" => &mut f.tags,
                "talk_date" => &mut f.talk_date,
                "place" => &mut f.place,
                "content" => &mut f.content,
                "follow_up" => &mut f.follow_up,
                "version" => &mut f.version,
                _ => continue,
            };
            if !slot.is_empty() && matches!(k.as_str(), "interviewees" | "tags") {
                slot.push(',');
                slot.push_str(&v);
            } else {
                *slot = v;
            }
        }
        f
    }
    pub fn has_interviewee(&self, id: &PersonId) -> bool {
        split_list(&self.interviewees).any(|s| s == id.to_string())
    }
    pub fn has_tag(&self, code: &str) -> bool {
        split_list(&self.tags).any(|s| code_of(TAGS, s) == Some(code))
    }
    fn of(t: &Talk) -> TalkForm {
        TalkForm {
            talker_id: t.talker_id.to_string(),
            interviewees: t.interviewees.iter().map(|i| i.person_id.to_string()).collect::<Vec<_>>().join(","),
            kind: t.kind.clone(),
            occasion: t.occasion.clone(),
            tags: t.tags.clone(),
            talk_date: t.talk_date.clone(),
            place: t.place.clone().unwrap_or_default(),
            content: t.content.clone(),
            follow_up: t.follow_up.clone().unwrap_or_default(),
            version: t.version.to_string(),
        }
    }
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date()
}

/// Checks a form against the recorder's scope: the talker and every interviewee must be people
/// inside it (ids of other units are refused as field errors, like unknown ones).
async fn input_of(st: &AppState, p: &Principal, f: &TalkForm) -> AppResult<TalkInput> {
    let scope = p.require(Permission::RecordConduct)?;
    let mut e = FieldErrors::new();
    let talker = match f.talker_id.trim().parse::<PersonId>() {
        Ok(id) => store::person_in(&st.db, &scope, id).await?,
        Err(_) => None,
    };
    if talker.is_none() {
        e.insert("talker_id".into(), if f.talker_id.trim().is_empty() { "请选择约谈人".into() } else { "约谈人不存在或不在您的范围内".into() });
    }
    let mut people: Vec<(PersonId, String)> = Vec::new();
    let mut bad = Vec::new();
    for token in split_list(&f.interviewees) {
        match token.parse::<PersonId>() {
            Ok(id) => match store::person_in(&st.db, &scope, id).await? {
                Some((pid, name, _, _)) if !people.iter().any(|(x, _)| *x == pid) => people.push((pid, name)),
                Some(_) => {}
                None => bad.push(token.to_string()),
            },
            Err(_) => bad.push(token.to_string()),
        }
    }
    if !bad.is_empty() {
        e.insert("interviewees".into(), format!("被约谈人“{}”不存在或不在您的范围内", bad.join("、")));
    } else if people.is_empty() {
        e.insert("interviewees".into(), "请选择被约谈人".into());
    } else if people.len() > INTERVIEWEES_MAX {
        e.insert("interviewees".into(), format!("一次约谈最多 {INTERVIEWEES_MAX} 名被约谈人"));
    } else if let Some((tid, ..)) = &talker
        && people.iter().any(|(x, _)| x == tid)
    {
        e.insert("interviewees".into(), "约谈人不能同时是被约谈人".into());
    }
    let kind = match f.kind.trim() {
        "" => Some(if people.len() > 1 { "collective" } else { "individual" }),
        k => code_of(KINDS, k),
    };
    match kind {
        None => {
            e.insert("kind".into(), "约谈形式只能是个别约谈或集体约谈".into());
        }
        Some("individual") if people.len() > 1 => {
            e.insert("kind".into(), "个别约谈只能有一名被约谈人；同时约谈多人请选择集体约谈".into());
        }
        Some("collective") if people.len() == 1 => {
            e.insert("kind".into(), "集体约谈须有两名以上被约谈人；约谈一人请选择个别约谈".into());
        }
        _ => {}
    }
    let occasion = code_of(OCCASIONS, &f.occasion);
    if occasion.is_none() {
        e.insert("occasion".into(), if f.occasion.trim().is_empty() { "请选择约谈类型（任前、节前、日常、问题提醒）".into() } else { "约谈类型只能是任前、节前、日常或问题提醒".into() });
    }
    let mut tags: Vec<String> = Vec::new();
    for t in split_list(&f.tags) {
        match code_of(TAGS, t) {
            Some(c) if !tags.iter().any(|x| x == c) => tags.push(c.to_string()),
            Some(_) => {}
            None => {
                e.insert("tags".into(), format!("谈话内容“{t}”无效，可选：廉政要求、工作要求、问题提醒"));
            }
        }
    }
    if tags.is_empty() && !e.contains_key("tags") {
        e.insert("tags".into(), "请选择谈话内容（廉政要求、工作要求、问题提醒）".into());
    }
    // keep the order of the table
    tags.sort_by_key(|t| TAGS.iter().position(|(c, _)| c == t));
    let talk_date = match crate::forms::date(&mut e, "talk_date", "约谈日期", &f.talk_date) {
        Some(d) => d,
        None => lianzheng_core::duty::format_date(today()),
    };
    if let Some(d) = lianzheng_core::duty::parse_date(&talk_date) {
        if d > today() {
            e.insert("talk_date".into(), "约谈日期不能晚于今天".into());
        } else if d.year() < 2000 {
            e.insert("talk_date".into(), "约谈日期应在 2000 年以后".into());
        }
    }
    let content = text(&mut e, "content", "谈话记录", &f.content, CONTENT_MAX, true).unwrap_or_default();
    let place = text(&mut e, "place", "地点", &f.place, PLACE_MAX, false);
    let follow_up = text(&mut e, "follow_up", "后续措施", &f.follow_up, FOLLOW_UP_MAX, false);
    let (Some((talker_id, talker_name, org_id, org_path)), Some(kind), Some(occasion), true) = (talker, kind, occasion, e.is_empty()) else {
        return Err(into_error(e));
    };
    Ok(TalkInput { org_id, org_path, talker_id, talker_name, kind: kind.into(), occasion: occasion.into(), tags, talk_date, place, content, follow_up, interviewees: people })
}

/// Who reads, and how much.
struct Viewer {
    scope: Scope,
    sees: Sees,
    me: Option<PersonId>,
}

impl Viewer {
    fn of(p: &Principal) -> AppResult<Viewer> {
        Ok(Viewer { scope: open(p, Part::Talks)?, sees: access::sees_any(&p.roles(), Record::Talk), me: p.user.person_id })
    }
    fn sees(&self, t: &Talk) -> bool {
        self.scope.contains(&t.org_path) && access::visible_talk(self.sees, &t.participants(), self.me)
    }
}

/// Whether the caller records (edits, files scans of) talks of the unit `org_id` held by
/// `talker`: RecordConduct over the unit, the unit being one of the caller's own (`own_units`) or their
/// own 纪委/派驻纪检组 or 党支部 (bodies without staff of their own), and either a role that sees
/// all the unit's talks (党务, 纪委, 书记) or being the talker. A unit below with its own 党组/党委
/// keeps its own talks: higher levels read them, never edit them.
async fn may_record(st: &AppState, p: &Principal, org_id: OrgId, path: &str, talker: PersonId) -> AppResult<bool> {
    let Ok(scope) = p.require(Permission::RecordConduct) else { return Ok(false) };
    if !scope.contains(path) {
        return Ok(false);
    }
    let own = super::own_units(p, Permission::RecordConduct);
    let kept = own.iter().any(|u| u.id == org_id) || {
        let unit = lianzheng_store::org::get(&st.db, org_id).await?;
        unit.is_some_and(|u| {
            u.parent_id.is_some_and(|parent| own.iter().any(|o| o.id == parent))
                && lianzheng_core::org::OrgKind::from_code(&u.kind).is_some_and(|k| k.is_discipline() || matches!(k, lianzheng_core::org::OrgKind::Branch | lianzheng_core::org::OrgKind::GeneralBranch))
        })
    };
    Ok(kept && (access::sees_any(&p.roles(), Record::Talk) == Sees::All || p.user.person_id == Some(talker)))
}

/// A talk as one person sees it, with what that person may do.
pub struct TalkView {
    pub talk: Talk,
    pub can_edit: bool,
    /// The caller is an interviewee who has not confirmed yet.
    pub can_confirm: bool,
    /// Interviewees the caller may file a signed scan for.
    pub can_scan: bool,
    /// The flags on this talk (for who may read the flag list).
    pub flags: Vec<TalkFlag>,
}

async fn visible(st: &AppState, p: &Principal, id: TalkId) -> AppResult<(Viewer, Talk)> {
    let v = Viewer::of(p)?;
    let t = store::get_in_scope(&st.db, &v.scope, id).await?;
    if !v.sees(&t) {
        return Err(AppError::NotFound);
    }
    Ok((v, t))
}

pub async fn show(st: &AppState, p: &Principal, id: TalkId) -> AppResult<TalkView> {
    let (_, talk) = visible(st, p, id).await?;
    let records = may_record(st, p, talk.org_id, &talk.org_path, talk.talker_id).await?;
    let can_edit = !talk.locked() && records;
    let can_confirm = p.user.person_id.is_some_and(|me| talk.interviewees.iter().any(|i| i.person_id == me && !i.confirmed()));
    let can_scan = talk.unconfirmed() > 0 && records && p.can(Permission::UploadAttachments);
    let flags = if open(p, Part::TalkFlags).is_ok() {
        let data = lianzheng_store::conduct::talks::FlagData { talks: vec![talk.clone()], team: vec![], new_leaders: vec![], pre_talks: Default::default() };
        talk_flags::compute(&data, talk.year, today(), crate::app::settings::talk_confirm_days(st)).into_iter().filter(|f| f.kind != "collective").collect()
    } else {
        vec![]
    };
    Ok(TalkView { talk, can_edit, can_confirm, can_scan, flags })
}

/// Filters of the list (query string of the page and the API).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TalkQuery {
    pub year: String,
    pub kind: String,
    pub occasion: String,
    /// A unit: its talks and those of the units below it.
    pub org: String,
    /// A person: talks he took part in.
    pub person: String,
    /// "1": only talks still waiting for a confirmation.
    pub unconfirmed: String,
}

/// The year's talks the caller may read, with the filters. Unknown filter values filter to nothing.
pub async fn list(st: &AppState, p: &Principal, q: &TalkQuery) -> AppResult<(i64, Vec<Talk>)> {
    let v = Viewer::of(p)?;
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    let org_path = match q.org.trim() {
        "" => None,
        s => Some(match s.parse::<OrgId>() {
            Ok(id) => lianzheng_store::org::get(&st.db, id).await?.map(|o| o.path).unwrap_or_else(|| "/none/".into()),
            Err(_) => "/none/".into(),
        }),
    };
    let person_id = match q.person.trim() {
        "" => None,
        s => Some(s.parse::<PersonId>().unwrap_or(PersonId::new(i64::MAX))),
    };
    let f = TalkFilter {
        year,
        kind: Some(code_of(KINDS, &q.kind).unwrap_or(if q.kind.trim().is_empty() { "" } else { "none" }).to_string()),
        occasion: Some(code_of(OCCASIONS, &q.occasion).unwrap_or(if q.occasion.trim().is_empty() { "" } else { "none" }).to_string()),
        org_path,
        person_id,
        unconfirmed: matches!(q.unconfirmed.trim(), "1" | "true" | "on"),
    };
    let mut rows = store::list(&st.db, &v.scope, &f).await?;
    rows.retain(|t| v.sees(t));
    Ok((year, rows))
}

/// The new talk form's defaults: today, the caller as talker when he is a person of the scope.
pub fn new_form(p: &Principal) -> TalkForm {
    TalkForm { talker_id: p.user.person_id.map(|x| x.to_string()).unwrap_or_default(), talk_date: lianzheng_core::duty::format_date(today()), ..TalkForm::default() }
}

/// People the form offers: those of the caller's RecordConduct scope (its top units and below),
/// leaders first: (id, "姓名（单位 职务）", unit id).
pub async fn people_choices(st: &AppState, p: &Principal) -> AppResult<Vec<(PersonId, String, OrgId)>> {
    let scope = p.require(Permission::RecordConduct)?;
    let mut out = Vec::new();
    for path in scope.paths() {
        for (id, name, org_id, org, post) in store::people_for(&st.db, path, PEOPLE_MAX).await? {
            let post = lianzheng_core::org::PostKind::from_code(&post).map(|k| k.label().to_string()).unwrap_or(post);
            out.push((id, if post.is_empty() { format!("{name}（{org}）") } else { format!("{name}（{org} {post}）") }, org_id));
        }
    }
    Ok(out)
}

pub async fn create(st: &AppState, p: &Principal, f: &TalkForm) -> AppResult<Talk> {
    p.require(Permission::RecordConduct)?;
    let input = input_of(st, p, f).await?;
    if !may_record(st, p, input.org_id, &input.org_path, input.talker_id).await? {
        return Err(AppError::Refused("约谈记录由约谈人所在单位的党务工作人员、书记或约谈人本人录入；上级只能查阅".into()));
    }
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), &input).await?;
    tx.commit().await?;
    Ok(visible(st, p, id).await?.1)
}

/// Why a reader may not edit a talk.
pub const NOT_YOURS: &str = "约谈记录由约谈人所在单位的党务工作人员、书记或约谈人本人修改；上级和其他人员只能查阅";

/// The edit form of a talk the caller may still edit.
pub async fn edit_form(st: &AppState, p: &Principal, id: TalkId) -> AppResult<(Talk, TalkForm)> {
    p.require(Permission::RecordConduct)?;
    let (_, talk) = visible(st, p, id).await?;
    if !may_record(st, p, talk.org_id, &talk.org_path, talk.talker_id).await? {
        return Err(AppError::Refused(NOT_YOURS.into()));
    }
    let v = show(st, p, id).await?;
    if v.talk.locked() {
        return Err(AppError::Conflict(store::LOCKED.into()));
    }
    let f = TalkForm::of(&v.talk);
    Ok((v.talk, f))
}

/// Edits a talk nobody has confirmed; `version` is required. The talker may change only
/// within the same unit (a talk belongs to its talker's unit).
pub async fn update(st: &AppState, p: &Principal, id: TalkId, f: &TalkForm) -> AppResult<Talk> {
    p.require(Permission::RecordConduct)?;
    let (_, talk) = visible(st, p, id).await?;
    if !may_record(st, p, talk.org_id, &talk.org_path, talk.talker_id).await? {
        return Err(AppError::Forbidden);
    }
    if talk.locked() {
        return Err(AppError::Conflict(store::LOCKED.into()));
    }
    let input = input_of(st, p, f).await?;
    if input.org_id != talk.org_id {
        return Err(AppError::field("talker_id", "约谈人须是本单位人员：约谈记录属于约谈人所在单位，换单位请删除后重新录入"));
    }
    if !may_record(st, p, input.org_id, &input.org_path, input.talker_id).await? {
        return Err(AppError::Forbidden);
    }
    let version = f.version.trim().parse::<i64>().map_err(|_| AppError::Conflict("缺少版本号 version（来自读取时的数据），为免覆盖他人的修改，请刷新后重试".into()))?;
    let scope = p.require(Permission::RecordConduct)?;
    let mut tx = st.db.begin().await?;
    store::update(&mut tx, &p.actor(), &scope, talk.id, version, &input).await?;
    tx.commit().await?;
    Ok(visible(st, p, id).await?.1)
}

/// Deletes a talk nobody has confirmed.
pub async fn delete(st: &AppState, p: &Principal, id: TalkId) -> AppResult<()> {
    p.require(Permission::RecordConduct)?;
    let (_, talk) = visible(st, p, id).await?;
    if !may_record(st, p, talk.org_id, &talk.org_path, talk.talker_id).await? {
        return Err(AppError::Forbidden);
    }
    if talk.locked() {
        return Err(AppError::Conflict(store::LOCKED.into()));
    }
    let scope = p.require(Permission::RecordConduct)?;
    let mut tx = st.db.begin().await?;
    store::delete(&mut tx, &p.actor(), &scope, talk.id).await?;
    tx.commit().await?;
    Ok(())
}

/// The interviewee confirms the record in the system (his own account only; audited, the time kept).
pub async fn confirm(st: &AppState, p: &Principal, id: TalkId) -> AppResult<Talk> {
    let (v, talk) = visible(st, p, id).await?;
    let Some(me) = p.user.person_id.filter(|me| talk.interviewees.iter().any(|i| i.person_id == *me)) else {
        return Err(AppError::Refused("约谈记录只能由被约谈人本人在系统内确认；代为确认请由单位党务工作人员上传签字扫描件".into()));
    };
    if talk.interviewees.iter().any(|i| i.person_id == me && i.confirmed()) {
        return Err(AppError::Conflict("您已确认过本次约谈记录".into()));
    }
    let mut tx = st.db.begin().await?;
    store::confirm(&mut tx, &p.actor(), &v.scope, talk.id, me, "confirm", None).await?;
    tx.commit().await?;
    Ok(visible(st, p, id).await?.1)
}

/// A signed scan of the record for one interviewee (PDF, JPG or PNG, checked by content), filed
/// by who records the unit's talks; it confirms for that interviewee.
pub async fn scan(st: &AppState, p: &Principal, id: TalkId, person: &str, file: Upload) -> AppResult<Talk> {
    let (v, talk) = visible(st, p, id).await?;
    if !may_record(st, p, talk.org_id, &talk.org_path, talk.talker_id).await? {
        return Err(AppError::Forbidden);
    }
    let pending: Vec<&Interviewee> = talk.interviewees.iter().filter(|i| !i.confirmed()).collect();
    let who = match person.trim() {
        "" if pending.len() == 1 => pending.first().map(|i| i.person_id),
        "" => return Err(AppError::field("interviewee", "请选择扫描件对应的被约谈人")),
        s => s.parse::<PersonId>().ok(),
    };
    let Some(who) = who.filter(|w| talk.interviewees.iter().any(|i| i.person_id == *w)) else {
        return Err(AppError::field("interviewee", "此人不是本次约谈的被约谈人"));
    };
    if talk.interviewees.iter().any(|i| i.person_id == who && i.confirmed()) {
        return Err(AppError::Conflict("该被约谈人已确认过本次约谈记录".into()));
    }
    if !["pdf", "jpg", "jpeg", "png"].iter().any(|e| file.filename.to_lowercase().ends_with(&format!(".{e}"))) {
        return Err(AppError::field("file", "签字扫描件须为 PDF 或图片（jpg、png）"));
    }
    let upload_scope = p.require(Permission::UploadAttachments)?;
    let saved = files::store(st, p, &upload_scope, talk.org_id, Owner::Talk(talk.id), file).await?;
    let mut tx = st.db.begin().await?;
    store::confirm(&mut tx, &p.actor(), &v.scope, talk.id, who, "scan", Some(saved.id)).await?;
    tx.commit().await?;
    Ok(visible(st, p, id).await?.1)
}

/// Filters of the flag list.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FlagQuery {
    pub year: String,
    pub kind: String,
    pub org: String,
}

pub struct FlagList {
    pub year: i64,
    /// (code, label, count) per kind, over the unit filter.
    pub counts: Vec<(&'static str, &'static str, usize)>,
    pub flags: Vec<TalkFlag>,
    pub confirm_days: i64,
}

/// The year's flags in the caller's scope (the 纪委 its subtree, a unit its own), by kind and unit.
pub async fn flags(st: &AppState, p: &Principal, q: &FlagQuery) -> AppResult<FlagList> {
    let scope = open(p, Part::TalkFlags)?;
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    let scope = match q.org.trim() {
        "" => scope,
        s => match s.parse::<OrgId>() {
            Ok(id) => match lianzheng_store::org::get(&st.db, id).await? {
                Some(o) => scope.within(&o.path),
                None => Scope::none(),
            },
            Err(_) => Scope::none(),
        },
    };
    let today = today();
    let data = store::flag_data(&st.db, &scope, year, &lianzheng_core::duty::format_date(today)).await?;
    let confirm_days = crate::app::settings::talk_confirm_days(st);
    let all = talk_flags::compute(&data, year, today, confirm_days);
    let counts = talk_flags::KINDS.iter().map(|(c, l, _)| (*c, *l, all.iter().filter(|f| f.kind == *c).count())).collect();
    let kind = q.kind.trim();
    let flags = all.into_iter().filter(|f| kind.is_empty() || f.kind == kind).collect();
    Ok(FlagList { year, counts, flags, confirm_days })
}

/// 待办: talks waiting for the caller's own confirmation.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> crate::app::todo::BoxFuture<'a, AppResult<Vec<crate::app::todo::TodoItem>>> {
    Box::pin(async move {
        use crate::app::todo::{TodoItem, Urgency};
        let Some(me) = p.user.person_id.filter(|_| p.can(Permission::ViewConduct)) else { return Ok(vec![]) };
        let (n, first) = store::waiting_for(&st.db, me).await?;
        let href = match first {
            Some(id) if n == 1 => format!("/conduct/talks/{id}"),
            _ => "/conduct/talks?unconfirmed=1".to_string(),
        };
        Ok(vec![TodoItem::new("conduct.talk_confirm", "待确认的约谈记录", n, href, Urgency::Near)])
    })
}
