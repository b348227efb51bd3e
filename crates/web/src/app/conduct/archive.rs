//! 廉政档案 (DOMAIN.md "履责"): a person's integrity file — the posts he held, the talks he was
//! interviewed in, 谈话函询/提醒谈话/诫勉谈话, 廉政考试, 述责述廉, 婚丧喜庆 reports, 个人有关事项
//! and the 处分 and 问责 he received — gathered from the parts that keep them, as of a day.
//!
//! The file ([`PersonFile`]) is a header and an ordered list of sections; each section is a
//! list of [`FileEntry`], and every entry names the record it comes from ([`RecordRef`]), links
//! to it, and says what it means for a 廉洁意见回复 ([`Bearing`]): nothing (`Clean`), something
//! of record that blocks nothing now (`Note`), a punishment within its influence period
//! (`Punishment`), a matter still open that a person must decide on (`OpenMatter`), or a breach
//! of a rule (`Flag`). The 廉洁意见回复 is drafted from these entries, so every sentence it
//! writes can point at a record.
//!
//! **Adding a section.** The sections are the providers in [`SECTIONS`], in the order the file
//! shows them: one `fn(&Ctx) -> BoxFuture<AppResult<Section>>` per section, each reading its
//! records by person (one or two indexed queries: the file is read among a million records;
//! what several sections share — the posts, the 处分 — is read once into [`Ctx`]).
//! A later module (追责, 信访, 述责述廉 …) adds its provider to the list — and, for a
//! punishment, registers it in `sanctions` (`lianzheng_store::conduct::archive::
//! sanction_create`, its own `source`) so the 处分/问责 sections and the one setting of
//! influence periods (`sanction_periods`) cover it without a new provider.
//!
//! Need-to-know (`Record::Archive`): the 纪委 over the person and the 书记 of his unit read
//! the file; the person reads his own; nobody else — a colleague, the unit's 党务 staff, a
//! 检查组 — whatever his scope (403). Every opening is in the audit log (`integrity_file.read`):
//! the file is personal data.

use lianzheng_core::access::{Record, Sees, sees_any};
use lianzheng_core::duty::format_date;
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::{Permission, PostKind, Rank};
use lianzheng_core::sanction::{Influence, Periods};
pub use lianzheng_store::conduct::archive::TABLES;
use lianzheng_store::conduct::archive::{self as store, Head};
use lianzheng_store::people::Post;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Date;

use super::family_events::{self, Limits};
use super::{matters, sanctions};
use crate::app::calendar;
use crate::app::paging::{self, Paging};
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::lenient;
use crate::state::AppState;

/// Where an entry comes from: the kind of record and its id (`kind` is the audit entity name:
/// post, talk, inquiry, exam_attempt, family_event, personal_matter, sanction …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecordRef {
    pub kind: &'static str,
    pub id: i64,
}

/// What an entry means for a 廉洁意见回复, as of the file's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Bearing {
    /// Nothing to say against the person (a post held, an exam passed, a report within limits).
    Clean,
    /// Of record but blocking nothing now: a punishment whose influence period has ended, one
    /// without a period (通报批评), an exam failed, a 问题提醒 talk. `what` says it in a phrase.
    Note { what: String },
    /// A 处分 or 组织处理 (诫勉 included) within its influence period: blocks promotion.
    /// `form` is "党纪处分·警告", "组织处理·诫勉" …; `until` the last day of the period
    /// (YYYY-MM-DD), `None` for one without end (开除).
    Punishment { form: String, until: Option<String> },
    /// A matter not concluded — a 函询 or 谈话 without its conclusion, one concluded as 进一步
    /// 核实, an event whose after-report is missing: a person must decide before an opinion.
    OpenMatter { what: String },
    /// A rule broken, each reason in a phrase (a 婚丧喜庆 report over the limits or late).
    Flag { reasons: Vec<String> },
}

