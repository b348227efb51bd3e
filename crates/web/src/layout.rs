//! The frame around every page: who is signed in, the navigation their roles allow, the CSRF token.

use lianzheng_core::org::Permission;

use crate::auth::Principal;
use crate::state::AppState;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

pub struct Layout {
    pub title: String,
    pub site_name: String,
    pub user_name: String,
    pub roles: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

impl Layout {
    pub fn new(st: &AppState, p: &Principal, title: &str, active: &str) -> Layout {
        let mut nav = vec![("/", "首页", None)];
        nav.push(("/duty", "定责", Some(Permission::ViewDuty)));
        nav.push(("/orgs", "组织机构", Some(Permission::ViewOrgs)));
        nav.push(("/people", "人员信息", Some(Permission::ViewPeople)));
        nav.push(("/admin/users", "账号管理", Some(Permission::ManageAccounts)));
        nav.push(("/admin/grants", "授权管理", Some(Permission::ManageGrants)));
        nav.push(("/admin/settings", "系统设置", Some(Permission::ManageSettings)));
        nav.push(("/audit", "审计日志", Some(Permission::ViewAudit)));
        nav.push(("/account", "我的账号", None));
        let nav = nav.into_iter().filter(|(_, _, perm)| perm.is_none_or(|pm| p.can(pm))).map(|(href, label, _)| NavItem { href, label, active: href == active }).collect();
        Layout {
            title: title.to_string(),
            site_name: st.policy.site_name.clone(),
            user_name: p.user.display_name.clone(),
            roles: p.roles().iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
            csrf: p.session.csrf_token.clone(),
            nav,
        }
    }
}

/// Page links around the current page.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// query string without `page=`, ending in `&` or empty
    pub base: String,
}

impl Pager {
    pub fn new(page: i64, per_page: i64, total: i64, base: String) -> Pager {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Pager { page: page.clamp(1, pages), pages, total, base }
    }
    pub fn offset(&self, per_page: i64) -> i64 {
        (self.page - 1) * per_page
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
    pub fn prev(&self) -> i64 {
        self.page - 1
    }
    pub fn next(&self) -> i64 {
        self.page + 1
    }
}

/// Field errors as templates read them.
#[derive(Default)]
pub struct Errs(pub crate::forms::FieldErrors);

impl Errs {
    pub fn has(&self, f: &str) -> bool {
        self.0.contains_key(f)
    }
    pub fn msg(&self, f: &str) -> &str {
        self.0.get(f).map(String::as_str).unwrap_or("")
    }
}

/// (code, label) pairs for a select.
pub fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

/// "2026-11-27 11:20" in Beijing time, from epoch seconds.
pub fn fmt_time(t: i64) -> String {
    let Ok(dt) = time::OffsetDateTime::from_unix_timestamp(t) else { return String::new() };
    let dt = dt.to_offset(time::macros::offset!(+8));
    format!("{:04}-{:02}-{:02} {:02}:{:02}", dt.year(), u8::from(dt.month()), dt.day(), dt.hour(), dt.minute())
}

/// Epoch seconds of 00:00 Beijing time on a `YYYY-MM-DD` date.
pub fn parse_day(s: &str) -> Option<i64> {
    let d = time::Date::parse(s.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(d.midnight().assume_offset(time::macros::offset!(+8)).unix_timestamp())
}

/// Indented organisation names for a select, in tree order.
pub fn org_options(orgs: &[crate::app::org::Org]) -> Vec<(i64, String)> {
    let base = orgs.iter().map(|o| o.level).min().unwrap_or(1);
    orgs.iter().map(|o| (o.id, format!("{}{}", "　".repeat((o.level - base).max(0) as usize), o.name))).collect()
}

/// A file to download, named in UTF-8 (RFC 5987) so Chinese file names survive.
pub fn file_response(bytes: Vec<u8>, filename: &str, ctype: &'static str) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    let encoded = crate::middleware::urlencode(filename).replace('+', "%20");
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// A stored attachment as a download.
pub fn attachment_response(filename: &str, bytes: Vec<u8>) -> axum::response::Response {
    file_response(bytes, filename, "application/octet-stream")
}
