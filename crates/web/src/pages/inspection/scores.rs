//! Scoring pages: a unit's score sheet (its self-score for the unit, one's own sheet for an
//! inspector), the group leader's reconciliation (each inspector's points side by side, the
//! differences marked), and a campaign's results (standard picked, totals, grades, ranks, the
//! approval, XLSX and DOCX). A stale save answers 409 with everything typed still in the form.

use crate::app::inspection::selfchecks::materials::MaterialView;
use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::scores::{self as uc, ApproveForm, FINAL, INSPECTOR, PickForm, Results, SELF, Sheet, SheetInput, UnitScores};
use crate::app::inspection::standards::{Node, points_text};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, lenient};
use crate::layout::{Errs, Layout};
use crate::pages::render_status;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspection/units/{id}/scores", get(sheet))
        .route("/inspection/units/{id}/scores/self", post(save_self))
        .route("/inspection/units/{id}/scores/inspector", post(save_inspector))
        .route("/inspection/units/{id}/scores/final", post(save_final))
        .route("/inspection/units/{id}/reconcile", get(reconcile))
        .route("/inspection/{id}/results", get(results))
        .route("/inspection/{id}/standard", post(pick))
        .route("/inspection/{id}/results/approve", post(approve))
        .route("/inspection/{id}/results.xlsx", get(export))
        .route("/inspection/{id}/results.docx", get(document))
}

const AT: &str = "/inspection";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SheetQuery {
    #[serde(deserialize_with = "lenient")]
    sheet: String,
}

/// What the score sheet and the reconciliation read of their form: a value by key (`c_<item>`,
/// `r_<indicator>`, …) as stored or as typed, and its error.
trait SheetForm {
    fn vals(&self) -> &HashMap<String, String>;
    fn errs(&self) -> &Errs;
    fn val(&self, k: impl AsRef<str>) -> &str {
        self.vals().get(k.as_ref()).map_or("", String::as_str)
    }
    fn key(&self, prefix: &str, id: impl std::fmt::Display) -> String {
        format!("{prefix}_{id}")
    }
    fn has(&self, k: impl AsRef<str>) -> bool {
        self.errs().has(k.as_ref())
    }
    fn msg(&self, k: impl AsRef<str>) -> &str {
        self.errs().msg(k.as_ref())
    }
    /// Whether the form's value of `k` is `v` (a select's option, a checkbox).
    fn is(&self, k: impl AsRef<str>, v: impl std::fmt::Display) -> bool {
        self.val(k) == v.to_string()
    }
    fn pts(&self, t: impl std::borrow::Borrow<i64>) -> String {
        points_text(*t.borrow())
    }
}

#[derive(Template)]
#[template(path = "inspection_score_sheet.html")]
struct SheetPage {
    l: Layout,
    s: UnitScores,
    /// self | inspector | "" (read only)
    sheet: &'static str,
    /// The form's values (as stored, or as typed when refused).
    vals: HashMap<String, String>,
    errors: Errs,
    me: i64,
    /// The unit's materials filed per indicator, shown beside it.
    materials: HashMap<i64, Vec<MaterialView>>,
}

impl SheetForm for SheetPage {
    fn vals(&self) -> &HashMap<String, String> {
        &self.vals
    }
    fn errs(&self) -> &Errs {
        &self.errors
    }
}

impl SheetPage {
    fn materials_of(&self, indicator: &i64) -> &[MaterialView] {
        self.materials.get(indicator).map_or(&[], Vec::as_slice)
    }
    fn shown(&self) -> Option<&Sheet> {
        match self.sheet {
            SELF => self.s.own.as_ref(),
            INSPECTOR => self.s.my_sheet(self.me),
            _ => None,
        }
    }
    fn row_points(&self, n: &Node) -> String {
        self.shown().map_or_else(|| points_text(n.max_tenths), |sh| sh.points_text(n))
    }
    fn total_text(&self) -> String {
        self.shown().map_or_else(|| self.s.max_text(), |sh| sh.total.text())
    }
}

/// The stored sheet as form values.
fn vals_of(sheet: Option<&Sheet>, nodes: &[Node]) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for n in nodes.iter().filter(|n| n.leaf) {
        let id = n.ind.id;
        let r = sheet.and_then(|s| s.row(id));
        m.insert(format!("v_{id}"), r.map(|r| r.row.version.to_string()).unwrap_or_default());
        m.insert(format!("r_{id}"), r.and_then(|r| r.row.reason.clone()).unwrap_or_default());
        m.insert(format!("e_{id}"), r.and_then(|r| r.row.evidence.clone()).unwrap_or_default());
        for i in &n.items {
            let c = r.and_then(|r| r.items.get(&i.id).copied()).unwrap_or(0);
            m.insert(format!("c_{}", i.id), if c > 0 { c.to_string() } else { String::new() });
        }
    }
    m
}

