//! Assembling a query with a variable shape (filters, scope) while keeping every value bound.

use lianzheng_core::org::{Scope, subtree_range};

use crate::StoreError;
use crate::db::{Db, Q, Row, Val, q_built};

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
