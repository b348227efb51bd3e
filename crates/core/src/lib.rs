//! lianzheng-core: domain types and rules. No IO, no HTTP, no database.

/// An enum with a stable code (stored, API) and the field's Chinese term per variant. Defined
/// before the modules so each of them can declare its vocabulary with it.
macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        /// As its code, in JSON and forms alike.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.code()) }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::from_code(&s).ok_or_else(|| serde::de::Error::custom(format!("未知的取值：{s}")))
            }
        }
        /// Stored as its code in a TEXT column.
        #[cfg(feature = "sqlx")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name where str: sqlx::Type<DB> {
            fn type_info() -> DB::TypeInfo { <str as sqlx::Type<DB>>::type_info() }
            fn compatible(ty: &DB::TypeInfo) -> bool { <str as sqlx::Type<DB>>::compatible(ty) }
        }
        /// A code this build does not know is a decode error (the row is refused), never a panic.
        #[cfg(feature = "sqlx")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name where &'r str: sqlx::Decode<'r, DB> {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                Self::from_code(s).ok_or_else(|| format!("{}：未知的代码 {s:?}", stringify!($name)).into())
            }
        }
    };
}

pub mod access;
pub mod audit_labels;
pub mod calendar;
pub mod crypto;
pub mod duty;
pub mod filetype;
pub mod idcard;
pub mod ids;
pub mod names;
pub mod org;
pub mod password;
pub mod sanction;
pub mod totp;
