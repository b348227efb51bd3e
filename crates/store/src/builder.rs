//! Assembling a query with a variable shape (filters, scope) while keeping every value bound.

use lianzheng_core::org::{Scope, subtree_range};

use crate::StoreError;
use crate::db::{Backend, Db, Q, Row, Val, q_built};

#[derive(Debug, Default)]
pub struct SqlBuilder {
    sql: String,
    args: Vec<Val>,
}

impl SqlBuilder {
    pub fn new(sql: &str) -> Self {
        SqlBuilder { sql: sql.to_string(), args: Vec::new() }
    }

    /// Appends fixed SQL text (never user input).
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder and binds the value to it.
    pub fn bind(&mut self, v: impl Into<Val>) -> &mut Self {
        self.args.push(v.into());
        self.sql.push('$');
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `(col >= lo AND col < hi OR …)` for every subtree of the scope, or `1=1` for
    /// an unlimited scope, or `1=0` for an empty one.
    pub fn scope(&mut self, column: &str, scope: &Scope) -> &mut Self {
        self.scope_with(column, scope, " >= ")
    }

    /// Like [`scope`](Self::scope), but strictly below each root (the roots themselves left
    /// out): what a 纪委 reviews is its units', not its own (`Scope::contains_below`).
    pub fn scope_below(&mut self, column: &str, scope: &Scope) -> &mut Self {
        self.scope_with(column, scope, " > ")
    }

    /// The subtrees of `scope`, each from its root compared with `lower` (`>=` with the root,
    /// `>` without it).
    fn scope_with(&mut self, column: &str, scope: &Scope, lower: &str) -> &mut Self {
        if scope.is_all() {
            return self.push("1=1");
        }
        if scope.paths().is_empty() {
            return self.push("1=0");
        }
        self.push("(");
        for (i, p) in scope.paths().iter().enumerate() {
            if i > 0 {
                self.push(" OR ");
            }
            let (lo, hi) = subtree_range(p);
            self.push("(").push(column).push(lower).bind(lo).push(" AND ").push(column).push(" < ").bind(hi).push(")");
        }
        self.push(")")
    }

    /// `column` inside the subtree at `path` (a filter the caller chose, not an access right).
    pub fn subtree(&mut self, column: &str, path: &str) -> &mut Self {
        let (lo, hi) = subtree_range(path);
        self.push("(").push(column).push(" >= ").bind(lo).push(" AND ").push(column).push(" < ").bind(hi).push(")")
    }

    /// Appends `(v1, v2, …)` with each value bound; `(NULL)` for none, which matches nothing.
    pub fn in_list<V: Into<Val>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.push("(");
        let mut any = false;
        for v in values {
            if any {
                self.push(", ");
            }
            self.bind(v);
            any = true;
        }
        if !any {
            self.push("NULL");
        }
        self.push(")")
    }

    /// Appends ` AND column = value` when a filter was given (blank means "any").
    pub fn and_eq(&mut self, column: &str, value: Option<&str>) -> &mut Self {
        match value.filter(|v| !v.is_empty()) {
            Some(v) => self.push(" AND ").push(column).push(" = ").bind(v),
            None => self,
        }
    }

    pub fn build(self) -> Q {
        let mut q = q_built(self.sql);
        for a in self.args {
            q = q.bind(a);
        }
        q
    }

    /// ` ORDER BY` the sort's keys, then `tie` (ascending, a unique column: the order is total
    /// and the same on every database). The keys come from a table's whitelist ([`SortKey`]),
    /// never from the request. Text is compared byte by byte on both databases (SQLite's
    /// BINARY, PostgreSQL's `COLLATE "C"`: UTF-8 byte order is code point order), so a page
    /// holds the same rows on both; Chinese names are sorted by their pinyin column. NULLs
    /// come last in both directions (the two databases disagree on where NULL goes).
    pub fn order_by(&mut self, backend: Backend, keys: &[SortKey], desc: bool, tie: &str) -> &mut Self {
        self.push(" ORDER BY ");
        for k in keys {
            if k.nullable {
                self.push("CASE WHEN ").push(k.expr).push(" IS NULL THEN 1 ELSE 0 END, ");
            }
            self.push(k.expr);
            if k.text && backend == Backend::Postgres {
                self.push(" COLLATE \"C\"");
            }
            self.push(if desc { " DESC, " } else { " ASC, " });
        }
        self.push(tie)
    }

    /// The same conditions, for a second query (e.g. the count beside a page).
    pub fn clone_with(&self, prefix: &str) -> SqlBuilder {
        SqlBuilder { sql: format!("{prefix}{}", self.sql), args: self.args.clone() }
    }
}

/// Row `id` of `select` (which names its table `alias`), only if the row's `alias.org_path` lies
/// in the scope; otherwise "not found", so ids outside the scope tell nothing.
pub async fn one_in_scope<T: Row>(db: &Db, select: &str, alias: &str, scope: &Scope, id: impl Into<Val>) -> Result<T, StoreError> {
    let mut b = SqlBuilder::new(select);
    b.push(&format!("WHERE {alias}.id = ")).bind(id).push(" AND ").scope(&format!("{alias}.org_path"), scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// One column of a table's sort whitelist, as SQL.
#[derive(Debug, Clone, Copy)]
pub struct SortKey {
    pub expr: &'static str,
    /// Text: compared byte by byte on both databases.
    pub text: bool,
    pub nullable: bool,
}

impl SortKey {
    pub const fn num(expr: &'static str) -> SortKey {
        SortKey { expr, text: false, nullable: false }
    }
    pub const fn text(expr: &'static str) -> SortKey {
        SortKey { expr, text: true, nullable: false }
    }
    pub const fn nullable(self) -> SortKey {
        SortKey { nullable: true, ..self }
    }
}

/// A sort asked for by a request: a key name (looked up in a table's whitelist; unknown names
/// give the table's default order) and the direction. `"name"` ascending, `"-name"` descending.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Sort {
    pub key: String,
    pub desc: bool,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        let s = s.trim();
        match s.strip_prefix('-') {
            Some(k) => Sort { key: k.to_string(), desc: true },
            None => Sort { key: s.to_string(), desc: false },
        }
    }

    /// The whitelist entry for this sort, if its key is one of `table`'s.
    pub fn pick<'a>(&self, table: &'a [(&'static str, &'a [SortKey])]) -> Option<&'a [SortKey]> {
        table.iter().find(|(k, _)| *k == self.key).map(|(_, v)| *v)
    }
}
