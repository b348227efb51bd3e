//! Materials (减负): per checklist item of the campaign (the seven kinds of files, `materials`
//! on the campaign) and per last-level indicator of the campaign's scoring standard (the
//! evidence each one asks for) — the unit hands in an upload (content-checked like every
//! upload) or a link to a record already in the system: a 纪实 record, a letter, a talk, a list,
//! an education activity, picked from the unit's own records (another unit's id is 404), so
//! nothing is asked for twice. The unit, its group and the organiser see them; the inspectors
//! find an indicator's materials beside it on their score sheet.

use lianzheng_core::ids::AttachmentId;
use lianzheng_core::org::{Permission, Scope, SystemScope};
pub use lianzheng_store::inspection::selfchecks::REF_KINDS;
use std::collections::HashMap;

use lianzheng_store::inspection::scores as scores_store;
use lianzheng_store::inspection::selfchecks::{self as store, Material, NewMaterial};
use lianzheng_store::inspection::standards as standards_store;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::super::campaigns::{self, UnitView};
use super::writes;
use crate::app::files::{self, Owner, Upload};
use crate::app::inspection::standards::{Node, tree};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::lenient;
use crate::state::AppState;

/// A material as shown: where it opens.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialView {
    #[serde(flatten)]
    pub m: Material,
    pub kind_label: &'static str,
    pub href: String,
}

/// A checklist item, or an indicator of the scoring standard, and what was handed in for it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    /// The checklist item's number (0 for an indicator).
    pub no: i64,
    /// The indicator (None for a checklist item).
    pub indicator_id: Option<i64>,
    /// "1.2 工作计划" or the checklist item's text.
    pub title: String,
    /// The evidence the indicator asks for.
    pub hint: Option<String>,
    pub materials: Vec<MaterialView>,
}

impl ItemView {
    /// The slot's key in the page (its anchor, where a refused form's errors show).
    pub fn key(&self) -> String {
        match self.indicator_id {
            Some(i) => format!("ind-{i}"),
            None => format!("item-{}", self.no),
        }
    }
}

