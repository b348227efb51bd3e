//! 定责's 待办 (`Module::todos`): what waits for one person in 定责, each a count within the
//! person's scope for the permission the action needs, and within `core::access` for what
//! the person may read:
//! - the 纪委 (ReviewDuty): lists filed by its units to review, open 照抄/雷同 flags, units
//!   that have not filed by (or near) the deadline;
//! - the unit's 党务 staff (EditDuty over units they keep, not those they review): lists
//!   returned with the reason, 催报 received, the unit's lists not filed by (or near) the deadline;
//! - a signer (SignLetter): letters waiting for their signature (their own; a 书记 also the unit's);
//! - who reports progress (ReportProgress): today's reminders of tasks of their unit overdue or
//!   near their deadline.

use lianzheng_core::access::{self, Record, Sees};
use lianzheng_core::org::{Permission, Role, Scope};
use lianzheng_store::duty::letters as letters_store;
use lianzheng_store::duty::lists::{self as lists_store, ListKind};
use lianzheng_store::duty::tasks as tasks_store;

use super::current_year;
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::state::AppState;

/// Days before the filing deadline from which unfiled lists show as 临近时限.
const FILING_NEAR_DAYS: i64 = 14;
/// Detail lines shown under an item.
const DETAILS: i64 = 3;

pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(gather(st, p))
}

