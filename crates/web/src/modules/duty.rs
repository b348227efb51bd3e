//! 定责: responsibility lists, the year's task split, responsibility letters.
use lianzheng_core::org::Permission;

use super::{Module, Need, Tab, api, post};
use crate::app::duty::{Part, open};
use crate::app::system::{Job, Timing};

pub static MODULE: Module = Module {
    name: "duty",
    label: "定责",
    api_ops: &[crate::api::duty::lists::OPS, crate::api::duty::tasks::OPS, crate::api::duty::letters::OPS],
    pages: crate::pages::duty::routes,
    page_actions: &[
        post("/duty/lists", Need::Perm(Permission::EditDuty), api("POST /duty/lists")),
        post("/duty/lists/copy", Need::Perm(Permission::EditDuty), api("POST /duty/lists/copy")),
        post("/duty/lists/{id}/items", Need::Perm(Permission::EditDuty), api("POST /duty/lists/{id}/items")),
        post("/duty/lists/{id}/items/{item}", Need::Perm(Permission::EditDuty), api("PUT /duty/lists/{id}/items/{item}")),
        post("/duty/lists/{id}/items/{item}/delete", Need::Perm(Permission::EditDuty), api("DELETE /duty/lists/{id}/items/{item}")),
        post("/duty/lists/{id}/submit", Need::Perm(Permission::EditDuty), api("POST /duty/lists/{id}/submit")),
        post("/duty/lists/{id}/review", Need::Perm(Permission::ReviewDuty), api("POST /duty/lists/{id}/review")),
        post("/duty/lists/review-batch", Need::Perm(Permission::ReviewDuty), api("POST /duty/lists/review")),
        post("/duty/lists/{id}/delete", Need::Perm(Permission::EditDuty), api("DELETE /duty/lists/{id}")),
        post("/duty/coverage/remind", Need::Perm(Permission::ReviewDuty), api("POST /duty/coverage/remind")),
        post("/duty/templates", Need::Perm(Permission::ReviewDuty), api("POST /duty/templates")),
        post("/duty/templates/{id}/items", Need::Perm(Permission::ReviewDuty), api("POST /duty/templates/{id}/items")),
        post("/duty/templates/{id}/publish", Need::Perm(Permission::ReviewDuty), api("POST /duty/templates/{id}/publish")),
        post("/duty/templates/{id}/edit", Need::Perm(Permission::ReviewDuty), api("PUT /duty/templates/{id}")),
        post("/duty/templates/{id}/items/{item}", Need::Perm(Permission::ReviewDuty), api("PUT /duty/templates/{id}/items/{item}")),
        post("/duty/templates/{id}/items/{item}/delete", Need::Perm(Permission::ReviewDuty), api("DELETE /duty/templates/{id}/items/{item}")),
        post("/duty/templates/{id}/disable", Need::Perm(Permission::ReviewDuty), api("POST /duty/templates/{id}/disable")),
        post("/duty/templates/{id}/enable", Need::Perm(Permission::ReviewDuty), api("POST /duty/templates/{id}/enable")),
        post("/duty/letters/templates", Need::Perm(Permission::EditDuty), api("POST /duty/letter-templates")),
        post("/duty/letters/templates/{id}/generate", Need::Perm(Permission::EditDuty), api("POST /duty/letter-templates/{id}/generate")),
        post("/duty/letters/{id}", Need::Perm(Permission::EditDuty), api("PUT /duty/letters/{id}")),
        post("/duty/letters/{id}/sign", Need::Perm(Permission::SignLetter), api("POST /duty/letters/{id}/sign")),
        post("/duty/letters/{id}/scan", Need::Perm(Permission::SignLetter), api("POST /duty/letters/{id}/scan")),
        post("/duty/flags/recheck", Need::Perm(Permission::ReviewDuty), api("POST /duty/letter-flags/recheck")),
        post("/duty/flags/{id}/review", Need::Perm(Permission::ReviewDuty), api("POST /duty/letter-flags/{id}/review")),
        post("/duty/phrases", Need::Perm(Permission::ReviewDuty), api("POST /duty/phrases")),
        post("/duty/plans", Need::Perm(Permission::EditDuty), api("POST /duty/plans")),
        post("/duty/plans/{id}/tasks", Need::Then(Permission::ViewDuty, Permission::EditDuty), api("POST /duty/plans/{id}/tasks")),
        post("/duty/plans/{id}/copy", Need::Then(Permission::ViewDuty, Permission::EditDuty), api("POST /duty/plans/{id}/copy")),
        post("/duty/plans/{id}/edit", Need::Then(Permission::ViewDuty, Permission::EditDuty), api("PUT /duty/plans/{id}")),
        post("/duty/plans/{id}/import", Need::Then(Permission::ViewDuty, Permission::EditDuty), api("POST /duty/plans/{id}/import")),
        post("/duty/tasks/{id}", Need::Then(Permission::ViewDuty, Permission::EditDuty), api("PUT /duty/tasks/{id}")),
        post("/duty/tasks/{id}/delete", Need::Then(Permission::ViewDuty, Permission::EditDuty), api("DELETE /duty/tasks/{id}")),
        post("/duty/tasks/{id}/reports", Need::Then(Permission::ViewDuty, Permission::ReportProgress), api("POST /duty/tasks/{id}/reports")),
    ],
    permissions: &[Permission::ViewDuty, Permission::EditDuty, Permission::ReviewDuty, Permission::ReportProgress, Permission::SignLetter],
    audit_labels: lianzheng_core::audit_labels::DUTY,
    tabs: &[
        Tab { href: "/duty", label: "概览", may_open: |p| open(p, Part::Overview).is_ok() },
        Tab { href: "/duty/lists", label: "责任清单", may_open: |p| open(p, Part::Lists).is_ok() },
        Tab { href: "/duty/coverage", label: "全覆盖", may_open: |p| open(p, Part::Coverage).is_ok() },
        Tab { href: "/duty/templates", label: "共性清单", may_open: |p| open(p, Part::CommonLists).is_ok() },
        Tab { href: "/duty/plans", label: "任务分工", may_open: |p| open(p, Part::Plans).is_ok() },
        Tab { href: "/duty/letters", label: "责任书", may_open: |p| open(p, Part::Letters).is_ok() },
        Tab { href: "/duty/letters/templates", label: "责任书模板", may_open: |p| open(p, Part::LetterTemplates).is_ok() },
        Tab { href: "/duty/flags", label: "雷同检查", may_open: |p| open(p, Part::Flags).is_ok() },
        Tab { href: "/duty/phrases", label: "职责用语", may_open: |p| open(p, Part::Phrases).is_ok() },
    ],
    tables: &[crate::app::duty::lists::TABLES, crate::app::duty::tasks::TABLES, crate::app::duty::letters::TABLES],
    jobs: &[&REMINDERS_JOB],
    todos: Some(crate::app::duty::todo::todos),
};

/// 任务到期提醒: the day's reminders before and after deadlines (任务分工).
static REMINDERS_JOB: Job = Job {
    kind: "task_reminders",
    label: "任务到期提醒",
    first_in: |_| 300,
    run: |db, s| Box::pin(crate::app::duty::tasks::reminders_job(db, s)),
    timing: Timing {
        label: "每日运行时间",
        help: "每天此时（北京时间，0～23 点）生成当天的到期与逾期提醒",
        unit: "点",
        min: 0,
        max: 23,
        get: |s| s.task_reminder_hour,
        set: |s, v| s.task_reminder_hour = v,
        next: |s| crate::app::system::next_at_hour(s.task_reminder_hour),
    },
};