impl Bearing {
    pub fn code(&self) -> &'static str {
        match self {
            Bearing::Clean => "clean",
            Bearing::Note { .. } => "note",
            Bearing::Punishment { .. } => "punishment",
            Bearing::OpenMatter { .. } => "open_matter",
            Bearing::Flag { .. } => "flag",
        }
    }
    /// One line for pages: "" for a clean entry.
    pub fn text(&self) -> String {
        match self {
            Bearing::Clean => String::new(),
            Bearing::Note { what } => what.clone(),
            Bearing::Punishment { form, until: Some(d) } => format!("{form}，影响期至 {d}"),
            Bearing::Punishment { form, until: None } => format!("{form}，长期影响"),
            Bearing::OpenMatter { what } => what.clone(),
            Bearing::Flag { reasons } => reasons.join("；"),
        }
    }
    /// Tag colour on pages.
    pub fn tag(&self) -> &'static str {
        match self {
            Bearing::Clean => "tag-green",
            Bearing::Note { .. } => "tag-blue",
            Bearing::Punishment { .. } | Bearing::Flag { .. } => "tag-red",
            Bearing::OpenMatter { .. } => "tag-yellow",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Bearing::Clean => "无异常",
            Bearing::Note { .. } => "记录在案",
            Bearing::Punishment { .. } => "影响期内",
            Bearing::OpenMatter { .. } => "尚未了结",
            Bearing::Flag { .. } => "存在问题",
        }
    }
}

/// One line of a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    /// The record's own day (YYYY-MM-DD): a post's start, a talk's, a decision's, an event's.
    pub date: String,
    pub title: String,
    pub detail: String,
    /// The page of the record.
    pub link: String,
    pub source: RecordRef,
    pub bearing: Bearing,
}

/// A section of the file.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Stable code: posts, talks, inquiries, exams, duty_reports, family_events,
    /// personal_matters, punishments, accountability.
    pub key: &'static str,
    pub title: &'static str,
    /// Newest first (posts: current first).
    pub entries: Vec<FileEntry>,
    /// Said under an empty section (e.g. a part not built yet).
    pub empty_note: &'static str,
}

/// The person's header.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub id: PersonId,
    pub name: String,
    pub org_id: OrgId,
    pub org_name: String,
    /// The unit's path (what may be done about the person depends on it); not in the API.
    #[serde(skip)]
    pub org_path: String,
    /// Current posts, "教育局书记、…" ("" when none).
    pub post: String,
    /// 职级 label.
    pub rank: String,
}

/// Counts of the bearings, for lists and the reply's first sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub punishments: usize,
    pub open_matters: usize,
    pub flags: usize,
    pub notes: usize,
}

/// A person's integrity file as of `as_of`.
#[derive(Debug, Clone, Serialize)]
pub struct PersonFile {
    pub person: Header,
    /// The day bearings are judged on (YYYY-MM-DD).
    pub as_of: String,
    pub sections: Vec<Section>,
    pub summary: Summary,
}

impl PersonFile {
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }
    /// Every entry with a bearing other than `Clean`, in section order.
    pub fn notable(&self) -> impl Iterator<Item = (&Section, &FileEntry)> {
        self.sections.iter().flat_map(|s| s.entries.iter().map(move |e| (s, e))).filter(|(_, e)| e.bearing != Bearing::Clean)
    }
}

fn summarise(sections: &[Section]) -> Summary {
    let mut s = Summary::default();
    for e in sections.iter().flat_map(|s| &s.entries) {
        match e.bearing {
            Bearing::Clean => {}
            Bearing::Note { .. } => s.notes += 1,
            Bearing::Punishment { .. } => s.punishments += 1,
            Bearing::OpenMatter { .. } => s.open_matters += 1,
            Bearing::Flag { .. } => s.flags += 1,
        }
    }
    s
}

/// What a provider reads from: the caller, the person, the day, the settings in force.
pub struct Ctx<'a> {
    pub st: &'a AppState,
    pub p: &'a Principal,
    pub head: Head,
    pub posts: Vec<Post>,
    pub on: Date,
    pub periods: Periods,
    pub limits: Limits,
    /// The person's 处分 and 组织处理, read once for the 处分 and 问责 sections.
    pub sanctions: Vec<store::Sanction>,
}

