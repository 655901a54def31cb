//! JSON on the wire, with serde. In the page the text goes through the browser's own `JSON.parse`
//! and `serde-wasm-bindgen` (no JSON library in the WebAssembly); natively, where the pure
//! modules' tests run, through `serde_json`. Both back ends drive the same derived types.
//!
//! PingOne may add fields and change types (the contract's [model] facts), so wire types are built
//! from the tolerant pieces below: a field of an unexpected type reads as absent instead of
//! failing the whole document, and unknown fields are ignored (serde's default).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// Decodes JSON text into a wire type.
#[cfg(target_arch = "wasm32")]
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value =
        js_sys::JSON::parse(text).map_err(|e| String::from(js_sys::Error::from(e).message()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// Decodes JSON text into a wire type.
#[cfg(not(target_arch = "wasm32"))]
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Encodes a wire type as JSON text.
#[cfg(target_arch = "wasm32")]
pub fn encode<T: Serialize>(value: &T) -> String {
    serde_wasm_bindgen::to_value(value)
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .map(String::from)
        .unwrap_or_default()
}

/// Encodes a wire type as JSON text.
#[cfg(not(target_arch = "wasm32"))]
pub fn encode<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A scalar as a visitor saw it; objects and arrays a type does not want are skipped whole and
/// seen as `Other`.
pub enum Seen<'a> {
    /// A string.
    Str(&'a str),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// `null`, or an object or array that was skipped.
    Other,
}

/// How a tolerant type reads each kind of JSON value. Only objects and arrays need more than
/// [`Shape::scalar`].
trait Shape<'de>: Sized {
    fn scalar(seen: Seen<'_>) -> Self;
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Self::scalar(Seen::Other))
    }
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::scalar(Seen::Other))
    }
}

/// The one visitor behind every tolerant type: it accepts any JSON value.
struct Tolerant<S>(PhantomData<S>);

impl<'de, S: Shape<'de>> Visitor<'de> for Tolerant<S> {
    type Value = S;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<S, E> {
        Ok(S::scalar(Seen::Bool(v)))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<S, E> {
        Ok(S::scalar(Seen::Str(v)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<S, E> {
        Ok(S::scalar(Seen::Num(v as f64)))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<S, E> {
        Ok(S::scalar(Seen::Num(v as f64)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<S, E> {
        Ok(S::scalar(Seen::Num(v)))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<S, E> {
        Ok(S::scalar(Seen::Other))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<S, E> {
        Ok(S::scalar(Seen::Other))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S, A::Error> {
        S::map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S, A::Error> {
        S::seq(seq)
    }
}

/// `Deserialize` for a tolerant type, through [`Tolerant`].
macro_rules! tolerant {
    ($ty:ident $(<$t:ident>)?) => {
        impl<'de $(, $t: Deserialize<'de>)?> Deserialize<'de> for $ty$(<$t>)? {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(Tolerant(PhantomData))
            }
        }
    };
}

/// A string, trimmed; absent when missing, blank or not a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub Option<String>);

impl Shape<'_> for Text {
    fn scalar(seen: Seen<'_>) -> Self {
        match seen {
            Seen::Str(s) if !s.trim().is_empty() => Text(Some(s.trim().to_owned())),
            _ => Text(None),
        }
    }
}
tolerant!(Text);

/// A whole number that fits in `u32`; absent otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count(pub Option<u32>);

impl Shape<'_> for Count {
    fn scalar(seen: Seen<'_>) -> Self {
        match seen {
            Seen::Num(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => {
                Count(Some(n as u32))
            }
            _ => Count(None),
        }
    }
}
tolerant!(Count);

/// A boolean; absent otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl Shape<'_> for Flag {
    fn scalar(seen: Seen<'_>) -> Self {
        match seen {
            Seen::Bool(b) => Flag(Some(b)),
            _ => Flag(None),
        }
    }
}
tolerant!(Flag);

/// An object read as `T` (whose fields are themselves tolerant); absent when not an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obj<T>(pub Option<T>);

impl<T> Default for Obj<T> {
    fn default() -> Self {
        Obj(None)
    }
}

impl<'de, T: Deserialize<'de>> Shape<'de> for Obj<T> {
    fn scalar(_: Seen<'_>) -> Self {
        Obj(None)
    }
    fn map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|t| Obj(Some(t)))
    }
}
tolerant!(Obj<T>);

/// The objects of an array read as `T`; elements that are not objects are skipped, and a value
/// that is not an array reads as empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Shape<'de> for List<T> {
    fn scalar(_: Seen<'_>) -> Self {
        List(Vec::new())
    }
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut items = Vec::new();
        while let Some(Obj(item)) = seq.next_element::<Obj<T>>()? {
            items.extend(item);
        }
        Ok(List(items))
    }
}
tolerant!(List<T>);

// The native back end here; tests/web.rs runs the browser one on the contract's documents.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Inner {
        k: Text,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Doc {
        s: Text,
        blank: Text,
        n: Count,
        f: Count,
        neg: Count,
        t: Flag,
        o: Obj<Inner>,
        l: List<Inner>,
        not_a_list: List<Inner>,
        not_an_object: Obj<Inner>,
        text_from_number: Text,
    }

    #[test]
    fn reads_what_it_can_and_ignores_the_rest() {
        let doc: Doc = decode(
            r#"{"s":" x ","blank":" ","n":3,"f":1.5,"neg":-1,"t":true,"o":{"k":"v","z":[1]},
                "l":[{"k":"a"},2,"b",{"k":"c"},null],"not_a_list":{"k":"v"},
                "not_an_object":[{"k":"v"}],"text_from_number":7,"unknown":{"deep":[1,2]}}"#,
        )
        .expect("decodes");
        assert_eq!(doc.s, Text(Some("x".into())));
        assert_eq!(doc.blank, Text(None));
        assert_eq!(doc.n, Count(Some(3)));
        assert_eq!((doc.f, doc.neg), (Count(None), Count(None)));
        assert_eq!(doc.t, Flag(Some(true)));
        assert_eq!(doc.o.0.map(|i| i.k), Some(Text(Some("v".into()))));
        let keys: Vec<_> = doc.l.0.into_iter().map(|i| i.k.0).collect();
        assert_eq!(keys, vec![Some("a".into()), Some("c".into())]);
        assert!(doc.not_a_list.0.is_empty());
        assert_eq!(doc.not_an_object, Obj(None));
        assert_eq!(doc.text_from_number, Text(None));
        assert!(decode::<Doc>("{").is_err());
    }

    #[test]
    fn encodes_strings_as_json() {
        #[derive(Serialize)]
        struct Body<'a> {
            password: &'a str,
        }
        for input in [r#"p"w\d"#, "a\nb\u{1}", "Ünïcødé ✓"] {
            let text = encode(&Body { password: input });
            let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(back["password"], input);
        }
    }
}
