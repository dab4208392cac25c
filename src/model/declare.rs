//! The macros that turn the parameter declarations of `config.rs` into code (the
//! structs, `Default`, the catalogue, typed access by key), and [`ParamType`], the
//! bridge between a field's Rust type and a catalogue [`Value`].

use super::params::Value;

/// A Rust type a parameter may have, and its [`Value`].
pub trait ParamType: Sized {
    fn to_value(&self) -> Value;
    /// `None` if the value is not of this type (its range is checked apart).
    fn from_value(value: Value) -> Option<Self>;
}

impl ParamType for usize {
    fn to_value(&self) -> Value {
        Value::Integer(*self as u64)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Integer(i) => usize::try_from(i).ok(),
            _ => None,
        }
    }
}

impl ParamType for u32 {
    fn to_value(&self) -> Value {
        Value::Integer(u64::from(*self))
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Integer(i) => u32::try_from(i).ok(),
            _ => None,
        }
    }
}

impl ParamType for f64 {
    fn to_value(&self) -> Value {
        Value::Number(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        value.as_f64()
    }
}

impl ParamType for bool {
    fn to_value(&self) -> Value {
        Value::Boolean(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Boolean(b) => Some(b),
            _ => None,
        }
    }
}

impl<T: ParamType> ParamType for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(x) => x.to_value(),
            None => Value::None,
        }
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::None => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// Declares a table of parameters: the struct (serde, with defaults), its `Default`,
/// its `PARAMS` catalogue and typed access by key. One line per parameter:
/// `key: Type = default, kind, "symbol", "unit", or_none, "meaning";`
macro_rules! parameters {
    (
        $(#[$attr:meta])*
        pub struct $name:ident in $table:ident ($prefix:literal) {
            $(
                $(#[$field_attr:meta])*
                $field:ident : $ty:ty = $default:expr, $kind:expr, $symbol:literal, $unit:literal,
                    $or_none:literal, $meaning:literal;
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $( #[doc = $meaning] $(#[$field_attr])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* }
            }
        }

        impl $name {
            /// Every parameter of this table, in declaration order.
            pub const PARAMS: &'static [$crate::model::params::Param] = &[ $(
                $crate::model::params::Param {
                    table: $crate::model::params::Table::$table,
                    key: stringify!($field),
                    path: concat!($prefix, ".", stringify!($field)),
                    symbol: $symbol,
                    unit: $unit,
                    kind: $kind,
                    or_none: $or_none,
                    meaning: $meaning,
                },
            )* ];

            /// The value of key `key`, if it is one of this table.
            pub fn get(&self, key: &str) -> Option<$crate::model::params::Value> {
                use $crate::model::declare::ParamType;
                match key {
                    $( stringify!($field) => Some(self.$field.to_value()), )*
                    _ => None,
                }
            }

            /// Sets key `key`; `false` if there is no such key or the value is not of its type.
            pub fn set(&mut self, key: &str, value: $crate::model::params::Value) -> bool {
                use $crate::model::declare::ParamType;
                match key {
                    $( stringify!($field) => match <$ty>::from_value(value) {
                        Some(v) => {
                            self.$field = v;
                            true
                        }
                        None => false,
                    }, )*
                    _ => false,
                }
            }
        }
    };
}

pub(crate) use parameters;

/// Declares a choice parameter's enum (serde as snake_case words) and its words.
macro_rules! choices {
    (
        $(#[$attr:meta])*
        pub enum $name:ident { $( $(#[$var_attr:meta])* $variant:ident = $word:literal, )* }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $(#[$var_attr])* $variant, )* }

        impl $name {
            /// Every word, in declaration order.
            pub const WORDS: &'static [&'static str] = &[ $( $word, )* ];
        }

        impl $crate::model::declare::ParamType for $name {
            fn to_value(&self) -> $crate::model::params::Value {
                match self { $( $name::$variant => $crate::model::params::Value::Choice($word), )* }
            }
            fn from_value(value: $crate::model::params::Value) -> Option<Self> {
                match value {
                    $( $crate::model::params::Value::Choice($word) => Some($name::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use choices;