/// A section's provider.
pub type Provider = for<'a> fn(&'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>>;

/// The sections in the order the file shows them. A later module adds its provider here.
pub const SECTIONS: &[Provider] = &[posts, talks, inquiries, exams, duty_reports, family, personal_matters, punishments, accountability];

/// Who reads a file, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reader {
    /// The 纪委 over the person, or the 书记 of his unit.
    Superior,
    Himself,
}

/// The person's header row if the caller may read his file: 403 for anyone who reads only his
/// own (whatever the id, existing or not) and for a person outside the reader's scope; 404
/// for a reader of every file asking for nobody.
pub async fn check(st: &AppState, p: &Principal, person_id: PersonId) -> AppResult<(Head, Reader)> {
    if p.user.person_id == Some(person_id) {
        let head = store::head(&st.db, person_id).await?.ok_or(AppError::NotFound)?;
        return Ok((head, Reader::Himself));
    }
    let scope = p.require(Permission::ViewConduct)?;
    if sees_any(&p.roles(), Record::Archive) != Sees::All {
        return Err(AppError::Forbidden);
    }
    let head = store::head(&st.db, person_id).await?.ok_or(AppError::NotFound)?;
    if !scope.contains(&head.org_path) {
        return Err(AppError::Forbidden);
    }
    Ok((head, Reader::Superior))
}

/// Whether the caller reads other people's files (the list of people).
pub fn reads_others(p: &Principal) -> bool {
    p.require(Permission::ViewConduct).is_ok() && sees_any(&p.roles(), Record::Archive) == Sees::All
}

/// The tab "我的廉政档案": an account with a person who reads 履责.
pub fn may_open_own(p: &Principal) -> bool {
    p.user.person_id.is_some() && p.require(Permission::ViewConduct).is_ok()
}

/// The person's file as of today (need-to-know checked, the reading logged).
pub async fn file_of(st: &AppState, p: &Principal, person_id: PersonId) -> AppResult<PersonFile> {
    file_on(st, p, person_id, calendar::today()).await
}

/// The person's file as of `on` (bearings judged on that day: a 廉洁意见回复 dated `on`).
pub async fn file_on(st: &AppState, p: &Principal, person_id: PersonId, on: Date) -> AppResult<PersonFile> {
    let (head, reader) = check(st, p, person_id).await?;
    p.log_read(st, "integrity_file.read", "integrity_file", Some(person_id.to_string()), json!({"person_id": person_id, "as_of": format_date(on), "reader": reader})).await?;
    let posts = store::posts_of(&st.db, person_id).await?;
    let sanctions = store::sanctions_of(&st.db, person_id).await?;
    let ctx = Ctx { st, p, head, posts, on, periods: crate::app::settings::sanction_periods(st), limits: family_events::limits(st), sanctions };
    let mut sections = Vec::with_capacity(SECTIONS.len());
    for provider in SECTIONS {
        sections.push(provider(&ctx).await?);
    }
    let current: Vec<String> = ctx.posts.iter().filter(|p| p.is_current()).map(|p| format!("{}{}", p.org_name, p.title.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| p.kind_label().to_string()))).collect();
    let h = ctx.head;
    let person = Header {
        id: h.id,
        name: h.name,
        org_id: OrgId::new(h.org_id),
        org_name: h.org_name,
        org_path: h.org_path,
        post: current.join("、"),
        rank: h.rank.as_deref().and_then(Rank::from_code).map(Rank::label).unwrap_or("").to_string(),
    };
    let summary = summarise(&sections);
    Ok(PersonFile { person, as_of: format_date(on), sections, summary })
}

fn section(key: &'static str, title: &'static str, entries: Vec<FileEntry>) -> Section {
    Section { key, title, entries, empty_note: "暂无记录" }
}

fn note(what: impl Into<String>) -> Bearing {
    Bearing::Note { what: what.into() }
}

