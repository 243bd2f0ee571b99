//! Client-side validation: rule helpers that collect every [`Violation`] of a request.
//!
//! Lengths are counted in Unicode characters (`char`s), as the platform documents them;
//! sizes in KB are counted in UTF-8 bytes (1 KB = 1024 bytes).

use std::fmt::{self, Display};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_path_to_error::Segment;

use crate::enums::KnownValues;

/// The kind of rule a value broke; its snake_case name is shared by every binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// A required field is missing.
    Required,
    /// A string's length in characters is out of range.
    Length,
    /// A list's number of items is out of range.
    Items,
    /// A serialized size in bytes is over the limit.
    Size,
    /// A value is not one of the allowed values.
    Enum,
    /// A URL is malformed or does not use https.
    HttpsUrl,
    /// A value does not have the required form (pattern, JSON, type).
    Format,
    /// A value that must be unique appears more than once.
    Unique,
    /// A value or field that is not allowed here.
    Forbidden,
    /// None of several alternative fields is given.
    OneOfRequired,
    /// A field that the request does not have.
    UnknownField,
    /// A value is nested deeper than [`MAX_DEPTH`] arrays and objects.
    Depth,
}

impl Rule {
    /// The snake_case name of the rule.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Length => "length",
            Self::Items => "items",
            Self::Size => "size",
            Self::Enum => "enum",
            Self::HttpsUrl => "https_url",
            Self::Format => "format",
            Self::Unique => "unique",
            Self::Forbidden => "forbidden",
            Self::OneOfRequired => "one_of_required",
            Self::UnknownField => "unknown_field",
            Self::Depth => "depth",
        }
    }
}

impl Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule: where (`app_feed_card.buttons.buttons[1].text.text`), which rule, and
/// a sentence naming the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Violation {
    /// Dotted path of the field, with `[i]` for list items.
    pub path: String,
    /// The rule that was broken.
    pub rule: Rule,
    /// What the rule requires and what was found, e.g. `must be at most 60 characters, got 61`.
    pub message: String,
}

impl Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.rule)
    }
}

/// Every violation found in one request; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// The violations, in the order they were found.
    pub fn as_slice(&self) -> &[Violation] {
        &self.0
    }

    /// Takes the violations out.
    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }

    /// Whether a violation has the given path.
    pub fn has_path(&self, path: &str) -> bool {
        self.0.iter().any(|v| v.path == path)
    }
}

impl From<Violation> for Violations {
    fn from(violation: Violation) -> Self {
        Self(vec![violation])
    }
}

impl Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        write!(f, "{count} invalid field{}: ", if count == 1 { "" } else { "s" })?;
        for (i, violation) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Collects violations while a request is checked; [`Validator::finish`] reports them all.
#[derive(Debug, Default)]
pub struct Validator {
    violations: Vec<Violation>,
}

impl Validator {
    /// A validator with no violations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation.
    pub fn push(&mut self, path: impl Display, rule: Rule, message: impl Into<String>) {
        self.violations.push(Violation { path: path.to_string(), rule, message: message.into() });
    }

    /// Records violations found elsewhere (e.g. by decoding).
    pub fn extend(&mut self, violations: Violations) {
        self.violations.extend(violations.0);
    }

