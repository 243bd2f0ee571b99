// A C++17 program built against an installed larkmsg through larkmsg.hpp: RAII clients and
// fakes, std::string in and out, larkmsg::Error for failures, futures for async calls.
#include <cstdio>
#include <future>
#include <string>

#include <larkmsg.hpp>

namespace {

int failures = 0;

void check(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "check failed: %s\n", what);
        failures++;
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

        larkmsg::ControlAnswer inbox = fake.control("GET", "inbox");
        check(inbox.status == 200 && inbox.json.find("hello from C++") != std::string::npos, "the fake got the text");
    }
    larkmsg::shutdown();
    std::printf("consumer (C++17, larkmsg %s): %s\n", larkmsg::version().c_str(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