/// A punishment's bearing on `on`.
fn influence_bearing(form: String, i: Influence, on: Date) -> Bearing {
    match i {
        Influence::None => note(format!("{form}（无影响期）")),
        Influence::NoEnd => Bearing::Punishment { form, until: None },
        Influence::Until(d) if i.active_on(on) => Bearing::Punishment { form, until: Some(format_date(d)) },
        Influence::Until(d) => note(format!("{form}，影响期已于 {} 届满", format_date(d))),
    }
}

// ------------------------------------------------------------------------------ sections

/// 任职经历: every post, current first (read once for the header too).
fn posts<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move {
        // the person page for who may open it; a 一般干部 reading his own file stays in it
        let sees_people = c.p.require(Permission::ViewPeople).is_ok_and(|s| s.contains(&c.head.org_path));
        let entries = c
            .posts
            .iter()
            .map(|ps| {
                let title = format!("{}{}", ps.org_name, ps.title.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| PostKind::from_code(&ps.kind).map(PostKind::label).unwrap_or("").to_string()));
                let span = match (ps.start_date.as_deref(), ps.end_date.as_deref().filter(|d| !d.is_empty())) {
                    (Some(s), Some(e)) => format!("{s} 至 {e}"),
                    (Some(s), None) => format!("{s} 起，现任"),
                    (None, Some(e)) => format!("至 {e}"),
                    (None, None) => "现任".to_string(),
                };
                let detail = match ps.duty_areas.as_deref().filter(|d| !d.is_empty()) {
                    Some(a) => format!("{span}；分管：{a}"),
                    None => span,
                };
                FileEntry {
                    date: ps.start_date.clone().unwrap_or_default(),
                    title,
                    detail,
                    link: if sees_people { format!("/people/{}", ps.person_id) } else { format!("/conduct/archive/{}#post-{}", ps.person_id, ps.id) },
                    source: RecordRef { kind: "post", id: ps.id.get() },
                    bearing: Bearing::Clean,
                }
            })
            .collect();
        Ok(section("posts", "任职经历", entries))
    })
}

/// 廉政约谈 he was interviewed in.
fn talks<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move {
        let entries = store::talks_of(&c.st.db, c.head.id)
            .await?
            .into_iter()
            .map(|t| {
                let occasion = super::talks::label(super::talks::OCCASIONS, &t.occasion);
                let kind = super::talks::label(super::talks::KINDS, &t.kind);
                let bearing = if t.occasion == "problem" { note("问题提醒约谈") } else { Bearing::Clean };
                FileEntry {
                    date: t.talk_date.clone(),
                    title: format!("{occasion}{kind}"),
                    detail: format!("{}{}约谈{}", t.org_name, t.talker_name, if t.confirmed_at.is_some() { "，本人已确认" } else { "，本人未确认" }),
                    link: format!("/conduct/talks/{}", t.id),
                    source: RecordRef { kind: "talk", id: t.id.get() },
                    bearing,
                }
            })
            .collect();
        Ok(section("talks", "廉政约谈", entries))
    })
}

/// 谈话函询, 提醒谈话, 诫勉谈话 (诫勉 has the influence period of 组织处理·诫勉).
fn inquiries<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move {
        let admonition = lianzheng_core::sanction::find("organizational", "admonition").map_or(6, |k| c.periods.months(k));
        let entries = super::inquiries::of_person(c.st, c.p, c.head.id)
            .await?
            .into_iter()
            .map(|i| {
                let kind = i.kind_label();
                let bearing = if i.kind == "admonition" {
                    let from = lianzheng_core::duty::parse_date(&i.issued_on).unwrap_or(c.on);
                    influence_bearing("诫勉谈话".into(), lianzheng_core::sanction::influence(from, admonition), c.on)
                } else if i.conclusion.is_none() {
                    Bearing::OpenMatter { what: format!("{kind}尚未了结") }
                } else if i.conclusion.as_deref() == Some("verify") {
                    Bearing::OpenMatter { what: format!("{kind}了结意见为进一步核实") }
                } else {
                    Bearing::Clean
                };
                let state = match (i.conclusion.is_some(), i.reply.is_some()) {
                    (true, _) => format!("{}（{}）", i.conclusion_label(), i.concluded_on.clone().unwrap_or_default()),
                    (false, true) => "已回复，待了结".into(),
                    (false, false) => "待回复".into(),
                };
                FileEntry {
                    date: i.issued_on.clone(),
                    title: format!("{kind}：{}", i.matter.chars().take(40).collect::<String>()),
                    detail: format!("{}；{state}", i.org_name),
                    link: format!("/conduct/inquiries/{}", i.id),
                    source: RecordRef { kind: "inquiry", id: i.id.get() },
                    bearing,
                }
            })
            .collect();
        Ok(section("inquiries", "谈话函询", entries))
    })
}

