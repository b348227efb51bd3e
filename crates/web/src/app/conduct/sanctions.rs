//! 处分 and 组织处理 in the 廉政档案: registered by hand by the 纪委 for now (source 手工登记) —
//! category and kind (`lianzheng_core::sanction`), decision date, deciding body, 文号, the
//! matter. The 影响期 comes from the one setting `sanction_periods` at read time ([`influence`]),
//! so 追责 and 信访, which will register theirs through `lianzheng_store::conduct::archive::
//! sanction_create` with their own `source`, get the same periods.

use lianzheng_core::duty::{format_date, parse_date};
use lianzheng_core::ids::PersonId;
use lianzheng_core::org::Permission;
use lianzheng_core::sanction::{self as catalogue, Influence, Periods};
pub use lianzheng_store::conduct::archive::Sanction;
use lianzheng_store::conduct::archive::{self as store, NewSanction};
use serde::{Deserialize, Serialize};

use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text};
use crate::state::AppState;

/// The source of a record registered on the form.
pub const BY_HAND: &str = "手工登记";
const BODY_MAX: usize = 100;
const DOC_NO_MAX: usize = 50;
const MATTER_MAX: usize = 2000;

/// "党纪处分·警告" for a stored record.
pub fn form_label(s: &Sanction) -> String {
    catalogue::find(&s.category, &s.kind).map_or_else(|| format!("{}·{}", catalogue::category_label(&s.category), s.kind), |k| k.full_label())
}

/// The record's influence period under the periods in force: 留党察看 runs for its own 察看期
/// plus the kind's months.
pub fn influence(s: &Sanction, periods: &Periods) -> Influence {
    let (Some(kind), Some(from)) = (catalogue::find(&s.category, &s.kind), parse_date(&s.decided_on)) else { return Influence::None };
    let months = periods.months(kind);
    let months = if months == catalogue::NO_END { months } else { months + s.probation_months.unwrap_or(0) };
    catalogue::influence(from, months)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    /// party / government / organizational
    #[serde(deserialize_with = "lenient")]
    pub category: String,
    /// a kind's code (warning …) or label (警告 …)
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// 留党察看: 察看期 in years (1 or 2)
    #[serde(deserialize_with = "lenient")]
    pub probation_years: String,
    #[serde(deserialize_with = "lenient")]
    pub decided_on: String,
    /// 决定机关
    #[serde(deserialize_with = "lenient")]
    pub body: String,
    /// 文号
    #[serde(deserialize_with = "lenient")]
    pub doc_no: String,
    #[serde(deserialize_with = "lenient")]
    pub matter: String,
}

/// Registers a 处分 or 组织处理 about a person of the 纪委's scope.
pub async fn create(st: &AppState, p: &Principal, f: &NewForm) -> AppResult<Sanction> {
    let scope = p.require(Permission::HandleInquiries)?;
    let mut e = FieldErrors::new();
    let category = catalogue::CATEGORIES.iter().find(|c| c.0 == f.category.trim() || c.1 == f.category.trim()).map(|c| c.0);
    if category.is_none() {
        e.insert("category".into(), "请选择类别（党纪处分、政务处分、组织处理）".into());
    }
    let kind = category.and_then(|c| catalogue::KINDS.iter().find(|k| k.category == c && (k.code == f.kind.trim() || k.label == f.kind.trim())));
    if category.is_some() && kind.is_none() {
        let names: Vec<&str> = catalogue::KINDS.iter().filter(|k| Some(k.category) == category).map(|k| k.label).collect();
        e.insert("kind".into(), format!("请选择种类（{}）", names.join("、")));
    }
    let probation_months = match kind.map(|k| (k.category, k.code)) {
        Some(("party", "probation")) => match f.probation_years.trim() {
            "1" | "一" | "一年" => Some(12),
            "2" | "二" | "两" | "二年" | "两年" => Some(24),
            _ => {
                e.insert("probation_years".into(), "留党察看的察看期应为一年或二年".into());
                None
            }
        },
        _ => None,
    };
    let today = calendar::today();
    let decided_on = match parse_date(&f.decided_on) {
        Some(d) if d > today => {
            e.insert("decided_on".into(), "决定日期不能晚于今天".into());
            None
        }
        Some(d) if d.year() < 1980 => {
            e.insert("decided_on".into(), "决定日期无效".into());
            None
        }
        Some(d) => Some(format_date(d)),
        None => {
            e.insert("decided_on".into(), if f.decided_on.trim().is_empty() { "请填写决定日期".into() } else { "决定日期应为日期，格式如 2026-03-15".into() });
            None
        }
    };
    let body = text(&mut e, "body", "决定机关", &f.body, BODY_MAX, true).unwrap_or_default();
    let doc_no = text(&mut e, "doc_no", "文号", &f.doc_no, DOC_NO_MAX, false);
    let matter = text(&mut e, "matter", "违纪违法事实或问责事由", &f.matter, MATTER_MAX, true).unwrap_or_default();
    let person = match f.person_id.trim().parse::<PersonId>() {
        Ok(id) => match lianzheng_store::people::get_in_scope(&st.db, &scope, id).await {
            Ok(person) => Some(person),
            Err(lianzheng_store::StoreError::NotFound) => {
                e.insert("person_id".into(), "该人员不存在或不在您的管理范围内".into());
                None
            }
            Err(err) => return Err(err.into()),
        },
        Err(_) => {
            e.insert("person_id".into(), "请选择受处分或处理的人员".into());
            None
        }
    };
    let (Some(kind), Some(decided_on), Some(person), true) = (kind, decided_on, person, e.is_empty()) else { return Err(into_error(e)) };
    let n = NewSanction {
        person_id: person.id,
        person_org_path: person.org_path,
        category: kind.category.into(),
        kind: kind.code.into(),
        probation_months,
        decided_on,
        body,
        doc_no,
        matter,
        source: BY_HAND.into(),
        source_ref: None,
        created_by: Some(p.user.id.get()),
    };
    let mut tx = st.db.begin().await?;
    let id = store::sanction_create(&mut tx, &p.actor(), &n).await?;
    tx.commit().await?;
    store::sanctions_of(&st.db, person.id).await?.into_iter().find(|s| s.id == id).ok_or(AppError::NotFound)
}
