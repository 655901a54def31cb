//! JSON on the wire, with serde. In the page the text goes through the browser's own `JSON.parse`
//! and `JSON.stringify` (no JSON library in the WebAssembly); natively, where the pure
//! modules' tests run, through `serde_json`. Both back ends drive the same derived types.
//!
//! PingOne may add fields and change types (the contract's [model] facts), so wire types are built
//! from the tolerant pieces below: a value of an unexpected type reads as absent instead of failing
//! the whole document, and unknown fields are ignored (serde's default). Each piece asks the
//! deserializer for the one type it wants and treats a refusal as "absent": both back ends hand
//! every value to serde whole (a `JsValue`, a `serde_json::Value`), so a refused value never
//! disturbs the next one.
//!
//! In the page, serde reads the browser's parsed value through [`browser::Value`], a deserializer
//! that only knows what JSON can hold and drops error messages unformatted. Measured against
//! serde-wasm-bindgen's deserializer on the same wire types: its error messages alone link
//! float and string `Debug` formatting into the WebAssembly (about 12 kB of the 32 kB raw that
//! serde cost with it); this one keeps serde's derives for a fraction of that. Bodies are written
//! the same way: [`browser::Writer`] builds the browser object a derived `Serialize` describes
//! (strings, booleans and structs: all a request body holds) for `JSON.stringify`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// Decodes JSON text into a wire type.
#[cfg(target_arch = "wasm32")]
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value =
        js_sys::JSON::parse(text).map_err(|e| String::from(js_sys::Error::from(e).message()))?;
    T::deserialize(browser::Value(value)).map_err(|_| "unexpected JSON shape".to_owned())
}

/// Decodes JSON text into a wire type.
#[cfg(not(target_arch = "wasm32"))]
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    // Through `Value`, like the browser's parsed object: a refused value is then only skipped.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    T::deserialize(value).map_err(|e| e.to_string())
}

