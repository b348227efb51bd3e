//! The campaign: a year's inspection organised by a body over the units of its scope (issue 10,
//! item 1; DOMAIN.md "考责", seed 001).
//!
//! The 纪委 (`ManageInspection` over the organising body) sets it up: year and title, the units
//! in scope chosen by kind of unit in a subtree, the phases with their dates (seed 001's five by
//! default), the checklist of materials every unit is shown (the seven kinds of DOMAIN.md 考责
//! step 3), the notice text, which it then issues as a GB/T 9704 公文 with its 文号 (draft →
//! open); the inspection groups (leader and members from people, assigned units, schedule,
//! visit dates) and the spot check (by rule, or random with the seed recorded and shown, so the
//! draw can be redone and checked).
//!
//! Who sees what: the organiser sees all of it, drafts included; nobody else sees a draft.
//! After the notice, a unit sees its own part (its row, the phases, the checklist, its group and
//! visit date); a group's leader and members see their groups' units; an account whose
//! `ViewInspection` scope holds the organising body (the county's 检查组 staff) sees every unit.
//! Another unit's row answers 404, as does a campaign the caller has no part in.

use std::collections::BTreeSet;

use lianzheng_core::duty::{format_date, parse_date, written_date};
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::{OrgKind, Permission, Scope};
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_store::inspection::campaigns as store;
pub use lianzheng_store::inspection::campaigns::{Campaign, STATUSES, TABLES};
use lianzheng_store::inspection::setup::{self, Candidate, Edit};
pub use lianzheng_store::inspection::setup::{Group, Member, Phase, Unit};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Part, open};
use crate::app::calendar;
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text, version};
use crate::state::AppState;

/// Seed 001's phases, in order (the self-check phase's end is the units' deadline).
pub const DEFAULT_PHASES: &[&str] = &["通知", SELF_CHECK_PHASE, "抽查考核（实地检查）", "评分汇总", "通报"];
/// The phase whose end is each unit's 自查自评 deadline (its 待办).
pub const SELF_CHECK_PHASE: &str = "自查自评";
/// The checklist every unit is shown: the seven kinds of files the groups read on site
/// (DOMAIN.md 考责 step 3, seed 001 "查阅资料").
pub const DEFAULT_MATERIALS: &[&str] = &[
    "本单位年度党风廉政建设计划或任务分解计划",
    "领导班子成员职责分工，特别是体现“一岗双责”的内容",
    "本单位关于党风廉政建设工作的规章制度及执行记录",
    "本单位党风党纪教育和廉洁自律教育的记录",
    "有关会议记录本和领导班子成员的谈话工作记录",
    "“三重一大”制度及执行情况",
    "本单位党员干部操办婚丧喜庆事宜申报表和报告表",
];
/// The kinds of unit a campaign may take in (discipline bodies are not checked: they check).
pub const UNIT_KINDS: &[OrgKind] = &[OrgKind::Unit, OrgKind::Township, OrgKind::PartyGroup, OrgKind::PartyCommittee, OrgKind::PartyWorkCommittee, OrgKind::GeneralBranch, OrgKind::Branch];
/// Ways of choosing the spot-checked units: (code, label).
pub const SPOT_RULES: &[(&str, &str)] = &[("random", "随机抽取（记录随机种子，可复核）"), ("kind", "按单位类型（该类型全部抽查）"), ("list", "指定单位名单"), ("all", "全部受检单位")];

const TITLE_MAX: usize = 80;
const NOTICE_MAX: usize = 20_000;
const MATERIALS_MAX: usize = 5_000;
const NAME_MAX: usize = 40;
const SCHEDULE_MAX: usize = 2_000;
const DOC_NUMBER_MAX: usize = 40;
const PHASES_MAX: usize = 12;

