//! Paging and sorting of every table, as a request asks for them: read leniently (a junk page is
//! the first, a size not offered is the table's default, an unknown sort key is the table's own
//! order) and clamped to what exists, so no page or size a person types gives an error.

use serde::{Deserialize, Serialize};

pub use lianzheng_store::builder::Sort;

/// Rows per page a person may choose.
pub const PAGE_SIZES: [i64; 3] = [20, 50, 100];
/// Rows per page unless chosen.
pub const DEFAULT_SIZE: i64 = 20;
/// Pages beyond this are not asked for (the number is clamped to the last page anyway).
const PAGE_MAX: i64 = 1_000_000;

/// `page`, `size` and `sort` of a query string (`sort=name` ascending, `sort=-name` descending).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct Paging {
    pub page: String,
    pub size: String,
    pub sort: String,
}

impl Paging {
    /// The page asked for, 1 when missing or not a number (clamp it to the last page with [`clamp`]).
    pub fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).clamp(1, PAGE_MAX)
    }
    /// Rows per page: one of [`PAGE_SIZES`], else `default`.
    pub fn size(&self, default: i64) -> i64 {
        self.size.trim().parse::<i64>().ok().filter(|n| PAGE_SIZES.contains(n)).unwrap_or(default)
    }
    pub fn sort(&self) -> Sort {
        Sort::parse(&self.sort)
    }
    /// The sort as a query value, only if `known` lists its key (what a page echoes back).
    pub fn sort_known(&self, known: &[&str]) -> String {
        let s = self.sort();
        if known.contains(&s.key.as_str()) { self.sort.trim().to_string() } else { String::new() }
    }
}

/// The last page number for `total` rows (at least 1).
pub fn pages(total: i64, size: i64) -> i64 {
    ((total.max(0) + size.max(1) - 1) / size.max(1)).max(1)
}

/// `page` within 1 ..= the last page.
pub fn clamp(page: i64, size: i64, total: i64) -> i64 {
    page.clamp(1, pages(total, size))
}

/// One page cut from rows already in memory (filtered by rules SQL cannot state): the page,
/// clamped, and its rows.
pub fn slice<T>(rows: Vec<T>, page: i64, size: i64) -> (i64, Vec<T>) {
    let page = clamp(page, size, i64::try_from(rows.len()).unwrap_or(i64::MAX));
    let from = usize::try_from((page - 1) * size).unwrap_or(0);
    (page, rows.into_iter().skip(from).take(usize::try_from(size).unwrap_or(20)).collect())
}

/// What a batch did: each object went through the same use case as one at a time (scope,
/// rules, audit), in its own transaction; what failed says why.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Batch {
    pub done: Vec<BatchItem>,
    pub failed: Vec<BatchItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchItem {
    /// The id as sent.
    pub id: String,
    /// What it is (title, unit name), when the caller may know it.
    pub name: String,
    /// Why it failed (None when done).
    pub reason: Option<String>,
    /// The error code of a failure (`not_found`, `conflict`, `invalid` …), as the API names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

/// Objects one batch may name at most.
pub const BATCH_MAX: usize = 500;

impl Batch {
    pub fn ok(&mut self, id: impl ToString, name: impl Into<String>) {
        self.done.push(BatchItem { id: id.to_string(), name: name.into(), reason: None, code: None });
    }
    pub fn fail(&mut self, id: impl ToString, name: impl Into<String>, code: &'static str, reason: impl Into<String>) {
        self.failed.push(BatchItem { id: id.to_string(), name: name.into(), reason: Some(reason.into()), code: Some(code) });
    }
    /// Nothing done and every object refused as not found (or outside the scope): the API
    /// answers 404 rather than a report, as for one object.
    pub fn all_not_found(&self) -> bool {
        self.done.is_empty() && !self.failed.is_empty() && self.failed.iter().all(|f| f.code == Some("not_found"))
    }
    /// "已退回 3 份；2 份未处理：…" for a page.
    pub fn summary(&self, verb: &str, unit: &str) -> String {
        let mut s = format!("{verb} {} {unit}", self.done.len());
        if !self.failed.is_empty() {
            let why: Vec<String> = self.failed.iter().map(|f| format!("{}：{}", if f.name.is_empty() { format!("编号 {}", f.id) } else { f.name.clone() }, f.reason.as_deref().unwrap_or(""))).collect();
            s.push_str(&format!("；{} {unit}未处理 —— {}", self.failed.len(), why.join("；")));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_read_leniently() {
        let p = Paging { page: "abc".into(), size: "7".into(), sort: "-name".into() };
        assert_eq!(p.page(), 1);
        assert_eq!(p.size(DEFAULT_SIZE), 20);
        assert_eq!(p.sort(), Sort { key: "name".into(), desc: true });
        assert_eq!(Paging { page: "-5".into(), ..Paging::default() }.page(), 1);
        assert_eq!(Paging { page: "99999999999999999999".into(), ..Paging::default() }.page(), 1);
        assert_eq!(Paging { size: "100".into(), ..Paging::default() }.size(20), 100);
        assert_eq!(clamp(9, 20, 41), 3);
        assert_eq!(clamp(9, 20, 0), 1);
        assert_eq!(slice((1..=45).collect::<Vec<i32>>(), 7, 20), (3, vec![41, 42, 43, 44, 45]));
    }
}