fn sheet_of(s: &UnitScores, q: &str) -> &'static str {
    match q {
        "self" if s.part.unit || s.part.sees_sheets() => SELF,
        "inspector" if s.part.inspector => INSPECTOR,
        _ if s.part.inspector => INSPECTOR,
        _ if s.part.unit || s.part.sees_sheets() => SELF,
        _ => "",
    }
}

async fn sheet_with(st: &AppState, p: &Principal, id: i64, q: &str, typed: Option<HashMap<String, String>>, errors: FieldErrors, status: Option<StatusCode>) -> AppResult<Response> {
    let s = uc::unit(st, p, id).await?;
    let me = p.user.person_id.map_or(0, |x| x.get());
    let sheet = sheet_of(&s, q);
    let vals = typed.unwrap_or_else(|| {
        let stored = match sheet {
            SELF => s.own.as_ref(),
            INSPECTOR => s.my_sheet(me),
            _ => None,
        };
        vals_of(stored, &s.nodes)
    });
    let failed = !errors.is_empty();
    let title = format!("评分 · {}", s.v.unit.org_name);
    let back = format!("/inspection/units/{id}");
    let name = s.v.unit.org_name.clone();
    let materials = crate::app::inspection::selfchecks::materials::by_indicator(st, p, id).await?;
    let mut r = render_status(&SheetPage { l: Layout::new(st, p, &title, AT).crumb(back, name), s, sheet, vals, errors: Errs(errors), me, materials }, failed)?;
    if let Some(c) = status {
        *r.status_mut() = c;
    }
    Ok(r)
}

pub async fn sheet(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<SheetQuery>) -> AppResult<Response> {
    sheet_with(&st, &p, id_of(&id)?, &q.sheet, None, FieldErrors::new(), None).await
}

