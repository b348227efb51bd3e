//! The frame around every page: who is signed in, the navigation their roles allow, the CSRF token.

use lianzheng_core::ids::OrgId;
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
        nav.push(("/conduct", "履责", Some(Permission::ViewConduct)));
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
    /// rows per page
    pub size: i64,
    /// the filters and the sort as a query string, ending in `&` or empty (export links)
    pub base: String,
    /// the filters alone
    filters: Vec<(String, String)>,
    /// `key` or `-key`, or empty (the table's own order)
    pub sort: String,
    /// the columns that sort: (key, label)
    sorts: &'static [(&'static str, &'static str)],
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Pager {
    /// `base`: the filters as a query string (ending in `&` or empty); `page` is clamped.
    pub fn new(page: i64, per_page: i64, total: i64, base: String) -> Pager {
        let per_page = per_page.max(1);
        let pages = crate::app::paging::pages(total, per_page);
        let filters: Vec<(String, String)> = serde_urlencoded::from_str(&base).unwrap_or_default();
        let filters = filters.into_iter().filter(|(k, _)| !matches!(k.as_str(), "page" | "size" | "sort")).collect();
        Pager { page: page.clamp(1, pages), pages, total, size: per_page, base, filters, sort: String::new(), sorts: &[] }
    }
    /// Columns sort by these keys; `sort` is the one asked for (dropped unless one of them).
    pub fn sorted(mut self, sort: &str, sorts: &'static [(&'static str, &'static str)]) -> Pager {
        let key = sort.trim().trim_start_matches('-');
        self.sort = if sorts.iter().any(|(k, _)| *k == key) { sort.trim().to_string() } else { String::new() };
        self.sorts = sorts;
        if !self.sort.is_empty() {
            self.base = format!("{}sort={}&", self.base, self.sort);
        }
        self
    }
    fn query(&self, sort: &str, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = self.filters.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        if !sort.is_empty() {
            pairs.push(("sort", sort.to_string()));
        }
        pairs.push(("size", self.size.to_string()));
        pairs.push(("page", page.to_string()));
        format!("?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }
    /// The link to page `n` with the same filters, sort and size.
    pub fn href(&self, n: impl std::borrow::Borrow<i64>) -> String {
        self.query(&self.sort, *n.borrow())
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
    pub fn sizes(&self) -> [i64; 3] {
        crate::app::paging::PAGE_SIZES
    }
    /// The hidden fields of the size / jump form: the filters and the sort.
    pub fn hidden(&self) -> Vec<(String, String)> {
        let mut v = self.filters.clone();
        if !self.sort.is_empty() {
            v.push(("sort".into(), self.sort.clone()));
        }
        v
    }
    /// The hidden fields of the sort form (phones): the filters and the size.
    pub fn hidden_for_sort(&self) -> Vec<(String, String)> {
        let mut v = self.filters.clone();
        v.push(("size".into(), self.size.to_string()));
        v
    }
    /// The sort choices for a phone, where the header row is not shown: (value, label, selected).
    pub fn sort_options(&self) -> Vec<(String, String, bool)> {
        let mut v = vec![(String::new(), "默认顺序".to_string(), self.sort.is_empty())];
        for (k, label) in self.sorts {
            v.push((k.to_string(), format!("{label} ↑"), self.sort == *k));
            let d = format!("-{k}");
            v.push((d.clone(), format!("{label} ↓"), self.sort == d));
        }
        v
    }
    pub fn sortable(&self) -> bool {
        !self.sorts.is_empty()
    }
    /// A header cell that sorts by `key`: ascending first, descending on a second click, the
    /// arrow showing which (HTML; `label` is escaped).
    pub fn th(&self, key: &str, label: &str) -> String {
        let (next, arrow, aria) = if self.sort == key {
            (format!("-{key}"), " ▲", "ascending")
        } else if self.sort.strip_prefix('-') == Some(key) {
            (key.to_string(), " ▼", "descending")
        } else {
            (key.to_string(), "", "none")
        };
        format!(r#"<th aria-sort="{aria}"><a class="sort" href="{}" data-sort="{}">{}{arrow}</a></th>"#, esc(&self.query(&next, 1)), esc(key), esc(label))
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

/// Indented organisation names for a select, in organisation order (see `tree_order`).
pub fn org_options(orgs: &[crate::app::org::Org]) -> Vec<(OrgId, String)> {
    tree_order(orgs).into_iter().map(|(o, depth)| (o.id, format!("{}{}", "　".repeat(depth), o.name))).collect()
}

/// Organisations in the order of the organisation tree: each unit followed by its subtree,
/// brothers by `sort_order` (then id) — 县委办, 组织部 … before the departments, as the tree
/// page shows them, not by name or by id. Units whose parent is not in the set start a
/// subtree of their own (by level, order, id). Returns each with its depth in the set.
pub fn tree_order(orgs: &[crate::app::org::Org]) -> Vec<(&crate::app::org::Org, usize)> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<OrgId> = orgs.iter().map(|o| o.id).collect();
    let mut children: HashMap<OrgId, Vec<&crate::app::org::Org>> = HashMap::new();
    let mut roots = Vec::new();
    for o in orgs {
        match o.parent_id.filter(|p| ids.contains(p)) {
            Some(p) => children.entry(p).or_default().push(o),
            None => roots.push(o),
        }
    }
    for v in children.values_mut() {
        v.sort_by_key(|o| (o.sort_order, o.id));
    }
    roots.sort_by_key(|o| (o.level, o.sort_order, o.id));
    let mut out = Vec::with_capacity(orgs.len());
    let mut stack: Vec<(&crate::app::org::Org, usize)> = roots.into_iter().rev().map(|o| (o, 0)).collect();
    while let Some((o, depth)) = stack.pop() {
        out.push((o, depth));
        if let Some(kids) = children.get(&o.id) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    out
}

/// Pickers of at most this many units also match pinyin initials.
const PINYIN_UNITS: usize = 1000;

/// One unit of a `UnitPicker`.
#[derive(Debug, Clone)]
pub struct UnitChoice {
    pub id: OrgId,
    pub name: String,
    /// Depth below the picker's top units (0 = top), capped at 6 for the indentation class.
    pub depth: usize,
    /// What typing matches: name, short name and their pinyin initials, lower case.
    pub key: String,
    pub has_children: bool,
}

impl UnitChoice {
    /// Units in organisation order with their search keys.
    pub fn of(orgs: &[crate::app::org::Org]) -> Vec<UnitChoice> {
        // pinyin for a county's units costs little; a province's thousands go by name alone
        let pinyin = orgs.len() <= PINYIN_UNITS;
        let ordered = tree_order(orgs);
        let mut out: Vec<UnitChoice> = Vec::with_capacity(ordered.len());
        for (i, (o, depth)) in ordered.iter().enumerate() {
            let short = o.short_name.clone().unwrap_or_default();
            let key = if pinyin {
                format!("{} {} {} {}", o.name, short, lianzheng_core::names::pinyin_initials(&o.name), lianzheng_core::names::pinyin_initials(&short)).to_lowercase()
            } else {
                format!("{} {}", o.name, short).to_lowercase()
            };
            let has_children = ordered.get(i + 1).is_some_and(|(_, d)| d > depth);
            out.push(UnitChoice { id: o.id, name: o.name.clone(), depth: (*depth).min(6), key, has_children });
        }
        out
    }
}

/// 单位 picker (`templates/unit_picker.html` + `app.js`): a searchable tree in organisation
/// order. One unit: a `<select>`; several: checkboxes. Without JS either posts the ids; with
/// JS typing filters the tree by name, short name or pinyin initials.
#[derive(Debug, Clone)]
pub struct UnitPicker {
    /// The form field (and the element id, unless `id` is set).
    pub name: String,
    pub id: String,
    pub multiple: bool,
    /// The first choice of a single picker ("请选择", "全部单位"); empty: none.
    pub blank: String,
    pub units: Vec<UnitChoice>,
    pub selected: Vec<OrgId>,
    /// For an `aria-label` when the picker has no `<label>` (filters).
    pub label: String,
}

impl UnitPicker {
    /// Picks one unit; `selected` is the form's current value (an id as text, or empty).
    pub fn one(name: &str, units: Vec<UnitChoice>, selected: &str, blank: &str) -> UnitPicker {
        let selected = selected.trim().parse::<OrgId>().ok().into_iter().collect();
        UnitPicker { name: name.into(), id: name.into(), multiple: false, blank: blank.into(), units, selected, label: String::new() }
    }
    /// Picks several units; `selected` holds ids separated by commas (or 、).
    pub fn many(name: &str, units: Vec<UnitChoice>, selected: &str) -> UnitPicker {
        let selected = selected.split([',', '、', '，']).filter_map(|s| s.trim().parse::<OrgId>().ok()).collect();
        UnitPicker { name: name.into(), id: name.into(), multiple: true, blank: String::new(), units, selected, label: String::new() }
    }
    pub fn labelled(mut self, label: &str) -> UnitPicker {
        self.label = label.into();
        self
    }
    pub fn is_selected(&self, id: &OrgId) -> bool {
        self.selected.contains(id)
    }
    /// The indentation in front of a name inside a `<select>` (no JS).
    pub fn indent(&self, u: &UnitChoice) -> String {
        "　".repeat(u.depth)
    }
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

#[cfg(test)]
mod tree_order_tests {
    use super::*;

    fn org(id: i64, parent: Option<i64>, name: &str, level: i64, order: i64) -> crate::app::org::Org {
        crate::app::org::Org {
            id: OrgId::new(id),
            parent_id: parent.map(OrgId::new),
            name: name.into(),
            short_name: None,
            kind: "party_group".into(),
            code: format!("C{id}"),
            level,
            sort_order: order,
            path: String::new(),
            version: 1,
        }
    }

    #[test]
    fn units_follow_sort_order_along_the_path() {
        // ids and names in a different order than the tree's sort_order
        let orgs = vec![
            org(9, Some(1), "某某县教育局", 2, 8),
            org(1, None, "中共某某县委员会", 1, 0),
            org(3, Some(1), "中共某某县委组织部", 2, 3),
            org(12, Some(9), "机关党支部", 3, 1),
            org(2, Some(1), "中共某某县委办公室", 2, 1),
        ];
        let names: Vec<(&str, usize)> = tree_order(&orgs).into_iter().map(|(o, d)| (o.name.as_str(), d)).collect();
        assert_eq!(names, vec![("中共某某县委员会", 0), ("中共某某县委办公室", 1), ("中共某某县委组织部", 1), ("某某县教育局", 1), ("机关党支部", 2)]);
        let choices = UnitChoice::of(&orgs);
        assert!(choices[0].has_children && !choices[1].has_children);
        assert!(choices[2].key.contains("zgmmxwzzb"), "{}", choices[2].key);
        // a unit whose parent is outside the set starts its own subtree
        let part = vec![org(12, Some(9), "机关党支部", 3, 1), org(9, Some(1), "某某县教育局", 2, 8)];
        assert_eq!(tree_order(&part).iter().map(|(o, d)| (o.id.get(), *d)).collect::<Vec<_>>(), vec![(9, 0), (12, 1)]);
    }

    #[test]
    fn pager_links_keep_filters_sort_and_size() {
        const SORTS: &[(&str, &str)] = &[("name", "姓名"), ("org", "单位")];
        let p = Pager::new(9, 20, 45, "q=%E5%BC%A0&org=3&page=2&".into()).sorted("-name", SORTS);
        assert_eq!((p.page, p.pages), (3, 3), "a page past the end is the last");
        assert_eq!(p.href(2), "?q=%E5%BC%A0&org=3&sort=-name&size=20&page=2");
        assert_eq!(p.base, "q=%E5%BC%A0&org=3&page=2&sort=-name&");
        // the sorted column's arrow; a click sorts the other way from the first page
        assert!(p.th("name", "姓名").contains("姓名 ▼") && p.th("name", "姓名").contains("sort=name&amp;size=20&amp;page=1"));
        assert!(p.th("org", "单位").contains(r#"aria-sort="none""#) && p.th("org", "单位").contains("sort=org&amp;"));
        assert_eq!(p.hidden(), vec![("q".to_string(), "张".to_string()), ("org".into(), "3".into()), ("sort".into(), "-name".into())]);
        assert_eq!(p.sort_options().iter().filter(|o| o.2).map(|o| o.0.as_str()).collect::<Vec<_>>(), vec!["-name"]);
        // a sort key not offered is dropped, labels are escaped
        let p = Pager::new(1, 20, 0, String::new()).sorted("x');--", SORTS);
        assert_eq!(p.sort, "");
        assert_eq!(p.pages, 1);
        assert!(p.th("name", "<b>").contains("&lt;b&gt;"));
    }
}