fn parse_i64(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

/// An id in a path: anything that is not a positive number is "not found".
pub fn id_of(s: &str) -> AppResult<i64> {
    parse_i64(s).ok_or(AppError::NotFound)
}

/// Ids in a comma-separated field (a form's repeated field joined, or a JSON list's text).
pub fn ids_in(s: &str) -> Vec<i64> {
    let mut v: Vec<i64> = s.split([',', ' ', '，']).filter_map(parse_i64).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A form read from pairs (a page form's repeated fields joined by commas), then as from JSON.
pub fn from_pairs<T: serde::de::DeserializeOwned + Default>(pairs: &[(String, String)]) -> T {
    let mut m = serde_json::Map::new();
    for (k, v) in pairs {
        match m.get_mut(k) {
            Some(serde_json::Value::String(s)) => {
                s.push(',');
                s.push_str(v);
            }
            _ => {
                m.insert(k.clone(), serde_json::Value::String(v.clone()));
            }
        }
    }
    serde_json::from_value(serde_json::Value::Object(m)).unwrap_or_default()
}

/// Accepts a list of ids or numbers (JSON) or a comma-separated text, kept as text.
fn id_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| match x {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

// ------------------------------------------------------------------------------ who sees what

/// The caller's part in a campaign.
#[derive(Debug, Clone)]
pub enum Access {
    /// The organising body's 纪委: everything, and it sets the campaign up.
    Organiser,
    /// Everyone else with a part: the units in `scope` (ViewInspection), those of `groups`
    /// (the groups he leads or sits in).
    Partial { scope: Scope, groups: Vec<i64> },
}

impl Access {
    pub fn organiser(&self) -> bool {
        matches!(self, Access::Organiser)
    }
    /// Whether the caller sees this unit's part.
    pub fn sees(&self, u: &Unit) -> bool {
        match self {
            Access::Organiser => true,
            Access::Partial { scope, groups } => scope.contains(&u.org_path) || u.group_id.is_some_and(|g| groups.contains(&g)),
        }
    }
    /// Whether the caller is in the group (its leader or a member).
    pub fn in_group(&self, group: Option<i64>) -> bool {
        match self {
            Access::Organiser => false,
            Access::Partial { groups, .. } => group.is_some_and(|g| groups.contains(&g)),
        }
    }
}

/// Whether the caller organises a campaign of the body at `org_path`.
fn organises(p: &Principal, org_path: &str) -> bool {
    p.require(Permission::ManageInspection).is_ok_and(|s| s.contains(org_path))
}

/// A campaign and the caller's part in it; 404 when he has none (drafts: the organiser only).
pub async fn access(st: &AppState, p: &Principal, id: i64) -> AppResult<(Campaign, Access, Vec<Unit>)> {
    let scope = open(p, Part::Campaigns)?;
    let c = setup::campaign(&st.db, id).await?;
    let units = setup::units(&st.db, c.id).await?;
    if organises(p, &c.org_path) {
        return Ok((c, Access::Organiser, units));
    }
    if c.status == "draft" {
        return Err(AppError::NotFound);
    }
    let groups = match p.user.person_id {
        Some(me) => setup::groups_of(&st.db, c.id, me).await?,
        None => vec![],
    };
    // the organising body's own staff (and those above it) see the campaign; its units as their scope holds them
    let body = scope.contains(&c.org_path);
    let a = Access::Partial { scope, groups };
    if body || units.iter().any(|u| a.sees(u)) { Ok((c, a, units)) } else { Err(AppError::NotFound) }
}

/// A campaign the caller organises (else 404 when he sees nothing of it, 403 when he sees a part).
async fn organised(st: &AppState, p: &Principal, id: i64) -> AppResult<Campaign> {
    p.require(Permission::ManageInspection)?;
    let (c, a, _) = access(st, p, id).await?;
    if a.organiser() { Ok(c) } else { Err(AppError::Forbidden) }
}

// ------------------------------------------------------------------------------ reading

/// The campaigns a person sees: organised inside his scope, covering a unit inside it, or with
/// a group he sits in; drafts only for their organiser.
pub async fn list(st: &AppState, p: &Principal, year: Option<i64>) -> AppResult<Vec<Campaign>> {
    let scope = open(p, Part::Campaigns)?;
    let mut rows: Vec<Campaign> = store::list(&st.db, &scope, year).await?.into_iter().filter(|c| c.status != "draft" || organises(p, &c.org_path)).collect();
    if let Some(me) = p.user.person_id {
        for id in setup::campaigns_of_member(&st.db, me).await? {
            if !rows.iter().any(|c| c.id == id) {
                let c = setup::campaign(&st.db, id).await?;
                if year.is_none_or(|y| y == c.year) {
                    rows.push(c);
                }
            }
        }
        rows.sort_by(|a, b| b.year.cmp(&a.year).then(b.id.cmp(&a.id)));
    }
    Ok(rows)
}

/// A group as shown: its members and the units it visits (those the caller sees).
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    #[serde(flatten)]
    pub group: Group,
    pub members: Vec<Member>,
    /// (unit row, unit name, visit date)
    pub units: Vec<(i64, String, Option<String>)>,
}

impl GroupView {
    pub fn member_names(&self) -> String {
        self.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、")
    }
}

/// A campaign as the caller sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub campaign: Campaign,
    pub status_label: &'static str,
    pub phases: Vec<Phase>,
    pub materials: Vec<String>,
    /// The units the caller sees.
    pub units: Vec<Unit>,
    /// How many units the campaign has in all, and how many are spot-checked (everyone sees the counts).
    pub unit_count: usize,
    pub spot_count: usize,
    pub groups: Vec<GroupView>,
    /// May set it up (the organiser).
    pub can_manage: bool,
    /// The groups the caller sits in.
    pub my_groups: Vec<i64>,
    /// The spot check's rule as read (随机抽取 5 个，种子 …).
    pub spot_text: Option<String>,
}

fn materials_of(c: &Campaign) -> Vec<String> {
    c.materials.as_deref().unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// The spot check's rule in words.
pub fn spot_text(rule: Option<&str>, seed: Option<i64>) -> Option<String> {
    let rule = rule?;
    let (code, arg) = rule.split_once(':').unwrap_or((rule, ""));
    Some(match code {
        "random" => format!("随机抽取 {arg} 个单位，随机种子 {}（以同一种子重抽结果相同）", seed.map(|s| s.to_string()).unwrap_or_default()),
        "kind" => format!("按单位类型抽查：{}", OrgKind::from_code(arg).map_or(arg, |k| k.label())),
        "list" => "指定单位名单".to_string(),
        "all" => "全部受检单位".to_string(),
        _ => rule.to_string(),
    })
}

async fn view_of(st: &AppState, c: Campaign, a: &Access, units: Vec<Unit>) -> AppResult<CampaignView> {
    let phases = setup::phases(&st.db, c.id).await?;
    let unit_count = units.len();
    let spot_count = units.iter().filter(|u| u.spot_checked).count();
    let visible: Vec<Unit> = units.into_iter().filter(|u| a.sees(u)).collect();
    let members = setup::members(&st.db, c.id).await?;
    let my_groups = match a {
        Access::Partial { groups, .. } => groups.clone(),
        Access::Organiser => vec![],
    };
    let groups = setup::groups(&st.db, c.id)
        .await?
        .into_iter()
        .filter(|g| a.organiser() || my_groups.contains(&g.id) || visible.iter().any(|u| u.group_id == Some(g.id)))
        .map(|g| {
            let units = visible.iter().filter(|u| u.group_id == Some(g.id)).map(|u| (u.id, u.org_name.clone(), u.visit_on.clone())).collect();
            let members = members.iter().filter(|m| m.group_id == g.id).cloned().collect();
            GroupView { group: g, members, units }
        })
        .collect();
    Ok(CampaignView {
        status_label: c.status_label(),
        materials: materials_of(&c),
        spot_text: spot_text(c.spot_rule.as_deref(), c.spot_seed),
        can_manage: a.organiser(),
        campaign: c,
        phases,
        units: visible,
        unit_count,
        spot_count,
        groups,
        my_groups,
    })
}

/// One campaign as the caller sees it.
pub async fn get(st: &AppState, p: &Principal, id: i64) -> AppResult<CampaignView> {
    let (c, a, units) = access(st, p, id).await?;
    view_of(st, c, &a, units).await
}

/// A unit's part, as the unit (or its group, or the organiser) sees it.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    pub campaign: Campaign,
    pub unit: Unit,
    pub phases: Vec<Phase>,
    pub materials: Vec<String>,
    pub group: Option<GroupView>,
    /// The self-check deadline (end of the 自查自评 phase).
    pub self_check_due: Option<String>,
    pub can_manage: bool,
    /// The organiser, or a member of the unit's group: reads and records the 个别谈话.
    pub sees_talks: bool,
    /// The groups to choose from (organiser only).
    pub groups: Vec<Group>,
}

/// A unit's part: another unit's row (or one of a campaign the caller has no part in) is 404.
pub async fn unit(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<UnitView> {
    open(p, Part::Campaigns)?;
    let u = setup::unit(&st.db, unit_id).await?;
    let (c, a, _) = match access(st, p, u.campaign_id).await {
        Ok(x) => x,
        Err(AppError::Forbidden) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    };
    if !a.sees(&u) {
        return Err(AppError::NotFound);
    }
    let phases = setup::phases(&st.db, c.id).await?;
    let self_check_due = phases.iter().find(|ph| ph.name == SELF_CHECK_PHASE).and_then(|ph| ph.ends_on.clone());
    let all_groups = setup::groups(&st.db, c.id).await?;
    let group = match u.group_id.and_then(|g| all_groups.iter().find(|x| x.id == g)) {
        Some(g) => {
            let members = setup::members(&st.db, c.id).await?.into_iter().filter(|m| m.group_id == g.id).collect();
            Some(GroupView { group: g.clone(), members, units: vec![(u.id, u.org_name.clone(), u.visit_on.clone())] })
        }
        None => None,
    };
    let sees_talks = p.can(Permission::ScoreInspection) && (a.organiser() || a.in_group(u.group_id));
    Ok(UnitView { materials: materials_of(&c), can_manage: a.organiser(), groups: if a.organiser() { all_groups } else { vec![] }, campaign: c, unit: u, phases, group, self_check_due, sees_talks })
}

// ------------------------------------------------------------------------------ creating, editing

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
}

/// The notice's first draft (the 纪委 edits it before issuing).
pub fn default_notice(year: i64, body: &str) -> String {
    format!(
        "为深入贯彻全面从严治党要求，压紧压实党风廉政建设主体责任和监督责任，经研究决定，对{year}年度各单位党风廉政建设责任制落实情况进行检查考核。现将有关事项通知如下。\n\
         检查内容：各单位党组织落实党风廉政建设主体责任清单情况，党政主要负责人和领导班子其他成员履行“一岗双责”情况。\n\
         方法步骤：各单位按通知要求开展自查自评，形成自查报告，按资料清单准备有关资料；{body}在自查基础上确定抽查单位，组成检查组，采取听取汇报、个别谈话、廉政测评、查阅资料等方式进行实地检查。\n\
         结果运用：检查考核结果作为各单位年度目标考核中党建工作的重要参考。\n\
         工作要求：各单位要高度重视，把迎检工作作为落实党风廉政建设责任制的一次政治体检，以查促改，以查促建。"
    )
}

/// A new campaign (draft) of the caller's body, with seed 001's phases and the seven kinds of materials.
pub async fn create(st: &AppState, p: &Principal, f: &NewForm) -> AppResult<i64> {
    let scope = p.require(Permission::ManageInspection)?;
    let mut e = FieldErrors::new();
    let year = match f.year.trim().parse::<i64>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ if f.year.trim().is_empty() => i64::from(calendar::today().year()),
        _ => {
            e.insert("year".into(), "年度应为四位数字，如 2026".into());
            0
        }
    };
    let title = text(&mut e, "title", "名称", &f.title, TITLE_MAX, false).unwrap_or_else(|| format!("{year}年度党风廉政建设责任制落实情况检查考核"));
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let body = crate::app::conduct::issuing_body(st, p).await?;
    if !scope.contains(&body.path) {
        return Err(AppError::Refused("您所在的单位不在您的检查考核管理范围内".into()));
    }
    let phases: Vec<(String, Option<String>, Option<String>)> = DEFAULT_PHASES.iter().map(|n| (n.to_string(), None, None)).collect();
    let mut tx = st.db.begin().await?;
    let id = store::insert(&mut tx, year, &title, body.id.get(), &body.path, Some(p.user.id.get())).await?;
    setup::insert_phases(&mut tx, id, &phases).await?;
    let materials = DEFAULT_MATERIALS.join("\n");
    let notice = default_notice(year, &body.name);
    tx.execute(lianzheng_store::q("UPDATE inspection_campaigns SET materials = $1, notice = $2 WHERE id = $3").bind(materials.as_str()).bind(notice.as_str()).bind(id)).await?;
    lianzheng_store::audit::record(&mut tx, &p.actor(), "inspection_campaign.create", "inspection_campaign", Some(id.to_string()), json!({"after": {"year": year, "title": title, "org_id": body.id}})).await?;
    tx.commit().await?;
    Ok(id)
}

/// One phase as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PhaseInput {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub starts_on: String,
    #[serde(deserialize_with = "lenient")]
    pub ends_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EditForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    /// The notice's text (paragraphs by line).
    #[serde(deserialize_with = "lenient")]
    pub notice: String,
    /// The checklist, one item a line.
    #[serde(deserialize_with = "lenient")]
    pub materials: String,
    pub phases: Vec<PhaseInput>,
}

