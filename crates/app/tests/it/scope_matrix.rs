//! The scope matrix, generated from the operation table (基座加固, item 4).
//!
//! Every API operation of `lianzheng_web::api::all_ops()` and every page GET route is tried by
//! every demo role (and by nobody signed in) with the id of an object inside the role's scope
//! and the id of another unit's object; request bodies that carry ids are tried with the other
//! unit's ids as well. "Inside" is 教育局 (XW-D08), the scope of dw_jyj, sj_jyj, bz_jyj and
//! gb_jyj; "outside" is an object 教育局 may not see (组织部 XW-D03 where it has one).
//!
//! What each case must answer follows from a small table of rules (operation path prefix →
//! the permission it needs) and from the roles' own grants (`Scope::of_grants`), not from a
//! per-role list: never 500; without the permission 403; another unit's object never 2xx for a
//! role whose scope does not cover it; a read inside the scope with the permission 200. Writes
//! inside the scope change data, so for them only "not 500" is asserted. Listings (API and
//! pages) must not show the other unit's object, also when its unit is named in the query
//! (`?org=…&parent=…&org_id=…`). Set SCOPE_MATRIX_LOG=/some/file to get every request and its
//! answer written to /some/file.sqlite and /some/file.postgres.
//!
//! Every page form action the modules declare (`lianzheng_web::modules::page_actions`, which a
//! unit test keeps equal to the POST routes in the page source) is posted by every role with a
//! valid CSRF token, on 教育局's object and another unit's, with the ids of the same side in the
//! form: the roles that may not do it there must be refused (403/404/422) and the database
//! (every table but the audit log) must be unchanged afterwards; the roles that may must not be
//! refused (a form error is fine: the forms are mostly empty).
//!
//! An operation whose path has no permission rule or no resolver here fails the test
//! ("operation X is not in the scope matrix: add its resolver"), and so does a page GET route
//! found in the source of `crates/web/src/pages` but missing from `PAGES`: a new operation joins
//! the matrix the moment it is declared.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use lianzheng_core::access::{Record, Sees, sees_any};
use lianzheng_core::org::{Permission as P, Role, Scope, SystemScope};
use lianzheng_store::audit::Actor;
use lianzheng_store::q_built;
use lianzheng_store::users::{self, Grant, UserInput};
use lianzheng_web::modules::Need;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::both;
use crate::harness::{PW, TestApp};

/// Every demo account, one per role.
const ROLES: &[&str] = &["jw_staff", "dw_jyj", "sj_jyj", "bz_jyj", "jcz", "gb_jyj", "admin", "secadmin", "auditor"];

/// The unit whose objects are "inside" and the unit preferred for "outside".
const INSIDE_UNIT: &str = "XW-D08";
const OUTSIDE_UNIT: &str = "XW-D03";

// ------------------------------------------------------------------------------------ rules

/// What a request needs before it looks at any object.
#[derive(Clone, Copy, Debug)]
enum Gate {
    /// No sign-in needed (sign-in itself).
    Public,
    /// Any signed-in account.
    SignedIn,
    Perm(P),
    /// Either of two permissions.
    Any(P, P),
    /// A permission, and a role that sees every record of a kind in its scope (need-to-know:
    /// 全覆盖 shows every unit's filing, so not for a role that sees only its own lists).
    SeesAll(P, Record),
}

use Gate::{Any, Perm, Public, SeesAll, SignedIn};

/// The permission an API operation needs: `method` is "get", "write" (post, put, delete), an
/// exact method or "*"; `path` is exact or a prefix ending in '*'. The first rule that matches
/// decides. `act` is a second permission checked after the object is found (a plan's items can
/// be seen with ViewDuty but changed only with EditDuty).
struct Rule {
    method: &'static str,
    path: &'static str,
    gate: Gate,
    act: Option<P>,
}

const fn rule(method: &'static str, path: &'static str, gate: Gate, act: Option<P>) -> Rule {
    Rule { method, path, gate, act }
}

