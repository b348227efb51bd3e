//! The layer rule, kept by a test (DESIGN.md "Layers"): pages/ and api/ never import each
//! other, and only the use-case layer (app/) touches the store. Files not yet moved into the
//! use-case layer are listed below; the list may only shrink.

use std::path::{Path, PathBuf};

/// Outside app/, these may name the store for what is not a business operation: the one error
/// type (StoreError → HTTP), shared state (the Db handle), the principal loader and the
/// read caches.
const INFRASTRUCTURE: &[&str] = &["error.rs", "state.rs", "auth.rs", "cache.rs", "middleware.rs"];

/// Not yet moved into app/ (each move removes its lines here). Empty: every file has moved;
/// keep it so a temporary exception stays visible and can only shrink.
const NOT_YET_MOVED: &[&str] = &[];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn rel(src: &Path, p: &Path) -> String {
    p.strip_prefix(src).map(|r| r.to_string_lossy().replace('\\', "/")).unwrap_or_default()
}

#[test]
fn pages_and_api_stay_apart_and_only_app_touches_the_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let name = rel(&src, f);
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let pending = NOT_YET_MOVED.contains(&name.as_str());
        if name.starts_with("pages/") && text.contains("crate::api") && !pending {
            wrong.push(format!("{name}: a page imports the API"));
        }
        if name.starts_with("api/") && text.contains("crate::pages") && !pending {
            wrong.push(format!("{name}: the API imports pages"));
        }
        let touches_store = text.contains("lianzheng_store") || text.contains(".fetch_") || text.contains("q(\"");
        if touches_store && !name.starts_with("app/") && !INFRASTRUCTURE.contains(&name.as_str()) && !pending {
            wrong.push(format!("{name}: touches the store outside the use-case layer (app/)"));
        }
    }
    // the list only shrinks: a file moved must leave it
    for f in NOT_YET_MOVED {
        let text = std::fs::read_to_string(src.join(f)).unwrap_or_default();
        let still = text.contains("lianzheng_store") || text.contains("crate::pages") || text.contains("crate::api");
        if !still {
            wrong.push(format!("{f}: moved (or gone) — remove it from NOT_YET_MOVED"));
        }
    }
    assert!(wrong.is_empty(), "layer rule broken:\n{}", wrong.join("\n"));
}
