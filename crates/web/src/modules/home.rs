//! 工作台: the home page's 待办 as an API operation and the header's bell. Its items come from
//! the other modules' providers (`Module::todos`); the home page itself is a shell route.
use super::Module;

pub static MODULE: Module =
    Module {
        name: "home", label: "工作台", api_ops: &[crate::api::home::OPS], pages: crate::pages::home::routes, page_actions: &[], permissions: &[], audit_labels: &[], tabs: &[], tables: &[], jobs: &[], todos: None
    };