/// 廉政考试: submitted attempts. Read from the store: the file's own check stands for the exam
/// part's (a 书记 reads the file without keeping exams).
fn exams<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move {
        let entries = lianzheng_store::conduct::exams::results_of(&c.st.db, c.head.id)
            .await?
            .into_iter()
            .map(|r| {
                let day = time::OffsetDateTime::from_unix_timestamp(r.submitted_at).map(|t| format_date(t.to_offset(time::macros::offset!(+8)).date())).unwrap_or_default();
                let passed = r.passed != 0;
                FileEntry {
                    date: day,
                    title: r.title.clone(),
                    detail: format!("第 {} 次作答，{} 分（满分 {}，合格 {}），{}", r.seq, r.score, r.total, r.pass_mark, if passed { "合格" } else { "不合格" }),
                    link: format!("/conduct/exams/attempts/{}", r.attempt_id),
                    source: RecordRef { kind: "exam_attempt", id: r.attempt_id.get() },
                    bearing: if passed { Bearing::Clean } else { note("廉政考试不合格") },
                }
            })
            .collect();
        Ok(section("exams", "廉政考试", entries))
    })
}

/// 述责述廉: the slot for the part being built (its provider fills this section).
fn duty_reports<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move {
        let entries = lianzheng_store::conduct::statements::reports_of_person(&c.st.db, c.head.id)
            .await?
            .into_iter()
            .map(|r| {
                let mut detail = match &r.submitted_on {
                    Some(d) => format!("{d} 提交{}", if r.revisions > 1 { format!("，修改 {} 次", r.revisions - 1) } else { String::new() }),
                    None => "尚未提交报告".to_string(),
                };
                detail.push_str(&format!("；会议 {}，点评意见 {} 条", r.meeting_on, r.points));
                if r.points_open > 0 {
                    detail.push_str(&format!("（{} 条尚未销号）", r.points_open));
                }
                // a report and its 点评 are the duty done, not a matter against the person
                let bearing = Bearing::Clean;
                FileEntry {
                    date: r.submitted_on.clone().unwrap_or_else(|| r.meeting_on.clone()),
                    title: r.round_title.clone(),
                    detail,
                    link: format!("/conduct/statements/reports/{}", r.id),
                    source: RecordRef { kind: "statement_report", id: r.id.get() },
                    bearing,
                }
            })
            .collect();
        Ok(Section { key: "duty_reports", title: "述责述廉", entries, empty_note: "未参加述责述廉" })
    })
}

/// 婚丧喜庆事宜报告, each with its flags.
fn family<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move {
        let today = format_date(c.on);
        let entries = store::family_of(&c.st.db, c.head.id)
            .await?
            .into_iter()
            .map(|e| {
                let r = family_events::row(e, &c.limits, &today);
                let e = &r.event;
                let mut detail = format!("计划 {} 桌 {} 人，地点：{}，预计 {} 元；{} 报告", e.tables_planned, e.guests_planned, e.venue, e.cost_estimate, e.filed_on);
                if let (Some(t), Some(g)) = (e.tables_actual, e.guests_actual) {
                    detail.push_str(&format!("；实际 {t} 桌 {g} 人，{}", family_events::label(family_events::GIFTS, e.gifts.as_deref().unwrap_or(""))));
                }
                if let Some(rv) = e.review.as_deref() {
                    detail.push_str(&format!("；纪委审阅：{}", family_events::label(family_events::REVIEWS, rv)));
                }
                let bearing = if !r.flags.is_empty() {
                    Bearing::Flag { reasons: r.flags.clone() }
                } else if r.after_due {
                    Bearing::OpenMatter { what: "办理后尚未报告实际情况".into() }
                } else {
                    Bearing::Clean
                };
                FileEntry {
                    date: e.event_date.clone(),
                    title: format!("操办{}", r.kind_label),
                    detail,
                    link: format!("/conduct/archive/family-events/{}", e.id),
                    source: RecordRef { kind: "family_event", id: e.id.get() },
                    bearing,
                }
            })
            .collect();
        Ok(section("family_events", "婚丧喜庆", entries))
    })
}

