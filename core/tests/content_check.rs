//! Validation of send message's `content` string: sizes, shapes and post rules.

use larkmsg::content::{MessageContent, PostContent, PostNode, TextStyle, check_message_content};
use larkmsg::validate::Validator;
use larkmsg::{MsgType, Rule};

/// Every violation as (path, rule).
fn check(msg_type: MsgType, content: &str) -> Vec<(String, Rule)> {
    let mut v = Validator::new();
    check_message_content(&mut v, "content", &msg_type, content);
    match v.finish() {
        Ok(()) => vec![],
        Err(violations) => violations.into_vec().into_iter().map(|v| (v.path, v.rule)).collect(),
    }
}

fn one(path: &str, rule: Rule) -> Vec<(String, Rule)> {
    vec![(path.to_owned(), rule)]
}

/// `prefix + filler + suffix` taking exactly `total` UTF-8 bytes as a JSON string (quotes
/// and escapes included, as in a request body), filled mostly with 3-byte Chinese
/// characters so that bytes and characters differ.
fn sized(prefix: &str, suffix: &str, total: usize) -> String {
    let escapes = 2 + format!("{prefix}{suffix}").matches('"').count();
    let fill = total - prefix.len() - suffix.len() - escapes;
    let content = format!("{prefix}{}{}{suffix}", "标".repeat(fill / 3), "a".repeat(fill % 3));
    assert_eq!(serde_json::Value::from(content.as_str()).to_string().len(), total);
    assert!(content.chars().count() < total);
    content
}

