//! Uploads against the fake: from a path or bytes, checked before sending, keys accepted
//! in messages only once uploaded, safe repeats, and the conveniences that upload and send.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod media;

use larkmsg::fake::{FaultKind, FaultPlan};
use larkmsg::{
    AppFeedCard, CreateAppFeedCardAllRequest, ErrorKind, FileSource, FileType, ImageType, MsgType,
    ReceiveIdType, Rule, SendFileRequest, SendImageRequest, SendMessageRequest, UploadFileRequest,
    UploadImageRequest,
};
use serde_json::json;

#[tokio::test]
async fn an_image_from_a_path_is_uploaded_then_sent_by_its_key() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let dir = media::temp_dir("upload-path");
    let path = dir.join("cat.png");
    std::fs::write(&path, media::png(640, 480, 5000)).unwrap();

    let uploaded =
        client.upload_image(UploadImageRequest::new(ImageType::Message, path.as_path())).await.unwrap();
    assert!(uploaded.image_key.starts_with("img_v3_"), "{}", uploaded.image_key);
    let images = fake.inbox().images;
    assert_eq!(images[0]["size"], 5000);
    assert_eq!(images[0]["image_type"], "message");

    let content = json!({"image_key": uploaded.image_key}).to_string();
    let message = SendMessageRequest::new(ReceiveIdType::OpenId, "ou_1", MsgType::Image, content);
    client.send_message(message).await.unwrap();
    assert_eq!(fake.inbox().messages.len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_wrong_format_is_refused_before_anything_is_sent() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let pdf = UploadImageRequest::new(ImageType::Message, b"%PDF-1.7 a document".to_vec());
    let error = client.upload_image(pdf).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!((error.violations()[0].path.as_str(), error.violations()[0].rule), ("image", Rule::Format));
    assert!(!error.maybe_sent());
    let mp3_as_opus = UploadFileRequest::new(FileType::Opus, b"ID3\x04 an mp3".to_vec()).file_name("a.opus");
    let error = client.upload_file(mp3_as_opus).await.unwrap_err();
    assert_eq!(error.violations()[0].path, "file");
    assert!(error.violations()[0].message.contains("ffmpeg"), "{error}");
    let missing =
        UploadImageRequest::new(ImageType::Message, FileSource::path("/nonexistent/larkmsg/cat.png"));
    let error = client.upload_image(missing).await.unwrap_err();
    assert_eq!(error.violations()[0].rule, Rule::Required);
    assert_eq!(common::requests(&fake, "upload_image") + common::requests(&fake, "upload_file"), 0);
}

#[tokio::test]
async fn unknown_and_mismatched_keys_are_refused_as_the_platform_does() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let unknown = SendMessageRequest::new(
        ReceiveIdType::OpenId,
        "ou_1",
        MsgType::Image,
        r#"{"image_key":"img_v2_made_up"}"#,
    );
    let error = client.send_message(unknown).await.unwrap_err();
    assert_eq!((error.code(), error.http_status()), (Some(230_017), Some(400)));

    let video = client
        .upload_file(UploadFileRequest::new(FileType::Mp4, media::mp4()).file_name("v.mp4"))
        .await
        .unwrap();
    let as_file = json!({"file_key": video.file_key}).to_string();
    let error = client
        .send_message(SendMessageRequest::new(ReceiveIdType::OpenId, "ou_1", MsgType::File, as_file.clone()))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(230_055));
    client
        .send_message(SendMessageRequest::new(ReceiveIdType::OpenId, "ou_1", MsgType::Media, as_file))
        .await
        .unwrap();

    let card =
        larkmsg::BatchSendRequest::from_content(MsgType::Image, json!({"image_key": "img_v2_made_up"}))
            .open_ids(["ou_1"]);
    assert_eq!(client.batch_send(card).await.unwrap_err().code(), Some(11_227));
    let feed = larkmsg::CreateAppFeedCardRequest::new(
        AppFeedCard::new("https://www.feishu.cn/").avatar_key("img_x"),
        ["ou_1"],
    );
    assert_eq!(client.create_app_feed_card(feed).await.unwrap_err().code(), Some(230_001));
}

