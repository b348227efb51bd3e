//! 检查考核 pages: the list of campaigns (and the 纪委's new-campaign form), a campaign (its
//! phases, checklist, units, groups and spot check; the organiser's forms to set it up and to
//! issue the notice), a unit's own part (with the 个别谈话 records for its group and the
//! organiser) and a talk record. Form → `app::inspection::{campaigns, talks}` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::Permission;

use crate::app::inspection::campaigns::{self as uc, AssignForm, Campaign, CampaignView, EditForm, GroupForm, IssueForm, NewForm, SPOT_RULES, SpotForm, UNIT_KINDS, UnitView, UnitsForm, from_pairs, id_of, ids_in};
use crate::app::inspection::talks::{self, Talk, TalkForm};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm};
use crate::layout::{Errs, Layout};
use crate::pages::render_status;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspection", get(index).post(create))
        .route("/inspection/{id}", get(show).post(update))
        .route("/inspection/{id}/units", post(units))
        .route("/inspection/{id}/issue", post(issue))
        .route("/inspection/{id}/groups", post(add_group))
        .route("/inspection/{id}/spot", post(spot))
        .route("/inspection/{id}/notice.docx", get(document))
        .route("/inspection/units/{id}", get(unit).post(assign))
        .route("/inspection/units/{id}/talks", post(add_talk))
        .route("/inspection/talks/{id}", get(talk).post(update_talk))
}

/// Where the tab bar of 考责 stands.
pub const AT: &str = "/inspection";

#[derive(Template)]
#[template(path = "inspection_campaigns.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Campaign>,
    can_create: bool,
    form: NewForm,
    errors: Errs,
}

async fn list_page(st: &AppState, p: &Principal, form: NewForm, errors: FieldErrors) -> AppResult<Response> {
    let rows = uc::list(st, p, None).await?;
    let failed = !errors.is_empty();
    render_status(&ListPage { l: Layout::new(st, p, "检查考核", AT), rows, can_create: p.can(Permission::ManageInspection), form, errors: Errs(errors) }, failed)
}

pub async fn index(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    list_page(&st, &p, NewForm::default(), FieldErrors::new()).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<NewForm>) -> AppResult<Response> {
    match uc::create(&st, &p, &f).await {
        Ok(id) => Ok(flash::redirect(&st, &format!("/inspection/{id}"), Flash::Created)),
        Err(AppError::Invalid { fields, .. }) => list_page(&st, &p, f, fields).await,
        Err(e) => Err(e),
    }
}

/// The forms of the campaign page, as typed (kept on a validation error).
#[derive(Default)]
struct Forms {
    edit: Option<EditForm>,
    units: UnitsForm,
    issue: IssueForm,
    group: GroupForm,
    spot: SpotForm,
}

#[derive(Template)]
#[template(path = "inspection_campaign.html")]
struct ShowPage {
    l: Layout,
    v: CampaignView,
    edit: EditForm,
    units: UnitsForm,
    issue: IssueForm,
    group: GroupForm,
    spot: SpotForm,
    errors: Errs,
    roots: Vec<(OrgId, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    people: Vec<(PersonId, String, String)>,
    rules: &'static [(&'static str, &'static str)],
    /// unit row → the state of its 自查报告 (none: not begun)
    selfchecks: std::collections::HashMap<i64, &'static str>,
}

impl ShowPage {
    fn selfcheck(&self, unit: &i64) -> &'static str {
        self.selfchecks.get(unit).copied().unwrap_or("未开始")
    }
    fn kind_checked(&self, code: &str) -> bool {
        self.units.kinds.split(',').any(|k| k.trim() == code)
    }
    fn member_checked(&self, id: &PersonId) -> bool {
        ids_in(&self.group.member_ids).contains(&id.get())
    }
    fn unit_in_group(&self, id: &i64) -> bool {
        ids_in(&self.group.unit_ids).contains(id)
    }
    fn unit_in_spot(&self, id: &i64) -> bool {
        ids_in(&self.spot.unit_ids).contains(id)
    }
    /// The error of the n-th phase row (1-based), or "".
    fn phase_err(&self, n: &usize) -> &str {
        self.errors.msg(&format!("phase_{n}"))
    }
}

