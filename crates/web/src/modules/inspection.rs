//! 考责: the annual inspection — campaigns, self-checks, scoring, 廉政测评, findings, 通报
//! (DOMAIN.md "考责", seed 001).
use lianzheng_core::org::Permission;

use super::{Module, Need, Tab, api, post};
use crate::app::inspection::{Part, open};

pub static MODULE: Module = Module {
    name: "inspection",
    label: "考责",
    api_ops: &[
        crate::api::inspection::campaigns::OPS,
        crate::api::inspection::ballots::OPS,
        crate::api::inspection::selfchecks::OPS,
        crate::api::inspection::standards::OPS,
        crate::api::inspection::scores::OPS,
        crate::api::inspection::findings::OPS,
    ],
    pages: crate::pages::inspection::routes,
    page_actions: &[
        post("/inspection", Need::Perm(Permission::ManageInspection), api("POST /inspection")),
        post("/inspection/{id}", Need::Perm(Permission::ManageInspection), api("PUT /inspection/{id}")),
        post("/inspection/{id}/units", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/units")),
        post("/inspection/{id}/issue", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/issue")),
        post("/inspection/{id}/groups", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/groups")),
        post("/inspection/{id}/spot", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/spot")),
        post("/inspection/units/{id}", Need::Perm(Permission::ManageInspection), api("PUT /inspection/units/{id}")),
        // the organiser, or a member of the unit's group (the use case decides)
        post("/inspection/units/{id}/talks", Need::Perm(Permission::ScoreInspection), api("POST /inspection/units/{id}/talks")),
        post("/inspection/talks/{id}", Need::Perm(Permission::ScoreInspection), api("PUT /inspection/talks/{id}")),
        // 廉政测评
        post("/inspection/ballots/campaigns/{id}/form", Need::Perm(Permission::ManageInspection), api("PUT /inspection/ballots/campaigns/{id}/form")),
        post("/inspection/ballots/campaigns/{id}/meetings", Need::Perm(Permission::ManageInspection), api("POST /inspection/ballots/campaigns/{id}/meetings")),
        post("/inspection/ballots/meetings/{id}/codes", Need::Perm(Permission::ManageInspection), api("POST /inspection/ballots/meetings/{id}/codes")),
        post("/inspection/ballots/meetings/{id}/close", Need::Perm(Permission::ManageInspection), api("POST /inspection/ballots/meetings/{id}/close")),
        // 发现问题、亮点 (the organiser, or a member of the unit's group: the use case decides)
        post("/inspection/{id}/findings", Need::Any(Permission::ScoreInspection, Permission::ManageInspection), api("POST /inspection/{id}/findings")),
        post("/inspection/findings/{id}", Need::Any(Permission::ScoreInspection, Permission::ManageInspection), api("PUT /inspection/findings/{id}")),
        post("/inspection/findings/{id}/notify", Need::Any(Permission::ScoreInspection, Permission::ManageInspection), api("POST /inspection/findings/{id}/notify")),
        post("/inspection/findings/{id}/delete", Need::Any(Permission::ScoreInspection, Permission::ManageInspection), api("DELETE /inspection/findings/{id}")),
        post("/inspection/{id}/highlights", Need::Any(Permission::ScoreInspection, Permission::ManageInspection), api("POST /inspection/{id}/highlights")),
        post("/inspection/highlights/{id}/delete", Need::Any(Permission::ScoreInspection, Permission::ManageInspection), api("DELETE /inspection/highlights/{id}")),
        // 通报 (the organiser)
        post("/inspection/{id}/bulletin", Need::Perm(Permission::ManageInspection), api("PUT /inspection/{id}/bulletin")),
        post("/inspection/{id}/bulletin/draft", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/bulletin/draft")),
        post("/inspection/{id}/bulletin/issue", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/bulletin/issue")),
        // 自查自评: the unit's 党务 staff or 书记 write (the use case decides); the organiser returns
        post("/inspection/units/{id}/selfcheck", Need::Perm(Permission::ViewInspection), api("PUT /inspection/units/{id}/selfcheck")),
        post("/inspection/units/{id}/selfcheck/generate", Need::Perm(Permission::ViewInspection), api("POST /inspection/units/{id}/selfcheck/generate")),
        post("/inspection/units/{id}/selfcheck/submit", Need::Perm(Permission::ViewInspection), api("POST /inspection/units/{id}/selfcheck/submit")),
        post("/inspection/units/{id}/selfcheck/return", Need::Perm(Permission::ManageInspection), api("POST /inspection/units/{id}/selfcheck/return")),
        post("/inspection/units/{id}/materials", Need::Perm(Permission::ViewInspection), api("POST /inspection/units/{id}/materials")),
        post("/inspection/units/{id}/materials/upload", Need::Perm(Permission::ViewInspection), api("POST /inspection/units/{id}/materials/upload")),
        post("/inspection/materials/{id}/delete", Need::Perm(Permission::ViewInspection), api("DELETE /inspection/materials/{id}")),
        post("/inspection/units/{id}/frugality", Need::Perm(Permission::ViewInspection), api("PUT /inspection/units/{id}/frugality")),
        // 评分标准 (the 纪委's)
        post("/inspection/standards", Need::Perm(Permission::ManageInspection), api("POST /inspection/standards")),
        post("/inspection/standards/{id}", Need::Perm(Permission::ManageInspection), api("PUT /inspection/standards/{id}")),
        post("/inspection/standards/{id}/copy", Need::Perm(Permission::ManageInspection), api("POST /inspection/standards/{id}/copy")),
        post("/inspection/standards/{id}/indicators", Need::Perm(Permission::ManageInspection), api("POST /inspection/standards/{id}/indicators")),
        post("/inspection/standards/{id}/import", Need::Perm(Permission::ManageInspection), api("POST /inspection/standards/{id}/import")),
        post("/inspection/indicators/{id}", Need::Perm(Permission::ManageInspection), api("PUT /inspection/indicators/{id}")),
        post("/inspection/indicators/{id}/delete", Need::Perm(Permission::ManageInspection), api("POST /inspection/indicators/{id}/delete")),
        // scores: the unit's own sheet (its 党务 staff or 书记), an inspector's, the leader's (the use case decides)
        post("/inspection/units/{id}/scores/self", Need::Perm(Permission::ViewInspection), api("PUT /inspection/units/{id}/scores/self")),
        post("/inspection/units/{id}/scores/inspector", Need::Perm(Permission::ScoreInspection), api("PUT /inspection/units/{id}/scores/inspector")),
        post("/inspection/units/{id}/scores/final", Need::Perm(Permission::ScoreInspection), api("PUT /inspection/units/{id}/scores/final")),
        post("/inspection/{id}/standard", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/standard")),
        post("/inspection/{id}/results/approve", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/results/approve")),
        // the public voting page: no account, one ballot per code
        post("/ballot/{code}", Need::Public, super::Twin::Exempt("匿名投票只经由扫码打开的公开页面（限流、无账号），不另设程序接口")),
    ],
    permissions: &[Permission::ViewInspection, Permission::ManageInspection, Permission::ScoreInspection],
    audit_labels: lianzheng_core::audit_labels::INSPECTION,
    tabs: &[
        Tab { href: "/inspection", label: "检查考核", may_open: |p| open(p, Part::Campaigns).is_ok() },
        Tab { href: "/inspection/ballots", label: "廉政测评", may_open: |p| p.can(Permission::ManageInspection) },
        Tab { href: "/inspection/standards", label: "评分标准", may_open: |p| p.can(Permission::ManageInspection) },
    ],
    tables: &[
        crate::app::inspection::campaigns::TABLES,
        crate::app::inspection::talks::TABLES,
        crate::app::inspection::ballots::TABLES,
        crate::app::inspection::selfchecks::TABLES,
        crate::app::inspection::standards::TABLES,
        crate::app::inspection::scores::TABLES,
        crate::app::inspection::findings::TABLES,
    ],
    jobs: &[],
    todos: Some(crate::app::inspection::todo::todos),
};
