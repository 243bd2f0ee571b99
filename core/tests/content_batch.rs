//! Batch send's forms of content: conversion, unsupported types, and the checks of the
//! `content` and `card` objects.

use larkmsg::content::{
    AudioContent, FileContent, InteractiveContent, MediaContent, MessageContent, PostContent, PostNode,
    ShareChatContent, ShareUserContent, StickerContent, SystemContent, TextContent, TextStyle,
    check_batch_card, check_batch_content, check_batch_msg_type,
};
use larkmsg::validate::Validator;
use larkmsg::{MsgType, Rule, Violations};
use serde_json::{Value, json};

fn pairs(violations: Violations) -> Vec<(String, Rule)> {
    violations.into_vec().into_iter().map(|v| (v.path, v.rule)).collect()
}

fn finish(v: Validator) -> Vec<(String, Rule)> {
    v.finish().map_or_else(pairs, |()| vec![])
}

fn content(msg_type: MsgType, content: &Value) -> Vec<(String, Rule)> {
    let mut v = Validator::new();
    check_batch_content(&mut v, "content", &msg_type, content);
    finish(v)
}

fn card(card: &Value) -> Vec<(String, Rule)> {
    let mut v = Validator::new();
    check_batch_card(&mut v, "card", card);
    finish(v)
}

fn one(path: &str, rule: Rule) -> Vec<(String, Rule)> {
    vec![(path.to_owned(), rule)]
}

/// A string of `n` UTF-8 bytes, mostly 3-byte Chinese characters.
fn filler(n: usize) -> String {
    format!("{}{}", "标".repeat(n / 3), "a".repeat(n % 3))
}

#[test]
fn unsupported_types_cannot_be_batch_sent() {
    let unsupported: Vec<MessageContent> = vec![
        FileContent::new("f").into(),
        AudioContent::new("f").into(),
        MediaContent::new("f").into(),
        StickerContent::new("f").into(),
        ShareUserContent::new("ou_1").into(),
        SystemContent::divider("d").into(),
    ];
    for message in unsupported {
        let violations = message.to_batch().unwrap_err();
        assert_eq!(pairs(violations.clone()), one("msg_type", Rule::Enum), "{:?}", message.msg_type());
        assert!(violations.as_slice()[0].message.contains(message.msg_type().as_str()));
    }
    let entity = MessageContent::from(InteractiveContent::card_entity("7355372766134157313"));
    assert_eq!(pairs(entity.to_batch().unwrap_err()), one("msg_type", Rule::Forbidden));
}

#[test]
fn batch_posts_take_styles_but_no_md() {
    let post: MessageContent = PostContent::builder()
        .locale(
            "zh_cn",
            Some("标题"),
            vec![
                vec![PostNode::text("a").style(TextStyle::Bold), PostNode::link("b", "https://x.cn")],
                vec![PostNode::md("**m**")],
                vec![PostNode::at("ou_1").style(TextStyle::Italic)],
            ],
        )
        .build()
        .into();
    // Send message accepts it.
    post.validate().unwrap();
    // Batch send refuses the md node only: its page forbids styles in text messages, not
    // a post node's style.
    assert_eq!(
        pairs(post.to_batch().unwrap_err()),
        one("content.post.zh_cn.content[1][0].tag", Rule::Forbidden)
    );
    let plain: MessageContent =
        PostContent::builder().locale("zh_cn", None, vec![vec![PostNode::text("a")]]).build().into();
    assert_eq!(
        plain.to_batch().unwrap().content,
        Some(json!({"post": {"zh_cn": {"content": [[{"tag": "text", "text": "a"}]]}}}))
    );
}

#[test]
fn batch_text_takes_no_style_markup() {
    let styled = MessageContent::from(TextContent::new("<b>urgent</b> <i>now</i>"));
    // Send message accepts it.
    styled.validate().unwrap();
    let violations = styled.to_batch().unwrap_err();
    assert_eq!(pairs(violations.clone()), one("content.text", Rule::Forbidden));
    assert_eq!(
        violations.as_slice()[0].message,
        "batch send does not support bold, italic, underline or strikethrough in text messages; \
         found <b>…</b>"
    );
    // A mark without its closing one is no style: the platform shows it as typed.
    for plain in ["a <b> b", "2 ** 3", "x</b><b>", "<at user_id=\"all\"></at> [link](https://x.cn)"] {
        assert_eq!(content(MsgType::Text, &json!({ "text": plain })), vec![], "{plain}");
    }
}

#[test]
fn batch_conversion_checks_sizes() {
    let text = MessageContent::from(TextContent::new(filler(150 * 1024 - 11)));
    assert!(text.to_batch().is_ok());
    let over = MessageContent::from(TextContent::new(filler(150 * 1024 - 10)));
    assert_eq!(pairs(over.to_batch().unwrap_err()), one("content", Rule::Size));
    let empty = MessageContent::from(TextContent::new(""));
    assert_eq!(pairs(empty.to_batch().unwrap_err()), one("content.text", Rule::Required));
    let share = MessageContent::from(ShareChatContent::new("oc_1")).to_batch().unwrap();
    assert_eq!(share.content, Some(json!({"share_chat_id": "oc_1"})));
}

