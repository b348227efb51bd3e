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
    /// The name in the top bar on a phone.
    pub site_short: String,
    pub user_name: String,
    pub roles: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// The tab bar of the module the page belongs to: only the tabs the person may open.
    pub tabs: Vec<NavItem>,
    /// The way from 首页 to the page, without the page itself: (link, label).
    pub crumbs: Vec<(String, String)>,
    /// A message left by the save that led here (see `crate::flash`).
    pub flash: Option<&'static str>,
    /// The bell's 待办 count when this node already knows it (no query on any page: a cache
    /// read, `app::todo::known_total`); None makes the bell fetch it after the page loads.
    pub todo_count: Option<i64>,
}

/// Whether `href` is the place `at` or a place above it.
fn covers(href: &str, at: &str) -> bool {
    if href == "/" {
        return at == "/";
    }
    at == href || at.strip_prefix(href).is_some_and(|rest| rest.starts_with('/'))
}

impl Layout {
    /// `at` is where the page sits in the navigation (a nav or tab link, e.g. `/duty/lists`
    /// for a list): it lights the link and starts the breadcrumbs; add steps between with `crumb`.
    pub fn new(st: &AppState, p: &Principal, title: &str, at: &str) -> Layout {
        let mut nav = vec![("/", "首页", None)];
        nav.push(("/duty", "定责", Some(Permission::ViewDuty)));
        nav.push(("/orgs", "组织机构", Some(Permission::ViewOrgs)));
        nav.push(("/people", "人员信息", Some(Permission::ViewPeople)));
        nav.push(("/admin/users", "账号管理", Some(Permission::ManageAccounts)));
        nav.push(("/admin/grants", "授权管理", Some(Permission::ManageGrants)));
        nav.push(("/admin/settings", "系统设置", Some(Permission::ManageSettings)));
        nav.push(("/audit", "审计日志", Some(Permission::ViewAudit)));
        nav.push(("/account", "我的账号", None));
        let nav: Vec<NavItem> = nav.into_iter().filter(|(_, _, perm)| perm.is_none_or(|pm| p.can(pm))).map(|(href, label, _)| NavItem { href, label, active: covers(href, at) }).collect();
        // the module whose landing tab holds the page, and the deepest tab that does
        let module_tabs = crate::modules::MODULES.iter().map(|m| m.tabs).find(|tabs| tabs.first().is_some_and(|t| covers(t.href, at))).unwrap_or(&[]);
        let here = module_tabs.iter().filter(|t| covers(t.href, at)).max_by_key(|t| t.href.len()).map(|t| t.href);
        let tabs: Vec<NavItem> = module_tabs.iter().filter(|t| (t.may_open)(p)).map(|t| NavItem { href: t.href, label: t.label, active: Some(t.href) == here }).collect();
        let mut crumbs = Vec::new();
        if at != "/" {
            crumbs.push(("/".to_string(), "首页".to_string()));
            let section = nav.iter().filter(|n| n.href != "/" && covers(n.href, at)).max_by_key(|n| n.href.len());
            if let Some(n) = section
                && !(n.href == at && n.label == title)
            {
                crumbs.push((n.href.to_string(), n.label.to_string()));
            }
            if let Some(t) = module_tabs.iter().skip(1).find(|t| Some(t.href) == here)
                && t.label != title
            {
                crumbs.push((t.href.to_string(), t.label.to_string()));
            }
        }
        let site_name = st.policy.site_name.clone();
        let site_short = if site_name.chars().count() <= 6 { site_name.clone() } else { "廉政".to_string() };
        Layout {
            title: title.to_string(),
            site_name,
            site_short,
            user_name: p.user.display_name.clone(),
            roles: p.roles().iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
            csrf: p.session.csrf_token.clone(),
            nav,
            tabs,
            crumbs,
            flash: crate::flash::current(),
            // a person held at a gate (second factor, first password) has no 待办 yet, and the
            // bell's fetch would be sent to the gate's page again and again
            todo_count: if crate::auth::pending_gate(p, st).is_some() { Some(0) } else { crate::app::todo::known_total(st, p) },
        }
    }

    /// A step between the nav (or tab) link and the page itself.
    pub fn crumb(mut self, href: impl Into<String>, label: impl Into<String>) -> Layout {
        self.crumbs.push((href.into(), label.into()));
        self
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
pub fn org_options(orgs: &[crate::app::org::Org]) -> Vec<(lianzheng_core::ids::OrgId, String)> {
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
