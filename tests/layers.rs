//! The layers as design.md draws them, read from the sources: `app`'s modules import each other
//! without a cycle (sub-modules hand back what should happen next; only `update` dispatches),
//! and neither `app` nor `ui` reaches the store, a terminal or each other upward.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The `app` module a path belongs to (`view/*` is one module), or `None` for tests.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("src/app").ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "tests" | "fixtures" | "mod")).then_some(name)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `app` module → the `app` modules it names.
fn app_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(Path::new("src/app"), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in files {
        let Some(module) = module_of(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        // Inside `view/` (not its mod.rs) `super::` is `view` itself.
        let in_view = path.starts_with("src/app/view") && !path.ends_with("mod.rs");
        let edges = graph.entry(module.clone()).or_default();
        for (prefix, relative) in [("crate::app::", false), ("super::", true)] {
            for piece in text.split(prefix).skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let target = if relative && in_view {
                    "view".to_string()
                } else {
                    name
                };
                let known = Path::new("src/app").join(format!("{target}.rs")).exists()
                    || Path::new("src/app").join(&target).is_dir();
                if known && target != module {
                    edges.insert(target);
                }
            }
        }
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn app_modules_import_each_other_without_a_cycle_and_only_update_dispatches() {
    let graph = app_graph();
    assert!(graph.len() >= 12, "the app's modules were read: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle in src/app: {}", cycle.join(" → "));
    }
    for (module, edges) in &graph {
        assert!(
            !edges.contains("update") || module == "mod",
            "{module} calls back into update"
        );
    }
}

#[test]
fn app_and_ui_reach_neither_the_store_nor_a_terminal() {
    for (dir, banned) in [
        (
            "src/app",
            &[
                "crate::store",
                "sqlx",
                "crate::tui",
                "crate::ui",
                "crossterm",
            ][..],
        ),
        (
            "src/ui",
            &["crate::store", "sqlx", "crate::tui", "crossterm::event"][..],
        ),
    ] {
        let mut files = Vec::new();
        rust_files(Path::new(dir), &mut files);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for b in banned {
                assert!(
                    !text.contains(&format!("use {b}")) && !text.contains(&format!("{b}::")),
                    "{} uses {b}",
                    path.display()
                );
            }
        }
    }
}