/// 个人有关事项报告.
fn personal_matters<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move {
        let entries = store::matters_of(&c.st.db, c.head.id)
            .await?
            .into_iter()
            .map(|m| FileEntry {
                date: m.happened_on.clone().unwrap_or_else(|| m.filed_on.clone()),
                title: format!("{}年度 {}", m.year, matters::kind_label(&m.kind)),
                detail: m.content.clone(),
                link: format!("/conduct/archive/{}#matter-{}", m.person_id, m.id),
                source: RecordRef { kind: "personal_matter", id: m.id.get() },
                bearing: Bearing::Clean,
            })
            .collect();
        Ok(section("personal_matters", "个人有关事项", entries))
    })
}

fn sanction_entries(c: &Ctx<'_>, categories: &[&str]) -> Vec<FileEntry> {
    c.sanctions
        .iter()
        .filter(|s| categories.contains(&s.category.as_str()))
        .map(|s| {
            let form = sanctions::form_label(s);
            let bearing = influence_bearing(form.clone(), sanctions::influence(s, &c.periods), c.on);
            let doc = s.doc_no.as_deref().map(|d| format!("（{d}）")).unwrap_or_default();
            let probation = s.probation_months.map(|m| format!("，察看期 {} 年", m / 12)).unwrap_or_default();
            FileEntry {
                date: s.decided_on.clone(),
                title: format!("{form}{probation}"),
                detail: format!("{}决定{doc}；{}；来源：{}", s.body, s.matter, s.source),
                link: format!("/conduct/archive/{}#sanction-{}", s.person_id, s.id),
                source: RecordRef { kind: "sanction", id: s.id.get() },
                bearing,
            }
        })
        .collect()
}

/// 处分: 党纪处分 and 政务处分.
fn punishments<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move { Ok(section("punishments", "处分", sanction_entries(c, &["party", "government"]))) })
}

/// 问责: 组织处理 (诫勉, 调整职务 …); 追责 adds its records to the same table.
fn accountability<'a>(c: &'a Ctx<'a>) -> BoxFuture<'a, AppResult<Section>> {
    Box::pin(async move { Ok(section("accountability", "问责与组织处理", sanction_entries(c, &["organizational"]))) })
}

// ------------------------------------------------------------------------- people list

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct ListQuery {
    /// name or pinyin
    #[serde(deserialize_with = "lenient")]
    pub q: String,
    /// a unit of the caller's scope (and those below it)
    #[serde(deserialize_with = "lenient")]
    pub org: String,
    #[serde(flatten)]
    pub paging: Paging,
}

/// A person of the list with what his file holds.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub id: PersonId,
    pub name: String,
    pub org_name: String,
    pub family_events: usize,
    /// 婚丧喜庆 reports with a flag.
    pub flagged: usize,
    /// 处分/组织处理 within their influence period.
    pub punishments: usize,
    /// 谈话函询 not concluded.
    pub open_inquiries: i64,
}

pub struct ListView {
    pub rows: Vec<PersonRow>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
    pub q: String,
    pub org: String,
    /// Units to filter by (the caller's, first 200).
    pub units: Vec<(OrgId, String)>,
    /// The caller reads only his own file.
    pub own_only: bool,
    /// The 纪委: registers 处分.
    pub can_sanction: bool,
}

