//! JSON as the import reads it: like `serde_json::from_str::<Value>`, except that a key repeated
//! in one object is reported (with its path) instead of the last one silently winning: a feed
//! that says `"status": "under_review", ..., "status": "approved"` is ambiguous, and refused.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses one JSON text; also returns the path (`partner.name`, `poe[1].date`) of every key
/// repeated within its object, in the order met. The first value of a repeated key is kept.
pub fn parse(text: &str) -> Result<(Value, Vec<String>), serde_json::Error> {
    let repeated = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Node {
        path: String::new(),
        repeated: &repeated,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok((value, repeated.into_inner()))
}

/// One value being read, where it sits, and where repeats are recorded.
struct Node<'r> {
    path: String,
    repeated: &'r RefCell<Vec<String>>,
}

impl<'r> Node<'r> {
    fn child(&self, path: String) -> Node<'r> {
        Node {
            path,
            repeated: self.repeated,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) =
            seq.next_element_seed(self.child(format!("{}[{}]", self.path, items.len())))?
        {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            let value = access.next_value_seed(self.child(path.clone()))?;
            if map.contains_key(&key) {
                self.repeated.borrow_mut().push(path);
            } else {
                map.insert(key, value);
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_value_as_serde_json_and_every_repeated_key_by_path() {
        let text = r#"{"a":1,"b":[{"c":"x","c":"y"}],"d":{"e":null,"e":true},"a":-2.5}"#;
        let (value, repeated) = parse(text).unwrap();
        assert_eq!(repeated, ["b[0].c", "d.e", "a"]);
        assert_eq!(value["a"], 1);
        assert_eq!(value["b"][0]["c"], "x");
        let plain = r#"{"n":18446744073709551615,"m":-1,"f":0.5,"s":"\u001b","l":[1,[2]],"o":{}}"#;
        let (value, repeated) = parse(plain).unwrap();
        assert!(repeated.is_empty());
        assert_eq!(value, serde_json::from_str::<Value>(plain).unwrap());
        assert!(parse("{} x").is_err());
        assert!(parse("{\"a\":").is_err());
    }
}