/// Where the year's filing stands: overdue (deadline passed), near, or not yet a concern.
fn filing_urgency(st: &AppState, year: i64) -> Option<Urgency> {
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let deadline = time::Date::parse(&format!("{year}-{}", crate::app::settings::list_deadline(st)), time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    let left = (deadline - today).whole_days();
    if left < 0 {
        Some(Urgency::Overdue)
    } else if left <= FILING_NEAR_DAYS {
        Some(Urgency::Near)
    } else {
        None
    }
}

async fn gather(st: &AppState, p: &Principal) -> AppResult<Vec<TodoItem>> {
    let mut out = Vec::new();
    if !p.can(Permission::ViewDuty) {
        return Ok(out);
    }
    let year = i64::from(current_year());
    let filing = filing_urgency(st, year);
    let review = p.require(Permission::ReviewDuty).ok();
    let deadline = format!("{year}-{}", crate::app::settings::list_deadline(st));

    if let Some(r) = &review {
        for (y, n) in lists_store::waiting_review(&st.db, r).await? {
            let label = if y == year { "待审核的责任清单".to_string() } else { format!("待审核的责任清单（{y}年度）") };
            out.push(TodoItem::new("duty.list_review", label, n, format!("/duty/lists?year={y}&status=submitted"), Urgency::Normal));
        }
        let n = letters_store::open_flags(&st.db, r).await?;
        out.push(TodoItem::new("duty.flag_review", "待核的照抄/雷同提示", n, "/duty/flags?status=open", Urgency::Normal));
        if let Some(u) = filing {
            for kind in ListKind::ALL {
                let n = lists_store::unfiled_below(&st.db, r, year, *kind).await?;
                let label = match u {
                    Urgency::Overdue => format!("逾期未报送{}的单位", kind.label()),
                    _ => format!("尚未报送{}的单位", kind.label()),
                };
                out.push(TodoItem::new("duty.filing_late", label, n, format!("/duty/coverage?year={year}&kind={}", kind.code()), u).with_details(vec![format!("报送截止 {deadline}，可在全覆盖页面一键催报")]));
            }
        }
    }

    // the unit's side: units the person keeps but does not review (a county 纪委's clerk keeps
    // the 县委's own list, which goes up to the city; the units below are the 纪委's to review)
    if let Ok(keep) = p.require(Permission::EditDuty) {
        let reviewed = review.clone().unwrap_or_else(Scope::none);
        // the 党务 staff read every list of their units; a role that reads less gets no count of them
        if access::sees_any(&p.roles(), Record::DutyList) == Sees::All {
            let (n, rows) = lists_store::returned(&st.db, &keep, &reviewed, DETAILS).await?;
            let href = match rows.first() {
                Some(l) if n == 1 => format!("/duty/lists/{}", l.id),
                _ => "/duty/lists?status=returned".to_string(),
            };
            let details = rows.iter().map(|l| format!("《{}》退回原因：{}", l.title, l.return_reason.as_deref().unwrap_or("（未填写）"))).collect();
            out.push(TodoItem::new("duty.list_returned", "被退回待修改的责任清单", n, href, Urgency::Near).with_details(more(details, n)));

            let (n, rows) = lists_store::notices(&st.db, &keep, &reviewed, DETAILS).await?;
            let details = rows.iter().map(|r| format!("{} {} 于 {} 催报：{}{}年度{}", r.sender_org, r.sender_name, r.for_date, r.org_name, r.year, r.kind_label())).collect();
            // as pressing as the earliest year reminded of (next year's list is not yet late)
            let urgency = rows.iter().map(|r| r.year).min().and_then(|y| filing_urgency(st, y)).unwrap_or(Urgency::Near);
            let href = match rows.first() {
                Some(r) if n == 1 => format!("/duty/lists?year={}", r.year),
                _ => format!("/duty/lists?year={year}"),
            };
            out.push(TodoItem::new("duty.list_reminded", "上级催报的责任清单", n, href, urgency).with_details(more(details, n)));

            if let Some(u) = filing {
                for kind in ListKind::ALL {
                    let (n, names) = lists_store::unfiled_kept(&st.db, &keep, &reviewed, year, *kind, DETAILS).await?;
                    let label = match u {
                        Urgency::Overdue => format!("本单位逾期未报送的{}", kind.label()),
                        _ => format!("本单位临近报送截止的{}", kind.label()),
                    };
                    let details = vec![format!("报送截止 {deadline}：{}{}", names.join("、"), if n > names.len() as i64 { format!(" 等 {n} 个单位") } else { String::new() })];
                    out.push(TodoItem::new("duty.list_unfiled", label, n, format!("/duty/lists?year={year}&kind={}", kind.code()), u).with_details(details));
                }
            }
        }
    }

    if let Ok(sign) = p.require(Permission::SignLetter) {
        // a unit's own letter is signed by its 书记: the units where the person holds that role
        let units: Vec<String> = p.grants.iter().filter(|g| g.role() == Some(Role::Secretary)).filter_map(|g| g.org_path.clone()).collect();
        if access::sees_any(&p.roles(), Record::Letter) != Sees::Nothing {
            let (n, first) = letters_store::waiting_signer(&st.db, &sign, p.user.person_id, &units).await?;
            let href = match first {
                Some(id) if n == 1 => format!("/duty/letters/{id}"),
                _ => "/duty/letters?status=draft".to_string(),
            };
            out.push(TodoItem::new("duty.letter_sign", "待本人签订的责任书", n, href, Urgency::Normal));
        }
    }

    if let Ok(report) = p.require(Permission::ReportProgress) {
        // the person's own unit (and below), as far as they report for it
        let mine = p.grants.iter().find(|g| g.org_id.is_some() && g.org_id == p.user.org_id).and_then(|g| g.org_path.clone());
        let scope = match mine {
            Some(path) => report.within(&path),
            None => report,
        };
        let (counts, rows) = tasks_store::reminder_summary(&st.db, &scope, 50).await?;
        for (kind, label, urgency) in [("overdue", "已超期的任务", Urgency::Overdue), ("due_soon", "临近时限的任务", Urgency::Near)] {
            let n = counts.iter().find(|(k, _)| k == kind).map(|(_, n)| *n).unwrap_or(0);
            let of_kind: Vec<_> = rows.iter().filter(|r| r.kind == kind).collect();
            let href = match of_kind.first() {
                Some(r) if n == 1 => format!("/duty/tasks/{}", r.task_id),
                _ => "/duty/plans".to_string(),
            };
            let mut seen = Vec::new();
            let details: Vec<String> = of_kind
                .iter()
                .filter(|r| {
                    let first = !seen.contains(&r.task_id);
                    seen.push(r.task_id);
                    first
                })
                .take(DETAILS as usize)
                .map(|r| format!("{}（{}，时限 {}，进度 {}%）", r.task_title, r.org_name, r.deadline.as_deref().unwrap_or("未定"), r.progress))
                .collect();
            out.push(TodoItem::new(if kind == "overdue" { "duty.task_overdue" } else { "duty.task_due" }, label, n, href, urgency).with_details(more(details, n)));
        }
    }
    Ok(out)
}

/// Detail lines, with a last line saying how many more there are (nothing cut short silently).
fn more(mut details: Vec<String>, total: i64) -> Vec<String> {
    let shown = details.len() as i64;
    if total > shown && shown > 0 {
        details.push(format!("等共 {total} 项"));
    }
    details
}