/// The unit's records of one kind a material may link to.
#[derive(Debug, Clone, Serialize)]
pub struct Linkable {
    pub kind: &'static str,
    pub label: &'static str,
    /// (id, title, date)
    pub rows: Vec<(i64, String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialsView {
    pub unit: UnitView,
    pub items: Vec<ItemView>,
    /// The last-level indicators of the campaign's scoring standard (none before it is picked).
    pub indicators: Vec<ItemView>,
    /// Materials filed where the list no longer has a place (a checklist item or indicator
    /// since removed).
    pub others: Vec<MaterialView>,
    pub linkable: Vec<Linkable>,
    pub can_write: bool,
}

fn href(m: &Material) -> String {
    match (m.ref_kind.as_deref(), m.ref_id) {
        (Some("record"), Some(id)) => format!("/conduct/records/{id}"),
        (Some("letter"), Some(id)) => format!("/duty/letters/{id}"),
        (Some("talk"), Some(id)) => format!("/conduct/talks/{id}"),
        (Some("list"), Some(id)) => format!("/duty/lists/{id}"),
        (Some("education"), Some(id)) => format!("/conduct/education/{id}"),
        _ => format!("/inspection/materials/{}/file", m.id),
    }
}

fn view(m: Material) -> MaterialView {
    let kind_label = match m.ref_kind.as_deref() {
        Some(k) => REF_KINDS.iter().find(|x| x.0 == k).map_or("", |x| x.1),
        None => "上传文件",
    };
    MaterialView { href: href(&m), kind_label, m }
}

/// The unit's materials: whoever sees the unit's part; 404 otherwise.
pub async fn list(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<MaterialsView> {
    let unit = campaigns::unit(st, p, unit_id).await?;
    let can_write = unit.campaign.status == "open" && writes(p, &unit.unit.org_path);
    let mut all: Vec<MaterialView> = store::materials(&st.db, unit_id).await?.into_iter().map(view).collect();
    let mut items = Vec::new();
    for (i, title) in unit.materials.iter().enumerate() {
        let no = i as i64 + 1;
        let (mine, rest): (Vec<_>, Vec<_>) = all.into_iter().partition(|m| m.m.item_no == Some(no));
        all = rest;
        items.push(ItemView { no, indicator_id: None, title: title.clone(), hint: None, materials: mine });
    }
    let mut indicators = Vec::new();
    for n in leaves(st, unit.campaign.id).await? {
        let (mine, rest): (Vec<_>, Vec<_>) = all.into_iter().partition(|m| m.m.indicator_id == Some(n.ind.id));
        all = rest;
        indicators.push(ItemView { no: 0, indicator_id: Some(n.ind.id), title: format!("{} {}", n.number, n.ind.name), hint: n.ind.evidence.clone(), materials: mine });
    }
    let mut linkable = Vec::new();
    if can_write {
        for (kind, label) in REF_KINDS {
            let rows = store::linkable(&st.db, kind, &unit.unit.org_path, unit.campaign.year).await?.unwrap_or_default();
            linkable.push(Linkable { kind, label, rows });
        }
    }
    Ok(MaterialsView { unit, items, indicators, others: all, linkable, can_write })
}

/// The last-level indicators of the campaign's scoring standard, numbered; none before one is picked.
async fn leaves(st: &AppState, campaign_id: i64) -> AppResult<Vec<Node>> {
    let Some(standard_id) = scores_store::scoring(&st.db, campaign_id).await?.and_then(|s| s.standard_id) else { return Ok(vec![]) };
    let inds = standards_store::indicators(&st.db, standard_id).await?;
    Ok(tree(&inds, &[]).into_iter().filter(|n| n.leaf).collect())
}

/// The materials of a unit filed per indicator (the inspectors' score sheet shows them beside
/// each indicator): indicator → materials. For whoever sees the unit's part.
pub async fn by_indicator(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<HashMap<i64, Vec<MaterialView>>> {
    campaigns::unit(st, p, unit_id).await?;
    let mut out: HashMap<i64, Vec<MaterialView>> = HashMap::new();
    for m in store::materials(&st.db, unit_id).await? {
        if let Some(i) = m.indicator_id {
            out.entry(i).or_default().push(view(m));
        }
    }
    Ok(out)
}

/// A link to a record: the checklist item (or indicator), the kind and the record's id.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LinkForm {
    #[serde(deserialize_with = "lenient")]
    pub item_no: String,
    #[serde(deserialize_with = "lenient")]
    pub indicator_id: String,
    /// record / letter / talk / list / education, or "kind:id" from the page's one picker
    #[serde(deserialize_with = "lenient")]
    pub ref_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub ref_id: String,
}

/// Where a material is filed: a checklist item of the campaign, or an indicator.
fn place(u: &UnitView, leaves: &[Node], item_no: &str, indicator_id: &str) -> AppResult<(Option<i64>, Option<i64>)> {
    let item = match item_no.trim() {
        "" => None,
        s => Some(s.parse::<i64>().ok().filter(|n| *n >= 1 && (*n as usize) <= u.materials.len()).ok_or_else(|| AppError::field("item_no", "资料清单中没有这一项"))?),
    };
    // an indicator of the campaign's own scoring standard, last-level (the scored ones)
    let indicator = match indicator_id.trim() {
        "" => None,
        s => {
            let id = s.parse::<i64>().ok().filter(|n| *n > 0);
            Some(id.filter(|id| leaves.iter().any(|n| n.ind.id == *id)).ok_or_else(|| AppError::field("indicator_id", "本次检查考核的评分标准中没有这一指标"))?)
        }
    };
    if item.is_none() && indicator.is_none() {
        return Err(AppError::field("item_no", "请选择资料清单中的一项或一项评分指标"));
    }
    Ok((item, indicator))
}

/// The unit's part if the caller writes for it now (403 for a reader, 409 when not open).
async fn writable(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<UnitView> {
    let u = campaigns::unit(st, p, unit_id).await?;
    if !writes(p, &u.unit.org_path) {
        return Err(AppError::Forbidden);
    }
    if u.campaign.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能报送资料".into()));
    }
    Ok(u)
}

/// Links a record of the unit's own as a material; another unit's record (or none) is 404.
pub async fn link(st: &AppState, p: &Principal, unit_id: i64, f: &LinkForm) -> AppResult<i64> {
    let u = writable(st, p, unit_id).await?;
    let (item, indicator) = place(&u, &leaves(st, u.campaign.id).await?, &f.item_no, &f.indicator_id)?;
    let (kind, id) = match f.ref_kind.split_once(':') {
        Some((k, i)) if f.ref_id.trim().is_empty() => (k.trim().to_string(), i.trim().to_string()),
        _ => (f.ref_kind.trim().to_string(), f.ref_id.trim().to_string()),
    };
    let Some(kind) = REF_KINDS.iter().map(|k| k.0).find(|k| *k == kind) else {
        return Err(AppError::field("ref_kind", "请选择本单位已有的记录"));
    };
    let id = id.parse::<i64>().ok().filter(|n| *n > 0).ok_or(AppError::NotFound)?;
    let (_, title, _) = store::linked(&st.db, kind, &u.unit.org_path, id).await?;
    let mut tx = st.db.begin().await?;
    let mid = store::add_material(
        &mut tx,
        &p.actor(),
        &NewMaterial { unit_id, item_no: item, indicator_id: indicator, attachment_id: None, ref_kind: Some(kind), ref_id: Some(id), title: &title, created_by: Some(p.user.id.get()) },
    )
    .await?;
    tx.commit().await?;
    Ok(mid)
}

/// Files an upload as a material (checked by content like every upload).
pub async fn upload(st: &AppState, p: &Principal, unit_id: i64, item_no: &str, indicator_id: &str, file: Upload) -> AppResult<i64> {
    let u = writable(st, p, unit_id).await?;
    let (item, indicator) = place(&u, &leaves(st, u.campaign.id).await?, item_no, indicator_id)?;
    let scope = p.require(Permission::UploadAttachments)?;
    let title = file.filename.clone();
    let saved = files::store(st, p, &scope, u.unit.org_id, Owner::General, file).await?;
    let mut tx = st.db.begin().await?;
    let mid = store::add_material(
        &mut tx,
        &p.actor(),
        &NewMaterial { unit_id, item_no: item, indicator_id: indicator, attachment_id: Some(saved.id.get()), ref_kind: None, ref_id: None, title: &title, created_by: Some(p.user.id.get()) },
    )
    .await?;
    tx.commit().await?;
    Ok(mid)
}

/// A material and its unit's part, if the caller sees the unit; 404 otherwise.
async fn find(st: &AppState, p: &Principal, id: i64) -> AppResult<(Material, UnitView)> {
    p.require(Permission::ViewInspection)?;
    let m = store::material(&st.db, id).await?;
    let u = campaigns::unit(st, p, m.unit_id).await?;
    Ok((m, u))
}

/// Takes a material off the list (the unit's writer while open). Returns its unit.
pub async fn remove(st: &AppState, p: &Principal, id: i64) -> AppResult<i64> {
    let (m, _) = find(st, p, id).await?;
    writable(st, p, m.unit_id).await?;
    let mut tx = st.db.begin().await?;
    store::remove_material(&mut tx, &p.actor(), &m).await?;
    tx.commit().await?;
    Ok(m.unit_id)
}

/// An uploaded material's file, for whoever sees the unit (logged).
pub async fn download(st: &AppState, p: &Principal, id: i64) -> AppResult<(String, String, Vec<u8>)> {
    let (m, u) = find(st, p, id).await?;
    let aid = m.attachment_id.ok_or(AppError::NotFound)?;
    // read within the unit's subtree: the caller's right is to the unit's self-check, checked above
    let scope = Scope::system(SystemScope::SelfCheck).within(&u.unit.org_path);
    let a = lianzheng_store::attachments::get_in_scope(&st.db, &scope, AttachmentId::new(aid)).await?;
    let bytes = files::read_bytes(st, &a)?;
    p.log_read(st, "inspection_material.download", "inspection_material", Some(id.to_string()), json!({"unit_id": m.unit_id, "sm3": a.sm3})).await?;
    Ok((a.filename.clone(), a.content_type.clone(), bytes))
}