impl EditForm {
    /// From a page form: the phases as repeated phase_name / phase_start / phase_end fields, in order.
    pub fn from_pairs(pairs: &[(String, String)]) -> EditForm {
        let mut f = EditForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v.clone(),
                "title" => f.title = v.clone(),
                "notice" => f.notice = v.clone(),
                "materials" => f.materials = v.clone(),
                "phase_name" => f.phases.push(PhaseInput { name: v.clone(), ..PhaseInput::default() }),
                "phase_start" => {
                    if let Some(ph) = f.phases.last_mut() {
                        ph.starts_on = v.clone();
                    }
                }
                "phase_end" => {
                    if let Some(ph) = f.phases.last_mut() {
                        ph.ends_on = v.clone();
                    }
                }
                _ => {}
            }
        }
        f
    }
    /// The form filled from a campaign (the edit form's first showing).
    pub fn of(v: &CampaignView) -> EditForm {
        EditForm {
            version: v.campaign.version.to_string(),
            title: v.campaign.title.clone(),
            notice: v.campaign.notice.clone().unwrap_or_default(),
            materials: v.materials.join("\n"),
            phases: v.phases.iter().map(|p| PhaseInput { name: p.name.clone(), starts_on: p.starts_on.clone().unwrap_or_default(), ends_on: p.ends_on.clone().unwrap_or_default() }).collect(),
        }
    }
}