/// Saves a sheet from the page: the pairs read against the standard; on a form error or a
/// conflict the page comes back with what was typed.
async fn save_page(st: &AppState, p: &Principal, id: i64, which: &'static str, pairs: Vec<(String, String)>) -> AppResult<Response> {
    let s = uc::unit(st, p, id).await?;
    let input = SheetInput::from_pairs(&pairs, &s.nodes);
    let typed: HashMap<String, String> = pairs.into_iter().collect();
    let (back, q) = if which == FINAL { (format!("/inspection/units/{id}/reconcile"), "") } else { (format!("/inspection/units/{id}/scores?sheet={which}"), which) };
    let refused = |errors: FieldErrors, status: Option<StatusCode>| async move {
        if which == FINAL { reconcile_with(st, p, id, Some(typed), errors, status).await } else { sheet_with(st, p, id, q, Some(typed), errors, status).await }
    };
    match uc::save(st, p, id, which, &input).await {
        Ok(_) => Ok(flash::redirect(st, &back, Flash::Saved)),
        Err(AppError::Invalid { fields, message }) => {
            let mut f = fields;
            if f.is_empty() {
                f.insert("form".into(), message);
            }
            refused(f, None).await
        }
        Err(AppError::Conflict(m)) => {
            let mut f = FieldErrors::new();
            f.insert("conflict".into(), m);
            refused(f, Some(StatusCode::CONFLICT)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn save_self(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    save_page(&st, &p, id_of(&id)?, SELF, pairs).await
}

pub async fn save_inspector(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    save_page(&st, &p, id_of(&id)?, INSPECTOR, pairs).await
}

pub async fn save_final(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    save_page(&st, &p, id_of(&id)?, FINAL, pairs).await
}

#[derive(Template)]
#[template(path = "inspection_score_reconcile.html")]
struct ReconcilePage {
    l: Layout,
    s: UnitScores,
    vals: HashMap<String, String>,
    errors: Errs,
}

impl SheetForm for ReconcilePage {
    fn vals(&self) -> &HashMap<String, String> {
        &self.vals
    }
    fn errs(&self) -> &Errs {
        &self.errors
    }
}

impl ReconcilePage {
    fn differ(&self, n: &Node) -> bool {
        self.s.compare_of(n.ind.id).is_some_and(|c| c.differ)
    }
    fn reconciled_text(&self, n: &Node) -> String {
        match self.s.compare_of(n.ind.id).and_then(|c| c.reconciled) {
            Some(p) => {
                let mut t = points_text(p.points);
                if p.bonus > 0 {
                    t.push_str(&format!("（+{}）", points_text(p.bonus)));
                }
                if p.veto {
                    t.push_str("（否决）");
                }
                t
            }
            None => "待协调".into(),
        }
    }
    /// The reason of the final row, if any.
    fn final_reason(&self, n: &Node) -> String {
        self.s.fin.as_ref().and_then(|f| f.row(n.ind.id)).and_then(|r| r.row.reason.clone()).unwrap_or_default()
    }
    /// An inspector's row in words: the items chosen with counts, and the reason.
    fn detail(&self, sh: &Sheet, n: &Node) -> String {
        let Some(r) = sh.row(n.ind.id) else { return String::new() };
        let mut parts: Vec<String> = n.items.iter().filter_map(|i| r.items.get(&i.id).map(|c| if *c > 1 { format!("{}×{c}", i.text) } else { i.text.clone() })).collect();
        if let Some(x) = &r.row.reason {
            parts.push(format!("理由：{x}"));
        }
        parts.join("；")
    }
}

async fn reconcile_with(st: &AppState, p: &Principal, id: i64, typed: Option<HashMap<String, String>>, errors: FieldErrors, status: Option<StatusCode>) -> AppResult<Response> {
    // anyone who sees the unit opens the page; the sheets are shown to the group and the organiser only
    let s = uc::unit(st, p, id).await?;
    let mut vals = typed.unwrap_or_else(|| vals_of(s.fin.as_ref(), &s.nodes));
    for n in s.nodes.iter().filter(|n| n.leaf) {
        vals.entry(format!("f_{}", n.ind.id)).or_default();
    }
    let failed = !errors.is_empty();
    let title = format!("评分协调 · {}", s.v.unit.org_name);
    let back = format!("/inspection/units/{id}/scores");
    let mut r = render_status(&ReconcilePage { l: Layout::new(st, p, &title, AT).crumb(back, "评分"), s, vals, errors: Errs(errors) }, failed)?;
    if let Some(c) = status {
        *r.status_mut() = c;
    }
    Ok(r)
}

pub async fn reconcile(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    reconcile_with(&st, &p, id_of(&id)?, None, FieldErrors::new(), None).await
}

#[derive(Template)]
#[template(path = "inspection_score_results.html")]
struct ResultsPage {
    l: Layout,
    r: Results,
    pick: PickForm,
    errors: Errs,
}

impl ResultsPage {
    /// The standard selected in the pick form: as typed, else the campaign's.
    fn chosen(&self, id: impl std::borrow::Borrow<i64>) -> bool {
        let id = *id.borrow();
        if self.pick.standard_id.is_empty() { self.r.scoring.standard_id == Some(id) } else { self.pick.standard_id == id.to_string() }
    }
    fn pts(&self, t: impl std::borrow::Borrow<i64>) -> String {
        points_text(*t.borrow())
    }
}

async fn results_with(st: &AppState, p: &Principal, id: i64, pick: PickForm, errors: FieldErrors, status: Option<StatusCode>) -> AppResult<Response> {
    let r = uc::results(st, p, id).await?;
    let failed = !errors.is_empty();
    let title = format!("评分结果 · {}", r.campaign.title);
    let back = format!("/inspection/{id}");
    let name = r.campaign.title.clone();
    let mut resp = render_status(&ResultsPage { l: Layout::new(st, p, &title, AT).crumb(back, name), r, pick, errors: Errs(errors) }, failed)?;
    if let Some(c) = status {
        *resp.status_mut() = c;
    }
    Ok(resp)
}

pub async fn results(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    results_with(&st, &p, id_of(&id)?, PickForm::default(), FieldErrors::new(), None).await
}

pub async fn pick(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<PickForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::pick(&st, &p, id, &f).await {
        Ok(()) => Ok(flash::redirect(&st, &format!("/inspection/{id}/results"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => results_with(&st, &p, id, f, fields, None).await,
        Err(AppError::Conflict(m)) => {
            let mut e = FieldErrors::new();
            e.insert("conflict".into(), m);
            results_with(&st, &p, id, f, e, Some(StatusCode::CONFLICT)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn approve(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<ApproveForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::approve(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/{id}/results"), Flash::Approved)),
        Err(AppError::Invalid { message, .. }) => {
            let mut e = FieldErrors::new();
            e.insert("approve".into(), message);
            results_with(&st, &p, id, PickForm::default(), e, None).await
        }
        Err(AppError::Conflict(m)) => {
            let mut e = FieldErrors::new();
            e.insert("conflict".into(), m);
            results_with(&st, &p, id, PickForm::default(), e, Some(StatusCode::CONFLICT)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::export(&st, &p, id_of(&id)?).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}