async fn show_with(st: &AppState, p: &Principal, id: i64, forms: Forms, errors: FieldErrors) -> AppResult<Response> {
    let v = uc::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let (roots, people) = if v.can_manage { (uc::roots(st, p).await?, uc::inspectors(st, p).await?) } else { (vec![], vec![]) };
    let edit = forms.edit.unwrap_or_else(|| EditForm::of(&v));
    let mut units = forms.units;
    if units.kinds.is_empty() && units.root_id.is_empty() {
        units.kinds = v.campaign.scope_kinds.clone().unwrap_or_else(|| "party_committee,party_group,township,unit".into());
        units.root_id = v.campaign.scope_root_id.map(|r| r.to_string()).or_else(|| roots.first().map(|r| r.0.to_string())).unwrap_or_default();
    }
    let mut issue = forms.issue;
    if issue.doc_number.is_empty() {
        issue.doc_number = uc::suggested_number(&v.campaign);
    }
    let mut spot = forms.spot;
    if spot.rule.is_empty() {
        spot.rule = "random".into();
    }
    let title = v.campaign.title.clone();
    let kinds = UNIT_KINDS.iter().map(|k| (k.code(), k.label())).collect();
    let selfchecks = crate::app::inspection::selfchecks::statuses(st, &v).await?;
    render_status(&ShowPage { l: Layout::new(st, p, &title, AT), v, edit, units, issue, group: forms.group, spot, errors: Errs(errors), roots, kinds, people, rules: SPOT_RULES, selfchecks }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    show_with(&st, &p, id_of(&id)?, Forms::default(), FieldErrors::new()).await
}

/// After a form: back to the campaign with a flash, or the page again with the form as typed.
async fn after(st: &AppState, p: &Principal, id: i64, r: AppResult<()>, flash: Flash, forms: Forms) -> AppResult<Response> {
    match r {
        Ok(()) => Ok(flash::redirect(st, &format!("/inspection/{id}"), flash)),
        Err(AppError::Invalid { fields, .. }) => show_with(st, p, id, forms, fields).await,
        Err(e) => Err(e),
    }
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let f = EditForm::from_pairs(&pairs);
    let r = uc::update(&st, &p, id, &f).await;
    after(&st, &p, id, r, Flash::Saved, Forms { edit: Some(f), ..Forms::default() }).await
}

pub async fn units(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let f: UnitsForm = from_pairs(&pairs);
    let r = uc::set_units(&st, &p, id, &f).await.map(|_| ());
    after(&st, &p, id, r, Flash::Saved, Forms { units: f, ..Forms::default() }).await
}

pub async fn issue(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<IssueForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let r = uc::issue(&st, &p, id, &f).await;
    after(&st, &p, id, r, Flash::Issued, Forms { issue: f, ..Forms::default() }).await
}

pub async fn add_group(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let f: GroupForm = from_pairs(&pairs);
    let r = uc::add_group(&st, &p, id, &f).await.map(|_| ());
    after(&st, &p, id, r, Flash::Added, Forms { group: f, ..Forms::default() }).await
}

pub async fn spot(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let f: SpotForm = from_pairs(&pairs);
    let r = uc::spot(&st, &p, id, &f).await.map(|_| ());
    after(&st, &p, id, r, Flash::Saved, Forms { spot: f, ..Forms::default() }).await
}

pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

// ------------------------------------------------------------------------------ a unit's part

#[derive(Template)]
#[template(path = "inspection_unit.html")]
struct UnitPage {
    l: Layout,
    v: UnitView,
    assign: AssignForm,
    talks: Vec<Talk>,
    talk: TalkForm,
    findings: Vec<crate::app::inspection::findings::Finding>,
    errors: Errs,
}

async fn unit_with(st: &AppState, p: &Principal, id: i64, assign: Option<AssignForm>, talk: TalkForm, errors: FieldErrors) -> AppResult<Response> {
    let v = uc::unit(st, p, id).await?;
    let talks = if v.sees_talks { talks::list(st, p, id).await? } else { vec![] };
    let findings = crate::app::inspection::findings::of_unit(st, p, id).await?;
    let failed = !errors.is_empty();
    let assign = assign.unwrap_or_else(|| AssignForm { group_id: v.unit.group_id.map(|g| g.to_string()).unwrap_or_default(), visit_on: v.unit.visit_on.clone().unwrap_or_default() });
    // the visit's day once it has come, else today (a talk is never dated in the future)
    let today = talks::today();
    let day = v.unit.visit_on.clone().filter(|d| *d <= today).unwrap_or(today);
    let talk = if talk.talked_on.is_empty() && talk.record.is_empty() { TalkForm { talked_on: day, ..talk } } else { talk };
    let title = format!("{} · {}", v.unit.org_name, v.campaign.title);
    render_status(&UnitPage { l: Layout::new(st, p, &title, AT), v, assign, talks, talk, findings, errors: Errs(errors) }, failed)
}

pub async fn unit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    unit_with(&st, &p, id_of(&id)?, None, TalkForm::default(), FieldErrors::new()).await
}

pub async fn assign(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<AssignForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::assign(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/units/{id}"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => unit_with(&st, &p, id, Some(f), TalkForm::default(), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn add_talk(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<TalkForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match talks::create(&st, &p, id, &f).await {
        Ok(t) => Ok(flash::redirect(&st, &format!("/inspection/talks/{}", t.id), Flash::Added)),
        Err(AppError::Invalid { fields, .. }) => unit_with(&st, &p, id, None, f, fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "inspection_talk.html")]
struct TalkPage {
    l: Layout,
    t: Talk,
    v: UnitView,
    form: TalkForm,
    errors: Errs,
}

async fn talk_with(st: &AppState, p: &Principal, id: i64, form: Option<TalkForm>, errors: FieldErrors) -> AppResult<Response> {
    let (t, v) = talks::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let form = form.unwrap_or_else(|| TalkForm::of(&t));
    let title = format!("个别谈话记录 · {}", t.org_name);
    render_status(&TalkPage { l: Layout::new(st, p, &title, AT), t, v, form, errors: Errs(errors) }, failed)
}

pub async fn talk(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    talk_with(&st, &p, id_of(&id)?, None, FieldErrors::new()).await
}

pub async fn update_talk(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<TalkForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match talks::update(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/talks/{id}"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => talk_with(&st, &p, id, Some(f), fields).await,
        Err(e) => Err(e),
    }
}