fn opt_date(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<String> {
    match v.trim() {
        "" => None,
        s => match parse_date(s) {
            Some(d) if d.year() >= 2000 => Some(format_date(d)),
            _ => {
                e.insert(field.into(), format!("{label}应为日期，格式如 2026-03-15"));
                None
            }
        },
    }
}

/// Saves the title, notice text, checklist and phases (names and dates; a phase without a name
/// is dropped). The organiser only; while the campaign is not closed.
pub async fn update(st: &AppState, p: &Principal, id: i64, f: &EditForm) -> AppResult<()> {
    let c = organised(st, p, id).await?;
    if c.status == "closed" {
        return Err(AppError::Conflict("检查考核已结束，不能再修改".into()));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let title = text(&mut e, "title", "名称", &f.title, TITLE_MAX, true).unwrap_or_default();
    let notice = text(&mut e, "notice", "通知正文", &f.notice, NOTICE_MAX, false);
    let materials = text(&mut e, "materials", "资料清单", &f.materials, MATERIALS_MAX, false).unwrap_or_default();
    let mut phases = Vec::new();
    for (i, ph) in f.phases.iter().enumerate().filter(|(_, ph)| !ph.name.trim().is_empty()) {
        let field = format!("phase_{}", i + 1);
        let name = text(&mut e, &field, "阶段名称", &ph.name, NAME_MAX, true).unwrap_or_default();
        let s = opt_date(&mut e, &field, &format!("“{name}”的开始日期"), &ph.starts_on);
        let t = opt_date(&mut e, &field, &format!("“{name}”的结束日期"), &ph.ends_on);
        if let (Some(a), Some(b)) = (&s, &t)
            && a > b
        {
            e.insert(field.clone(), format!("“{name}”的结束日期不能早于开始日期"));
        }
        phases.push((name, s, t));
    }
    if phases.is_empty() {
        e.insert("phase_1".into(), "至少要有一个阶段".into());
    }
    if phases.len() > PHASES_MAX {
        e.insert("phase_1".into(), format!("阶段不超过 {PHASES_MAX} 个"));
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    setup::update(&mut tx, &p.actor(), id, version, &Edit { title: &title, notice: notice.as_deref(), materials: &materials, phases: &phases }).await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------------------ units in scope

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UnitsForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// The subtree (an organisation in the organiser's scope).
    #[serde(deserialize_with = "lenient")]
    pub root_id: String,
    /// Kinds of unit (codes), a list or comma-separated.
    #[serde(deserialize_with = "id_list")]
    pub kinds: String,
}

/// The subtrees the organiser may take units from: his scope's organisations that have units
/// under them (the 县委, the 乡镇 …), not the discipline bodies.
pub async fn roots(st: &AppState, p: &Principal) -> AppResult<Vec<(OrgId, String)>> {
    let scope = p.require(Permission::ManageInspection)?;
    let rows = lianzheng_store::org::list_in_scope(&st.db, &scope, None, 2000).await?;
    Ok(rows
        .into_iter()
        .filter(|o| scope.paths().contains(&o.path) || matches!(OrgKind::from_code(&o.kind), Some(OrgKind::PartyCommittee | OrgKind::Township | OrgKind::PartyWorkCommittee)))
        .map(|o| (o.id, o.name))
        .collect())
}

/// Sets the units in scope: every organisation of the chosen kinds below the chosen subtree.
/// While the campaign is a draft (the notice names them). Returns how many.
pub async fn set_units(st: &AppState, p: &Principal, id: i64, f: &UnitsForm) -> AppResult<usize> {
    let scope = p.require(Permission::ManageInspection)?;
    let c = organised(st, p, id).await?;
    if c.status != "draft" {
        return Err(AppError::Conflict("通知已印发，受检单位不能再调整".into()));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let root = match f.root_id.trim().parse::<OrgId>() {
        Ok(r) => match lianzheng_store::org::get_in_scope(&st.db, &scope, r).await {
            Ok(o) => Some(o),
            Err(lianzheng_store::StoreError::NotFound) => {
                e.insert("root_id".into(), "该单位不存在或不在您的管理范围内".into());
                None
            }
            Err(err) => return Err(err.into()),
        },
        Err(_) => {
            e.insert("root_id".into(), "请选择范围（上级单位）".into());
            None
        }
    };
    let mut kinds: Vec<String> = Vec::new();
    for k in f.kinds.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        match UNIT_KINDS.iter().find(|x| x.code() == k) {
            Some(x) => kinds.push(x.code().to_string()),
            None => {
                e.insert("kinds".into(), format!("单位类型“{k}”无效"));
            }
        }
    }
    kinds.sort();
    kinds.dedup();
    if kinds.is_empty() && !e.contains_key("kinds") {
        e.insert("kinds".into(), "请至少选择一种单位类型".into());
    }
    let Some(root) = root else { return Err(into_error(e)) };
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let orgs: Vec<Candidate> = setup::candidates(&st.db, &root.path, &kinds).await?.into_iter().filter(|o| scope.contains(&o.path)).collect();
    if orgs.is_empty() {
        e.insert("kinds".into(), "所选范围内没有这些类型的单位".into());
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    setup::set_units(&mut tx, &p.actor(), id, version, root.id, &kinds.join(","), &orgs).await?;
    tx.commit().await?;
    Ok(orgs.len())
}

// ------------------------------------------------------------------------------ the notice

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IssueForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// 文号, e.g. 某纪发〔2026〕12号.
    #[serde(deserialize_with = "lenient")]
    pub doc_number: String,
    /// Blank: today.
    #[serde(deserialize_with = "lenient")]
    pub issued_on: String,
}

/// A 文号 to suggest: the body's short name's first character + 纪发〔year〕n号, n the next after
/// the body's campaigns of that year.
pub fn suggested_number(c: &Campaign) -> String {
    format!("{}纪发〔{}〕{}号", c.org_name.chars().find(|ch| !matches!(ch, '中' | '共')).map(String::from).unwrap_or_default(), c.year, 1)
}

/// Issues the notice (draft → open): needs units in scope, the notice text and the
/// self-check's deadline. The units' 党务 staff and 书记 then find "自查自评" in their 待办.
pub async fn issue(st: &AppState, p: &Principal, id: i64, f: &IssueForm) -> AppResult<()> {
    let c = organised(st, p, id).await?;
    if c.status != "draft" {
        return Err(AppError::Conflict("通知已印发".into()));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let doc_number = text(&mut e, "doc_number", "文号", &f.doc_number, DOC_NUMBER_MAX, true).unwrap_or_default();
    let issued_on = crate::app::conduct::past_date(&mut e, "issued_on", "印发日期", &f.issued_on);
    if setup::units(&st.db, id).await?.is_empty() {
        e.insert("units".into(), "请先确定受检单位".into());
    }
    if c.notice.as_deref().is_none_or(|n| n.trim().is_empty()) {
        e.insert("notice".into(), "请先填写通知正文".into());
    }
    let phases = setup::phases(&st.db, id).await?;
    if !phases.iter().any(|ph| ph.name == SELF_CHECK_PHASE && ph.ends_on.is_some()) {
        e.insert("phases".into(), format!("请先填写“{SELF_CHECK_PHASE}”阶段的结束日期（各单位的自查期限）"));
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    setup::issue(&mut tx, &p.actor(), id, version, &doc_number, &issued_on).await?;
    tx.commit().await?;
    Ok(())
}

/// The notice as a GB/T 9704 公文: (file name, DOCX bytes). Whoever sees the campaign reads it
/// once issued; the organiser also as a draft (a preview). Logged as a read.
pub async fn document(st: &AppState, p: &Principal, id: i64) -> AppResult<(String, Vec<u8>)> {
    let v = get(st, p, id).await?;
    let all_units = setup::units(&st.db, id).await?;
    let bytes = to_docx(&official(&v, &all_units)).map_err(|e| AppError::Internal(format!("生成公文：{e}")))?;
    p.log_read(st, "inspection_campaign.document", "inspection_campaign", Some(id.to_string()), json!({"doc_number": v.campaign.doc_number})).await?;
    let number = v.campaign.doc_number.clone().unwrap_or_else(|| "草稿".into());
    Ok((format!("{}（{number}）.docx", notice_title(&v.campaign)), bytes))
}

/// "关于开展……的通知".
pub fn notice_title(c: &Campaign) -> String {
    let t = c.title.trim();
    if t.starts_with("关于") { t.to_string() } else { format!("关于开展{t}的通知") }
}

/// The notice (pure, so its layout is tested without a server): the text, then the units in
/// scope, the phases with their dates, the checklist and the groups.
pub fn official(v: &CampaignView, units: &[Unit]) -> OfficialDocument {
    let c = &v.campaign;
    let mut body: Vec<Block> = c.notice.as_deref().unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Block::Paragraph(l.to_string())).collect();
    body.push(Block::Heading(1, "检查范围".into()));
    body.push(Block::Paragraph(format!("{}，共 {} 个单位。", units.iter().map(|u| u.org_name.as_str()).collect::<Vec<_>>().join("、"), units.len())));
    body.push(Block::Heading(1, "时间安排".into()));
    for (i, ph) in v.phases.iter().enumerate() {
        let when = match (&ph.starts_on, &ph.ends_on) {
            (Some(a), Some(b)) => format!("{}至{}", written_date(a), written_date(b)),
            (None, Some(b)) => format!("{}前", written_date(b)),
            (Some(a), None) => format!("{}起", written_date(a)),
            (None, None) => "另行通知".into(),
        };
        body.push(Block::Paragraph(format!("{}.{}：{when}。", i + 1, ph.name)));
    }
    body.push(Block::Heading(1, "需准备的资料".into()));
    for (i, m) in v.materials.iter().enumerate() {
        body.push(Block::Paragraph(format!("{}.{m}", i + 1)));
    }
    if !v.groups.is_empty() {
        body.push(Block::Heading(1, "检查组安排".into()));
        for g in &v.groups {
            let units = g.units.iter().map(|(_, n, d)| d.as_deref().map_or(n.clone(), |d| format!("{n}（{}）", written_date(d)))).collect::<Vec<_>>().join("、");
            body.push(Block::Paragraph(format!(
                "{}：组长{}，成员{}；检查单位：{}。{}",
                g.group.name,
                g.group.leader_name.as_deref().unwrap_or("待定"),
                if g.members.is_empty() { "待定".into() } else { g.member_names() },
                if units.is_empty() { "另行通知".into() } else { units },
                g.group.schedule.as_deref().unwrap_or_default()
            )));
        }
    }
    let date = c.issued_on.as_deref().and_then(parse_date).map_or_else(
        || {
            let t = calendar::today();
            (t.year(), u32::from(u8::from(t.month())), u32::from(t.day()))
        },
        |d| (d.year(), u32::from(u8::from(d.month())), u32::from(d.day())),
    );
    OfficialDocument {
        issuer: format!("{}文件", c.org_name),
        doc_number: c.doc_number.clone(),
        title: notice_title(c),
        addressee: Some("各受检单位党组织".to_string()),
        body,
        attachments: vec![],
        signature: Some(c.org_name.clone()),
        date,
        cc: vec![],
        printer: None,
        letter: false,
    }
}

// ------------------------------------------------------------------------------ groups

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GroupForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub leader_id: String,
    /// People (ids), a list or comma-separated.
    #[serde(deserialize_with = "id_list")]
    pub member_ids: String,
    #[serde(deserialize_with = "lenient")]
    pub schedule: String,
    /// Units of the campaign (inspection_units ids) the group visits.
    #[serde(deserialize_with = "id_list")]
    pub unit_ids: String,
    /// The visit date for those units (blank: set later per unit).
    #[serde(deserialize_with = "lenient")]
    pub visit_on: String,
}

/// The people the group form offers.
pub async fn inspectors(st: &AppState, p: &Principal) -> AppResult<Vec<(PersonId, String, String)>> {
    let scope = p.require(Permission::ManageInspection)?;
    Ok(setup::inspectors(&st.db, &scope).await?)
}

/// A person in the organiser's scope, else a field error.
async fn person_in(st: &AppState, scope: &Scope, e: &mut FieldErrors, field: &str, id: i64) -> AppResult<Option<PersonId>> {
    match lianzheng_store::people::get_in_scope(&st.db, scope, PersonId::new(id)).await {
        Ok(x) => Ok(Some(x.id)),
        Err(lianzheng_store::StoreError::NotFound) => {
            e.insert(field.into(), "所选人员不存在或不在您的管理范围内".into());
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

/// A new inspection group, with the units it visits. The organiser only; not once closed.
pub async fn add_group(st: &AppState, p: &Principal, id: i64, f: &GroupForm) -> AppResult<i64> {
    let scope = p.require(Permission::ManageInspection)?;
    let c = organised(st, p, id).await?;
    if c.status == "closed" {
        return Err(AppError::Conflict("检查考核已结束".into()));
    }
    let mut e = FieldErrors::new();
    let name = text(&mut e, "name", "检查组名称", &f.name, NAME_MAX, true).unwrap_or_default();
    let schedule = text(&mut e, "schedule", "日程安排", &f.schedule, SCHEDULE_MAX, false);
    let leader = match parse_i64(&f.leader_id) {
        Some(l) => person_in(st, &scope, &mut e, "leader_id", l).await?,
        None => {
            e.insert("leader_id".into(), "请选择组长".into());
            None
        }
    };
    let mut members = Vec::new();
    for m in ids_in(&f.member_ids) {
        if let Some(x) = person_in(st, &scope, &mut e, "member_ids", m).await?
            && Some(x) != leader
        {
            members.push(x);
        }
    }
    let units = setup::units(&st.db, id).await?;
    let chosen = ids_in(&f.unit_ids);
    if chosen.iter().any(|u| !units.iter().any(|x| x.id == *u)) {
        e.insert("unit_ids".into(), "所选单位不在本次检查考核的受检范围内".into());
    }
    let visit_on = opt_date(&mut e, "visit_on", "检查日期", &f.visit_on);
    let (Some(leader), true) = (leader, e.is_empty()) else { return Err(into_error(e)) };
    let mut tx = st.db.begin().await?;
    let gid = setup::insert_group(&mut tx, &p.actor(), id, &name, leader, &members, schedule.as_deref()).await?;
    for u in &chosen {
        setup::assign(&mut tx, &p.actor(), *u, Some(gid), visit_on.as_deref()).await?;
    }
    tx.commit().await?;
    Ok(gid)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AssignForm {
    /// A group of the same campaign (blank: none).
    #[serde(deserialize_with = "lenient")]
    pub group_id: String,
    #[serde(deserialize_with = "lenient")]
    pub visit_on: String,
}

/// A unit's group and visit date. The organiser only.
pub async fn assign(st: &AppState, p: &Principal, unit_id: i64, f: &AssignForm) -> AppResult<UnitView> {
    p.require(Permission::ManageInspection)?;
    let v = unit(st, p, unit_id).await?;
    if !v.can_manage {
        return Err(AppError::Forbidden);
    }
    if v.campaign.status == "closed" {
        return Err(AppError::Conflict("检查考核已结束".into()));
    }
    let mut e = FieldErrors::new();
    let group = match f.group_id.trim() {
        "" => None,
        g => match parse_i64(g).filter(|g| v.groups.iter().any(|x| x.id == *g)) {
            Some(g) => Some(g),
            None => {
                e.insert("group_id".into(), "所选检查组不属于本次检查考核".into());
                None
            }
        },
    };
    let visit_on = opt_date(&mut e, "visit_on", "检查日期", &f.visit_on);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    setup::assign(&mut tx, &p.actor(), unit_id, group, visit_on.as_deref()).await?;
    tx.commit().await?;
    unit(st, p, unit_id).await
}

// ------------------------------------------------------------------------------ the spot check

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SpotForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// random / kind / list / all
    #[serde(deserialize_with = "lenient")]
    pub rule: String,
    /// For `kind`: a kind of unit (code).
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// For `list`: units of the campaign (inspection_units ids).
    #[serde(deserialize_with = "id_list")]
    pub unit_ids: String,
    /// For `random`: how many.
    #[serde(deserialize_with = "lenient")]
    pub count: String,
    /// For `random`: the seed (blank: a new one, recorded).
    #[serde(deserialize_with = "lenient")]
    pub seed: String,
}

/// The next number of a splitmix64 stream (a fixed, documented generator: the same seed draws
/// the same units on every machine and in every later version).
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draws `n` of `ids` with `seed`: the ids sorted first, then a partial Fisher–Yates shuffle
/// with splitmix64; the drawn ids in ascending order. Pure and reproducible.
pub fn draw(ids: &[i64], n: usize, seed: u64) -> Vec<i64> {
    let mut v: Vec<i64> = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    let n = n.min(v.len());
    let mut state = seed;
    for i in 0..n {
        let left = (v.len() - i) as u64;
        let j = i + usize::try_from(splitmix(&mut state) % left).unwrap_or(0);
        v.swap(i, j);
    }
    let mut out: Vec<i64> = v.into_iter().take(n).collect();
    out.sort_unstable();
    out
}

/// Chooses the spot-checked units by the rule; the rule (and for a random draw the seed) is
/// kept and shown. Returns the chosen units' rows.
pub async fn spot(st: &AppState, p: &Principal, id: i64, f: &SpotForm) -> AppResult<Vec<i64>> {
    let c = organised(st, p, id).await?;
    if c.status == "closed" {
        return Err(AppError::Conflict("检查考核已结束".into()));
    }
    let units = setup::units(&st.db, id).await?;
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let mut seed = None;
    let (rule, chosen): (String, Vec<(i64, String)>) = match f.rule.trim() {
        "all" => ("all".into(), units.iter().map(|u| (u.id, "全部抽查".to_string())).collect()),
        "kind" => match OrgKind::from_code(f.kind.trim()).filter(|k| UNIT_KINDS.contains(k)) {
            Some(k) => (format!("kind:{}", k.code()), units.iter().filter(|u| u.org_kind == k.code()).map(|u| (u.id, format!("按类型：{}", k.label()))).collect()),
            None => {
                e.insert("kind".into(), "请选择单位类型".into());
                (String::new(), vec![])
            }
        },
        "list" => {
            let ids = ids_in(&f.unit_ids);
            if ids.iter().any(|i| !units.iter().any(|u| u.id == *i)) {
                e.insert("unit_ids".into(), "所选单位不在本次检查考核的受检范围内".into());
            }
            ("list".into(), ids.into_iter().map(|i| (i, "指定抽查".to_string())).collect())
        }
        "random" => {
            let n = match f.count.trim().parse::<usize>() {
                Ok(n) if n >= 1 && n <= units.len() => n,
                _ => {
                    e.insert("count".into(), format!("抽取数量应为 1～{} 个", units.len().max(1)));
                    0
                }
            };
            let s = match f.seed.trim() {
                "" => i64::from(rand::random::<u32>()),
                x => match x.parse::<u32>() {
                    Ok(s) => i64::from(s),
                    Err(_) => {
                        e.insert("seed".into(), "随机种子应为 0～4294967295 的整数，留空自动生成".into());
                        0
                    }
                },
            };
            seed = Some(s);
            let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
            (format!("random:{n}"), draw(&ids, n, u64::try_from(s).unwrap_or(0)).into_iter().map(|i| (i, format!("随机抽取（种子 {s}）"))).collect())
        }
        _ => {
            e.insert("rule".into(), "请选择抽查方式".into());
            (String::new(), vec![])
        }
    };
    if e.is_empty() && chosen.is_empty() {
        e.insert("rule".into(), "按此方式没有抽到任何单位".into());
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    setup::set_spot(&mut tx, &p.actor(), id, version, &rule, seed, &chosen).await?;
    tx.commit().await?;
    Ok(chosen.into_iter().map(|c| c.0).collect())
}

// ------------------------------------------------------------------------------ 待办

/// The units whose 党务 staff or 书记 the caller is (those who answer for a unit's part of the
/// inspection: its self-check, its findings' 整改), if any.
pub fn unit_staff_scope(p: &Principal) -> Option<Scope> {
    use lianzheng_core::org::{GrantedRole, Role};
    let unit_roles: Vec<_> = p.grants.iter().filter(|g| matches!(g.role(), Some(Role::PartyStaff | Role::Secretary))).collect();
    if unit_roles.is_empty() || !p.can(Permission::ViewInspection) {
        return None;
    }
    let scope = Scope::of_grants(unit_roles.iter().map(|g| GrantedRole { role: g.role().unwrap_or(Role::Cadre), org_path: g.org_path.as_deref() }), Permission::ViewInspection);
    (!scope.is_empty()).then_some(scope)
}

/// 待办: for a unit's 党务 staff and 书记, "自查自评 due <date>" for each open campaign covering
/// their unit; for a group's leader and members, their coming visits.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        let t = calendar::today();
        let today = format_date(t);
        let near = format_date(calendar::add_workdays(st, t, 3).await?);
        if let Some(scope) = unit_staff_scope(p) {
            let due = setup::self_checks_due(&st.db, &scope, SELF_CHECK_PHASE, &today).await?;
            let mut seen = BTreeSet::new();
            for d in due {
                if !seen.insert(d.unit_id) {
                    continue;
                }
                let urgency = if d.due_on <= near { Urgency::Near } else { Urgency::Normal };
                items.push(
                    TodoItem::new("inspection.self_check", format!("自查自评 {} 前完成（{}）", written_date(&d.due_on), d.title), 1, format!("/inspection/units/{}", d.unit_id), urgency)
                        .with_details(vec![format!("{}：按资料清单准备材料，形成自查报告", d.org_name)]),
                );
            }
        }
        if let Some(me) = p.user.person_id {
            let visits = setup::visits_of(&st.db, me, &today).await?;
            if !visits.is_empty() {
                let first = &visits[0];
                let urgency = if first.visit_on <= near { Urgency::Near } else { Urgency::Normal };
                let details = visits.iter().map(|v| format!("{} {}（{}）", written_date(&v.visit_on), v.org_name, v.title)).collect();
                let href = if visits.len() == 1 { format!("/inspection/units/{}", first.unit_id) } else { "/inspection".to_string() };
                items.push(TodoItem::new("inspection.visit", "检查组实地检查", visits.len() as i64, href, urgency).with_details(details));
            }
        }
        Ok(items)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_units() {
        let ids: Vec<i64> = (1..=40).collect();
        let a = draw(&ids, 6, 20261202);
        assert_eq!(a.len(), 6);
        let mut shuffled = ids.clone();
        shuffled.reverse();
        assert_eq!(draw(&shuffled, 6, 20261202), a, "the order the units come in does not matter");
        assert_ne!(draw(&ids, 6, 7), a, "another seed, another draw");
        assert_eq!(draw(&ids, 99, 1).len(), 40, "never more than there are");
        assert!(draw(&[], 3, 1).is_empty());
        // a fixed figure: a later change of the generator would change past draws
        assert_eq!(draw(&[1, 2, 3, 4, 5], 2, 42), draw(&[5, 4, 3, 2, 1], 2, 42));
    }

    #[test]
    fn forms_from_pairs_keep_repeated_fields_and_phases_in_order() {
        let pairs: Vec<(String, String)> = [("name", "第一组"), ("member_ids", "3"), ("member_ids", "5"), ("unit_ids", "9")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let g: GroupForm = from_pairs(&pairs);
        assert_eq!(ids_in(&g.member_ids), vec![3, 5]);
        let pairs: Vec<(String, String)> = [("title", "t"), ("phase_name", "通知"), ("phase_start", "2026-11-01"), ("phase_end", ""), ("phase_name", "自查自评"), ("phase_start", ""), ("phase_end", "2026-12-05")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let f = EditForm::from_pairs(&pairs);
        assert_eq!(f.phases.len(), 2);
        assert_eq!(f.phases[1].ends_on, "2026-12-05");
        assert_eq!(spot_text(Some("random:5"), Some(77)).unwrap_or_default(), "随机抽取 5 个单位，随机种子 77（以同一种子重抽结果相同）");
    }
}
