//! 个人有关事项报告 in the 廉政档案: the person files yearly entries (婚姻变化, 出国(境), 子女
//! 从业, 房产, 投资 …) — simple structured rows with a text; the 纪委 and his unit's 书记 read
//! them in his file. Only the person himself files.

use lianzheng_core::duty::{format_date, parse_date};
use lianzheng_core::org::Permission;
pub use lianzheng_store::conduct::archive::PersonalMatter;
use lianzheng_store::conduct::archive::{self as store, NewMatter};
use serde::{Deserialize, Serialize};

use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text};
use crate::state::AppState;

pub const KINDS: &[(&str, &str)] = &[("marriage", "婚姻变化"), ("abroad", "出国（境）"), ("children", "子女从业"), ("property", "房产"), ("investment", "投资"), ("other", "其他")];
const CONTENT_MAX: usize = 2000;

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|k| k.0 == code).map_or("", |k| k.1)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    /// blank: this year
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// when it happened (optional)
    #[serde(deserialize_with = "lenient")]
    pub happened_on: String,
    #[serde(deserialize_with = "lenient")]
    pub content: String,
}

/// Files one entry of the signed-in person's own report.
pub async fn create(st: &AppState, p: &Principal, f: &NewForm) -> AppResult<PersonalMatter> {
    p.require(Permission::ViewConduct)?;
    let me = p.user.person_id.ok_or_else(|| AppError::Refused("您的账号未关联人员，不能报告个人有关事项".into()))?;
    let today = calendar::today();
    let mut e = FieldErrors::new();
    let year = match f.year.trim() {
        "" => i64::from(today.year()),
        s => match s.trim_end_matches('年').parse::<i64>() {
            Ok(y) if (2000..=i64::from(today.year())).contains(&y) => y,
            _ => {
                e.insert("year".into(), format!("报告年度应为 2000～{} 之间的年份", today.year()));
                0
            }
        },
    };
    let kind = KINDS.iter().find(|k| k.0 == f.kind.trim() || k.1 == f.kind.trim()).map(|k| k.0);
    if kind.is_none() {
        e.insert("kind".into(), "请选择事项类别（婚姻变化、出国（境）、子女从业、房产、投资、其他）".into());
    }
    let happened_on = match f.happened_on.trim() {
        "" => None,
        s => match parse_date(s) {
            Some(d) if d <= today => Some(format_date(d)),
            Some(_) => {
                e.insert("happened_on".into(), "发生日期不能晚于今天".into());
                None
            }
            None => {
                e.insert("happened_on".into(), "发生日期应为日期，格式如 2026-03-15".into());
                None
            }
        },
    };
    let content = text(&mut e, "content", "事项内容", &f.content, CONTENT_MAX, true).unwrap_or_default();
    let path = lianzheng_store::conduct::exams::person_path(&st.db, me).await?.ok_or(AppError::NotFound)?;
    let (Some(kind), true) = (kind, e.is_empty()) else { return Err(into_error(e)) };
    let n = NewMatter { person_id: me, person_org_path: path, year, kind: kind.into(), happened_on, content, filed_on: format_date(today), created_by: Some(p.user.id.get()) };
    let mut tx = st.db.begin().await?;
    let id = store::matter_create(&mut tx, &p.actor(), &n).await?;
    tx.commit().await?;
    store::matters_of(&st.db, me).await?.into_iter().find(|m| m.id == id).ok_or(AppError::NotFound)
}
