//! 履责: 履责纪实, 廉政约谈 and the other records of duty done (DOMAIN.md "履责").
use lianzheng_core::org::Permission;

use super::{Module, Need, Tab, api, post};
use crate::app::conduct::{Part, open};

pub static MODULE: Module = Module {
    name: "conduct",
    label: "履责",
    api_ops: &[
        crate::api::conduct::records::OPS,
        crate::api::conduct::talks::OPS,
        crate::api::conduct::inquiries::OPS,
        crate::api::conduct::exams::OPS,
        crate::api::conduct::notices::OPS,
        crate::api::conduct::archive::OPS,
    ],
    pages: crate::pages::conduct::routes,
    page_actions: &[
        post("/conduct/records", Need::Perm(Permission::RecordConduct), api("POST /conduct/records")),
        post("/conduct/records/{id}", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("PUT /conduct/records/{id}")),
        post("/conduct/records/{id}/delete", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("DELETE /conduct/records/{id}")),
        post("/conduct/records/{id}/attachments", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("POST /conduct/records/{id}/attachments")),
        post("/conduct/talks", Need::Perm(Permission::RecordConduct), api("POST /conduct/talks")),
        post("/conduct/talks/{id}", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("PUT /conduct/talks/{id}")),
        post("/conduct/talks/{id}/delete", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("DELETE /conduct/talks/{id}")),
        post("/conduct/talks/{id}/confirm", Need::Perm(Permission::ViewConduct), api("POST /conduct/talks/{id}/confirm")),
        post("/conduct/talks/{id}/scan", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("POST /conduct/talks/{id}/scan")),
        post("/conduct/inquiries", Need::Perm(Permission::HandleInquiries), api("POST /conduct/inquiries")),
        // the person himself answers his own 函询 too; the matrix has no record about its roles
        post("/conduct/inquiries/{id}/reply", Need::Perm(Permission::HandleInquiries), api("POST /conduct/inquiries/{id}/reply")),
        post("/conduct/inquiries/{id}/conclude", Need::Perm(Permission::HandleInquiries), api("POST /conduct/inquiries/{id}/conclude")),
        post("/conduct/education", Need::Perm(Permission::RecordConduct), api("POST /conduct/education")),
        post("/conduct/education/{id}", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("PUT /conduct/education/{id}")),
        post("/conduct/exams/questions", Need::Perm(Permission::ManageExams), api("POST /conduct/exams/questions")),
        post("/conduct/exams/banks/{id}/import", Need::Perm(Permission::ManageExams), api("POST /conduct/exams/banks/{id}/import")),
        post("/conduct/exams/papers", Need::Perm(Permission::ManageExams), api("POST /conduct/exams/papers")),
        post("/conduct/exams/papers/{id}/start", Need::SignedIn, api("POST /conduct/exams/papers/{id}/attempts")),
        post("/conduct/exams/attempts/{id}/answer", Need::SignedIn, api("PUT /conduct/exams/attempts/{id}/answers")),
        post("/conduct/exams/attempts/{id}/submit", Need::SignedIn, api("POST /conduct/exams/attempts/{id}/submit")),
        post("/conduct/notices", Need::Perm(Permission::IssueNotices), api("POST /conduct/notices")),
        // 反馈 (multipart: the measures and a file); only the addressee answers (any role may be one): the use case decides
        post("/conduct/notices/{id}/reports", Need::Perm(Permission::ViewConduct), api("POST /conduct/notices/{id}/answer")),
        post("/conduct/notices/{id}/close", Need::Perm(Permission::IssueNotices), api("POST /conduct/notices/{id}/close")),
        post("/conduct/notices/{id}/return", Need::Perm(Permission::IssueNotices), api("POST /conduct/notices/{id}/return")),
        // 廉政档案: the person files his own reports; the use cases decide for whom else
        post("/conduct/archive/family-events", Need::Perm(Permission::ViewConduct), api("POST /conduct/archive/family-events")),
        post("/conduct/archive/family-events/{id}/after", Need::Perm(Permission::ViewConduct), api("POST /conduct/archive/family-events/{id}/after")),
        post("/conduct/archive/family-events/{id}/review", Need::Perm(Permission::HandleInquiries), api("POST /conduct/archive/family-events/{id}/review")),
        post("/conduct/archive/matters", Need::Perm(Permission::ViewConduct), api("POST /conduct/archive/matters")),
        post("/conduct/archive/sanctions", Need::Perm(Permission::HandleInquiries), api("POST /conduct/archive/sanctions")),
    ],
    permissions: &[Permission::ViewConduct, Permission::RecordConduct, Permission::HandleInquiries, Permission::ManageExams, Permission::IssueNotices],
    audit_labels: lianzheng_core::audit_labels::CONDUCT,
    tabs: &[
        Tab { href: "/conduct", label: "概览", may_open: |p| open(p, Part::Overview).is_ok() },
        Tab { href: "/conduct/records", label: "履责纪实", may_open: |p| open(p, Part::Records).is_ok() },
        Tab { href: "/conduct/talks", label: "约谈", may_open: |p| open(p, Part::Talks).is_ok() },
        Tab { href: "/conduct/talk-flags", label: "约谈检查", may_open: |p| open(p, Part::TalkFlags).is_ok() },
        Tab { href: "/conduct/inquiries", label: "谈话函询", may_open: |p| open(p, Part::Inquiries).is_ok() },
        Tab { href: "/conduct/education", label: "廉政教育", may_open: |p| open(p, Part::Education).is_ok() },
        Tab { href: "/conduct/exams", label: "廉政考试", may_open: |p| open(p, Part::Exams).is_ok() },
        Tab { href: "/conduct/exams/mine", label: "我的考试", may_open: |p| p.user.person_id.is_some() },
        Tab { href: "/conduct/notices", label: "抄告单", may_open: |p| open(p, Part::Notices).is_ok() },
        Tab { href: "/conduct/archive", label: "廉政档案", may_open: |p| open(p, Part::Archive).is_ok() },
        Tab { href: "/conduct/archive/mine", label: "我的廉政档案", may_open: crate::app::conduct::archive::may_open_own },
    ],
    tables: &[
        crate::app::conduct::records::TABLES,
        crate::app::conduct::talks::TABLES,
        crate::app::conduct::inquiries::TABLES,
        crate::app::conduct::education::TABLES,
        crate::app::conduct::exams::TABLES,
        crate::app::conduct::notices::TABLES,
        crate::app::conduct::archive::TABLES,
    ],
    jobs: &[],
    todos: Some(crate::app::conduct::todo::todos),
};