/// The people whose files the caller reads, with counts and flags; one who reads only his own
/// file gets himself.
pub async fn people(st: &AppState, p: &Principal, q: &ListQuery) -> AppResult<ListView> {
    let scope = p.require(Permission::ViewConduct)?;
    let size = q.paging.size(paging::DEFAULT_SIZE);
    let (people, total, page, units, org) = if reads_others(p) {
        let mut f = lianzheng_store::people::PeopleFilter { q: Some(q.q.trim().chars().take(50).collect::<String>()).filter(|s| !s.is_empty()), ..Default::default() };
        let mut org = String::new();
        if let Ok(id) = q.org.trim().parse::<OrgId>()
            && let Ok(o) = lianzheng_store::org::get_in_scope(&st.db, &scope, id).await
        {
            f.org_path = Some(o.path);
            org = id.to_string();
        }
        let (_, total) = lianzheng_store::people::list(&st.db, &scope, &f, 0, 1).await?;
        let page = paging::clamp(q.paging.page(), size, total);
        let (rows, total) = lianzheng_store::people::list(&st.db, &scope, &f, (page - 1) * size, size).await?;
        let mut units = Vec::new();
        for path in scope.paths() {
            units.extend(lianzheng_store::conduct::exams::units_under(&st.db, path).await?);
            if units.len() >= 200 {
                break;
            }
        }
        (rows.into_iter().map(|r| (r.id, r.name, r.org_name)).collect::<Vec<_>>(), total, page, units, org)
    } else {
        // an account without a person (a 检查组 member from outside) has no file of its own
        let head = match p.user.person_id {
            Some(me) => store::head(&st.db, me).await?,
            None => None,
        };
        let n = i64::from(head.is_some());
        (head.into_iter().map(|h| (h.id, h.name, h.org_name)).collect(), n, 1, vec![], String::new())
    };
    let ids: Vec<PersonId> = people.iter().map(|r| r.0).collect();
    let limits = family_events::limits(st);
    let periods = crate::app::settings::sanction_periods(st);
    let today = calendar::today();
    let events = store::family_of_people(&st.db, &ids).await?;
    let sanctions_rows = store::sanctions_of_people(&st.db, &ids).await?;
    let open = store::open_inquiries_of_people(&st.db, &ids).await?;
    let rows = people
        .into_iter()
        .map(|(id, name, org_name)| {
            let mine: Vec<&store::FamilyEvent> = events.iter().filter(|e| e.person_id == id).collect();
            PersonRow {
                id,
                name,
                org_name,
                family_events: mine.len(),
                flagged: mine.iter().filter(|e| !family_events::flags(e, &limits).is_empty()).count(),
                punishments: sanctions_rows.iter().filter(|s| s.person_id == id && sanctions::influence(s, &periods).active_on(today)).count(),
                open_inquiries: open.iter().find(|o| o.0 == id).map_or(0, |o| o.1),
            }
        })
        .collect();
    Ok(ListView { rows, total, page, size, q: q.q.clone(), org, units, own_only: !reads_others(p), can_sanction: p.require(Permission::HandleInquiries).is_ok() })
}

/// 待办: the person's after-event reports due; the 纪委's reports to review.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        if let Some(me) = p.user.person_id {
            let (n, first) = store::family_after_due(&st.db, me, &format_date(calendar::today())).await?;
            let href = match (n, first) {
                (1, Some(id)) => format!("/conduct/archive/family-events/{id}"),
                _ => "/conduct/archive/family-events".to_string(),
            };
            items.push(TodoItem::new("conduct.family_event_after", "婚丧喜庆事宜办理后待报告实际情况", n, href, Urgency::Near));
        }
        if let Ok(scope) = p.require(Permission::HandleInquiries) {
            let n = store::family_unreviewed(&st.db, &scope).await?;
            items.push(TodoItem::new("conduct.family_event_review", "待审阅的婚丧喜庆事宜报告", n, "/conduct/archive/family-events?state=unreviewed", Urgency::Normal));
        }
        Ok(items)
    })
}