/// Encodes a wire type as JSON text.
#[cfg(target_arch = "wasm32")]
pub fn encode<T: Serialize>(value: &T) -> String {
    value
        .serialize(browser::Writer)
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

#[cfg(target_arch = "wasm32")]
mod browser {
    //! A serde `Deserializer` over a value from the browser's `JSON.parse`: objects, arrays,
    //! strings, numbers, booleans and null, nothing else. Errors carry no message (the page only
    //! needs to know that a value was not of the wanted type), so no formatting code is linked.

    use js_sys::{Array, Object, Reflect};
    use serde::de::value::StrDeserializer;
    use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde::forward_to_deserialize_any;
    use wasm_bindgen::{JsCast, JsValue};

    /// A value of the wrong type (or a JSON shape serde's derive refused).
    #[derive(Debug)]
    pub struct Refused;

    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("unexpected JSON shape")
        }
    }

    impl std::error::Error for Refused {}

    impl serde::de::Error for Refused {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Refused
        }
    }

    /// One value of the parsed document.
    pub struct Value(pub JsValue);

    fn is_object(v: &JsValue) -> bool {
        v.is_object() && !Array::is_array(v)
    }

    impl<'de> serde::Deserializer<'de> for Value {
        type Error = Refused;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
            let v = self.0;
            if let Some(s) = v.as_string() {
                visitor.visit_string(s)
            } else if let Some(n) = v.as_f64() {
                visitor.visit_f64(n)
            } else if let Some(b) = v.as_bool() {
                visitor.visit_bool(b)
            } else if Array::is_array(&v) {
                self::Value(v).deserialize_seq(visitor)
            } else if v.is_object() {
                let keys = Object::keys(v.unchecked_ref::<Object>());
                visitor.visit_map(Fields::new(
                    v,
                    keys.iter().filter_map(|k| k.as_string()).collect(),
                ))
            } else {
                visitor.visit_unit()
            }
        }

        fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
            self.0
                .as_string()
                .ok_or(Refused)
                .and_then(|s| visitor.visit_string(s))
        }

        fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
            self.0
                .as_f64()
                .ok_or(Refused)
                .and_then(|n| visitor.visit_f64(n))
        }

        fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
            self.0
                .as_bool()
                .ok_or(Refused)
                .and_then(|b| visitor.visit_bool(b))
        }

        fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
            match self.0.dyn_into::<Array>() {
                Ok(items) => visitor.visit_seq(Items { items, next: 0 }),
                Err(_) => Err(Refused),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Refused> {
            if !is_object(&self.0) {
                return Err(Refused);
            }
            visitor.visit_map(Fields::new(
                self.0,
                fields.iter().map(|f| (*f).to_owned()).collect(),
            ))
        }

        forward_to_deserialize_any! {
            i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 char str bytes byte_buf option unit
            unit_struct newtype_struct tuple tuple_struct map enum identifier ignored_any
        }
    }

    /// An object's fields, in order; only those present (not `undefined`) are visited.
    struct Fields {
        object: JsValue,
        names: Vec<String>,
        next: usize,
        value: JsValue,
    }

    impl Fields {
        fn new(object: JsValue, names: Vec<String>) -> Self {
            Fields {
                object,
                names,
                next: 0,
                value: JsValue::UNDEFINED,
            }
        }
    }

    impl<'de> MapAccess<'de> for Fields {
        type Error = Refused;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Refused> {
            while let Some(name) = self.names.get(self.next) {
                self.next += 1;
                let value = Reflect::get(&self.object, &JsValue::from_str(name))
                    .unwrap_or(JsValue::UNDEFINED);
                if !value.is_undefined() && !value.is_null() {
                    self.value = value;
                    return seed.deserialize(StrDeserializer::new(name)).map(Some);
                }
            }
            Ok(None)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(
            &mut self,
            seed: V,
        ) -> Result<V::Value, Refused> {
            seed.deserialize(Value(std::mem::replace(
                &mut self.value,
                JsValue::UNDEFINED,
            )))
        }
    }

    /// An array's elements.
    struct Items {
        items: Array,
        next: u32,
    }

    impl<'de> SeqAccess<'de> for Items {
        type Error = Refused;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, Refused> {
            if self.next >= self.items.length() {
                return Ok(None);
            }
            self.next += 1;
            seed.deserialize(Value(self.items.get(self.next - 1)))
                .map(Some)
        }
    }

    /// A serde `Serializer` into a browser value, for request bodies: strings, booleans and
    /// structs of them. Anything else is refused (no body holds it).
    pub struct Writer;

    /// A struct being written: its object.
    pub struct Written(Object);

    type No = serde::ser::Impossible<JsValue, Refused>;

    impl serde::ser::Error for Refused {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Refused
        }
    }

    /// Methods for what no body holds: each refuses.
    macro_rules! refuse {
        ($($name:ident($($arg:ty),*) -> $out:ty;)*) => {
            $(fn $name(self, $(_: $arg),*) -> Result<$out, Refused> { Err(Refused) })*
        };
    }

    impl serde::Serializer for Writer {
        type Ok = JsValue;
        type Error = Refused;
        type SerializeSeq = No;
        type SerializeTuple = No;
        type SerializeTupleStruct = No;
        type SerializeTupleVariant = No;
        type SerializeMap = No;
        type SerializeStruct = Written;
        type SerializeStructVariant = No;

        fn serialize_bool(self, v: bool) -> Result<JsValue, Refused> {
            Ok(JsValue::from_bool(v))
        }

        fn serialize_str(self, v: &str) -> Result<JsValue, Refused> {
            Ok(JsValue::from_str(v))
        }

        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Written, Refused> {
            Ok(Written(Object::new()))
        }

        fn serialize_some<T: ?Sized + serde::Serialize>(self, v: &T) -> Result<JsValue, Refused> {
            v.serialize(self)
        }

        fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<JsValue, Refused> {
            v.serialize(self)
        }

        fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<JsValue, Refused> {
            Err(Refused)
        }

        refuse! {
            serialize_i8(i8) -> JsValue;
            serialize_i16(i16) -> JsValue;
            serialize_i32(i32) -> JsValue;
            serialize_i64(i64) -> JsValue;
            serialize_u8(u8) -> JsValue;
            serialize_u16(u16) -> JsValue;
            serialize_u32(u32) -> JsValue;
            serialize_u64(u64) -> JsValue;
            serialize_f32(f32) -> JsValue;
            serialize_f64(f64) -> JsValue;
            serialize_char(char) -> JsValue;
            serialize_bytes(&[u8]) -> JsValue;
            serialize_none() -> JsValue;
            serialize_unit() -> JsValue;
            serialize_unit_struct(&'static str) -> JsValue;
            serialize_unit_variant(&'static str, u32, &'static str) -> JsValue;
            serialize_seq(Option<usize>) -> No;
            serialize_tuple(usize) -> No;
            serialize_tuple_struct(&'static str, usize) -> No;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> No;
            serialize_map(Option<usize>) -> No;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> No;
        }
    }

    impl serde::ser::SerializeStruct for Written {
        type Ok = JsValue;
        type Error = Refused;

        fn serialize_field<T: ?Sized + serde::Serialize>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Refused> {
            let value = value.serialize(Writer)?;
            Reflect::set(&self.0, &JsValue::from_str(key), &value).map_err(|_| Refused)?;
            Ok(())
        }

        fn end(self) -> Result<JsValue, Refused> {
            Ok(self.0.into())
        }
    }
}

/// A visitor for one kind of scalar, `visit` turning it into the wanted value.
struct One<T, F>(F, PhantomData<T>);

impl<T, F: FnOnce(Scalar) -> T> One<T, F> {
    fn new(keep: F) -> Self {
        One(keep, PhantomData)
    }
}

/// The scalars the tolerant pieces read.
enum Scalar {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl<'de, T, F: FnOnce(Scalar) -> T> Visitor<'de> for One<T, F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON scalar")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(Scalar::Str(v.to_owned())))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
        Ok((self.0)(Scalar::Str(v)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        Ok((self.0)(Scalar::Num(v)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        Ok((self.0)(Scalar::Num(v as f64)))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        Ok((self.0)(Scalar::Num(v as f64)))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<T, E> {
        Ok((self.0)(Scalar::Bool(v)))
    }
}

/// A string, trimmed; absent when missing, blank or not a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.deserialize_string(One::new(|s| match s {
            Scalar::Str(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            _ => None,
        }));
        Ok(Text(text.ok().flatten()))
    }
}

/// A whole number that fits in `u32`; absent otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count(pub Option<u32>);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = d.deserialize_f64(One::new(|s| match s {
            Scalar::Num(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => {
                Some(n as u32)
            }
            _ => None,
        }));
        Ok(Count(n.ok().flatten()))
    }
}

/// A boolean; absent otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let b = d.deserialize_bool(One::new(|s| match s {
            Scalar::Bool(b) => Some(b),
            _ => None,
        }));
        Ok(Flag(b.ok().flatten()))
    }
}

/// An object read as `T` (whose fields are themselves tolerant); absent when not an object. (An
/// array counts as an object without the fields `T` knows, in both back ends: harmless, since
/// every field is then absent.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obj<T>(pub Option<T>);

impl<T> Default for Obj<T> {
    fn default() -> Self {
        Obj(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Obj(T::deserialize(d).ok()))
    }
}

/// The objects of an array read as `T`; elements that are not objects are skipped, and a value
/// that is not an array reads as empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

struct Items<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while let Some(Obj(item)) = seq.next_element::<Obj<T>>()? {
            items.extend(item);
        }
        Ok(items)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(List(
            d.deserialize_seq(Items(PhantomData)).unwrap_or_default(),
        ))
    }
}

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
                "not_an_object":"{\"k\":\"v\"}","text_from_number":7,"unknown":{"deep":[1,2]}}"#,
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