    /// Whether nothing was recorded yet.
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }

    /// `Ok` when nothing was recorded, else every violation.
    pub fn finish(self) -> Result<(), Violations> {
        if self.violations.is_empty() { Ok(()) } else { Err(Violations(self.violations)) }
    }

    /// Decodes `value` into `T` as [`decode_value`] does below `path`; a failure is
    /// recorded and gives `None`.
    pub fn decode<T: DeserializeOwned>(&mut self, path: &str, value: serde_json::Value) -> Option<T> {
        decode_value(path, value).map_err(|violations| self.extend(violations)).ok()
    }

    /// Checks that `value` has `min..=max` characters; returns whether it does.
    pub fn chars(&mut self, path: impl Display, value: &str, min: usize, max: usize) -> bool {
        // A string never has more characters than bytes: skip counting when it cannot fail.
        if value.len() <= max && value.len() >= min.saturating_mul(4) {
            return true;
        }
        let count = value.chars().count();
        if (min..=max).contains(&count) {
            return true;
        }
        let message = match (min, max) {
            (0, max) => format!("must be at most {max} characters, got {count}"),
            (min, usize::MAX) => format!("must be at least {min} characters, got {count}"),
            (min, max) => format!("must be {min} to {max} characters, got {count}"),
        };
        self.push(path, Rule::Length, message);
        false
    }

    /// Checks that a list has `min..=max` items; returns whether it does.
    pub fn items(&mut self, path: impl Display, len: usize, min: usize, max: usize) -> bool {
        if (min..=max).contains(&len) {
            return true;
        }
        let message = match (min, max) {
            (0, max) => format!("must have at most {max} items, got {len}"),
            (min, max) => format!("must have {min} to {max} items, got {len}"),
        };
        self.push(path, Rule::Items, message);
        false
    }

    /// Checks that a serialized size is at most `max` bytes; returns whether it is.
    pub fn bytes(&mut self, path: impl Display, len: usize, max: usize) -> bool {
        if len <= max {
            return true;
        }
        let message = if max % 1024 == 0 {
            format!("must be at most {} KB ({max} bytes), got {len} bytes", max / 1024)
        } else {
            format!("must be at most {max} bytes, got {len}")
        };
        self.push(path, Rule::Size, message);
        false
    }

    /// Checks that an enum value is one this version knows; returns whether it is.
    pub fn known<E: KnownValues>(&mut self, path: impl Display, value: &E) -> bool {
        if value.is_known() {
            return true;
        }
        let message = format!("must be one of {}, got {:?}", E::KNOWN.join(", "), value.as_str());
        self.push(path, Rule::Enum, message);
        false
    }

    /// Checks that `value` is an absolute `https://` URL; returns whether it is.
    pub fn https_url(&mut self, path: impl Display, value: &str) -> bool {
        match url::Url::parse(value) {
            Ok(url) if url.scheme() == "https" && url.host().is_some() => true,
            Ok(url) => {
                let message = format!("must be an https URL, got scheme {:?}", url.scheme());
                self.push(path, Rule::HttpsUrl, message);
                false
            }
            Err(error) => {
                self.push(path, Rule::HttpsUrl, format!("must be an https URL ({error})"));
                false
            }
        }
    }

    /// Checks that `value` nests at most [`MAX_DEPTH`] arrays and objects; returns whether
    /// it does. Run it before any other check of the value.
    pub fn depth(&mut self, path: impl Display, value: &serde_json::Value) -> bool {
        if !is_too_deep(value) {
            return true;
        }
        self.violations.push(too_deep(&path.to_string()));
        false
    }

    /// Checks that an id (or a key) is present, not empty and free of control characters
    /// (NUL, CR, LF, …); returns whether it is.
    pub fn id(&mut self, path: impl Display, value: &str) -> bool {
        let path = path.to_string();
        self.required(&path, Some(value)) && self.no_control(path, value)
    }

    /// Checks that `value` has no control characters (NUL, CR, LF, …); returns whether it
    /// has none.
    pub fn no_control(&mut self, path: impl Display, value: &str) -> bool {
        let Some((at, found)) = value.chars().enumerate().find(|(_, c)| c.is_control()) else {
            return true;
        };
        let message = format!(
            "must not contain control characters (NUL, CR, LF, …), found U+{:04X} at character {at}",
            u32::from(found)
        );
        self.push(path, Rule::Format, message);
        false
    }

    /// Checks that a required string is present and not empty; returns whether it is.
    pub fn required(&mut self, path: impl Display, value: Option<&str>) -> bool {
        match value {
            Some(value) if !value.is_empty() => true,
            _ => {
                self.push(path, Rule::Required, "is required");
                false
            }
        }
    }
}

/// The deepest nesting of arrays and objects accepted in a request's JSON value (a card
/// JSON 2.0 at its 5 levels of containers is about 25 deep). Deeper values are refused
/// before anything copies, serializes or drops them recursively.
pub const MAX_DEPTH: usize = 64;

/// Whether `value` nests more than [`MAX_DEPTH`] arrays and objects, found without
/// recursion (so at any depth).
pub fn is_too_deep(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if depth + 1 > MAX_DEPTH {
            return true;
        }
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    false
}

/// The violation of a value at `path` nested deeper than [`MAX_DEPTH`] (the bindings
/// report with it what they find before converting a host value).
pub fn too_deep(path: &str) -> Violation {
    let message = format!("must be nested at most {MAX_DEPTH} arrays and objects deep");
    Violation { path: path.to_owned(), rule: Rule::Depth, message }
}

