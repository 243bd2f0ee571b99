//! Validation of post content, node by node, so that every bad node is reported.

use serde_json::Value;

use super::post::{PostNode, PostTag, TextStyle};
use crate::enums::KnownValues;
use crate::validate::{Rule, Validator, Violation, Violations, decode_value, join};

/// Which endpoint the post is for: batch send does not support `md` nodes (its page forbids
/// styles in text messages only, not a post node's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostTarget {
    /// Send message (`content` string).
    Send,
    /// Batch send (`content.post` object).
    Batch,
}

/// Checks a post's locales object (`{"zh_cn": {...}, ...}`) at `path`.
pub(crate) fn check_post(v: &mut Validator, path: &str, post: &Value, target: PostTarget) {
    let Some(locales) = post.as_object() else {
        v.push(path, Rule::Format, "must be a JSON object of locales such as zh_cn and en_us");
        return;
    };
    if locales.is_empty() {
        v.push(path, Rule::Required, "must have at least one locale such as zh_cn or en_us");
    }
    for (locale, body) in locales {
        if target == PostTarget::Send && locale == "post" {
            let message = "send message takes locales at the top level; {\"post\": ...} is batch send's form";
            v.push(join(path, locale), Rule::Forbidden, message);
            continue;
        }
        check_locale(v, &join(path, locale), body, target);
    }
}

fn check_locale(v: &mut Validator, path: &str, body: &Value, target: PostTarget) {
    let Some(body) = body.as_object() else {
        v.push(path, Rule::Format, "must be a JSON object with title and content");
        return;
    };
    if let Some(title) = body.get("title") {
        if !title.is_string() {
            v.push(join(path, "title"), Rule::Format, "must be a string");
        }
    }
    let content_path = join(path, "content");
    let Some(content) = body.get("content") else {
        v.push(content_path, Rule::Required, "is required");
        return;
    };
    let Some(paragraphs) = content.as_array() else {
        v.push(content_path, Rule::Format, "must be a list of paragraphs (lists of nodes)");
        return;
    };
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let paragraph_path = format!("{content_path}[{i}]");
        let Some(nodes) = paragraph.as_array() else {
            v.push(paragraph_path, Rule::Format, "must be a list of nodes");
            continue;
        };
        for (j, node) in nodes.iter().enumerate() {
            check_node(v, &format!("{paragraph_path}[{j}]"), node, nodes.len(), target);
        }
    }
}

fn check_node(v: &mut Validator, path: &str, node: &Value, paragraph_len: usize, target: PostTarget) {
    let node = match decode_node(path, node) {
        Ok(node) => node,
        Err(violations) => return v.extend(violations),
    };
    let tag = node.tag();
    if tag.stands_alone() && paragraph_len > 1 {
        let message = format!(
            "a {} node must be the only node of its paragraph, which has {paragraph_len}",
            tag.as_str()
        );
        v.push(path, Rule::Forbidden, message);
    }
    if target == PostTarget::Batch && tag == PostTag::Md {
        v.push(join(path, "tag"), Rule::Forbidden, "batch send does not support the md node");
    }
    check_node_fields(v, path, &node);
    if let Some(styles) = node.styles() {
        let style_path = join(path, "style");
        for (i, style) in styles.iter().enumerate() {
            v.known::<TextStyle>(format!("{style_path}[{i}]"), style);
        }
    }
}

fn check_node_fields(v: &mut Validator, path: &str, node: &PostNode) {
    let (field, value) = match node {
        PostNode::Link(n) => ("href", n.href.as_str()),
        PostNode::At(n) => ("user_id", n.user_id.as_str()),
        PostNode::Img(n) => ("image_key", n.image_key.as_str()),
        PostNode::Media(n) => ("file_key", n.file_key.as_str()),
        PostNode::Emotion(n) => ("emoji_type", n.emoji_type.as_str()),
        PostNode::Text(_) | PostNode::Hr | PostNode::CodeBlock(_) | PostNode::Md(_) => return,
    };
    v.id(join(path, field), value);
}

/// Decodes one node by its tag, so that errors point at the node's own fields.
fn decode_node(path: &str, node: &Value) -> Result<PostNode, Violations> {
    let tag_path = join(path, "tag");
    let Some(object) = node.as_object() else {
        return Err(violation(path, Rule::Format, "must be a JSON object with a tag".into()));
    };
    let tag = match object.get("tag") {
        None => return Err(violation(&tag_path, Rule::Required, "is required".into())),
        Some(Value::String(tag)) => PostTag::from(tag.as_str()),
        Some(_) => return Err(violation(&tag_path, Rule::Format, "must be a string".into())),
    };
    let value = node.clone();
    Ok(match tag {
        PostTag::Text => PostNode::Text(decode_value(path, value)?),
        PostTag::Link => PostNode::Link(decode_value(path, value)?),
        PostTag::At => PostNode::At(decode_value(path, value)?),
        PostTag::Img => PostNode::Img(decode_value(path, value)?),
        PostTag::Media => PostNode::Media(decode_value(path, value)?),
        PostTag::Emotion => PostNode::Emotion(decode_value(path, value)?),
        PostTag::Hr => PostNode::Hr,
        PostTag::CodeBlock => PostNode::CodeBlock(decode_value(path, value)?),
        PostTag::Md => PostNode::Md(decode_value(path, value)?),
        PostTag::Unknown(other) => {
            let message = format!("must be one of {}, got {other:?}", PostTag::KNOWN.join(", "));
            return Err(violation(&tag_path, Rule::Enum, message));
        }
    })
}

fn violation(path: &str, rule: Rule, message: String) -> Violations {
    Violation { path: path.to_owned(), rule, message }.into()
}