#[test]
fn batch_text_may_have_150_kb_serialized() {
    // {"text":""} is 11 bytes.
    let at_limit = json!({ "text": filler(150 * 1024 - 11) });
    assert_eq!(at_limit.to_string().len(), 150 * 1024);
    assert_eq!(content(MsgType::Text, &at_limit), vec![]);
    let over = json!({ "text": filler(150 * 1024 - 10) });
    assert_eq!(content(MsgType::Text, &over), one("content", Rule::Size));
}

#[test]
fn batch_post_may_have_30_kb_serialized_with_its_wrapper() {
    let post = |n: usize| json!({"post": {"zh_cn": {"content": [[{"tag": "text", "text": filler(n)}]]}}});
    let overhead = post(0).to_string().len();
    let at_limit = post(30 * 1024 - overhead);
    assert_eq!(at_limit.to_string().len(), 30 * 1024);
    assert_eq!(content(MsgType::Post, &at_limit), vec![]);
    assert_eq!(content(MsgType::Post, &post(30 * 1024 - overhead + 1)), one("content", Rule::Size));
}

#[test]
fn batch_content_shapes_are_checked() {
    let cases = [
        (MsgType::Text, json!({"text": 1}), "content.text", Rule::Format),
        (MsgType::Text, json!("hello"), "content", Rule::Format),
        (MsgType::Image, json!({"image_key": ""}), "content.image_key", Rule::Required),
        (MsgType::Image, json!({}), "content.image_key", Rule::Required),
        (MsgType::ShareChat, json!({"chat_id": "oc_1"}), "content.share_chat_id", Rule::Required),
        (MsgType::ShareChat, json!({"share_chat_id": ""}), "content.share_chat_id", Rule::Required),
        (MsgType::Post, json!({"zh_cn": {"content": []}}), "content.post", Rule::Required),
        (MsgType::Post, json!({"post": {}}), "content.post", Rule::Required),
        (
            MsgType::Post,
            json!({"post": {"zh_cn": {"content": [[{"tag": "md", "text": "m"}]]}}}),
            "content.post.zh_cn.content[0][0].tag",
            Rule::Forbidden,
        ),
        (
            MsgType::Post,
            json!({"post": {"en_us": {"content": [[{"tag": "text", "text": "a", "style": ["blink"]}]]}}}),
            "content.post.en_us.content[0][0].style[0]",
            Rule::Enum,
        ),
        (MsgType::Text, json!({"text": "<b>bold</b>"}), "content.text", Rule::Forbidden),
        (MsgType::Text, json!({"text": "a **bold** b"}), "content.text", Rule::Forbidden),
        (MsgType::Text, json!({"text": "<i>x</i>"}), "content.text", Rule::Forbidden),
        (MsgType::Text, json!({"text": "<u>x</u>"}), "content.text", Rule::Forbidden),
        (MsgType::Text, json!({"text": "<s>x</s>"}), "content.text", Rule::Forbidden),
        (
            MsgType::Post,
            json!({"post": {"zh_cn": {"content": [[{"tag": "x"}]]}}}),
            "content.post.zh_cn.content[0][0].tag",
            Rule::Enum,
        ),
        (MsgType::Interactive, json!({"elements": []}), "content", Rule::Forbidden),
        (MsgType::File, json!({"file_key": "f"}), "content", Rule::Forbidden),
        (MsgType::System, json!({}), "content", Rule::Forbidden),
    ];
    for (msg_type, value, path, rule) in cases {
        assert_eq!(content(msg_type.clone(), &value), one(path, rule), "{msg_type} {value}");
    }
    assert_eq!(content(MsgType::from("hologram"), &json!(1)), vec![]);
    assert_eq!(content(MsgType::Image, &json!({"image_key": "img_1", "extra": true})), vec![]);
}

#[test]
fn batch_card_is_a_json_object_of_at_most_30_kb() {
    assert_eq!(card(&json!("card")), one("card", Rule::Format));
    assert_eq!(card(&json!([])), one("card", Rule::Format));
    let sized = |n: usize| json!({"elements": [{"tag": "markdown", "content": filler(n)}]});
    let overhead = sized(0).to_string().len();
    assert_eq!(sized(30 * 1024 - overhead).to_string().len(), 30 * 1024);
    assert_eq!(card(&sized(30 * 1024 - overhead)), vec![]);
    assert_eq!(card(&sized(30 * 1024 - overhead + 1)), one("card", Rule::Size));
}

#[test]
fn batch_card_templates_are_checked_and_entities_refused() {
    let template = json!({"type": "template", "data": {"template_id": "ctp_xxxxxx", "template_variable": {"var_xxx": "xxxxxx"}}});
    assert_eq!(card(&template), vec![]);
    assert_eq!(card(&json!({"type": "card", "data": {"card_id": "1"}})), one("card.type", Rule::Forbidden));
}

#[test]
fn batch_msg_types() {
    let mut v = Validator::new();
    for ok in ["text", "image", "post", "share_chat", "interactive"] {
        check_batch_msg_type(&mut v, "msg_type", &MsgType::from(ok));
    }
    assert!(v.is_ok());
    check_batch_msg_type(&mut v, "msg_type", &MsgType::File);
    check_batch_msg_type(&mut v, "msg_type", &MsgType::from("hologram"));
    let violations = v.finish().unwrap_err();
    assert_eq!(
        pairs(violations.clone()),
        vec![("msg_type".to_owned(), Rule::Enum), ("msg_type".to_owned(), Rule::Enum)]
    );
    assert_eq!(
        violations.as_slice()[0].message,
        "batch send supports msg_type text, image, post, share_chat, interactive, got \"file\""
    );
}