/// Drops a JSON value of any depth without recursion (dropping a deeply nested value the
/// ordinary way overflows the stack).
pub fn dismantle(value: serde_json::Value) {
    use serde_json::Value;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(fields) => pending.extend(fields.into_iter().map(|(_, child)| child)),
            _ => {}
        }
    }
}

/// How a JSON value reads in a message: `a string`, `an object`, `null`, …
pub fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Joins a base path and a field name: `join("", "a") == "a"`, `join("a", "b") == "a.b"`.
pub fn join(base: &str, field: impl Display) -> String {
    if base.is_empty() { field.to_string() } else { format!("{base}.{field}") }
}

/// Decodes JSON text into `T`; a failure becomes one violation at the offending path
/// below `base` (`content.zh_cn.content[0][1].tag`).
pub fn decode_str<T: DeserializeOwned>(base: &str, json: &str) -> Result<T, Violations> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| Violations::from(decode_violation(base, error)))?;
    deserializer.end().map_err(|error| {
        let (rule, message) = classify_serde_message(&error.to_string());
        Violations::from(Violation { path: base.to_owned(), rule, message })
    })?;
    Ok(value)
}

/// Decodes a JSON value into `T`; a failure becomes one violation as in [`decode_str`].
pub fn decode_value<T: DeserializeOwned>(base: &str, value: serde_json::Value) -> Result<T, Violations> {
    serde_path_to_error::deserialize(value).map_err(|error| decode_violation(base, error).into())
}

fn decode_violation(base: &str, error: serde_path_to_error::Error<serde_json::Error>) -> Violation {
    let inner = error.inner().to_string();
    let path = error.path().iter().fold(base.to_owned(), |path, segment| match segment {
        Segment::Seq { index } => format!("{path}[{index}]"),
        Segment::Map { key: name } | Segment::Enum { variant: name } => join(&path, field_name(name)),
        Segment::Unknown => join(&path, "?"),
    });
    let (rule, message) = classify_serde_message(&inner);
    // A missing field is reported at its parent; name the field itself.
    let path = match (rule, missing_field_name(&message)) {
        (Rule::Required, Some(field)) => join(&path, field),
        _ => path,
    };
    Violation { path, rule, message }
}