#[test]
fn text_may_take_150_kb_of_the_body_but_not_one_byte_more() {
    let limit = 150 * 1024;
    assert_eq!(check(MsgType::Text, &sized(r#"{"text":""#, r#""}"#, limit)), vec![]);
    let over = sized(r#"{"text":""#, r#""}"#, limit + 1);
    assert_eq!(check(MsgType::Text, &over), one("content", Rule::Size));
    let mut v = Validator::new();
    check_message_content(&mut v, "content", &MsgType::Text, &over);
    let message = v.finish().unwrap_err().into_vec().remove(0).message;
    assert_eq!(
        message,
        "makes the request body 153601 bytes; a text message's body must be at most 150 KB \
         (153600 bytes) (platform code 230025)"
    );
    // The content's escapes count: 153,600 bytes of content take more than that in a body.
    let escaped = format!(r#"{{"text":"{}"}}"#, "\\n".repeat((limit - 12) / 2));
    assert!(escaped.len() < limit);
    assert_eq!(check(MsgType::Text, &escaped), one("content", Rule::Size));
}

#[test]
fn post_may_take_30_kb_of_the_body_but_not_one_byte_more() {
    let (prefix, suffix) = (r#"{"zh_cn":{"title":"标题","content":[[{"tag":"text","text":""#, r#""}]]}}"#);
    assert_eq!(check(MsgType::Post, &sized(prefix, suffix, 30 * 1024)), vec![]);
    assert_eq!(check(MsgType::Post, &sized(prefix, suffix, 30 * 1024 + 1)), one("content", Rule::Size));
}

#[test]
fn cards_may_take_30_kb_of_the_body_but_not_one_byte_more() {
    let (prefix, suffix) = (r#"{"elements":[{"tag":"markdown","content":""#, r#""}]}"#);
    assert_eq!(check(MsgType::Interactive, &sized(prefix, suffix, 30 * 1024)), vec![]);
    let over = sized(prefix, suffix, 30 * 1024 + 1);
    assert_eq!(check(MsgType::Interactive, &over), one("content", Rule::Size));
    // Text messages have the larger limit.
    assert_eq!(check(MsgType::Text, &sized(r#"{"text":""#, r#""}"#, 30 * 1024 + 1)), vec![]);
}

#[test]
fn content_must_be_a_json_object() {
    let mut v = Validator::new();
    check_message_content(&mut v, "content", &MsgType::Text, r#"{"text":"a",}"#);
    let message = v.finish().unwrap_err().into_vec().remove(0).message;
    assert_eq!(message, "must be a JSON object string (trailing comma at line 1 column 13)");
    assert_eq!(check(MsgType::Text, r#"{"text":"#), one("content", Rule::Format));
    assert_eq!(check(MsgType::Text, r#"{text:"a"}"#), one("content", Rule::Format));
    assert_eq!(check(MsgType::Text, "hello"), one("content", Rule::Format));
    assert_eq!(check(MsgType::Text, r#"{"text":"a"} x"#), one("content", Rule::Format));
    assert_eq!(check(MsgType::Image, r#"["img_1"]"#), one("content", Rule::Format));
    assert_eq!(check(MsgType::Post, r#""zh_cn""#), one("content", Rule::Format));
    assert_eq!(check(MsgType::Interactive, "null"), one("content", Rule::Format));
}

#[test]
fn unknown_msg_types_are_left_to_the_caller() {
    assert_eq!(check(MsgType::from("hologram"), "not json"), vec![]);
}

#[test]
fn wrong_shapes_are_reported_with_their_paths() {
    let cases = [
        (MsgType::Text, r#"{"text":1}"#, "content.text", Rule::Format),
        (MsgType::Text, r#"{"txt":"a"}"#, "content.text", Rule::Required),
        (MsgType::Text, r#"{"text":""}"#, "content.text", Rule::Required),
        (MsgType::Image, r#"{"file_key":"img_1"}"#, "content.image_key", Rule::Required),
        (MsgType::Image, r#"{"image_key":""}"#, "content.image_key", Rule::Required),
        (MsgType::File, r#"{"file_key":2}"#, "content.file_key", Rule::Format),
        (MsgType::Audio, r#"{}"#, "content.file_key", Rule::Required),
        (MsgType::Sticker, r#"{"file_key":""}"#, "content.file_key", Rule::Required),
        (MsgType::Media, r#"{"file_key":"f","image_key":3}"#, "content.image_key", Rule::Format),
        (MsgType::Media, r#"{"image_key":"i"}"#, "content.file_key", Rule::Required),
        (MsgType::ShareChat, r#"{"share_chat_id":"oc_1"}"#, "content.chat_id", Rule::Required),
        (MsgType::ShareChat, r#"{"chat_id":""}"#, "content.chat_id", Rule::Required),
        (MsgType::ShareUser, r#"{"user_id":null}"#, "content.user_id", Rule::Format),
        (MsgType::System, r#"{"type":"divider","params":{}}"#, "content.params.divider_text", Rule::Required),
        (
            MsgType::System,
            r#"{"type":"banner","params":{"divider_text":{"text":"a"}}}"#,
            "content.type",
            Rule::Enum,
        ),
        (
            MsgType::System,
            r#"{"type":"divider","params":{"divider_text":{"text":"a"}},"options":{"need_rollup":"yes"}}"#,
            "content.options.need_rollup",
            Rule::Format,
        ),
        (
            MsgType::Interactive,
            r#"{"type":"template","data":{}}"#,
            "content.data.template_id",
            Rule::Required,
        ),
        (
            MsgType::Interactive,
            r#"{"type":"template","data":{"template_id":"ctp_1","template_variable":[]}}"#,
            "content.data.template_variable",
            Rule::Format,
        ),
        (MsgType::Interactive, r#"{"type":"card"}"#, "content.data", Rule::Required),
        (
            MsgType::Interactive,
            r#"{"type":"card","data":{"card_id":""}}"#,
            "content.data.card_id",
            Rule::Required,
        ),
    ];
    for (msg_type, content, path, rule) in cases {
        assert_eq!(check(msg_type.clone(), content), one(path, rule), "{msg_type} {content}");
    }
}

#[test]
fn valid_contents_of_every_type_pass() {
    let cases = [
        (MsgType::Text, r#"{"text":"<at user_id=\"all\"></at> 你好"}"#),
        (MsgType::Image, r#"{"image_key":"img_1"}"#),
        (MsgType::File, r#"{"file_key":"file_1"}"#),
        (MsgType::Audio, r#"{"file_key":"file_1"}"#),
        (MsgType::Sticker, r#"{"file_key":"file_1"}"#),
        (MsgType::Media, r#"{"file_key":"file_1"}"#),
        (MsgType::ShareChat, r#"{"chat_id":"oc_1"}"#),
        (MsgType::ShareUser, r#"{"user_id":"ou_1"}"#),
        (MsgType::System, r#"{"type":"divider","params":{"divider_text":{"text":"新会话"}}}"#),
        (MsgType::Interactive, r#"{"schema":"2.0","body":{"elements":[]}}"#),
        (MsgType::Interactive, r#"{"type":"template","data":{"template_id":"ctp_1"}}"#),
        (MsgType::Interactive, r#"{"type":"card","data":{"card_id":"7355372766134157313"}}"#),
    ];
    for (msg_type, content) in cases {
        assert_eq!(check(msg_type.clone(), content), vec![], "{msg_type} {content}");
    }
}

#[test]
fn post_needs_a_locale_with_content() {
    assert_eq!(check(MsgType::Post, "{}"), one("content", Rule::Required));
    assert_eq!(check(MsgType::Post, r#"{"zh_cn":[]}"#), one("content.zh_cn", Rule::Format));
    assert_eq!(
        check(MsgType::Post, r#"{"zh_cn":{"title":"t"}}"#),
        one("content.zh_cn.content", Rule::Required)
    );
    assert_eq!(
        check(MsgType::Post, r#"{"zh_cn":{"title":1,"content":[]}}"#),
        one("content.zh_cn.title", Rule::Format)
    );
    assert_eq!(
        check(MsgType::Post, r#"{"zh_cn":{"content":{}}}"#),
        one("content.zh_cn.content", Rule::Format)
    );
    assert_eq!(
        check(MsgType::Post, r#"{"zh_cn":{"content":[[],{"tag":"hr"}]}}"#),
        one("content.zh_cn.content[1]", Rule::Format)
    );
    assert_eq!(
        check(MsgType::Post, r#"{"zh_cn":{"content":[]},"en_us":{}}"#),
        one("content.en_us.content", Rule::Required)
    );
    // Batch send's wrapper is not send message's form.
    assert_eq!(
        check(MsgType::Post, r#"{"post":{"zh_cn":{"content":[]}}}"#),
        one("content.post", Rule::Forbidden)
    );
}

#[test]
fn post_nodes_are_checked_at_their_own_paths() {
    let cases = [
        (r#"{"tag":"text","text":"a"},{"tag":"blink"}"#, "content.zh_cn.content[0][1].tag", Rule::Enum),
        (r#"{"tag":"text","text":"a"},{"text":"b"}"#, "content.zh_cn.content[0][1].tag", Rule::Required),
        (r#"{"tag":1}"#, "content.zh_cn.content[0][0].tag", Rule::Format),
        (r#""text""#, "content.zh_cn.content[0][0]", Rule::Format),
        (r#"{"tag":"text"}"#, "content.zh_cn.content[0][0].text", Rule::Required),
        (r#"{"tag":"text","text":5}"#, "content.zh_cn.content[0][0].text", Rule::Format),
        (
            r#"{"tag":"text","text":"a","un_escape":"no"}"#,
            "content.zh_cn.content[0][0].un_escape",
            Rule::Format,
        ),
        (r#"{"tag":"a","text":"a","href":""}"#, "content.zh_cn.content[0][0].href", Rule::Required),
        (r#"{"tag":"at","user_id":""}"#, "content.zh_cn.content[0][0].user_id", Rule::Required),
        (r#"{"tag":"img","image_key":""}"#, "content.zh_cn.content[0][0].image_key", Rule::Required),
        (r#"{"tag":"media","image_key":"i"}"#, "content.zh_cn.content[0][0].file_key", Rule::Required),
        (r#"{"tag":"emotion","emoji_type":""}"#, "content.zh_cn.content[0][0].emoji_type", Rule::Required),
        (r#"{"tag":"code_block","language":"GO"}"#, "content.zh_cn.content[0][0].text", Rule::Required),
        (r#"{"tag":"md"}"#, "content.zh_cn.content[0][0].text", Rule::Required),
        (r#"{"tag":"text","text":"a","style":"bold"}"#, "content.zh_cn.content[0][0].style", Rule::Format),
        (
            r#"{"tag":"text","text":"a","style":["bold","blink"]}"#,
            "content.zh_cn.content[0][0].style[1]",
            Rule::Enum,
        ),
    ];
    for (nodes, path, rule) in cases {
        let content = format!(r#"{{"zh_cn":{{"content":[[{nodes}]]}}}}"#);
        assert_eq!(check(MsgType::Post, &content), one(path, rule), "{content}");
    }
}

#[test]
fn img_media_and_md_must_stand_alone() {
    for node in [
        r#"{"tag":"img","image_key":"i"}"#,
        r#"{"tag":"media","file_key":"f"}"#,
        r#"{"tag":"md","text":"m"}"#,
    ] {
        let alone = format!(r#"{{"zh_cn":{{"content":[[{node}],[{{"tag":"hr"}}]]}}}}"#);
        assert_eq!(check(MsgType::Post, &alone), vec![], "{alone}");
        let shared = format!(r#"{{"zh_cn":{{"content":[[{{"tag":"text","text":"a"}},{node}]]}}}}"#);
        assert_eq!(
            check(MsgType::Post, &shared),
            one("content.zh_cn.content[0][1]", Rule::Forbidden),
            "{shared}"
        );
    }
}

#[test]
fn every_bad_node_is_reported() {
    let content = r#"{"zh_cn":{"content":[[{"tag":"blink"},{"tag":"text"}],[{"tag":"img","image_key":"i"},{"tag":"hr"}]]},"en_us":{"content":[[{"tag":"at","user_id":"ou_1","style":["shout"]}]]}}"#;
    assert_eq!(
        check(MsgType::Post, content),
        vec![
            ("content.zh_cn.content[0][0].tag".to_owned(), Rule::Enum),
            ("content.zh_cn.content[0][1].text".to_owned(), Rule::Required),
            ("content.zh_cn.content[1][0]".to_owned(), Rule::Forbidden),
            ("content.en_us.content[0][0].style[0]".to_owned(), Rule::Enum),
        ]
    );
}

#[test]
fn md_and_styles_are_fine_for_send_message() {
    let post: MessageContent = PostContent::builder()
        .locale(
            "zh_cn",
            None,
            vec![vec![PostNode::text("a").style(TextStyle::Bold)], vec![PostNode::md("**b**")]],
        )
        .build()
        .into();
    post.validate().unwrap();
    assert_eq!(check(MsgType::Post, &post.to_content_string()), vec![]);
}

#[test]
fn built_content_is_validated_too() {
    let bad: MessageContent = PostContent::builder()
        .locale("zh_cn", None, vec![vec![PostNode::text("a"), PostNode::image("img_1")]])
        .build()
        .into();
    let violations = bad.validate().unwrap_err();
    assert!(violations.has_path("content.zh_cn.content[0][1]"));
    let empty: MessageContent = PostContent::builder().build().into();
    assert_eq!(empty.validate().unwrap_err().as_slice()[0].path, "content");
}

#[test]
fn parse_reports_violations() {
    let unknown = MessageContent::parse(&MsgType::from("hologram"), "{}").unwrap_err();
    assert_eq!(unknown.as_slice()[0].path, "msg_type");
    assert_eq!(unknown.as_slice()[0].rule, Rule::Enum);
    let bad = MessageContent::parse(&MsgType::Text, r#"{"text":7}"#).unwrap_err();
    assert_eq!(bad.as_slice()[0].path, "content.text");
}

#[test]
fn parse_takes_what_the_checks_take() {
    // Found by fuzzing: a key given twice passed the checks, then failed to parse.
    let twice =
        r#"{"zh_cn":{"content":[[{"tag":"a","text":"x","href":"https://www.feishu.cn/","text":"y"}]]}}"#;
    assert_eq!(check(MsgType::Post, twice), vec![]);
    let post = MessageContent::parse(&MsgType::Post, twice).unwrap();
    assert_eq!(post.to_value()["zh_cn"]["content"][0][0]["text"], "y");
    let text = MessageContent::parse(&MsgType::Text, r#"{"text":"a","text":"b"}"#).unwrap();
    assert_eq!(text, MessageContent::Text(larkmsg::content::TextContent::new("b")));
}
