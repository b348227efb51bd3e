//! lianzheng-core: domain types and rules. No IO, no HTTP, no database.

/// An enum with a stable code (stored, API) and the field's Chinese term per variant. Defined
/// before the modules so each of them can declare its vocabulary with it.
macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Stable code stored in the database and used by the API.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// The field's own term, shown on pages and in documents.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn from_code(s: &str) -> Option<Self> { match s { $($code => Some($name::$variant),)+ _ => None } }
            /// Accepts the code or the Chinese label (imports use labels).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::from_code(s).or_else(|| Self::ALL.iter().copied().find(|v| v.label() == s))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.label()) }
        }
    };
}

pub mod access;
pub mod audit_labels;
pub mod crypto;
pub mod duty;
pub mod filetype;
pub mod idcard;
pub mod names;
pub mod org;
pub mod password;
pub mod totp;
