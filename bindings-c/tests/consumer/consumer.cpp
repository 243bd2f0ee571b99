// A C++17 program built against an installed larkmsg through larkmsg.hpp: RAII clients and
// fakes, std::string in and out, larkmsg::Error for failures, futures for async calls,
// uploads from memory, progress of a campaign, and the resend of a send whose answer was lost.
#include <cstdint>
#include <cstdio>
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

#include <larkmsg.hpp>

namespace {

int failures = 0;

void check(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "check failed: %s\n", what);
        failures++;
    }
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                             0,    0,   0,   64,  0,    0,    0,    48,   8, 6, 0, 0,  0,   0,   0,   0};

void uploads_campaigns_and_resends(const larkmsg::FakeServer &fake, const larkmsg::Client &client) {
    std::string uploaded =
        client.call("upload_image", R"({"image_type": "message", "image": {"buffer": 0}})", {larkmsg::Bytes(PNG, sizeof PNG)});
    check(contains(uploaded, "\"image_key\":\"img_"), "an image uploads from memory");
    try {
        client.call("upload_image", R"({"image_type": "message", "image": {"buffer": 0}})", {larkmsg::Bytes(std::string("%PDF-1.4"))});
        check(false, "a PDF is not an image");
    } catch (const larkmsg::Error &error) {
        check(error.kind() == "invalid_argument" && !error.maybe_sent(), "a wrong format is refused before sending");
    }

    std::vector<larkmsg_progress> reports;
    std::string report = client.call(
        "send_campaign",
        R"({"campaign_id": "cpp", "receive_id_type": "open_id", "receive_ids": ["ou_c1", "ou_c2", "ou_c3"], "msg_type": "text", "content": "{\"text\": \"campaign\"}"})",
        {}, [&reports](const larkmsg_progress &progress) { reports.push_back(progress); });
    check(contains(report, "\"sent\":[") && contains(report, "ou_c3"), "the campaign reports what it sent");
    check(!reports.empty() && reports.back().done == 3 && reports.back().total == 3, "progress ends at the total");
    try {
        client.call("send_campaign",
                    R"({"campaign_id": "cpp2", "receive_id_type": "open_id", "receive_ids": ["ou_c4"], "msg_type": "text", "content": "{\"text\": \"x\"}"})",
                    {}, [](const larkmsg_progress &) { throw std::runtime_error("from the progress bar"); });
        check(false, "an exception from progress reaches the caller");
    } catch (const std::runtime_error &error) {
        check(std::string(error.what()) == "from the progress bar", "the progress callback's exception is rethrown");
    }

    std::string options = fake.client_options();
    options.pop_back();  // the closing brace
    larkmsg::Client once(options + R"(, "retry": {"max_attempts": 1}})");
    fake.control("POST", "faults", R"({"kind": "drop_after_read", "endpoint": "send_message", "count": 1})");
    try {
        once.send_text("open_id", "ou_resend", "exactly once");
        check(false, "a lost answer is an error");
    } catch (const larkmsg::Error &error) {
        check(error.maybe_sent() && error.uuid().has_value(), "a lost answer may have been sent and names its uuid");
        std::string resent = once.resend(error);
        check(contains(resent, *error.uuid()), "the resend carries the same uuid");
        std::string inbox = fake.control("GET", "inbox").json;
        std::size_t first = inbox.find("exactly once");
        check(first != std::string::npos && inbox.find("exactly once", first + 1) == std::string::npos,
              "the resend made no second message");
    }
}

}  // namespace

int main() {
    check(larkmsg::version() == LARKMSG_VERSION, "the header's version is the library's");
    {
        larkmsg::FakeServer fake;
        larkmsg::Client client(fake.client_options());

        std::string message = client.send_text("open_id", "ou_cpp", "hello from C++");
        check(message.find("\"message_id\"") != std::string::npos, "send_text gives the message");

        std::future<std::string> later = client.call_async(
            "send_message",
            R"({"receive_id_type": "open_id", "receive_id": "ou_cpp", "msg_type": "text", "content": "{\"text\": \"async\"}"})");
        check(later.get().find("\"message_id\"") != std::string::npos, "call_async resolves with the message");

        try {
            client.call("send_message",
                        R"({"receive_id_type": "open_id", "receive_id": "", "msg_type": "text", "content": "{\"text\": \"x\"}"})");
            check(false, "an invalid request throws");
        } catch (const larkmsg::Error &error) {
            check(error.kind() == "invalid_argument", "the error's kind is invalid_argument");
            check(error.result() == LARKMSG_RESULT_INVALID_ARGUMENT, "the error's result code");
            check(!error.maybe_sent(), "a rejected request was not sent");
            check(error.json().find("\"violations\"") != std::string::npos, "the error's JSON lists the violations");
        }

        std::future<std::string> failed = client.call_async("send_message", R"({"receive_id_type": "open_id"})");
        try {
            failed.get();
            check(false, "an invalid async request throws from the future");
        } catch (const larkmsg::Error &error) {
            check(error.kind() == "invalid_argument", "the async error's kind is invalid_argument");
        }

        try {
            larkmsg::Client bad(R"({"app_id": 1})");
            check(false, "bad options throw");
        } catch (const larkmsg::Error &error) {
            check(error.result() == LARKMSG_RESULT_INVALID_ARGUMENT || error.result() == LARKMSG_RESULT_CONFIG,
                  "bad options are an argument or config error");
        }

        uploads_campaigns_and_resends(fake, client);

        larkmsg::ControlAnswer inbox = fake.control("GET", "inbox");
        check(inbox.status == 200 && inbox.json.find("hello from C++") != std::string::npos, "the fake got the text");
    }
    larkmsg::shutdown();
    std::printf("consumer (C++17, larkmsg %s): %s\n", larkmsg::version().c_str(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