#[tokio::test]
async fn an_upload_is_repeated_after_a_lost_answer_and_only_wastes_a_key() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::DropAfterRead, 1).on("upload_image")).unwrap();
    let uploaded = client
        .upload_image(UploadImageRequest::new(ImageType::Message, media::png(8, 8, 100)))
        .await
        .unwrap();
    let images = fake.inbox().images;
    assert_eq!(images.len(), 2, "the lost answer's upload and the repeat");
    assert_eq!(images[1]["image_key"], uploaded.image_key.as_str());
}

#[tokio::test]
async fn conveniences_upload_and_send_in_one_call() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let image = client
        .send_image(SendImageRequest::new(ReceiveIdType::OpenId, "ou_1", media::png(10, 10, 200)))
        .await
        .unwrap();
    assert_eq!(image.msg_type, Some(MsgType::Image));

    let dir = media::temp_dir("send-file");
    let path = dir.join("会议录音.opus");
    std::fs::write(&path, media::opus()).unwrap();
    let audio =
        client.send_file(SendFileRequest::new(ReceiveIdType::OpenId, "ou_1", path.as_path())).await.unwrap();
    assert_eq!(audio.msg_type, Some(MsgType::Audio));
    let files = fake.inbox().files;
    assert_eq!(
        (files[0]["file_type"].as_str(), files[0]["file_name"].as_str()),
        (Some("opus"), Some("会议录音.opus"))
    );
    let report =
        client.send_file(SendFileRequest::new(ReceiveIdType::OpenId, "ou_1", b"plain notes".to_vec())).await;
    assert_eq!(report.unwrap_err().violations()[0].path, "file_name");

    let avatar = dir.join("avatar.png");
    std::fs::write(&avatar, media::png(256, 256, 300)).unwrap();
    let card = CreateAppFeedCardAllRequest::new(
        AppFeedCard::new("https://www.feishu.cn/").title("新订单"),
        ["ou_1"],
    )
    .avatar(avatar.as_path());
    let created = client.create_app_feed_card_all(card, |_| {}).await.unwrap();
    let key = created.avatar_key.unwrap();
    assert_eq!(fake.inbox().feed_cards[0]["app_feed_card"]["avatar_key"], key.as_str());
    assert_eq!(fake.inbox().images.last().unwrap()["image_type"], "avatar");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn the_fake_refuses_what_the_pages_refuse_with_their_codes() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let token = client.upload_image(UploadImageRequest::new(ImageType::Message, media::png(1, 1, 50))).await;
    assert!(token.is_ok());
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let auth: serde_json::Value = http
        .post(format!("{}/open-apis/auth/v3/tenant_access_token/internal", fake.url()))
        .json(&json!({"app_id": larkmsg::fake::DEFAULT_APP_ID, "app_secret": larkmsg::fake::DEFAULT_APP_SECRET}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", auth["tenant_access_token"].as_str().unwrap());
    let upload = async |image: Vec<u8>, image_type: &'static str| -> (u16, i64) {
        let form = reqwest::multipart::Form::new()
            .text("image_type", image_type)
            .part("image", reqwest::multipart::Part::bytes(image).file_name("x"));
        let answer = http
            .post(format!("{}/open-apis/im/v1/images", fake.url()))
            .header("Authorization", &bearer)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let body: serde_json::Value = answer.json().await.unwrap();
        (status, body["code"].as_i64().unwrap())
    };
    assert_eq!(upload(Vec::new(), "message").await, (400, 234_010));
    assert_eq!(upload(media::png(1, 1, 10 * 1024 * 1024 + 1), "message").await, (400, 234_006));
    assert_eq!(upload(b"%PDF-1.7 not an image".to_vec(), "message").await, (400, 234_011));
    assert_eq!(upload(media::png(5000, 10, 64), "avatar").await, (400, 234_039));
    assert_eq!(upload(media::png(5000, 10, 64), "icon").await, (400, 234_001));
    assert_eq!(upload(media::png(5000, 10, 64), "message").await, (200, 0));
    let json_body = http
        .post(format!("{}/open-apis/im/v1/images", fake.url()))
        .header("Authorization", &bearer)
        .json(&json!({"image_type": "message", "image": "/etc/hostname"}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = json_body.json().await.unwrap();
    assert_eq!(body["code"], 234_001);
}
