//! heard's domain core: the words of the brief as types, and the rules that bind them.
//!
//! Nothing here does I/O. Every type that crosses a boundary (an API body, a row, a
//! config value) is validated on construction, so code holding a [`Identity`] or a
//! [`CaseReference`] never re-checks it.

pub mod calendar;
pub mod case;
pub mod certificate;
pub mod channel;
pub mod complaint;
pub mod contact;
pub mod customer;
pub mod error;
pub mod identity;
pub mod job;
pub mod reply_template;
pub mod retention;
pub mod routing;
pub mod satisfaction;
pub mod service_form;
pub mod service_level;
pub mod updates;
pub mod user;

pub use case::{CaseKind, CaseLinkKind, CaseReference, CaseStatus, Priority};
pub use channel::{Channel, Direction};
pub use contact::{AttachmentMeta, NewContact};
pub use customer::{Address, CustomerKind, Postcode, Uprn};
pub use error::{FieldError, Invalid};
pub use identity::{Identity, IdentityKind};
pub use routing::{Learned, LearnedRouter, Router, ServiceRule};
pub use user::{Role, UserEmail};

/// Declares a closed vocabulary: an enum whose values travel as snake_case strings
/// (API, database, config) and whose parse error names the accepted words.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable text form used in the API, the database and config files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
pub(crate) use vocabulary;