const API_RULES: &[Rule] = &[
    rule("*", "/auth/login", Public, None),
    rule("*", "/auth/logout", Public, None),
    rule("get", "/me", SignedIn, None),
    rule("post", "/me/password", SignedIn, None),
    rule("get", "/todo", SignedIn, None),
    rule("get", "/users/{id}/grants", Any(P::ManageGrants, P::ManageAccounts), None),
    rule("post", "/users/{id}/grants", Perm(P::ManageGrants), None),
    rule("*", "/users*", Perm(P::ManageAccounts), None),
    rule("*", "/grants*", Perm(P::ManageGrants), None),
    rule("*", "/password-resets*", Perm(P::ManageGrants), None),
    rule("*", "/audit*", Perm(P::ViewAudit), None),
    rule("*", "/settings", Perm(P::ManageSettings), None),
    // 工作日历: system-wide data, read by everyone signed in, changed by the 系统管理员
    rule("get", "/calendar*", SignedIn, None),
    rule("write", "/calendar*", Perm(P::ManageSettings), None),
    rule("get", "/orgs/import/template.xlsx", Perm(P::ManageOrgs), None),
    rule("get", "/orgs*", Perm(P::ViewOrgs), None),
    rule("write", "/orgs*", Perm(P::ManageOrgs), None),
    rule("get", "/people/import/template.xlsx", Perm(P::ManagePeople), None),
    rule("get", "/people*", Perm(P::ViewPeople), None),
    rule("write", "/people*", Perm(P::ManagePeople), None),
    rule("*", "/attachments*", Perm(P::UploadAttachments), None),
    rule("*", "/duty/letter-flags*", Perm(P::ReviewDuty), None),
    rule("*", "/duty/letter-templates*", Perm(P::EditDuty), None),
    rule("post", "/duty/letters/{id}/sign", Perm(P::SignLetter), None),
    rule("post", "/duty/letters/{id}/scan", Any(P::SignLetter, P::EditDuty), None),
    rule("*", "/duty/phrases", Perm(P::ReviewDuty), None),
    rule("get", "/duty/plan-template.xlsx", Perm(P::EditDuty), None),
    rule("write", "/duty/letters*", Perm(P::EditDuty), None),
    rule("get", "/duty/coverage", SeesAll(P::ViewDuty, Record::DutyList), None),
    rule("post", "/duty/lists/{id}/review", Perm(P::ReviewDuty), None),
    rule("post", "/duty/lists/review", Perm(P::ReviewDuty), None),
    rule("write", "/duty/lists*", Perm(P::EditDuty), None),
    rule("write", "/duty/templates*", Perm(P::ReviewDuty), None),
    rule("post", "/duty/coverage/remind", Perm(P::ReviewDuty), None),
    rule("get", "/duty/templates/{id}", Perm(P::ReviewDuty), None),
    rule("post", "/duty/plans", Perm(P::EditDuty), None),
    rule("post", "/duty/tasks/{id}/reports", Perm(P::ViewDuty), Some(P::ReportProgress)),
    rule("write", "/duty/plans/*", Perm(P::ViewDuty), Some(P::EditDuty)),
    rule("write", "/duty/tasks/*", Perm(P::ViewDuty), Some(P::EditDuty)),
    // 廉政考试: a taker is any account linked to a person the paper names (the use case decides)
    rule("get", "/conduct/exams/mine", SignedIn, None),
    rule("post", "/conduct/exams/papers/{id}/attempts", SignedIn, None),
    rule("*", "/conduct/exams/attempts*", SignedIn, None),
    rule("*", "/conduct/exams*", Perm(P::ManageExams), None),
    rule("get", "/conduct/education*", Perm(P::ViewConduct), None),
    rule("post", "/conduct/education", Perm(P::RecordConduct), None),
    rule("put", "/conduct/education/{id}", Perm(P::ViewConduct), Some(P::RecordConduct)),
    rule("get", "/duty/*", Perm(P::ViewDuty), None),
    rule("get", "/conduct/inquiries", Perm(P::ViewConduct), None),
    rule("get", "/conduct/inquiries/{id}", SeesAll(P::ViewConduct, Record::Inquiry), None),
    rule("write", "/conduct/inquiries*", Perm(P::HandleInquiries), None),
    rule("get", "/conduct/talk-flags", SeesAll(P::ViewConduct, Record::Talk), None),
    rule("post", "/conduct/talks/{id}/confirm", Perm(P::ViewConduct), None),
    rule("write", "/conduct/talks/*", Perm(P::ViewConduct), Some(P::RecordConduct)),
    rule("post", "/conduct/talks", Perm(P::RecordConduct), None),
    rule("post", "/conduct/records", Perm(P::RecordConduct), None),
    rule("write", "/conduct/records/*", Perm(P::ViewConduct), Some(P::RecordConduct)),
    // 抄告单: need-to-know like 谈话函询; the addressee (any role) answers his own, the use case decides
    rule("get", "/conduct/notices", Perm(P::ViewConduct), None),
    rule("get", "/conduct/notices/{id}", SeesAll(P::ViewConduct, Record::Notice), None),
    rule("get", "/conduct/notices/{id}/document.docx", SeesAll(P::ViewConduct, Record::Notice), None),
    rule("post", "/conduct/notices/{id}/answer", Perm(P::ViewConduct), None),
    rule("write", "/conduct/notices*", Perm(P::IssueNotices), None),
    // 廉政档案: a file for the 纪委 and the 书记 (and the person himself); reports filed by the
    // person or his unit's 党务 staff; 处分 registered by the 纪委
    rule("get", "/conduct/archive/family-events/{id}", SeesAll(P::ViewConduct, Record::FamilyEvent), None),
    rule("post", "/conduct/archive/family-events/{id}/review", Perm(P::HandleInquiries), None),
    rule("post", "/conduct/archive/sanctions", Perm(P::HandleInquiries), None),
    rule("write", "/conduct/archive/*", Perm(P::ViewConduct), None),
    rule("get", "/conduct/archive/family-events", Perm(P::ViewConduct), None),
    rule("get", "/conduct/archive/{id}", SeesAll(P::ViewConduct, Record::Archive), None),
    // 述责述廉: the reports are need-to-know (the matrix's inside report is a 机关党支部's,
    // nobody with an account reports in its round); the reporter's and the body's own rules are
    // the use case's (writes only assert "not 500" when the role may act in the scope)
    rule("get", "/conduct/statements/candidates", Perm(P::OrganiseStatements), None),
    rule("get", "/conduct/statements/*", SeesAll(P::ViewConduct, Record::Statement), None),
    rule("post", "/conduct/statements", Perm(P::OrganiseStatements), None),
    rule("write", "/conduct/statements/reports/{id}/points", Perm(P::OrganiseStatements), None),
    rule("write", "/conduct/statements/points/{id}/close", Perm(P::OrganiseStatements), None),
    rule("write", "/conduct/statements/points/{id}/return", Perm(P::OrganiseStatements), None),
    rule("write", "/conduct/statements/*", Perm(P::ViewConduct), None),
    // 廉洁意见回复: the 纪委's own work
    rule("*", "/conduct/replies*", Perm(P::ReplyIntegrity), None),
    rule("get", "/conduct/*", Perm(P::ViewConduct), None),
    // 廉政测评: the organiser's (the public voting page has no operation)
    rule("*", "/inspection/ballots*", Perm(P::ManageInspection), None),
    // 考责 — the campaign: each unit reads its own part, the 纪委 sets it up; 个别谈话 records
    // for the unit's group and the organiser only (the roles that score but are in no group read none)
    rule("get", "/inspection", Perm(P::ViewInspection), None),
    rule("post", "/inspection", Perm(P::ManageInspection), None),
    // 评分标准: the 纪委's; scores: the unit's own sheet (its 党务/书记), the group's (the use case
    // decides who in the group), the results by need-to-know, the 通报 draft the organiser's
    rule("*", "/inspection/standards*", Perm(P::ManageInspection), None),
    rule("*", "/inspection/indicators*", Perm(P::ManageInspection), None),
    rule("get", "/inspection/units/{id}/scores", Perm(P::ViewInspection), None),
    rule("put", "/inspection/units/{id}/scores/self", Perm(P::ViewInspection), None),
    rule("put", "/inspection/units/{id}/scores/*", Perm(P::ScoreInspection), None),
    rule("get", "/inspection/units/{id}/deductions", Perm(P::ScoreInspection), None),
    rule("get", "/inspection/{id}/results.docx", Perm(P::ManageInspection), None),
    rule("*", "/inspection/units/{id}/talks", Perm(P::ScoreInspection), None),
    // 自查自评: read by whoever sees the unit; written by its 党务 staff and 书记 (the use case
    // decides), returned and exported for all units by the organiser
    rule("post", "/inspection/units/{id}/selfcheck/return", Perm(P::ManageInspection), None),
    rule("*", "/inspection/units/{id}/selfcheck*", Perm(P::ViewInspection), None),
    rule("*", "/inspection/units/{id}/materials*", Perm(P::ViewInspection), None),
    rule("*", "/inspection/units/{id}/frugality*", Perm(P::ViewInspection), None),
    rule("*", "/inspection/materials/{id}*", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/frugality.xlsx", Perm(P::ManageInspection), None),
    rule("get", "/inspection/units/{id}", Perm(P::ViewInspection), None),
    rule("put", "/inspection/units/{id}", Perm(P::ManageInspection), None),
    rule("*", "/inspection/talks/{id}", SeesAll(P::ScoreInspection, Record::InspectionTalk), None),
    // findings and 亮点: written by their finders (the organiser, the unit's group: the audience
    // of the 个别谈话 records), read by the unit once told
    rule("get", "/inspection/findings/{id}", Perm(P::ViewInspection), None),
    rule("write", "/inspection/findings/{id}*", SeesAll(P::ScoreInspection, Record::InspectionTalk), None),
    rule("write", "/inspection/highlights/{id}", SeesAll(P::ScoreInspection, Record::InspectionTalk), None),
    rule("write", "/inspection/{id}/findings", SeesAll(P::ScoreInspection, Record::InspectionTalk), None),
    rule("write", "/inspection/{id}/highlights", SeesAll(P::ScoreInspection, Record::InspectionTalk), None),
    rule("get", "/inspection/{id}*", Perm(P::ViewInspection), None),
    rule("write", "/inspection/{id}*", Perm(P::ManageInspection), None),
];

/// Page GET routes (there is no table of them in the application: the test reads the source of
/// `crates/web/src/pages` and fails when a GET route is missing here or listed but gone).
const PAGES: &[Rule] = &[
    rule("get", "/", SignedIn, None),
    rule("get", "/todo/bell", SignedIn, None),
    rule("get", "/login", Public, None),
    rule("get", "/login/totp", Public, None),
    rule("get", "/account", SignedIn, None),
    rule("get", "/account/password", SignedIn, None),
    rule("get", "/account/totp", SignedIn, None),
    rule("get", "/admin/users", Perm(P::ManageAccounts), None),
    rule("get", "/admin/users/{id}", Any(P::ManageAccounts, P::ManageGrants), None),
    rule("get", "/admin/grants", Perm(P::ManageGrants), None),
    rule("get", "/admin/resets", Perm(P::ManageGrants), None),
    rule("get", "/admin/settings", Perm(P::ManageSettings), None),
    rule("get", "/calendar", SignedIn, None),
    rule("get", "/orgs", Perm(P::ViewOrgs), None),
    rule("get", "/orgs/new", Perm(P::ManageOrgs), None),
    rule("get", "/orgs/export.xlsx", Perm(P::ViewOrgs), None),
    rule("get", "/orgs/import", Perm(P::ManageOrgs), None),
    rule("get", "/orgs/import/template.xlsx", Perm(P::ManageOrgs), None),
    rule("get", "/orgs/{id}", Perm(P::ViewOrgs), None),
    rule("get", "/orgs/{id}/edit", Perm(P::ManageOrgs), None),
    rule("get", "/orgs/{id}/children", Perm(P::ViewOrgs), None),
    rule("get", "/people", Perm(P::ViewPeople), None),
    rule("get", "/people/new", Perm(P::ManagePeople), None),
    rule("get", "/people/export.xlsx", Perm(P::ViewPeople), None),
    rule("get", "/people/import", Perm(P::ManagePeople), None),
    rule("get", "/people/import/template.xlsx", Perm(P::ManagePeople), None),
    rule("get", "/people/{id}", Perm(P::ViewPeople), None),
    rule("get", "/people/{id}/edit", Perm(P::ManagePeople), None),
    rule("get", "/attachments/{id}", Perm(P::UploadAttachments), None),
    rule("get", "/audit", Perm(P::ViewAudit), None),
    rule("get", "/audit/export.xlsx", Perm(P::ViewAudit), None),
    rule("get", "/duty", Perm(P::ViewDuty), None),
    rule("get", "/duty/lists", Perm(P::ViewDuty), None),
    rule("get", "/duty/lists/export.xlsx", Perm(P::ViewDuty), None),
    rule("get", "/duty/lists/{id}", Perm(P::ViewDuty), None),
    rule("get", "/duty/lists/{id}/document.docx", Perm(P::ViewDuty), None),
    rule("get", "/duty/coverage", SeesAll(P::ViewDuty, Record::DutyList), None),
    rule("get", "/duty/coverage/export.xlsx", SeesAll(P::ViewDuty, Record::DutyList), None),
    rule("get", "/duty/templates", Perm(P::ReviewDuty), None),
    rule("get", "/duty/templates/{id}", Perm(P::ReviewDuty), None),
    rule("get", "/duty/letters", Perm(P::ViewDuty), None),
    rule("get", "/duty/letters/templates", Perm(P::EditDuty), None),
    rule("get", "/duty/letters/{id}", Perm(P::ViewDuty), None),
    rule("get", "/duty/letters/{id}/document.docx", Perm(P::ViewDuty), None),
    rule("get", "/duty/letters/templates/{id}/generate", Perm(P::EditDuty), None),
    rule("get", "/duty/letters/templates/{id}", Perm(P::EditDuty), None),
    rule("get", "/duty/flags", Perm(P::ReviewDuty), None),
    rule("get", "/duty/flags/{id}", Perm(P::ReviewDuty), None),
    rule("get", "/duty/phrases", Perm(P::ReviewDuty), None),
    rule("get", "/conduct/education", Perm(P::ViewConduct), None),
    rule("get", "/conduct/education/{id}", Perm(P::ViewConduct), None),
    rule("get", "/conduct/exams", Perm(P::ManageExams), None),
    rule("get", "/conduct/exams/new", Perm(P::ManageExams), None),
    rule("get", "/conduct/exams/bank", Perm(P::ManageExams), None),
    rule("get", "/conduct/exams/questions/template.xlsx", Perm(P::ManageExams), None),
    rule("get", "/conduct/exams/banks/{id}/import", Perm(P::ManageExams), None),
    rule("get", "/conduct/exams/papers/{id}", Perm(P::ManageExams), None),
    rule("get", "/conduct/exams/papers/{id}/results.xlsx", Perm(P::ManageExams), None),
    rule("get", "/conduct/exams/mine", SignedIn, None),
    rule("get", "/conduct/exams/attempts/{id}", SignedIn, None),
    rule("get", "/duty/plans", Perm(P::ViewDuty), None),
    rule("get", "/duty/plan-template.xlsx", Perm(P::EditDuty), None),
    rule("get", "/duty/plans/{id}", Perm(P::ViewDuty), None),
    rule("get", "/duty/plans/{id}/new", Perm(P::ViewDuty), Some(P::EditDuty)),
    rule("get", "/duty/plans/{id}/export.xlsx", Perm(P::ViewDuty), None),
    rule("get", "/duty/plans/{id}/import", Perm(P::ViewDuty), Some(P::EditDuty)),
    rule("get", "/duty/plans/{id}/document.docx", Perm(P::ViewDuty), None),
    rule("get", "/duty/tasks/{id}", Perm(P::ViewDuty), None),
    rule("get", "/duty/tasks/{id}/edit", Perm(P::ViewDuty), Some(P::EditDuty)),
    rule("get", "/duty/tasks/{id}/files/{file}", Perm(P::ViewDuty), None),
    rule("get", "/conduct/talks", Perm(P::ViewConduct), None),
    rule("get", "/conduct/talks/new", Perm(P::RecordConduct), None),
    rule("get", "/conduct/talks/{id}", Perm(P::ViewConduct), None),
    rule("get", "/conduct/talks/{id}/edit", Perm(P::ViewConduct), Some(P::RecordConduct)),
    rule("get", "/conduct/talk-flags", SeesAll(P::ViewConduct, Record::Talk), None),
    rule("get", "/conduct/inquiries", Perm(P::ViewConduct), None),
    rule("get", "/conduct/inquiries/new", Perm(P::HandleInquiries), None),
    rule("get", "/conduct/inquiries/{id}", SeesAll(P::ViewConduct, Record::Inquiry), None),
    rule("get", "/conduct", Perm(P::ViewConduct), None),
    rule("get", "/conduct/records", Perm(P::ViewConduct), None),
    rule("get", "/conduct/records/new", Perm(P::RecordConduct), None),
    rule("get", "/conduct/records/{id}", Perm(P::ViewConduct), None),
    rule("get", "/conduct/records/{id}/edit", Perm(P::ViewConduct), Some(P::RecordConduct)),
    rule("get", "/conduct/records/{id}/files/{file}", Perm(P::ViewConduct), None),
    rule("get", "/conduct/notices", Perm(P::ViewConduct), None),
    rule("get", "/conduct/notices/new", Perm(P::IssueNotices), None),
    rule("get", "/conduct/notices/{id}", SeesAll(P::ViewConduct, Record::Notice), None),
    rule("get", "/conduct/notices/{id}/document.docx", SeesAll(P::ViewConduct, Record::Notice), None),
    rule("get", "/conduct/notices/{id}/files/{file}", SeesAll(P::ViewConduct, Record::Notice), None),
    rule("get", "/conduct/archive", Perm(P::ViewConduct), None),
    rule("get", "/conduct/archive/mine", Perm(P::ViewConduct), None),
    rule("get", "/conduct/archive/family-events", Perm(P::ViewConduct), None),
    rule("get", "/conduct/archive/family-events/new", Perm(P::ViewConduct), None),
    rule("get", "/conduct/archive/family-events/{id}", SeesAll(P::ViewConduct, Record::FamilyEvent), None),
    rule("get", "/conduct/archive/matters/new", Perm(P::ViewConduct), None),
    rule("get", "/conduct/archive/sanctions/new", Perm(P::HandleInquiries), None),
    rule("get", "/conduct/archive/{id}", SeesAll(P::ViewConduct, Record::Archive), None),
    rule("get", "/conduct/archive/{id}/print", SeesAll(P::ViewConduct, Record::Archive), None),
    rule("get", "/conduct/statements", Perm(P::ViewConduct), None),
    rule("get", "/conduct/statements/new", Perm(P::OrganiseStatements), None),
    rule("get", "/conduct/statements/{id}", SeesAll(P::ViewConduct, Record::Statement), None),
    rule("get", "/conduct/statements/reports/{id}", SeesAll(P::ViewConduct, Record::Statement), None),
    rule("get", "/conduct/statements/reports/{id}/files/{file}", SeesAll(P::ViewConduct, Record::Statement), None),
    rule("get", "/conduct/statements/compare/{id}/{other}", SeesAll(P::ViewConduct, Record::Statement), None),
    rule("get", "/conduct/replies", Perm(P::ReplyIntegrity), None),
    rule("get", "/conduct/replies/new", Perm(P::ReplyIntegrity), None),
    rule("get", "/conduct/replies/people", Perm(P::ReplyIntegrity), None),
    rule("get", "/conduct/replies/{id}", Perm(P::ReplyIntegrity), None),
    rule("get", "/conduct/replies/{id}/document.docx", Perm(P::ReplyIntegrity), None),
    rule("get", "/conduct/replies/{id}/people/{person_id}", Perm(P::ReplyIntegrity), None),
    rule("get", "/inspection", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/notice.docx", Perm(P::ViewInspection), None),
    rule("get", "/inspection/units/{id}", Perm(P::ViewInspection), None),
    rule("get", "/inspection/talks/{id}", SeesAll(P::ScoreInspection, Record::InspectionTalk), None),
    rule("get", "/inspection/{id}/findings", Perm(P::ViewInspection), None),
    rule("get", "/inspection/findings/{id}", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/bulletin", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/bulletin.docx", Perm(P::ViewInspection), None),
    rule("get", "/inspection/units/{id}/selfcheck", Perm(P::ViewInspection), None),
    rule("get", "/inspection/units/{id}/materials", Perm(P::ViewInspection), None),
    rule("get", "/inspection/units/{id}/frugality", Perm(P::ViewInspection), None),
    rule("get", "/inspection/units/{id}/frugality.xlsx", Perm(P::ViewInspection), None),
    rule("get", "/inspection/materials/{id}/file", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/frugality.xlsx", Perm(P::ManageInspection), None),
    // 评分标准 and scores
    rule("get", "/inspection/standards", Perm(P::ManageInspection), None),
    rule("get", "/inspection/standards/{id}", Perm(P::ManageInspection), None),
    rule("get", "/inspection/standards/{id}/export.xlsx", Perm(P::ManageInspection), None),
    rule("get", "/inspection/standards/{id}/import", Perm(P::ManageInspection), None),
    rule("get", "/inspection/indicators/{id}", Perm(P::ManageInspection), None),
    rule("get", "/inspection/units/{id}/scores", Perm(P::ViewInspection), None),
    rule("get", "/inspection/units/{id}/reconcile", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/results", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/results.xlsx", Perm(P::ViewInspection), None),
    rule("get", "/inspection/{id}/results.docx", Perm(P::ManageInspection), None),
    // 廉政测评: the organiser's pages, and the public voting page a code opens
    rule("get", "/inspection/ballots", Perm(P::ManageInspection), None),
    rule("get", "/inspection/ballots/campaigns/{id}", Perm(P::ManageInspection), None),
    rule("get", "/inspection/ballots/meetings/{id}", Perm(P::ManageInspection), None),
    rule("get", "/inspection/ballots/meetings/{id}/count", Perm(P::ManageInspection), None),
    rule("get", "/inspection/ballots/meetings/{id}/codes.docx", Perm(P::ManageInspection), None),
    rule("get", "/ballot/{code}", Public, None),
];

/// Failures that others are fixing right now (issue 基座加固): (role or "*", method, path
/// template, case label prefix or "*", why). A failure matching an entry is printed, not failed.
/// Empty: the holes being fixed in /duty/letters*, /duty/flags* and /duty/letter-templates*
/// (flags naming letters outside the scope, scans uploaded by 检查组成员/班子成员, unit staff
/// editing the body of the 县委's letter, the year check re-run without audit) are not visible
/// as status codes of these requests, so the matrix does not trip over them.
const KNOWN_OPEN: &[(&str, &str, &str, &str, &str)] = &[];

// -------------------------------------------------------------------------------- resolvers

/// A kind of object the matrix can find inside and outside 教育局.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Org,
    Person,
    User,
    Grant,
    Attachment,
    List,
    ListTemplate,
    Letter,
    LetterTemplate,
    Flag,
    Plan,
    Task,
    /// A progress report's file, with its task: two ids.
    TaskFile,
    /// A list item, with its list: two ids.
    ListWithItem,
    ListItem,
    Report,
    /// An item of a 共性清单, with its template: two ids.
    TemplateItem,
    /// A pending password reset of one of the matrix's accounts.
    Reset,
    /// A year of the 工作日历 (system-wide: "inside" and "outside" are two years).
    CalendarYear,
    /// A special day of the 工作日历, as YYYYMMDD (the path also takes YYYY-MM-DD).
    CalendarDay,
    /// A 廉政约谈 record.
    Talk,
    /// 谈话函询 about a person without an account (placed by the person's unit).
    Inquiry,
    /// 履责纪实: inside, one the 一般干部 gb_jyj took part in (he reads only those).
    DutyRecord,
    /// A 履责纪实's file, with its record: two ids.
    DutyRecordFile,
    /// 廉政教育活动
    Education,
    /// 廉政考试 (a paper)
    Paper,
    /// 答卷 (an attempt)
    Attempt,
    /// 抄告单、整改建议书 to a leader without an account (placed by the unit)
    Notice,
    /// A file of a notice's answer, with its notice: two ids.
    NoticeFile,
    /// A current 班子成员 of a unit (inside: of 教育局 itself), without an account: an addressee.
    Leader,
    /// 婚丧喜庆事宜报告 about a person without an account (placed by the person's unit).
    FamilyEvent,
    /// 述责述廉: a round, placed by a report in it (inside: the 机关党支部's round).
    StatementRound,
    /// 述责述廉报告 of a person without an account.
    StatementReport,
    /// A report and the report the copy check matched it with: two ids.
    StatementPair,
    /// 点评意见 on such a report.
    StatementPoint,
    /// A report's file, with its report: two ids (the demo's file has no bytes in the test's storage).
    StatementFile,
    /// 廉洁意见回复 (kept by the county: "inside" a draft, "outside" an issued one)
    Reply,
    /// A person of a 廉洁意见回复, with the reply: two ids.
    ReplyPerson,
    /// 检查考核: inside, an open campaign with a unit in 教育局; outside, one without.
    Campaign,
    /// A unit's row in a campaign.
    InspectionUnit,
    /// 个别谈话 record at a unit (inside: one the fixtures enter at 教育局).
    InspectionTalk,
    /// An uploaded 自查资料 of a campaign unit.
    InspectionMaterial,
    /// 廉政测评: a campaign's ballots (organised by the county: "inside" the first, "outside" another)
    BallotCampaign,
    /// 廉政测评: a meeting of such a campaign
    BallotMeeting,
    /// The public voting page's code: any number (a number is never a code: the Chinese 404)
    BallotCode,
    /// A finding of an inspection (inside: one told to 教育局, which its people read).
    Finding,
    /// A 亮点 noted at a unit during an inspection.
    Highlight,
    /// 评分标准 (kept by the county's 纪委: "inside" the first, "outside" the last)
    Standard,
    /// An indicator of such a standard
    Indicator,
}

/// Path prefix (up to the first placeholder) and number of placeholders → the kind of object.
const PREFIXES: &[(&str, usize, Kind)] = &[
    ("/orgs", 1, Kind::Org),
    ("/people", 1, Kind::Person),
    ("/users", 1, Kind::User),
    ("/admin/users", 1, Kind::User),
    ("/grants", 1, Kind::Grant),
    ("/password-resets", 1, Kind::Reset),
    ("/attachments", 1, Kind::Attachment),
    ("/duty/lists", 1, Kind::List),
    ("/duty/templates", 1, Kind::ListTemplate),
    ("/duty/templates", 2, Kind::TemplateItem),
    ("/duty/letters", 1, Kind::Letter),
    ("/duty/letter-templates", 1, Kind::LetterTemplate),
    ("/duty/letter-flags", 1, Kind::Flag),
    ("/duty/flags", 1, Kind::Flag),
    ("/duty/plans", 1, Kind::Plan),
    ("/duty/tasks", 1, Kind::Task),
    ("/duty/tasks", 2, Kind::TaskFile),
    ("/duty/lists", 2, Kind::ListWithItem),
    ("/admin/grants", 1, Kind::Grant),
    ("/admin/resets", 1, Kind::Reset),
    ("/duty/letters/templates", 1, Kind::LetterTemplate),
    ("/calendar", 1, Kind::CalendarYear),
    ("/calendar/days", 1, Kind::CalendarDay),
    ("/conduct/talks", 1, Kind::Talk),
    ("/conduct/inquiries", 1, Kind::Inquiry),
    ("/conduct/records", 1, Kind::DutyRecord),
    ("/conduct/records", 2, Kind::DutyRecordFile),
    ("/conduct/education", 1, Kind::Education),
    ("/conduct/exams/papers", 1, Kind::Paper),
    ("/conduct/exams/attempts", 1, Kind::Attempt),
    ("/conduct/exams/banks", 1, Kind::Org),
    ("/conduct/notices", 1, Kind::Notice),
    ("/conduct/notices", 2, Kind::NoticeFile),
    ("/conduct/archive", 1, Kind::Person),
    ("/conduct/archive/family-events", 1, Kind::FamilyEvent),
    ("/conduct/statements", 1, Kind::StatementRound),
    ("/conduct/statements/reports", 1, Kind::StatementReport),
    ("/conduct/statements/compare", 2, Kind::StatementPair),
    ("/conduct/statements/reports", 2, Kind::StatementFile),
    ("/conduct/statements/points", 1, Kind::StatementPoint),
    ("/conduct/replies", 1, Kind::Reply),
    ("/conduct/replies", 2, Kind::ReplyPerson),
    ("/inspection", 1, Kind::Campaign),
    ("/inspection/units", 1, Kind::InspectionUnit),
    ("/inspection/talks", 1, Kind::InspectionTalk),
    ("/inspection/findings", 1, Kind::Finding),
    ("/inspection/highlights", 1, Kind::Highlight),
    ("/inspection/materials", 1, Kind::InspectionMaterial),
    ("/inspection/ballots/campaigns", 1, Kind::BallotCampaign),
    ("/inspection/ballots/meetings", 1, Kind::BallotMeeting),
    ("/ballot", 1, Kind::BallotCode),
    ("/inspection/standards", 1, Kind::Standard),
    ("/inspection/indicators", 1, Kind::Indicator),
];

/// A 履责纪实 the 一般干部 gb_jyj (who reads only the records he took part in) took part in.
const TOOK_PART: &str = "EXISTS (SELECT 1 FROM duty_record_people x JOIN users u ON u.person_id = x.person_id WHERE x.record_id = r.id AND u.username = 'gb_jyj')";
/// A plan 教育局 sees: made inside it, or with an item it leads or takes part in.
const PLAN_SEEN: &str = "(p.org_path LIKE '{in}%' OR EXISTS (SELECT 1 FROM tasks t2 WHERE t2.plan_id = p.id AND COALESCE(t2.lead_org_path, '') LIKE '{in}%') OR EXISTS (SELECT 1 FROM task_orgs x WHERE x.plan_id = p.id AND x.org_path LIKE '{in}%'))";
/// An item 教育局 sees: of a plan made inside it, or led by it or naming it.
const TASK_SEEN: &str = "(p.org_path LIKE '{in}%' OR COALESCE(t.lead_org_path, '') LIKE '{in}%' OR EXISTS (SELECT 1 FROM task_orgs x WHERE x.task_id = t.id AND x.org_path LIKE '{in}%'))";

/// SQL finding an object of the kind: (inside 教育局, outside it). Columns: the ids in path
/// order, then the org path that places the object. `{in}` is 教育局's path, `{out}` the
/// preferred outside unit's; `{seen_plan}`/`{seen_task}` expand to the need-to-know rules.
fn sql(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Org => ("SELECT id, path FROM orgs WHERE path LIKE '{in}%' ORDER BY path, id", "SELECT id, path FROM orgs WHERE path NOT LIKE '{in}%' ORDER BY CASE WHEN path LIKE '{out}%' THEN 0 ELSE 1 END, path, id"),
        // people without an account: edits in the matrix must not touch a demo sign-in
        Kind::Person => (
            "SELECT p.id, p.org_path FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.org_path LIKE '{in}%' AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN o.path = '{in}' THEN 0 ELSE 1 END, p.id",
            "SELECT id, org_path FROM people WHERE org_path NOT LIKE '{in}%' AND id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        // the matrix's own accounts (mx_*): resetting or revoking a demo account would end its sessions
        Kind::User => (
            "SELECT u.id, o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username LIKE 'mx%' AND o.path LIKE '{in}%' ORDER BY u.id",
            "SELECT u.id, o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username LIKE 'mx%' AND o.path NOT LIKE '{in}%' ORDER BY CASE WHEN o.path LIKE '{out}%' THEN 0 ELSE 1 END, u.id",
        ),
        Kind::Grant => (
            "SELECT g.id, o.path FROM grants g JOIN users u ON u.id = g.user_id JOIN orgs o ON o.id = g.org_id WHERE u.username LIKE 'mx%' AND o.path LIKE '{in}%' ORDER BY g.id",
            "SELECT g.id, o.path FROM grants g JOIN users u ON u.id = g.user_id JOIN orgs o ON o.id = g.org_id WHERE u.username LIKE 'mx%' AND o.path NOT LIKE '{in}%' ORDER BY CASE WHEN o.path LIKE '{out}%' THEN 0 ELSE 1 END, g.id",
        ),
        Kind::Reset => (
            "SELECT r.id, o.path FROM password_resets r JOIN users u ON u.id = r.user_id JOIN orgs o ON o.id = u.org_id WHERE u.username LIKE 'mx%' AND o.path LIKE '{in}%' ORDER BY r.id",
            "SELECT r.id, o.path FROM password_resets r JOIN users u ON u.id = r.user_id JOIN orgs o ON o.id = u.org_id WHERE u.username LIKE 'mx%' AND o.path NOT LIKE '{in}%' ORDER BY CASE WHEN o.path LIKE '{out}%' THEN 0 ELSE 1 END, r.id",
        ),
        Kind::Attachment => (
            "SELECT id, org_path FROM attachments WHERE owner_kind = 'general' AND org_path LIKE '{in}%' ORDER BY id",
            "SELECT id, org_path FROM attachments WHERE owner_kind = 'general' AND org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        Kind::List => (
            "SELECT id, org_path FROM duty_lists WHERE org_path LIKE '{in}%' ORDER BY year DESC, id",
            "SELECT id, org_path FROM duty_lists WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, year DESC, id",
        ),
        Kind::ListTemplate => (
            "SELECT id, org_path FROM duty_templates WHERE org_path LIKE '{in}%' ORDER BY id",
            "SELECT id, org_path FROM duty_templates WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        Kind::TemplateItem => (
            "SELECT t.id, i.id, t.org_path FROM duty_template_items i JOIN duty_templates t ON t.id = i.template_id WHERE t.org_path LIKE '{in}%' ORDER BY i.id",
            "SELECT t.id, i.id, t.org_path FROM duty_template_items i JOIN duty_templates t ON t.id = i.template_id WHERE t.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN t.org_path LIKE '{out}%' THEN 0 ELSE 1 END, i.id",
        ),
        Kind::Letter => (
            "SELECT id, org_path FROM letters WHERE org_path LIKE '{in}%' ORDER BY year DESC, id",
            "SELECT id, org_path FROM letters WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, year DESC, id",
        ),
        Kind::LetterTemplate => (
            "SELECT id, org_path FROM letter_templates WHERE org_path LIKE '{in}%' ORDER BY id",
            "SELECT id, org_path FROM letter_templates WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        Kind::Flag => (
            "SELECT id, org_path FROM letter_flags WHERE org_path LIKE '{in}%' ORDER BY id",
            "SELECT id, org_path FROM letter_flags WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        // plans and items are seen by need-to-know: outside means not seen at all
        Kind::Plan => (
            "SELECT p.id, p.org_path FROM task_plans p WHERE {seen_plan} ORDER BY CASE WHEN p.org_path LIKE '{in}%' THEN 0 ELSE 1 END, p.id",
            "SELECT p.id, p.org_path FROM task_plans p WHERE NOT {seen_plan} ORDER BY CASE WHEN p.org_path LIKE '{out}%' THEN 0 ELSE 1 END, p.id",
        ),
        Kind::Task => (
            "SELECT t.id, p.org_path FROM tasks t JOIN task_plans p ON p.id = t.plan_id WHERE {seen_task} ORDER BY CASE WHEN p.org_path LIKE '{in}%' THEN 0 ELSE 1 END, t.id",
            "SELECT t.id, p.org_path FROM tasks t JOIN task_plans p ON p.id = t.plan_id WHERE NOT {seen_task} ORDER BY CASE WHEN p.org_path LIKE '{out}%' THEN 0 ELSE 1 END, t.id",
        ),
        Kind::TaskFile => (
            "SELECT r.task_id, a.id, a.org_path FROM attachments a JOIN task_reports r ON r.id = a.owner_id JOIN tasks t ON t.id = r.task_id JOIN task_plans p ON p.id = t.plan_id WHERE a.owner_kind = 'task_report' AND a.org_path LIKE '{in}%' AND {seen_task} ORDER BY a.id",
            "SELECT r.task_id, a.id, a.org_path FROM attachments a JOIN task_reports r ON r.id = a.owner_id JOIN tasks t ON t.id = r.task_id JOIN task_plans p ON p.id = t.plan_id WHERE a.owner_kind = 'task_report' AND a.org_path NOT LIKE '{in}%' AND NOT {seen_task} ORDER BY a.id",
        ),
        Kind::ListWithItem => (
            "SELECT l.id, i.id, l.org_path FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_path LIKE '{in}%' ORDER BY i.id",
            "SELECT l.id, i.id, l.org_path FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN l.org_path LIKE '{out}%' THEN 0 ELSE 1 END, i.id",
        ),
        Kind::ListItem => (
            "SELECT i.id, l.org_path FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_path LIKE '{in}%' ORDER BY i.id",
            "SELECT i.id, l.org_path FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN l.org_path LIKE '{out}%' THEN 0 ELSE 1 END, i.id",
        ),
        Kind::CalendarYear => ("SELECT year, CAST('{in}' AS TEXT) FROM calendar_years ORDER BY year", "SELECT year, CAST('{out}' AS TEXT) FROM calendar_years ORDER BY year DESC"),
        Kind::CalendarDay => (
            "SELECT CAST(REPLACE(day, '-', '') AS BIGINT), CAST('{in}' AS TEXT) FROM calendar_days ORDER BY day",
            "SELECT CAST(REPLACE(day, '-', '') AS BIGINT), CAST('{out}' AS TEXT) FROM calendar_days ORDER BY day DESC",
        ),
        // inside: the demo's 教育局 talk that 刘志强 (bz_jyj) and 赵晓燕 (gb_jyj) both took part in,
        // so the roles that see only their own talks read it too
        Kind::Talk => (
            "SELECT t.id, t.org_path FROM talks t WHERE t.org_path LIKE '{in}%' ORDER BY (SELECT COUNT(*) FROM talk_interviewees i WHERE i.talk_id = t.id AND i.person_name IN ('刘志强', '赵晓燕')) DESC, t.id",
            "SELECT t.id, t.org_path FROM talks t WHERE t.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN t.org_path LIKE '{out}%' THEN 0 ELSE 1 END, t.id",
        ),
        // a 函询 still waiting for its reply first, so the reply and conclusion forms can act
        Kind::Inquiry => (
            "SELECT i.id, i.person_org_path FROM inquiries i WHERE i.person_org_path LIKE '{in}%' AND i.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN i.kind = 'letter' AND i.reply IS NULL AND i.conclusion IS NULL THEN 0 ELSE 1 END, i.id",
            "SELECT i.id, i.person_org_path FROM inquiries i WHERE i.person_org_path NOT LIKE '{in}%' AND i.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN i.person_org_path LIKE '{out}%' THEN 0 ELSE 1 END, i.id",
        ),
        Kind::DutyRecord => (
            "SELECT r.id, r.org_path FROM duty_records r WHERE r.org_path LIKE '{in}%' AND {took_part} ORDER BY r.id",
            "SELECT r.id, r.org_path FROM duty_records r WHERE r.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN r.org_path LIKE '{out}%' THEN 0 ELSE 1 END, r.id",
        ),
        Kind::DutyRecordFile => (
            "SELECT r.id, a.id, r.org_path FROM attachments a JOIN duty_records r ON r.id = a.owner_id WHERE a.owner_kind = 'duty_record' AND r.org_path LIKE '{in}%' AND {took_part} ORDER BY a.id",
            "SELECT r.id, a.id, r.org_path FROM attachments a JOIN duty_records r ON r.id = a.owner_id WHERE a.owner_kind = 'duty_record' AND r.org_path NOT LIKE '{in}%' ORDER BY a.id",
        ),
        Kind::Education => (
            "SELECT id, org_path FROM education_activities WHERE org_path LIKE '{in}%' ORDER BY id",
            "SELECT id, org_path FROM education_activities WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        // a unit sits the papers of the organisations above it: outside is neither below nor above
        Kind::Paper => (
            "SELECT id, org_path FROM exam_papers WHERE org_path LIKE '{in}%' ORDER BY id",
            "SELECT id, org_path FROM exam_papers WHERE org_path NOT LIKE '{in}%' AND '{in}' NOT LIKE org_path || '%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        Kind::Attempt => (
            "SELECT id, org_path FROM exam_attempts WHERE org_path LIKE '{in}%' ORDER BY id",
            "SELECT id, org_path FROM exam_attempts WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        Kind::Notice => (
            "SELECT n.id, n.org_path FROM notices n WHERE n.org_path LIKE '{in}%' AND n.addressee_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN n.status = 'pending' THEN 0 ELSE 1 END, n.id",
            "SELECT n.id, n.org_path FROM notices n WHERE n.org_path NOT LIKE '{in}%' AND n.addressee_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN n.org_path LIKE '{out}%' THEN 0 ELSE 1 END, n.id",
        ),
        Kind::NoticeFile => (
            "SELECT n.id, a.id, n.org_path FROM attachments a JOIN notices n ON n.id = a.owner_id WHERE a.owner_kind = 'notice' AND n.org_path LIKE '{in}%' ORDER BY a.id",
            "SELECT n.id, a.id, n.org_path FROM attachments a JOIN notices n ON n.id = a.owner_id WHERE a.owner_kind = 'notice' AND n.org_path NOT LIKE '{in}%' ORDER BY a.id",
        ),
        Kind::Leader => (
            "SELECT p.id, o.path FROM posts po JOIN people p ON p.id = po.person_id JOIN orgs o ON o.id = po.org_id WHERE o.path = '{in}' AND po.kind = 'team_member' AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id",
            "SELECT p.id, o.path FROM posts po JOIN people p ON p.id = po.person_id JOIN orgs o ON o.id = po.org_id WHERE o.path NOT LIKE '{in}%' AND po.kind = 'team_member' AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN o.path LIKE '{out}%' THEN 0 ELSE 1 END, p.id",
        ),
        Kind::FamilyEvent => (
            "SELECT f.id, f.person_org_path FROM family_events f WHERE f.person_org_path LIKE '{in}%' AND f.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY f.id",
            "SELECT f.id, f.person_org_path FROM family_events f WHERE f.person_org_path NOT LIKE '{in}%' AND f.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY CASE WHEN f.person_org_path LIKE '{out}%' THEN 0 ELSE 1 END, f.id",
        ),
        // 述责述廉: reports of people without an account, in rounds where no account reports
        Kind::StatementRound => (
            "SELECT r.id, MIN(s.person_org_path) FROM statement_rounds r JOIN statement_reports s ON s.round_id = r.id WHERE s.person_org_path LIKE '{in}%' AND NOT EXISTS (SELECT 1 FROM statement_reports x JOIN users u ON u.person_id = x.person_id WHERE x.round_id = r.id) GROUP BY r.id ORDER BY r.id",
            "SELECT r.id, MIN(s.person_org_path) FROM statement_rounds r JOIN statement_reports s ON s.round_id = r.id WHERE NOT EXISTS (SELECT 1 FROM statement_reports x WHERE x.round_id = r.id AND x.person_org_path LIKE '{in}%') GROUP BY r.id ORDER BY r.id",
        ),
        Kind::StatementReport => (
            "SELECT s.id, s.person_org_path FROM statement_reports s WHERE s.person_org_path LIKE '{in}%' AND s.attachment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statement_reports x JOIN users u ON u.person_id = x.person_id WHERE x.round_id = s.round_id) ORDER BY s.id",
            "SELECT s.id, s.person_org_path FROM statement_reports s WHERE s.person_org_path NOT LIKE '{in}%' AND s.body IS NOT NULL AND s.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY s.id",
        ),
        Kind::StatementPair => (
            "SELECT s.id, s.peer_id, s.person_org_path FROM statement_reports s WHERE s.person_org_path LIKE '{in}%' AND s.peer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statement_reports x JOIN users u ON u.person_id = x.person_id WHERE x.round_id = s.round_id) ORDER BY s.id",
            "SELECT s.id, s.peer_id, s.person_org_path FROM statement_reports s WHERE s.person_org_path NOT LIKE '{in}%' AND s.peer_id IS NOT NULL AND s.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY s.id",
        ),
        Kind::StatementFile => (
            "SELECT s.id, a.id, s.person_org_path FROM statement_reports s JOIN attachments a ON a.id = s.attachment_id WHERE s.person_org_path LIKE '{in}%' AND a.storage_key NOT LIKE 'demo-%' AND NOT EXISTS (SELECT 1 FROM statement_reports x JOIN users u ON u.person_id = x.person_id WHERE x.round_id = s.round_id) ORDER BY a.id",
            "SELECT s.id, a.id, s.person_org_path FROM statement_reports s JOIN attachments a ON a.id = s.attachment_id WHERE s.person_org_path NOT LIKE '{in}%' AND a.storage_key NOT LIKE 'demo-%' AND s.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY a.id",
        ),
        Kind::StatementPoint => (
            "SELECT p.id, s.person_org_path FROM statement_points p JOIN statement_reports s ON s.id = p.report_id WHERE s.person_org_path LIKE '{in}%' AND NOT EXISTS (SELECT 1 FROM statement_reports x JOIN users u ON u.person_id = x.person_id WHERE x.round_id = s.round_id) ORDER BY p.id",
            "SELECT p.id, s.person_org_path FROM statement_points p JOIN statement_reports s ON s.id = p.report_id WHERE s.person_org_path NOT LIKE '{in}%' AND s.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id",
        ),
        // kept by the county's 纪委 above 教育局: only the 纪委 (whose scope covers both) acts
        Kind::BallotCampaign => (
            "SELECT id, org_path FROM inspection_campaigns WHERE id IN (SELECT campaign_id FROM inspection_ballot_meetings) ORDER BY id",
            "SELECT id, org_path FROM inspection_campaigns WHERE id IN (SELECT campaign_id FROM inspection_ballot_meetings) ORDER BY id DESC",
        ),
        Kind::BallotMeeting => (
            "SELECT m.id, c.org_path FROM inspection_ballot_meetings m JOIN inspection_campaigns c ON c.id = m.campaign_id ORDER BY m.id",
            "SELECT m.id, c.org_path FROM inspection_ballot_meetings m JOIN inspection_campaigns c ON c.id = m.campaign_id ORDER BY m.id DESC",
        ),
        // kept by the county's 纪委 above 教育局: only the 纪委 (whose scope covers both) acts
        Kind::Standard => ("SELECT id, org_path FROM inspection_standards ORDER BY id", "SELECT id, org_path FROM inspection_standards ORDER BY id DESC"),
        Kind::Indicator => (
            "SELECT d.id, s.org_path FROM inspection_indicators d JOIN inspection_standards s ON s.id = d.standard_id ORDER BY d.id",
            "SELECT d.id, s.org_path FROM inspection_indicators d JOIN inspection_standards s ON s.id = d.standard_id ORDER BY d.id DESC",
        ),
        Kind::BallotCode => ("SELECT id, path FROM orgs WHERE path LIKE '{in}%' ORDER BY id", "SELECT id, path FROM orgs WHERE path NOT LIKE '{in}%' ORDER BY id"),
        Kind::Reply => ("SELECT id, org_path FROM integrity_replies WHERE status = 'draft' ORDER BY id", "SELECT id, org_path FROM integrity_replies WHERE status = 'issued' ORDER BY id"),
        Kind::ReplyPerson => (
            "SELECT x.reply_id, x.person_id, r.org_path FROM integrity_reply_people x JOIN integrity_replies r ON r.id = x.reply_id WHERE r.status = 'draft' ORDER BY x.id",
            "SELECT x.reply_id, x.person_id, r.org_path FROM integrity_reply_people x JOIN integrity_replies r ON r.id = x.reply_id WHERE r.status = 'issued' AND x.person_id NOT IN (SELECT y.person_id FROM integrity_reply_people y JOIN integrity_replies d ON d.id = y.reply_id WHERE d.status = 'draft') ORDER BY x.id",
        ),
        Kind::Campaign => (
            "SELECT c.id, MIN(u.org_path) FROM inspection_campaigns c JOIN inspection_units u ON u.campaign_id = c.id WHERE c.status = 'open' AND u.org_path LIKE '{in}%' GROUP BY c.id ORDER BY c.id",
            "SELECT c.id, MIN(u.org_path) FROM inspection_campaigns c JOIN inspection_units u ON u.campaign_id = c.id WHERE c.status = 'open' AND NOT EXISTS (SELECT 1 FROM inspection_units x WHERE x.campaign_id = c.id AND x.org_path LIKE '{in}%') GROUP BY c.id ORDER BY c.id",
        ),
        Kind::InspectionUnit => (
            "SELECT u.id, u.org_path FROM inspection_units u JOIN inspection_campaigns c ON c.id = u.campaign_id WHERE c.status = 'open' AND u.org_path LIKE '{in}%' ORDER BY u.id",
            "SELECT u.id, u.org_path FROM inspection_units u JOIN inspection_campaigns c ON c.id = u.campaign_id WHERE c.status = 'open' AND u.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN u.org_path LIKE '{out}%' THEN 0 ELSE 1 END, u.id",
        ),
        Kind::InspectionTalk => (
            "SELECT t.id, u.org_path FROM inspection_talks t JOIN inspection_units u ON u.id = t.unit_id WHERE u.org_path LIKE '{in}%' ORDER BY t.id",
            "SELECT t.id, u.org_path FROM inspection_talks t JOIN inspection_units u ON u.id = t.unit_id WHERE u.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN u.org_path LIKE '{out}%' THEN 0 ELSE 1 END, t.id",
        ),
        Kind::Finding => (
            "SELECT id, org_path FROM findings WHERE org_path LIKE '{in}%' AND notified_on IS NOT NULL ORDER BY id",
            "SELECT id, org_path FROM findings WHERE org_path NOT LIKE '{in}%' ORDER BY CASE WHEN org_path LIKE '{out}%' THEN 0 ELSE 1 END, id",
        ),
        Kind::Highlight => (
            "SELECT h.id, u.org_path FROM inspection_highlights h JOIN inspection_units u ON u.id = h.unit_id WHERE u.org_path LIKE '{in}%' ORDER BY h.id",
            "SELECT h.id, u.org_path FROM inspection_highlights h JOIN inspection_units u ON u.id = h.unit_id WHERE u.org_path NOT LIKE '{in}%' ORDER BY CASE WHEN u.org_path LIKE '{out}%' THEN 0 ELSE 1 END, h.id",
        ),
        Kind::InspectionMaterial => (
            "SELECT m.id, u.org_path FROM inspection_materials m JOIN inspection_units u ON u.id = m.unit_id JOIN inspection_campaigns c ON c.id = u.campaign_id WHERE c.status = 'open' AND m.attachment_id IS NOT NULL AND u.org_path LIKE '{in}%' ORDER BY m.id",
            "SELECT m.id, u.org_path FROM inspection_materials m JOIN inspection_units u ON u.id = m.unit_id JOIN inspection_campaigns c ON c.id = u.campaign_id WHERE c.status = 'open' AND m.attachment_id IS NOT NULL AND u.org_path NOT LIKE '{in}%' ORDER BY m.id",
        ),
        Kind::Report => (
            "SELECT r.id, r.org_path FROM task_reports r JOIN tasks t ON t.id = r.task_id JOIN task_plans p ON p.id = t.plan_id WHERE r.org_path LIKE '{in}%' ORDER BY r.id",
            "SELECT r.id, r.org_path FROM task_reports r JOIN tasks t ON t.id = r.task_id JOIN task_plans p ON p.id = t.plan_id WHERE r.org_path NOT LIKE '{in}%' AND NOT {seen_task} ORDER BY r.id",
        ),
    }
}

/// The table holding the kind's `version` (bodies that need one read it just before sending).
fn version_table(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Org => Some("orgs"),
        Kind::Person => Some("people"),
        Kind::Plan => Some("task_plans"),
        Kind::Task => Some("tasks"),
        Kind::Letter => Some("letters"),
        Kind::Talk => Some("talks"),
        Kind::DutyRecord => Some("duty_records"),
        _ => None,
    }
}

/// Bodies that carry ids. For each field the matrix sends the base body with the field set to
/// an object of the other unit (and, once, to one of 教育局's as a control that must succeed,
/// so that a refusal of the outside id means the id was checked, not that the body was bad).
/// `$version`, `$year`, `$next_year` and `$in_org` are filled in when sending.
struct BodyRule {
    method: &'static str,
    path: &'static str,
    base: &'static str,
    fields: &'static [(&'static str, IdKind)],
}

#[derive(Clone, Copy, Debug)]
enum IdKind {
    One(Kind),
    /// A JSON array of one id.
    List(Kind),
    /// An item of the plan in the path (inside) or of a plan 教育局 does not see (outside).
    TaskOfPlan,
}

const BODIES: &[BodyRule] = &[
    BodyRule { method: "post", path: "/inspection/{id}/findings", base: r#"{"category":"其他","description":"矩阵测试"}"#, fields: &[("unit_id", IdKind::One(Kind::InspectionUnit))] },
    BodyRule { method: "post", path: "/inspection/{id}/highlights", base: r#"{"text":"矩阵测试"}"#, fields: &[("unit_id", IdKind::One(Kind::InspectionUnit))] },
    BodyRule { method: "post", path: "/people", base: r#"{"name":"矩阵测试","gender":"female"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "put", path: "/people/{id}", base: r#"{"name":"矩阵测试","gender":"female","version":"$version"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "post", path: "/people/{id}/posts", base: r#"{"kind":"cadre","title":"矩阵测试"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "post", path: "/duty/lists", base: r#"{"kind":"main","year":"$next_year"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "post", path: "/duty/lists", base: r#"{"kind":"main","year":"$next_year","org_id":"$in_org"}"#, fields: &[("person_id", IdKind::One(Kind::Person))] },
    BodyRule { method: "post", path: "/duty/lists/review", base: r#"{"decision":"accept"}"#, fields: &[("ids", IdKind::List(Kind::List))] },
    BodyRule { method: "post", path: "/duty/coverage/remind", base: r#"{"kind":"main","year":"$next_year"}"#, fields: &[("units", IdKind::List(Kind::Org))] },
    BodyRule { method: "post", path: "/duty/templates", base: r#"{"kind":"main","target_kind":"branch","year":"$next_year","title":"矩阵测试共性清单"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule {
        method: "post",
        path: "/duty/letter-templates",
        base: r#"{"kind":"responsibility","year":"$next_year","title":"矩阵测试责任书","body":"矩阵测试：{责任内容}"}"#,
        fields: &[("org_id", IdKind::One(Kind::Org))],
    },
    BodyRule { method: "post", path: "/duty/plans", base: r#"{"year":"$next_year","title":"矩阵测试计划"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule {
        method: "post",
        path: "/duty/plans/{id}/tasks",
        base: r#"{"title":"矩阵测试事项"}"#,
        fields: &[
            ("parent_id", IdKind::TaskOfPlan),
            ("lead_org", IdKind::One(Kind::Org)),
            ("responsible", IdKind::List(Kind::Org)),
            ("cooperating", IdKind::List(Kind::Org)),
            ("list_items", IdKind::List(Kind::ListItem)),
        ],
    },
    BodyRule {
        method: "put",
        path: "/duty/tasks/{id}",
        base: r#"{"title":"矩阵测试事项","version":"$version"}"#,
        fields: &[("lead_org", IdKind::One(Kind::Org)), ("responsible", IdKind::List(Kind::Org)), ("cooperating", IdKind::List(Kind::Org)), ("list_items", IdKind::List(Kind::ListItem))],
    },
    BodyRule {
        method: "post",
        path: "/conduct/talks",
        base: r#"{"talker_id":"$in_secretary","interviewees":["$in_secretary"],"occasion":"routine","tags":["integrity"],"content":"矩阵测试约谈"}"#,
        fields: &[("talker_id", IdKind::One(Kind::Person)), ("interviewees", IdKind::List(Kind::Person))],
    },
    BodyRule {
        method: "post",
        path: "/conduct/records",
        base: r#"{"kind":"study","title":"矩阵测试纪实","act_date":"$first_day","content":"矩阵测试","late_reason":"矩阵测试补录"}"#,
        fields: &[("org_id", IdKind::One(Kind::Org)), ("participants", IdKind::List(Kind::Person)), ("items", IdKind::List(Kind::ListItem)), ("tasks", IdKind::List(Kind::Task))],
    },
    BodyRule {
        method: "put",
        path: "/conduct/records/{id}",
        base: r#"{"kind":"study","title":"矩阵测试纪实","act_date":"$first_day","content":"矩阵测试","late_reason":"矩阵测试补录","version":"$version"}"#,
        fields: &[("participants", IdKind::List(Kind::Person)), ("items", IdKind::List(Kind::ListItem)), ("tasks", IdKind::List(Kind::Task))],
    },
    BodyRule { method: "post", path: "/conduct/education", base: r#"{"kind":"warning","held_on":"2026-03-01","title":"矩阵测试活动"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "post", path: "/conduct/education", base: r#"{"kind":"warning","held_on":"2026-03-01","title":"矩阵测试活动","org_id":"$in_org"}"#, fields: &[("attendees", IdKind::List(Kind::Person))] },
    BodyRule { method: "post", path: "/conduct/exams/questions", base: r#"{"kind":"judge","stem":"矩阵测试题","answer":"对"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule {
        method: "post",
        path: "/conduct/exams/papers",
        base: r#"{"title":"矩阵测试考试","minutes":30,"opens_on":"2026-01-01","closes_on":"2026-12-31","rules":"判断 - 1 1","pass_mark":1,"units":["$in_org"]}"#,
        fields: &[("org_id", IdKind::One(Kind::Org))],
    },
    BodyRule {
        method: "post",
        path: "/conduct/exams/papers",
        base: r#"{"title":"矩阵测试考试","minutes":30,"opens_on":"2026-01-01","closes_on":"2026-12-31","rules":"判断 - 1 1","pass_mark":1,"org_id":"$in_org"}"#,
        fields: &[("units", IdKind::List(Kind::Org)), ("people", IdKind::List(Kind::Person))],
    },
    BodyRule { method: "post", path: "/attachments", base: r#"{"owner_kind":"general"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "post", path: "/attachments", base: r#"{"owner_kind":"task_report","org_id":"$in_org"}"#, fields: &[("owner_id", IdKind::One(Kind::Report))] },
    BodyRule { method: "post", path: "/conduct/inquiries", base: r#"{"kind":"talk","matter":"矩阵测试谈话"}"#, fields: &[("person_id", IdKind::One(Kind::Person))] },
    BodyRule {
        method: "post",
        path: "/conduct/notices",
        base: r#"{"kind":"cc","subject":"矩阵测试","problem":"矩阵测试问题","request":"矩阵测试要求","addressee_id":"$in_secretary"}"#,
        fields: &[("org_id", IdKind::One(Kind::Org))],
    },
    BodyRule {
        method: "post",
        path: "/conduct/notices",
        base: r#"{"kind":"cc","subject":"矩阵测试","problem":"矩阵测试问题","request":"矩阵测试要求","org_id":"$in_org"}"#,
        fields: &[("addressee_id", IdKind::One(Kind::Leader))],
    },
    BodyRule {
        method: "post",
        path: "/conduct/notices",
        base: r#"{"kind":"cc","subject":"矩阵测试","problem":"矩阵测试问题","request":"矩阵测试要求","org_id":"$in_org","addressee_id":"$in_secretary","source_kind":"inquiry"}"#,
        fields: &[("source_id", IdKind::One(Kind::Inquiry))],
    },
    BodyRule {
        method: "post",
        path: "/conduct/archive/family-events",
        base: r#"{"kind":"school","event_date":"$first_day","tables":1,"guests":10,"venue":"矩阵测试","cost":100}"#,
        fields: &[("person_id", IdKind::One(Kind::Person))],
    },
    BodyRule {
        method: "post",
        path: "/conduct/archive/sanctions",
        base: r#"{"category":"organizational","kind":"notice","decided_on":"$first_day","body":"矩阵测试","matter":"矩阵测试"}"#,
        fields: &[("person_id", IdKind::One(Kind::Person))],
    },
    BodyRule { method: "post", path: "/inspection/units/{id}/materials", base: r#"{"item_no":1,"ref_kind":"record"}"#, fields: &[("ref_id", IdKind::One(Kind::DutyRecord))] },
    BodyRule { method: "post", path: "/inspection/{id}/standard", base: r#"{}"#, fields: &[("standard_id", IdKind::One(Kind::Standard))] },
    BodyRule { method: "post", path: "/conduct/replies", base: r#"{"requester":"矩阵测试","purpose":"promotion"}"#, fields: &[("person_ids", IdKind::List(Kind::Person))] },
    // system data of the admin roles (system-wide): incomplete bodies, so nothing moves
    BodyRule { method: "post", path: "/orgs", base: r#"{}"#, fields: &[("parent_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "put", path: "/orgs/{id}", base: r#"{}"#, fields: &[("parent_id", IdKind::One(Kind::Org))] },
    BodyRule { method: "post", path: "/users", base: r#"{}"#, fields: &[("org_id", IdKind::One(Kind::Org)), ("person_id", IdKind::One(Kind::Person))] },
    BodyRule { method: "post", path: "/users/{id}/grants", base: r#"{"role":"cadre"}"#, fields: &[("org_id", IdKind::One(Kind::Org))] },
];

/// Body fields that name other objects: an operation whose summary names one must have a body
/// variant for it in `BODIES`.
const ID_FIELDS: &[&str] = &[
    "org_id",
    "parent_id",
    "person_id",
    "owner_id",
    "list_id",
    "user_id",
    "plan_id",
    "task_id",
    "letter_id",
    "item_id",
    "lead_org",
    "responsible",
    "cooperating",
    "list_items",
    "attendees",
    "units",
    "addressee_id",
    "source_id",
    "ref_id",
    "standard_id",
];

/// Operations sent as multipart forms (the JSON body's fields become text parts, plus a file).
const MULTIPART: &[&str] = &[
    "/inspection/standards/{id}/import",
    "/conduct/records/{id}/attachments",
    "/attachments",
    "/duty/letters/{id}/scan",
    "/conduct/talks/{id}/scan",
    "/duty/plans/{id}/import",
    "/orgs/import",
    "/people/import",
    "/conduct/exams/banks/{id}/import",
    "/conduct/statements/reports/{id}/file",
    "/inspection/units/{id}/materials/upload",
];

// ---------------------------------------------------------------------------------- helpers

#[derive(Clone, Debug)]
struct Obj {
    ids: Vec<i64>,
    path: String,
}

struct World {
    in_org: i64,
    /// 教育局's 书记 (王建国): a valid talker and interviewee for bodies naming people.
    in_secretary: i64,
    year: i64,
    objects: HashMap<Kind, (Obj, Obj)>,
}

struct Account {
    user: &'static str,
    grants: Vec<Grant>,
    token: String,
    page: reqwest::Client,
    /// The page session's CSRF token.
    csrf: String,
}

impl Account {
    fn scope(&self, p: P) -> Scope {
        users::scope_for(&self.grants, p)
    }
    fn has(&self, g: Gate) -> bool {
        match g {
            Public | SignedIn => true,
            Perm(p) => !self.scope(p).is_empty(),
            Any(a, b) => !self.scope(a).is_empty() || !self.scope(b).is_empty(),
            SeesAll(p, record) => !self.scope(p).is_empty() && sees_any(&self.grants.iter().filter_map(Grant::role).collect::<Vec<Role>>(), record) == Sees::All,
        }
    }
    /// Whether the scope the operation acts in covers an object placed at `path`.
    fn covers(&self, gate: Gate, act: Option<P>, path: &str) -> bool {
        match (act, gate) {
            (Some(p), _) | (None, Perm(p) | SeesAll(p, _)) => self.scope(p).contains(path),
            (None, Any(a, b)) => self.scope(a).contains(path) || self.scope(b).contains(path),
            (None, Public | SignedIn) => true,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Expect {
    Status(u16),
    OneOf(&'static [u16]),
    NotServerError,
    /// Neither 5xx nor a refusal (401, 403, 404): a form error (422) or a conflict is fine.
    NotRefused,
}

const REFUSED: &[u16] = &[403, 404, 422];
const PAGE_REFUSED: &[u16] = &[403, 404];
const NOT_SIGNED_IN: &[u16] = &[303, 401];

impl Expect {
    fn holds(self, s: u16) -> bool {
        s < 500
            && match self {
                Expect::Status(e) => s == e,
                Expect::OneOf(v) => v.contains(&s),
                Expect::NotServerError => true,
                Expect::NotRefused => !matches!(s, 401 | 403 | 404),
            }
    }
}

#[derive(Clone, Debug)]
struct Case {
    role: &'static str,
    label: String,
    method: &'static str,
    template: &'static str,
    path: String,
    body: Option<Value>,
    api: bool,
    expect: Expect,
    /// Another unit's object that a listing answering 200 must not show.
    hidden: Option<Hidden>,
}

#[derive(Clone, Debug)]
enum Hidden {
    /// An id among the JSON answer's `items` (the item's `id`, or its one nested object's).
    Id(i64),
    /// A text the HTML must not contain (a link to the object's page).
    Text(String),
}

/// The ids of a JSON listing's items.
fn item_ids(v: &Value) -> Vec<i64> {
    let items = v["items"].as_array().cloned().unwrap_or_default();
    items.iter().filter_map(|item| item["id"].as_i64().or_else(|| item.as_object().and_then(|o| o.values().find_map(|x| x.get("id").and_then(Value::as_i64))))).collect()
}

impl Case {
    fn describe(&self, status: u16, answer: &str) -> String {
        let body = self.body.as_ref().map(|b| format!(" {b}")).unwrap_or_default();
        let prefix = if self.api { "/api/v1" } else { "" };
        format!("{} {} {prefix}{}{body} [{}] → {status}, expected {:?}: {}", self.role, self.method.to_uppercase(), self.path, self.label, self.expect, answer.chars().take(160).collect::<String>().replace('\n', " "))
    }
    fn known_open(&self) -> Option<&'static str> {
        KNOWN_OPEN
            .iter()
            .find(|(role, method, template, label, _)| (*role == "*" || *role == self.role) && *method == self.method && *template == self.template && (*label == "*" || self.label.starts_with(label)))
            .map(|k| k.4)
    }
}

fn method_matches(pattern: &str, method: &str) -> bool {
    match pattern {
        "*" => true,
        "write" => method != "get",
        m => m == method,
    }
}

fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

fn api_rule(method: &str, path: &str) -> Option<&'static Rule> {
    API_RULES.iter().find(|r| method_matches(r.method, method) && path_matches(r.path, path))
}

/// The kind of object a path's placeholders name, if it has any: Ok(None) without placeholders.
fn path_kind(path: &str) -> Result<Option<Kind>, ()> {
    let n = path.matches('{').count();
    if n == 0 {
        return Ok(None);
    }
    let prefix = &path[..path.find("/{").unwrap_or(path.len())];
    PREFIXES.iter().find(|(p, ids, _)| *p == prefix && *ids == n).map(|(_, _, k)| Some(*k)).ok_or(())
}

/// The path with its placeholders replaced by `ids`, in order.
fn fill(template: &str, ids: &[i64]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut ids = ids.iter();
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e + 1).unwrap_or(rest.len());
        out.push_str(&ids.next().map(|i| i.to_string()).unwrap_or_else(|| "0".into()));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn expand(sql: &str, in_path: &str, out_path: &str) -> String {
    sql.replace("{took_part}", TOOK_PART).replace("{seen_plan}", PLAN_SEEN).replace("{seen_task}", TASK_SEEN).replace("{in}", in_path).replace("{out}", out_path)
}

async fn first_row(app: &TestApp, kind: Kind, sql: &str) -> Option<Obj> {
    let sql = format!("{sql} LIMIT 1");
    if matches!(kind, Kind::TaskFile | Kind::ListWithItem | Kind::TemplateItem | Kind::DutyRecordFile | Kind::NoticeFile | Kind::StatementPair | Kind::StatementFile | Kind::ReplyPerson) {
        let row: Option<(i64, i64, String)> = app.state.db.fetch_optional(q_built(sql)).await.unwrap();
        row.map(|(a, b, path)| Obj { ids: vec![a, b], path })
    } else {
        let row: Option<(i64, String)> = app.state.db.fetch_optional(q_built(sql)).await.unwrap();
        row.map(|(a, path)| Obj { ids: vec![a], path })
    }
}

async fn org_path(app: &TestApp, id: i64) -> String {
    lianzheng_store::org::get(&app.state.db, lianzheng_core::ids::OrgId::new(id)).await.unwrap().unwrap().path
}

async fn version_of(app: &TestApp, kind: Kind, id: i64) -> i64 {
    let Some(table) = version_table(kind) else { return 1 };
    app.state.db.scalar_i64(q_built(format!("SELECT CAST(version AS BIGINT) FROM {table} WHERE id = {id}"))).await.unwrap_or(1)
}

fn substitute(template: &str, world: &World, version: i64) -> Value {
    let text = template
        .replace("\"$version\"", &version.to_string())
        .replace("\"$next_year\"", &(world.year + 1).to_string())
        .replace("\"$year\"", &world.year.to_string())
        .replace("$first_day", &format!("{}-01-01", world.year))
        .replace("\"$in_org\"", &world.in_org.to_string())
        .replace("\"$in_secretary\"", &world.in_secretary.to_string());
    serde_json::from_str(&text).unwrap()
}

fn multipart(body: &Value) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    if let Some(map) = body.as_object() {
        for (k, v) in map {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            form = form.text(k.clone(), text);
        }
    }
    form.part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 scope matrix".to_vec()).file_name("矩阵.pdf"))
}

async fn send(client: reqwest::Client, base: String, token: Option<String>, case: &Case) -> (u16, String) {
    let url = if case.api { format!("{base}/api/v1{}", case.path) } else { format!("{base}{}", case.path) };
    let method = Method::from_bytes(case.method.to_uppercase().as_bytes()).unwrap();
    let mut rb = client.request(method, url);
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if case.method != "get" {
        let body = case.body.clone().unwrap_or_else(|| json!({}));
        rb = if case.api && MULTIPART.contains(&case.template) { rb.multipart(multipart(&body)) } else { rb.json(&body) };
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (status, text)
}

/// Requests in flight at once, over both databases' runs: enough to keep the server busy, few
/// enough that a loaded two-core machine doesn't reset or time out connections (thousands of
/// cases were once all started together).
static IN_FLIGHT: std::sync::LazyLock<Semaphore> = std::sync::LazyLock::new(|| Semaphore::new(24));

/// Runs the cases (concurrently) and returns the failures, known-open ones apart.
async fn run(app: &TestApp, account: Option<&Account>, cases: Vec<Case>, report: &mut Report) {
    let mut set = JoinSet::new();
    for case in cases {
        let (client, token) = match (account, case.api) {
            (Some(a), true) => (app.client(), Some(a.token.clone())),
            (Some(a), false) => (a.page.clone(), None),
            (None, _) => (app.client(), None),
        };
        let base = app.base.clone();
        set.spawn(async move {
            let _slot = IN_FLIGHT.acquire().await.unwrap();
            let (status, text) = send(client, base, token, &case).await;
            (case, status, text)
        });
    }
    while let Some(done) = set.join_next().await {
        let (case, status, text) = done.unwrap();
        report.check(&case, status, &text);
    }
}

#[derive(Default)]
struct Report {
    requests: usize,
    failures: Vec<String>,
    known: Vec<String>,
    /// Every case and its answer, written to the file named by SCOPE_MATRIX_LOG when set.
    trace: Vec<String>,
}

impl Report {
    fn check(&mut self, case: &Case, status: u16, text: &str) {
        self.requests += 1;
        let line = case.describe(status, text);
        self.trace.push(line.clone());
        let shown = match (&case.hidden, status) {
            (Some(Hidden::Id(id)), 200) => serde_json::from_str::<Value>(text).map(|v| item_ids(&v).contains(id)).unwrap_or(false),
            (Some(Hidden::Text(t)), 200) => text.contains(t.as_str()),
            _ => false,
        };
        let line = if shown { format!("{line} — shows another unit's object {:?}", case.hidden) } else { line };
        if case.expect.holds(status) && !shown {
            return;
        }
        match case.known_open() {
            Some(why) => self.known.push(format!("{line} — known open: {why}")),
            None => self.failures.push(line),
        }
    }
}

// ----------------------------------------------------------------------------- expectations

/// What a case must answer, from the rule and the account's grants. `object` is None for an
/// operation without ids, else the object's placing path and whether it is inside 教育局.
fn expectation(account: &Account, gate: Gate, act: Option<P>, method: &str, object: Option<&str>, api: bool) -> Expect {
    let refused = if api { REFUSED } else { PAGE_REFUSED };
    if !account.has(gate) {
        return Expect::Status(403);
    }
    if let Some(p) = act
        && !account.has(Perm(p))
    {
        return Expect::OneOf(PAGE_REFUSED);
    }
    match gate {
        Public | SignedIn => return Expect::NotServerError,
        Perm(_) | Any(..) | SeesAll(..) => {}
    }
    let covered = object.is_none_or(|path| !path.is_empty() && account.covers(gate, act, path));
    match (method, covered) {
        (_, false) => Expect::OneOf(refused),
        ("get", true) => Expect::Status(200),
        (_, true) => Expect::NotServerError,
    }
}

// -------------------------------------------------------------------------------- the world

async fn account(app: &TestApp, user: &'static str) -> Account {
    let u = users::get_by_username(&app.state.db, user).await.unwrap().unwrap();
    let grants = users::grants_of(&app.state.db, u.id).await.unwrap();
    let admin = grants.iter().filter_map(|g| g.role()).any(|r| r.is_admin());
    let secret = if admin { Some(app.enrol_totp(user).await) } else { None };
    // a code is taken once (replay guard): the page sign-in uses the next time step's code
    let code_at = |ahead: u64| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        secret.as_deref().map(|s| lianzheng_core::totp::code_at(s, now + ahead).unwrap())
    };
    let code = || code_at(0);
    // API token
    let mut body = json!({"username": user, "password": PW});
    if let Some(c) = code() {
        body["totp"] = Value::String(c);
    }
    let r = app.client().post(app.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200, "API sign-in of {user}");
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    // page session (admins pass the second factor)
    let page = app.browser();
    let r = page.post(app.url("/login")).form(&[("username", user), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303, "page sign-in of {user}");
    if let Some(c) = code_at(30) {
        let html = page.get(app.url("/login/totp?next=/")).send().await.unwrap().text().await.unwrap();
        let csrf = html.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
        let r = page.post(app.url("/login/totp")).form(&[("code", c.as_str()), ("next", "/"), ("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 303, "second factor of {user}");
    }
    let html = page.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = html.split("name=\"csrf-token\" content=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
    assert!(!csrf.is_empty(), "CSRF token of {user}");
    Account { user, grants, token, page, csrf }
}

async fn post_ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (s, v) = app.send_json(Method::POST, token, path, body.clone()).await;
    assert_eq!(s, 201, "fixture POST {path} {body}: {v}");
    v
}

async fn upload(app: &TestApp, token: &str, fields: &[(&str, String)]) {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.clone());
    }
    let form = form.part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 fixture".to_vec()).file_name("附件.pdf"));
    let r = app.client().post(app.url("/api/v1/attachments")).bearer_auth(token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201, "fixture upload {fields:?}: {}", r.text().await.unwrap());
}

/// Objects the demo county lacks on one side: the matrix's own accounts, attachments, a 共性清单,
/// a 责任书 template and a plan (with an item) of 教育局 and of 组织部.
async fn fixtures(app: &TestApp, jw: &str, dw: &str, in_org: i64, out_org: i64, in_path: &str, year: i64) {
    let actor = Actor::system("范围矩阵测试");
    let hash = app.state.hasher.hash(PW).unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    for (name, org) in [("mx_in", in_org), ("mx_out", out_org)] {
        let uid = users::create(&mut tx, &actor, &UserInput { username: name.into(), display_name: name.into(), person_id: None, org_id: Some(lianzheng_core::ids::OrgId::new(org)) }, &hash, false).await.unwrap();
        users::add_grant(&mut tx, &actor, uid, Role::Cadre, Some(lianzheng_core::ids::OrgId::new(org))).await.unwrap();
        // a pending two-person password reset for each, for the /password-resets operations
        tx.execute(lianzheng_store::q("INSERT INTO password_resets (user_id, requested_at, status) VALUES ($1, 0, 'pending')").bind(uid)).await.unwrap();
    }
    let all = Scope::system(SystemScope::Demo);
    for org in [in_org, out_org] {
        lianzheng_store::duty::letters::create_template(&mut tx, &actor, &all, year, lianzheng_core::ids::OrgId::new(org), "responsibility", "矩阵测试责任书", lianzheng_web::pages::duty::letters::DEFAULT_BODY)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    for org in [in_org, out_org] {
        upload(app, jw, &[("org_id", org.to_string()), ("owner_kind", "general".into())]).await;
        let v = post_ok(app, jw, "/api/v1/duty/templates", json!({"year": year, "org_id": org, "kind": "main", "target_kind": "branch", "title": "矩阵测试共性清单"})).await;
        let t = v["id"].as_i64().unwrap();
        post_ok(app, jw, &format!("/api/v1/duty/templates/{t}/items"), json!({"category": "矩阵", "content": "矩阵测试共性内容"})).await;
    }
    // progress-report files: one of 教育局's own reports, one on an item 教育局 does not see
    let seen = expand(TASK_SEEN, in_path, in_path);
    for sql in [
        format!("SELECT r.id, r.org_id FROM task_reports r WHERE r.org_path LIKE '{in_path}%' ORDER BY r.id LIMIT 1"),
        format!("SELECT r.id, r.org_id FROM task_reports r JOIN tasks t ON t.id = r.task_id JOIN task_plans p ON p.id = t.plan_id WHERE r.org_path NOT LIKE '{in_path}%' AND NOT {seen} ORDER BY r.id LIMIT 1"),
    ] {
        let (report, org): (i64, i64) = app.state.db.fetch_optional(q_built(sql.clone())).await.unwrap().unwrap_or_else(|| panic!("no progress report for the fixture: {sql}"));
        upload(app, jw, &[("org_id", org.to_string()), ("owner_kind", "task_report".into()), ("owner_id", report.to_string())]).await;
    }
    // a 履责纪实 file on each side: one on a record of 教育局 that gb_jyj took part in (dw_jyj, its
    // own unit), one on a record of the 县委 (jw_staff, whose own unit it is)
    let root = app.org_id("XW").await;
    for (token, sql) in [(dw, format!("SELECT MIN(r.id) FROM duty_records r WHERE r.org_path LIKE '{in_path}%' AND {TOOK_PART}")), (jw, format!("SELECT MIN(r.id) FROM duty_records r WHERE r.org_id = {root}"))] {
        let record = app.state.db.scalar_i64(q_built(sql.clone())).await.unwrap_or_else(|e| panic!("no 履责纪实 for the fixture: {sql}: {e}"));
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 fixture".to_vec()).file_name("会议记录.pdf"));
        let r = app.client().post(app.url(&format!("/api/v1/conduct/records/{record}/attachments"))).bearer_auth(token).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 201, "fixture record file on {record}: {}", r.text().await.unwrap());
    }
    // a file on an answer of a notice on each side, filed directly (their addressees have no account)
    for sql in [
        format!("SELECT MIN(n.id) FROM notices n WHERE n.org_path LIKE '{in_path}%' AND n.addressee_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL)"),
        format!("SELECT MIN(n.id) FROM notices n WHERE n.org_path NOT LIKE '{in_path}%' AND n.addressee_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL)"),
    ] {
        let notice = app.state.db.scalar_i64(q_built(sql.clone())).await.unwrap_or_else(|e| panic!("no notice for the fixture: {sql}: {e}"));
        let org = app.state.db.scalar_i64(lianzheng_store::q("SELECT org_id FROM notices WHERE id = $1").bind(notice)).await.unwrap();
        let bytes = b"%PDF-1.4 fixture".to_vec();
        let key = format!("mx-notice-{notice}");
        app.state.storage.put(&key, &bytes).unwrap();
        let input = lianzheng_store::attachments::AttachmentInput {
            org_id: lianzheng_core::ids::OrgId::new(org),
            owner_kind: "notice".into(),
            owner_id: Some(notice),
            filename: "整改报告.pdf".into(),
            content_type: "application/pdf".into(),
            size: bytes.len() as i64,
            sm3: lianzheng_core::crypto::sm3_hex(&bytes),
            storage_key: key,
        };
        let mut tx = app.state.db.begin().await.unwrap();
        lianzheng_store::attachments::create(&mut tx, &actor, &all, &input).await.unwrap();
        tx.commit().await.unwrap();
    }
    // a 述责述廉 report's file on each side (nobody with an account reports there, so the bytes
    // are stored as the reporter's upload would store them)
    for (inside, sql) in [
        (true, format!("SELECT MIN(s.id) FROM statement_reports s WHERE s.person_org_path LIKE '{in_path}%' AND s.body IS NOT NULL AND s.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL)")),
        (false, format!("SELECT MIN(s.id) FROM statement_reports s WHERE s.person_org_path NOT LIKE '{in_path}%' AND s.body IS NOT NULL AND s.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL)")),
    ] {
        let report = app.state.db.scalar_i64(q_built(sql.clone())).await.unwrap_or_else(|e| panic!("no 述责述廉报告 for the fixture: {sql}: {e}"));
        let org = app.state.db.scalar_i64(lianzheng_store::q("SELECT person_org_id FROM statement_reports WHERE id = $1").bind(report)).await.unwrap();
        let bytes = b"%PDF-1.4 fixture".to_vec();
        let key = format!("matrixstatement{}", if inside { "in" } else { "out" });
        app.state.storage.put(&key, &bytes).unwrap();
        let input = lianzheng_store::attachments::AttachmentInput {
            org_id: lianzheng_core::ids::OrgId::new(org),
            owner_kind: lianzheng_store::conduct::statements::ATTACHMENT_KIND.into(),
            owner_id: Some(report),
            filename: "述责述廉报告.pdf".into(),
            content_type: "application/pdf".into(),
            size: bytes.len() as i64,
            sm3: lianzheng_core::crypto::sm3_hex(&bytes),
            storage_key: key,
        };
        let scope = lianzheng_core::org::Scope::system(lianzheng_core::org::SystemScope::Demo);
        let mut tx = app.state.db.begin().await.unwrap();
        let id = lianzheng_store::attachments::create(&mut tx, &lianzheng_store::audit::Actor::system("矩阵测试"), &scope, &input).await.unwrap();
        lianzheng_store::conduct::statements::set_file(&mut tx, &lianzheng_store::audit::Actor::system("矩阵测试"), lianzheng_core::ids::StatementReportId::new(report), id).await.unwrap();
        tx.commit().await.unwrap();
    }
    // 考责: an open campaign without 教育局 (the village branches of a township), and a 个别谈话
    // record at 教育局 in the demo campaign, entered by the organiser for the first group's leader
    let v = post_ok(app, jw, "/api/v1/inspection", json!({"year": year, "title": "矩阵测试检查考核"})).await;
    let campaign = v["id"].as_i64().unwrap();
    let mut version = v["campaign"]["campaign"]["version"].as_i64().unwrap();
    let phases = json!([{"name": "自查自评", "starts_on": "2026-01-05", "ends_on": "2099-12-31"}]);
    for (method, path, body) in [
        (Method::PUT, format!("/api/v1/inspection/{campaign}"), json!({"title": "矩阵测试检查考核", "notice": "矩阵测试。", "phases": phases})),
        (Method::POST, format!("/api/v1/inspection/{campaign}/units"), json!({"root_id": app.org_id("XW-T01").await, "kinds": ["branch"]})),
        (Method::POST, format!("/api/v1/inspection/{campaign}/issue"), json!({"doc_number": "矩阵〔2026〕1号"})),
    ] {
        let mut body = body;
        body["version"] = json!(version);
        let (s, v) = app.send_json(method, jw, &path, body).await;
        assert_eq!(s, 200, "fixture {path}: {v}");
        version = v["campaign"]["campaign"]["version"].as_i64().unwrap();
    }
    let unit = app
        .state
        .db
        .scalar_i64(q_built(format!("SELECT MIN(u.id) FROM inspection_units u JOIN inspection_campaigns c ON c.id = u.campaign_id WHERE c.status = 'open' AND u.group_id IS NOT NULL AND u.org_path LIKE '{in_path}%'")))
        .await
        .unwrap();
    let leader = app.state.db.scalar_i64(lianzheng_store::q("SELECT g.leader_id FROM inspection_units u JOIN inspection_groups g ON g.id = u.group_id WHERE u.id = $1").bind(unit)).await.unwrap();
    post_ok(app, jw, &format!("/api/v1/inspection/units/{unit}/talks"), json!({"talker_id": leader, "person_name": "矩阵测试", "record": "矩阵测试谈话记录"})).await;
    // a finding at 教育局 told to it, a 亮点, and both campaigns' 通报 issued
    let demo = app.state.db.scalar_i64(lianzheng_store::q("SELECT campaign_id FROM inspection_units WHERE id = $1").bind(unit)).await.unwrap();
    let v = post_ok(app, jw, &format!("/api/v1/inspection/{demo}/findings"), json!({"unit_id": unit, "category": "其他", "description": "矩阵测试问题"})).await;
    let finding = v["finding"]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::POST, jw, &format!("/api/v1/inspection/findings/{finding}/notify"), json!({"version": v["finding"]["version"]})).await;
    assert_eq!(s, 200, "fixture notify: {v}");
    post_ok(app, jw, &format!("/api/v1/inspection/{demo}/highlights"), json!({"unit_id": unit, "text": "矩阵测试亮点"})).await;
    for c in [demo, campaign] {
        let (s, v) = app.send_json(Method::POST, jw, &format!("/api/v1/inspection/{c}/bulletin/draft"), json!({})).await;
        assert_eq!(s, 200, "fixture bulletin: {v}");
        let (s, v) = app.send_json(Method::POST, jw, &format!("/api/v1/inspection/{c}/bulletin/issue"), json!({"version": v["bulletin"]["version"], "doc_number": "矩阵〔2026〕2号"})).await;
        assert_eq!(s, 200, "fixture bulletin issue: {v}");
    }
    // 自查资料: an uploaded file at a campaign unit on each side (stored as the unit's upload would be)
    for (inside, sql) in [
        (true, format!("SELECT MIN(u.id) FROM inspection_units u JOIN inspection_campaigns c ON c.id = u.campaign_id WHERE c.status = 'open' AND u.org_path LIKE '{in_path}%'")),
        (false, format!("SELECT MIN(u.id) FROM inspection_units u JOIN inspection_campaigns c ON c.id = u.campaign_id WHERE c.status = 'open' AND u.org_path NOT LIKE '{in_path}%'")),
    ] {
        let unit = app.state.db.scalar_i64(q_built(sql.clone())).await.unwrap_or_else(|e| panic!("no campaign unit for the fixture: {sql}: {e}"));
        let org = app.state.db.scalar_i64(lianzheng_store::q("SELECT org_id FROM inspection_units WHERE id = $1").bind(unit)).await.unwrap();
        let bytes = b"%PDF-1.4 fixture".to_vec();
        let key = format!("matrixmaterial{}", if inside { "in" } else { "out" });
        app.state.storage.put(&key, &bytes).unwrap();
        let input = lianzheng_store::attachments::AttachmentInput {
            org_id: lianzheng_core::ids::OrgId::new(org),
            owner_kind: "general".into(),
            owner_id: None,
            filename: "自查资料.pdf".into(),
            content_type: "application/pdf".into(),
            size: bytes.len() as i64,
            sm3: lianzheng_core::crypto::sm3_hex(&bytes),
            storage_key: key,
        };
        let actor = lianzheng_store::audit::Actor::system("矩阵测试");
        let scope = lianzheng_core::org::Scope::system(lianzheng_core::org::SystemScope::Demo);
        let mut tx = app.state.db.begin().await.unwrap();
        let a = lianzheng_store::attachments::create(&mut tx, &actor, &scope, &input).await.unwrap();
        let m = lianzheng_store::inspection::selfchecks::NewMaterial {
            unit_id: unit,
            item_no: Some(1),
            indicator_id: None,
            attachment_id: Some(a.get()),
            ref_kind: None,
            ref_id: None,
            title: "自查资料.pdf",
            created_by: None,
        };
        lianzheng_store::inspection::selfchecks::add_material(&mut tx, &actor, &m).await.unwrap();
        tx.commit().await.unwrap();
    }
    // a plan of each unit, each with an item of its own
    let v = post_ok(app, dw, "/api/v1/duty/plans", json!({"year": year, "org_id": in_org, "title": "教育局矩阵测试计划"})).await;
    let plan = v["plan"]["id"].as_i64().unwrap();
    post_ok(app, dw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "教育局矩阵测试事项", "lead_org": in_org})).await;
    let v = post_ok(app, jw, "/api/v1/duty/plans", json!({"year": year, "org_id": out_org, "title": "组织部矩阵测试计划"})).await;
    let plan = v["plan"]["id"].as_i64().unwrap();
    post_ok(app, jw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "组织部矩阵测试事项", "lead_org": out_org, "responsible": [out_org]})).await;
    // 廉政测评: two campaigns of the county with a meeting each
    for _ in 0..2 {
        let (campaign, unit, _) = crate::inspection_ballots::campaign(app).await;
        crate::inspection_ballots::hold(app, jw, campaign, unit, 2).await;
    }
}

/// Sends each `BODIES` rule with one id field set to an object 教育局 does not see, on the
/// inside object of the path, one request at a time (versions are read just before sending).
/// `covering`: false for the roles whose scope does not hold that object (each field first
/// tried once with 教育局's own id as a control that must succeed), true for the others.
async fn body_ids(app: &TestApp, accounts: &[Account], world: &World, covering: bool, report: &mut Report) {
    let object = |kind: Kind| world.objects.get(&kind).unwrap();
    for b in BODIES {
        let rule = api_rule(b.method, b.path).unwrap();
        let path_ids = path_kind(b.path).unwrap().map(|k| (k, object(k).0.ids.clone()));
        let path = fill(b.path, path_ids.as_ref().map(|(_, ids)| ids.as_slice()).unwrap_or(&[]));
        for (field, id_kind) in b.fields {
            let (inside_id, outside) = match id_kind {
                IdKind::One(k) | IdKind::List(k) => (object(*k).0.ids[0], object(*k).1.clone()),
                IdKind::TaskOfPlan => {
                    let plan = path_ids.as_ref().map(|(_, ids)| ids[0]).unwrap();
                    let first = app.state.db.scalar_i64(q_built(format!("SELECT MIN(id) FROM tasks WHERE plan_id = {plan}"))).await.unwrap();
                    (first, object(Kind::Task).1.clone())
                }
            };
            let body_with = async |id: i64| {
                let version = match &path_ids {
                    Some((k, ids)) => version_of(app, *k, ids[0]).await,
                    None => 1,
                };
                let mut body = substitute(b.base, world, version);
                body[*field] = if matches!(id_kind, IdKind::List(_)) { json!([id]) } else { json!(id) };
                body
            };
            let may = |a: &Account| a.has(rule.gate) && rule.act.is_none_or(|p| a.has(Perm(p)));
            let sees = |a: &Account| may(a) && a.covers(rule.gate, rule.act, &outside.path);
            if !covering && let Some(a) = accounts.iter().find(|a| may(a) && !sees(a)) {
                let case = Case {
                    hidden: None,
                    role: a.user,
                    label: format!("control {field}"),
                    method: b.method,
                    template: b.path,
                    path: path.clone(),
                    body: Some(body_with(inside_id).await),
                    api: true,
                    expect: Expect::OneOf(&[200, 201, 204]),
                };
                let (s, text) = send(app.client(), app.base.clone(), Some(a.token.clone()), &case).await;
                report.check(&case, s, &text);
            }
            for a in accounts.iter().filter(|a| sees(a) == covering) {
                let expect = in_group(a, b.path, expectation(a, rule.gate, rule.act, b.method, Some(&outside.path), true));
                let case = Case { hidden: None, role: a.user, label: format!("outside {field}"), method: b.method, template: b.path, path: path.clone(), body: Some(body_with(outside.ids[0]).await), api: true, expect };
                let (s, text) = send(app.client(), app.base.clone(), Some(a.token.clone()), &case).await;
                report.check(&case, s, &text);
            }
        }
    }
}

/// Every GET route declared in the page modules' source (`.route("…", get(…)…)`).
fn page_get_routes_in_source() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src/pages");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut routes = BTreeSet::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        let mut rest = src.as_str();
        while let Some(i) = rest.find(".route(\"") {
            let after = &rest[i + 8..];
            let Some(end) = after.find('"') else { break };
            let path = &after[..end];
            // the handler expression: up to the parenthesis that closes `.route(`
            let mut depth = 1;
            let mut stop = after.len();
            for (j, ch) in after[end + 1..].char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            stop = end + 1 + j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let expr = &after[end + 1..stop];
            if expr.contains("get(") {
                routes.insert(path.to_string());
            }
            rest = &after[stop.min(after.len())..];
        }
    }
    routes
}

// -------------------------------------------------------------------------- page form actions

/// Page form actions that take a unit (and other ids) in the form rather than the path: tried
/// with 教育局's ids and with the other unit's.
const PAGE_BODY_IDS: &[&str] = &[
    "/conduct/records",
    "/duty/lists",
    "/duty/templates",
    "/duty/plans",
    "/people",
    "/orgs",
    "/admin/users",
    "/admin/grants",
    "/duty/letters/templates",
    "/conduct/education",
    "/conduct/exams/questions",
    "/conduct/exams/papers",
];

/// Sign-in and sign-out: posting them would end or replace the matrix's sessions (the sign-in
/// tests cover them).
const PAGE_SKIPPED: &[&str] = &["/login", "/login/totp", "/logout"];

/// Page actions where a role with the permission and the object in scope may still be refused
/// by the owner's rules (the matrix's inside object is one letter, whoever signs it): for them
/// only "not 500" is asserted when allowed. (path, the rule)
const OWNER_RULES: &[(&str, &str)] = &[
    ("/duty/letters/{id}", "the body of a letter the 县委 issues is the 纪委's to edit"),
    ("/duty/letters/{id}/scan", "only the letter's signer files the signed scan"),
    ("/duty/letters/{id}/sign", "only the signer named on the letter confirms it (a unit's letter: its 书记)"),
    ("/conduct/talks/{id}", "a talk confirmed by an interviewee is locked; the talker or the unit's 党务/书记 edit it"),
    ("/conduct/talks/{id}/delete", "a talk confirmed by an interviewee is locked; the talker or the unit's 党务/书记 delete it"),
    ("/conduct/talks/{id}/confirm", "only an interviewee named on the talk confirms it"),
    ("/conduct/talks/{id}/scan", "the talker or the unit's 党务/书记 file a signed scan"),
    ("/conduct/records/{id}", "only the record's own unit edits it; a higher level (the county 纪委) reads it"),
    ("/conduct/records/{id}/delete", "only the record's own unit deletes it"),
    ("/conduct/records/{id}/attachments", "only the record's own unit files its attachments"),
    ("/conduct/records/{id}/edit", "only the record's own unit opens its edit form"),
    ("/conduct/education/{id}", "a unit's education record is the unit's to change; higher levels read it"),
    ("/conduct/exams/papers/{id}/start", "only a person the paper names starts an attempt"),
    ("/conduct/exams/attempts/{id}/answer", "only the taker answers his attempt"),
    ("/conduct/exams/attempts/{id}/submit", "only the taker submits his attempt"),
    ("/conduct/notices/{id}/reports", "only the addressee answers a notice (the inside one's has no account)"),
    ("/conduct/notices/{id}/close", "only an answered notice is closed (the inside one waits for its answer)"),
    ("/conduct/notices/{id}/return", "only an answered notice is returned (the inside one waits for its answer)"),
    ("/conduct/archive/family-events", "a person files his own report; only the unit's 党务 staff and the 纪委 file for others"),
    ("/conduct/archive/family-events/{id}/after", "only the person himself or the unit's 党务 staff/纪委 report what happened, once, on or after the day"),
    ("/conduct/archive/matters", "only the person himself files his 个人有关事项"),
    ("/conduct/statements/reports/{id}", "only the reporter submits or revises his report, before the meeting"),
    ("/conduct/statements/reports/{id}/file", "only the reporter files his report's file, before the meeting"),
    ("/conduct/statements/reports/{id}/points", "only the organising body's staff comment on the reports of its rounds"),
    ("/conduct/statements/points/{id}/answer", "only the reporter answers the points on his report"),
    ("/conduct/statements/points/{id}/close", "only the organising body's staff close its points"),
    ("/conduct/statements/points/{id}/return", "only the organising body's staff return an answer"),
    ("/inspection/units/{id}/talks", "only the organiser and the unit's group record its 个别谈话 (the matrix's roles that score are in no group)"),
    ("/inspection/talks/{id}", "only the organiser and the unit's group edit a 个别谈话 record"),
    ("/inspection/{id}/findings", "only the organiser and the unit's group record its findings (jcz sits in the demo campaign's second group: GROUP_MEMBERS)"),
    ("/inspection/{id}/highlights", "only the organiser and the unit's group note its 亮点"),
    ("/inspection/findings/{id}", "only the organiser edits a finding told to the unit"),
    ("/inspection/findings/{id}/notify", "a finding is told to the unit once (the inside one has been)"),
    ("/inspection/findings/{id}/delete", "a finding told to the unit is kept (the inside one has been)"),
    ("/inspection/{id}/bulletin", "the 通报 is edited as a draft only (the inside campaign's is issued)"),
    ("/inspection/{id}/bulletin/draft", "the 通报 is drafted before it is issued only (the inside campaign's is issued)"),
    ("/inspection/{id}/bulletin/issue", "the 通报 is issued once (the inside campaign's is)"),
    ("/inspection/units/{id}/scores/self", "only the unit's own 党务 staff and 书记 write its self-score, before the self-check deadline"),
    ("/inspection/units/{id}/scores/inspector", "only a member of the unit's group scores it (the matrix's roles that score are in no group of 教育局)"),
    ("/inspection/units/{id}/scores/final", "only the leader of the unit's group reconciles its scores"),
    ("/inspection/{id}/issue", "a notice is issued once (the inside campaign is open already)"),
    ("/inspection/{id}/units", "the units are fixed once the notice is issued (the inside campaign is open)"),
    ("/inspection/units/{id}/selfcheck", "only the unit's 党务 staff and 书记 write its self-check"),
    ("/inspection/units/{id}/selfcheck/generate", "only the unit's 党务 staff and 书记 draft its self-check"),
    ("/inspection/units/{id}/selfcheck/submit", "only the unit's 党务 staff and 书记 submit it, once it is written"),
    ("/inspection/units/{id}/selfcheck/return", "only a submitted self-check is returned"),
    ("/inspection/units/{id}/materials", "only the unit's 党务 staff and 书记 hand in its materials"),
    ("/inspection/units/{id}/materials/upload", "only the unit's 党务 staff and 书记 hand in its materials"),
    ("/inspection/units/{id}/frugality", "only the unit's 党务 staff and 书记 fill in its 八项规定 table"),
];

/// Accounts that sit in an inspection group of the inside (demo) campaign: 陈立新 (jcz) is a
/// member of its second group. The model has no groups, so where it says 403 for what a group
/// member may do at his group's units, such an account may also meet the form's refusal (422: an
/// empty form; a unit outside his group, "请选择本检查组的受检单位") or 404 — still refused, and
/// the fingerprints prove nothing changed.
const GROUP_MEMBERS: &[&str] = &["jcz"];
const GROUP_WRITES: &[&str] = &["/inspection/{id}/findings", "/inspection/{id}/highlights", "/inspection/units/{id}/talks", "/inspection/units/{id}/scores/inspector"];

fn in_group(a: &Account, template: &str, e: Expect) -> Expect {
    match e {
        Expect::Status(403) if GROUP_MEMBERS.contains(&a.user) && GROUP_WRITES.contains(&template) => Expect::OneOf(REFUSED),
        e => e,
    }
}

/// A refused page form action: forbidden, not found, or the form shown again with the reason.
const PAGE_POST_REFUSED: &[u16] = &[403, 404, 422];

/// Uploads are multipart forms.
fn page_multipart(path: &str) -> bool {
    ["/attachments", "/scan", "/import", "/reports", "/file", "/upload"].iter().any(|s| path.ends_with(s))
}

/// Actions that use their object up: tried last, one at a time, and one role's success may
/// leave the next a 404.
fn one_shot(path: &str) -> bool {
    ["/delete", "/revoke", "/approve", "/reject"].iter().any(|s| path.ends_with(s))
}

fn gate_of(need: Need) -> (Gate, Option<P>) {
    match need {
        Need::Public => (Public, None),
        Need::SignedIn => (SignedIn, None),
        Need::Perm(p) => (Perm(p), None),
        Need::Any(a, b) => (Any(a, b), None),
        Need::Then(a, b) => (Perm(a), Some(b)),
    }
}

/// The form: every id field the page forms read, set to 教育局's objects or the other unit's.
fn page_form(world: &World, inside: bool, csrf: &str) -> Vec<(String, String)> {
    let pick = |k: Kind| world.objects.get(&k).map_or(0, |(i, o)| if inside { i.ids[0] } else { o.ids[0] });
    let org = pick(Kind::Org);
    let mut form: Vec<(String, String)> = [
        ("org_id", org),
        ("parent_id", org),
        ("lead_org", org),
        ("responsible", org),
        ("cooperating", org),
        ("person_id", pick(Kind::Person)),
        ("owner_id", pick(Kind::Report)),
        ("user_id", pick(Kind::User)),
        ("list_items", pick(Kind::ListItem)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    form.push(("role".into(), "cadre".into()));
    form.push(("_csrf".into(), csrf.to_string()));
    form
}

async fn send_page_form(client: reqwest::Client, base: String, path: String, form: Vec<(String, String)>) -> (u16, String) {
    let csrf = form.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.clone()).unwrap_or_default();
    let url = format!("{base}{path}?_csrf={csrf}");
    // a refusal may be answered before the upload is read and the connection closed under the
    // client's body (connection reset): the same request again, a few times, before failing
    let mut tries = 0;
    let r = loop {
        let rb = client.post(&url);
        let rb = if page_multipart(&path) {
            let mut m = reqwest::multipart::Form::new();
            for (k, v) in &form {
                m = m.text(k.clone(), v.clone());
            }
            rb.multipart(m.part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 scope matrix".to_vec()).file_name("矩阵.pdf")))
        } else {
            rb.form(&form)
        };
        match rb.send().await {
            Ok(r) => break r,
            Err(e) if tries < 4 && e.is_request() => tries += 1,
            Err(e) => panic!("POST {path}: {e}"),
        }
    };
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).map(|l| format!("→ {l} ")).unwrap_or_default();
    (status, format!("{location}{}", r.text().await.unwrap_or_default()))
}

/// Posts every declared page form action as every role, on 教育局's object and on the other
/// unit's (ids guessed in the path and in the form). `allowed`: false runs the cases a role
/// must be refused (403/404/422); true runs the others, which must not be refused.
async fn page_posts(app: &TestApp, accounts: &[Account], world: &World, allowed: bool, report: &mut Report) {
    let in_path = world.objects.get(&Kind::Org).unwrap().0.path.clone();
    let out_path = world.objects.get(&Kind::Org).unwrap().1.path.clone();
    let mut last = Vec::new();
    for a in accounts {
        let mut batch = Vec::new();
        for action in lianzheng_web::modules::page_actions() {
            if PAGE_SKIPPED.contains(&action.path) {
                continue;
            }
            let (gate, act) = gate_of(action.need);
            let variants: Vec<(&str, String, Option<String>, bool)> = match path_kind(action.path).unwrap() {
                Some(kind) => {
                    // after the API's deletions an inside object may be gone: its action is skipped
                    let Some((i, o)) = world.objects.get(&kind) else { continue };
                    let mut v = vec![("inside", fill(action.path, &i.ids), Some(i.path.clone()), true), ("outside", fill(action.path, &o.ids), Some(o.path.clone()), false)];
                    if i.ids.len() > 1 {
                        let mixed: Vec<i64> = i.ids.iter().take(1).chain(o.ids.iter().skip(1)).copied().collect();
                        v.push(("mismatched ids", fill(action.path, &mixed), Some(String::new()), false));
                    }
                    v
                }
                None if PAGE_BODY_IDS.contains(&action.path) => vec![("inside ids", action.path.to_string(), Some(in_path.clone()), true), ("outside ids", action.path.to_string(), Some(out_path.clone()), false)],
                None => vec![("no id", action.path.to_string(), None, true)],
            };
            for (label, path, obj, inside) in variants {
                let expect = expectation(a, gate, act, "post", obj.as_deref(), false);
                let refusing = !matches!(expect, Expect::NotServerError);
                if refusing == allowed {
                    continue;
                }
                let expect = match (refusing, one_shot(action.path)) {
                    (true, _) => Expect::OneOf(PAGE_POST_REFUSED),
                    (false, true) => Expect::NotServerError,
                    (false, false) if OWNER_RULES.iter().any(|(p, _)| *p == action.path) => Expect::NotServerError,
                    // a public action's path names no object of anyone's scope (the voting page's code)
                    (false, false) if matches!(gate, Public) => Expect::NotServerError,
                    (false, false) => Expect::NotRefused,
                };
                let case = Case { hidden: None, role: a.user, label: format!("form {label}"), method: "post", template: action.path, path, body: None, api: false, expect };
                let form = page_form(world, inside, &a.csrf);
                if allowed && one_shot(action.path) {
                    last.push((a.page.clone(), case, form));
                } else {
                    batch.push((a.page.clone(), case, form));
                }
            }
        }
        let mut set = JoinSet::new();
        for (client, case, form) in batch {
            let base = app.base.clone();
            set.spawn(async move {
                let _slot = IN_FLIGHT.acquire().await.unwrap();
                let (status, text) = send_page_form(client, base, case.path.clone(), form).await;
                (case, status, text)
            });
        }
        while let Some(done) = set.join_next().await {
            let (case, status, text) = done.unwrap();
            report.check(&case, status, &text);
        }
    }
    for (client, case, form) in last {
        let (status, text) = send_page_form(client, app.base.clone(), case.path.clone(), form).await;
        report.check(&case, status, &text);
    }
}

/// Every table but the audit log (refusals are logged), as the archive writes it.
async fn fingerprint(app: &TestApp) -> Vec<String> {
    let tables: Vec<_> = lianzheng_web::modules::tables().into_iter().filter(|t| !t.name.starts_with("audit_")).collect();
    let mut out = Vec::new();
    lianzheng_store::archive::export(&app.state.db, &tables, &mut out).await.unwrap();
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

/// The first lines that differ between two fingerprints, with the table they are in.
fn changed(before: &[String], after: &[String]) -> Vec<String> {
    let a: BTreeSet<&String> = before.iter().collect();
    let b: BTreeSet<&String> = after.iter().collect();
    let mut out: Vec<String> = a.difference(&b).take(5).map(|l| format!("- {l}")).collect();
    out.extend(b.difference(&a).take(5).map(|l| format!("+ {l}")));
    out
}

/// One object of each kind inside and outside 教育局, as the database holds them now.
async fn resolve(app: &TestApp, in_path: &str, out_path: &str) -> (HashMap<Kind, (Obj, Obj)>, Vec<String>) {
    let mut objects = HashMap::new();
    let mut unresolved = Vec::new();
    let mut tried = std::collections::HashSet::new();
    for (_, _, kind) in PREFIXES.iter().copied().chain([("", 0, Kind::ListItem), ("", 0, Kind::Report), ("", 0, Kind::Leader)]) {
        if !tried.insert(kind) {
            continue;
        }
        let (inside, outside) = sql(kind);
        let i = first_row(app, kind, &expand(inside, in_path, out_path)).await;
        let o = first_row(app, kind, &expand(outside, in_path, out_path)).await;
        match (i, o) {
            // whatever places it, an inside object is one 教育局 sees
            (Some(mut i), Some(o)) => {
                i.path = in_path.to_string();
                objects.insert(kind, (i, o));
            }
            (i, o) => unresolved.push(format!("{kind:?}: inside {:?}, outside {:?} — add a fixture", i.map(|x| x.ids), o.map(|x| x.ids))),
        }
    }
    (objects, unresolved)
}

// ------------------------------------------------------------------------------- the matrix

both!(scope_matrix, |app: TestApp| async move {
    let ops: Vec<&'static lianzheng_web::api::Op> = lianzheng_web::api::all_ops().collect();

    // every operation and page route must be known to the matrix
    let mut missing = Vec::new();
    for op in &ops {
        if api_rule(op.method, op.path).is_none() || path_kind(op.path).is_err() {
            missing.push(format!("operation {} {} is not in the scope matrix: add its resolver", op.method.to_uppercase(), op.path));
        }
        if op.method != "get" {
            for token in op.summary.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if ID_FIELDS.contains(&token) && !BODIES.iter().any(|b| b.method == op.method && b.path == op.path && b.fields.iter().any(|(f, _)| *f == token)) {
                    missing.push(format!("operation {} {} takes `{token}`: add a body variant for it to the scope matrix (BODIES)", op.method.to_uppercase(), op.path));
                }
            }
        }
    }
    for b in BODIES {
        if !ops.iter().any(|op| op.method == b.method && op.path == b.path) {
            missing.push(format!("BODIES names {} {}, which is no longer an operation", b.method, b.path));
        }
    }
    let in_source = page_get_routes_in_source();
    let listed: BTreeSet<String> = PAGES.iter().map(|r| r.path.to_string()).collect();
    for p in in_source.difference(&listed) {
        missing.push(format!("page GET {p} is not in the scope matrix: add it to PAGES (and its resolver)"));
    }
    for p in listed.difference(&in_source) {
        missing.push(format!("PAGES lists GET {p}, which the page modules no longer declare"));
    }
    for p in PAGES.iter().map(|r| r.path) {
        if path_kind(p).is_err() {
            missing.push(format!("page GET {p} is not in the scope matrix: add its resolver"));
        }
    }
    assert!(missing.is_empty(), "scope matrix incomplete:\n{}", missing.join("\n"));

    // accounts, fixtures, and one object of each kind inside and outside 教育局
    let mut accounts = Vec::new();
    for user in ROLES {
        accounts.push(account(&app, user).await);
    }
    let by_name = |n: &str| accounts.iter().find(|a| a.user == n).unwrap();
    let in_org = app.org_id(INSIDE_UNIT).await;
    let out_org = app.org_id(OUTSIDE_UNIT).await;
    let in_path = org_path(&app, in_org).await;
    let out_path = org_path(&app, out_org).await;
    let year = i64::from(lianzheng_web::pages::duty::current_year());
    fixtures(&app, &by_name("jw_staff").token, &by_name("dw_jyj").token, in_org, out_org, &in_path, year).await;
    let (objects, unresolved) = resolve(&app, &in_path, &out_path).await;
    assert!(unresolved.is_empty(), "the scope matrix's resolvers found nothing:\n{}", unresolved.join("\n"));
    let in_secretary = app.state.db.scalar_i64(q_built(format!("SELECT MIN(id) FROM people WHERE name = '王建国' AND org_id = {in_org}"))).await.unwrap();
    let world = World { in_org, in_secretary, year, objects };
    let object = |kind: Kind| world.objects.get(&kind).unwrap();
    let mut report = Report::default();

    // cases of one operation or page for one account: (label, path, object path); a path whose
    // ids do not belong together gets the path "" (no scope holds it)
    let targets = |template: &str| -> Vec<(String, String, Option<String>)> {
        match path_kind(template).unwrap() {
            None => vec![("no id".into(), template.to_string(), None)],
            Some(kind) => {
                let (i, o) = object(kind);
                let mut v = vec![("inside".into(), fill(template, &i.ids), Some(i.path.clone())), ("outside".into(), fill(template, &o.ids), Some(o.path.clone()))];
                if i.ids.len() > 1 {
                    // the inside object's first id with the outside object's others
                    let mixed: Vec<i64> = i.ids.iter().take(1).chain(o.ids.iter().skip(1)).copied().collect();
                    v.push(("mismatched ids".into(), fill(template, &mixed), Some(String::new())));
                }
                v
            }
        }
    };

    // 1. nobody signed in
    let mut cases = Vec::new();
    for op in &ops {
        let rule = api_rule(op.method, op.path).unwrap();
        if matches!(rule.gate, Public) {
            continue;
        }
        for (label, path, _) in targets(op.path) {
            cases.push(Case { hidden: None, role: "anonymous", label, method: op.method, template: op.path, path, body: None, api: true, expect: Expect::Status(401) });
        }
    }
    for page in PAGES {
        if matches!(page.gate, Public) {
            continue;
        }
        let template = page.path;
        for (label, path, _) in targets(template) {
            cases.push(Case { hidden: None, role: "anonymous", label, method: "get", template, path, body: None, api: false, expect: Expect::OneOf(NOT_SIGNED_IN) });
        }
    }
    run(&app, None, cases, &mut report).await;

    // 2. reads: every GET operation and page, every role, inside and outside
    for a in &accounts {
        let mut cases = Vec::new();
        let gets = ops.iter().filter(|op| op.method == "get").map(|op| (op.path, api_rule(op.method, op.path).unwrap(), true));
        let pages = PAGES.iter().map(|r| (r.path, r, false));
        for (template, rule, api) in gets.chain(pages) {
            for (label, path, obj) in targets(template) {
                let expect = match expectation(a, rule.gate, rule.act, "get", obj.as_deref(), api) {
                    // an owner's rule may refuse a role whose scope holds the object (a form to edit it)
                    Expect::Status(200) if !api && OWNER_RULES.iter().any(|(p, _)| *p == template) => Expect::OneOf(&[200, 403]),
                    e => e,
                };
                if obj.is_some() {
                    cases.push(Case { hidden: None, role: a.user, label, method: "get", template, path, body: None, api, expect });
                    continue;
                }
                // a listing: another unit's object must not be in it, not even when its unit is
                // asked for in the query
                let hidden = PREFIXES
                    .iter()
                    .find(|(p, ids, _)| *p == template && *ids == 1)
                    .map(|(_, _, k)| &object(*k).1)
                    .filter(|o| a.has(rule.gate) && !a.covers(rule.gate, rule.act, &o.path))
                    .map(|o| if api { Hidden::Id(o.ids[0]) } else { Hidden::Text(format!("{template}/{}\"", o.ids[0])) });
                cases.push(Case { hidden: hidden.clone(), role: a.user, label, method: "get", template, path: path.clone(), body: None, api, expect });
                let query = match expect {
                    Expect::Status(200) => Expect::OneOf(&[200, 404, 422]),
                    e => e,
                };
                cases.push(Case { hidden, role: a.user, label: "query ids".into(), method: "get", template, path: format!("{path}?org={out_org}&parent={out_org}&org_id={out_org}"), body: None, api, expect: query });
            }
        }
        run(&app, Some(a), cases, &mut report).await;
    }

    // 2b. page form actions by the roles that may not do them there (no permission, another
    // unit's object in the path, another unit's ids in the form): refused, and nothing changes
    let before = fingerprint(&app).await;
    let asked = report.requests;
    page_posts(&app, &accounts, &world, false, &mut report).await;
    let refused_forms = report.requests - asked;
    let diff = changed(&before, &fingerprint(&app).await);
    if !diff.is_empty() {
        report.failures.push(format!("refused page form actions changed data:\n{}", diff.join("\n")));
    }

    // 3. bodies carrying another unit's ids, by the roles that do not see it (with a control
    // that must succeed first); the roles that see it try the same later, as their writes may
    // move the inside objects
    body_ids(&app, &accounts, &world, false, &mut report).await;

    // 4. writes with an empty body, inside and outside; then the bodies with another unit's ids
    // by the roles that see it; deletions last; sign-out at the very end
    for deleting in [false, true] {
        if deleting {
            body_ids(&app, &accounts, &world, true, &mut report).await;
        }
        for a in &accounts {
            let mut cases = Vec::new();
            for op in ops.iter().filter(|op| op.method != "get" && (op.method == "delete") == deleting && op.path != "/auth/logout") {
                let rule = api_rule(op.method, op.path).unwrap();
                for (label, path, obj) in targets(op.path) {
                    let expect = in_group(a, op.path, expectation(a, rule.gate, rule.act, op.method, obj.as_deref(), true));
                    cases.push(Case { hidden: None, role: a.user, label, method: op.method, template: op.path, path, body: Some(json!({})), api: true, expect });
                }
            }
            run(&app, Some(a), cases, &mut report).await;
        }
    }
    // 5. page form actions by the roles that may do them, on objects found afresh: not refused
    let (objects, gone) = resolve(&app, &in_path, &out_path).await;
    for g in &gone {
        eprintln!("scope matrix: after the writes, {g}");
    }
    let world = World { objects, ..world };
    let asked = report.requests;
    page_posts(&app, &accounts, &world, true, &mut report).await;
    let allowed_forms = report.requests - asked;

    for a in &accounts {
        let (s, _) = app.send_json(Method::POST, &a.token, "/api/v1/auth/logout", json!({})).await;
        assert_eq!(s, 204, "{} logout", a.user);
        assert_eq!(app.get_json(&a.token, "/api/v1/me").await.0, 401, "{} token after logout", a.user);
    }

    let pages_with_ids = PAGES.iter().filter(|r| r.path.contains('{')).count();
    let ops_with_ids = ops.iter().filter(|op| op.path.contains('{')).count();
    eprintln!(
        "scope matrix: {} API operations ({ops_with_ids} with ids), {} page GET routes ({pages_with_ids} with ids) and {} page form actions ({refused_forms} posts refused, {allowed_forms} allowed) × {} roles + anonymous: {} requests, {} known open",
        ops.len(),
        PAGES.len(),
        lianzheng_web::modules::page_actions().count(),
        ROLES.len(),
        report.requests,
        report.known.len()
    );
    for k in &report.known {
        eprintln!("KNOWN OPEN {k}");
    }
    if let Ok(file) = std::env::var("SCOPE_MATRIX_LOG") {
        let objects: Vec<String> = world.objects.iter().map(|(k, (i, o))| format!("{k:?}: inside {:?} outside {:?} at {}", i.ids, o.ids, o.path)).collect();
        std::fs::write(format!("{file}.{}", app.state.db.backend().name()), format!("{}\n{}\n", objects.join("\n"), report.trace.join("\n"))).unwrap();
    }
    assert!(report.failures.is_empty(), "scope matrix: {} failures:\n{}", report.failures.len(), report.failures.join("\n"));
});