/// A key as a path shows it: an empty key is `""`, so that the path still names it.
fn field_name(key: &str) -> &str {
    if key.is_empty() { r#""""# } else { key }
}

/// The field named by serde's "missing field `name`" message.
fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// serde reports missing and unknown fields only in its message text; sort them out.
fn classify_serde_message(message: &str) -> (Rule, String) {
    // serde_json appends " at line L column C"; it means nothing to the caller of an SDK.
    let message = message.split(" at line ").next().unwrap_or(message).to_owned();
    let rule = if message.starts_with("missing field") {
        Rule::Required
    } else if message.starts_with("unknown field") {
        Rule::UnknownField
    } else if message.starts_with("unknown variant") {
        Rule::Enum
    } else {
        Rule::Format
    };
    (rule, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::MsgType;

    #[test]
    fn chars_counts_characters_not_bytes() {
        let mut v = Validator::new();
        let sixty_chinese = "标".repeat(60);
        assert!(v.chars("title", &sixty_chinese, 0, 60));
        let sixty_one = "标".repeat(61);
        assert!(!v.chars("title", &sixty_one, 0, 60));
        let violations = v.finish().unwrap_err();
        assert_eq!(violations.as_slice().len(), 1);
        assert_eq!(violations.as_slice()[0].path, "title");
        assert_eq!(violations.as_slice()[0].rule, Rule::Length);
        assert_eq!(violations.as_slice()[0].message, "must be at most 60 characters, got 61");
    }

    #[test]
    fn chars_checks_the_minimum() {
        let mut v = Validator::new();
        assert!(!v.chars("t", "", 1, 20));
        assert!(v.chars("t", "标", 1, 20));
        let violations = v.finish().unwrap_err();
        assert_eq!(violations.as_slice()[0].message, "must be 1 to 20 characters, got 0");
    }

    #[test]
    fn all_violations_are_collected_and_displayed() {
        let mut v = Validator::new();
        v.items("user_ids", 21, 1, 20);
        v.known("msg_type", &MsgType::from("hologram"));
        v.https_url("link.link", "http://example.com");
        let violations = v.finish().unwrap_err();
        assert_eq!(violations.as_slice().len(), 3);
        let text = violations.to_string();
        assert!(
            text.starts_with("3 invalid fields: user_ids: must have 1 to 20 items, got 21 (items)"),
            "{text}"
        );
        assert!(text.contains("msg_type: must be one of text, post,"), "{text}");
        assert!(text.contains("got \"hologram\" (enum)"), "{text}");
        assert!(text.contains("link.link: must be an https URL, got scheme \"http\" (https_url)"), "{text}");
    }

    #[test]
    fn https_url_rejects_relative_and_other_schemes() {
        let mut v = Validator::new();
        assert!(v.https_url("u", "https://www.feishu.cn/"));
        assert!(!v.https_url("u", "www.feishu.cn"));
        assert!(!v.https_url("u", "ftp://www.feishu.cn"));
        assert_eq!(v.finish().unwrap_err().as_slice().len(), 2);
    }

    #[test]
    fn bytes_names_the_limit_in_kb() {
        let mut v = Validator::new();
        assert!(v.bytes("content", 30 * 1024, 30 * 1024));
        assert!(!v.bytes("content", 30 * 1024 + 1, 30 * 1024));
        let violations = v.finish().unwrap_err();
        assert_eq!(violations.as_slice()[0].message, "must be at most 30 KB (30720 bytes), got 30721 bytes");
    }

    #[test]
    fn depth_is_measured_without_recursion() {
        let nested = |levels: usize| {
            // Built by moves: `json!` would serialize the inner value recursively.
            let mut value = serde_json::Value::from("leaf");
            for _ in 0..levels {
                let mut object = serde_json::Map::new();
                object.insert("a".to_owned(), serde_json::Value::Array(vec![value]));
                value = serde_json::Value::Object(object);
            }
            value
        };
        assert!(!is_too_deep(&nested(MAX_DEPTH / 2)));
        assert!(is_too_deep(&nested(MAX_DEPTH / 2 + 1)));
        let deep = nested(100_000);
        let mut v = Validator::new();
        assert!(!v.depth("card", &deep));
        dismantle(deep);
        let violations = v.finish().unwrap_err();
        assert_eq!(
            (violations.as_slice()[0].path.as_str(), violations.as_slice()[0].rule),
            ("card", Rule::Depth)
        );
    }

    #[test]
    fn ids_refuse_control_characters() {
        let mut v = Validator::new();
        assert!(v.id("receive_id", "ou_1"));
        assert!(!v.id("receive_id", "ou_1\r\nX-Injected: 1"));
        assert!(!v.id("uuid", "a\0b"));
        assert!(!v.id("uuid", ""));
        let violations = v.finish().unwrap_err();
        assert_eq!(
            violations.as_slice()[0].message,
            "must not contain control characters (NUL, CR, LF, …), found U+000D at character 4"
        );
        assert_eq!(violations.as_slice()[2].rule, Rule::Required);
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        text: String,
    }

    #[test]
    fn an_empty_key_is_named_in_the_path() {
        let top = decode_str::<Inner>("", r#"{"text":"a","":1}"#).unwrap_err();
        assert_eq!(top.as_slice()[0].path, r#""""#);
        assert_eq!(top.as_slice()[0].rule, Rule::UnknownField);
        let nested = decode_str::<Vec<Inner>>("content", r#"[{"":1}]"#).unwrap_err();
        assert_eq!(nested.as_slice()[0].path, "content[0].\"\"");
    }

    #[test]
    fn decode_reports_the_path_and_kind() {
        let missing = decode_str::<Vec<Inner>>("content", r#"[{"text":"a"},{}]"#).unwrap_err();
        assert_eq!(missing.as_slice()[0].path, "content[1].text");
        assert_eq!(missing.as_slice()[0].rule, Rule::Required);
        let unknown = decode_str::<Vec<Inner>>("content", r#"[{"text":"a","x":1}]"#).unwrap_err();
        assert_eq!(unknown.as_slice()[0].path, "content[0].x");
        assert_eq!(unknown.as_slice()[0].rule, Rule::UnknownField);
        let wrong = decode_str::<Vec<Inner>>("", r#"[{"text":1}]"#).unwrap_err();
        assert_eq!(wrong.as_slice()[0].path, "[0].text");
        assert_eq!(wrong.as_slice()[0].rule, Rule::Format);
        assert!(!wrong.as_slice()[0].message.contains("line"));
        let root = decode_str::<Vec<Inner>>("content", "{}").unwrap_err();
        assert_eq!(root.as_slice()[0].path, "content");
        let trailing = decode_str::<Vec<Inner>>("content", "[] x").unwrap_err();
        assert_eq!(trailing.as_slice()[0].path, "content");
    }
}
