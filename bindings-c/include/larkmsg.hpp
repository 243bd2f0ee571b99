/*
 * larkmsg.hpp: a header-only C++17 wrapper of the larkmsg C API (larkmsg.h).
 *
 * RAII owners for clients and fakes, std::string in and out, and a larkmsg::Error
 * exception for every failure (with the kind, Feishu code, HTTP status, log id, uuid and
 * JSON of the C error object). Nothing here adds behaviour: every call is the C function of
 * the same name.
 *
 *   larkmsg::Client client(R"({"app_id": "cli_xxx", "app_secret": "..."})");
 *   std::string message = client.send_text("open_id", "ou_xxx", "Hello");
 *   std::string batch = client.call("batch_send", R"({"msg_type": "text", ...})");
 *   std::future<std::string> later = client.call_async("send_message", request_json);
 *   std::string key = client.call("upload_image", R"({"image_type": "message", "image": {"buffer": 0}})",
 *                                 {larkmsg::Bytes(png.data(), png.size())});
 *   std::string report = client.call("send_campaign", campaign_json, {},
 *                                    [](const larkmsg_progress &p) { show(p.done, p.total); });
 *   try { client.send_text(...); } catch (const larkmsg::Error &e) { if (e.maybe_sent()) client.resend(e); }
 */
#ifndef LARKMSG_HPP
#define LARKMSG_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "larkmsg.h"

namespace larkmsg {

/** A failed call: what the C API's larkmsg_error says, with the error object kept for Client::resend. */
class Error : public std::runtime_error {
public:
    /** Takes the C error object over (freed with the last copy); `result` is used when it is NULL. */
    Error(larkmsg_result result, larkmsg_error *error)
        : std::runtime_error(error != nullptr && larkmsg_error_message(error) != nullptr
                                 ? larkmsg_error_message(error)
                                 : "larkmsg call failed"),
          result_(error != nullptr ? larkmsg_error_result(error) : result),
          kind_(text(error != nullptr ? larkmsg_error_kind(error) : nullptr)),
          code_(error != nullptr ? larkmsg_error_code(error) : 0),
          http_status_(error != nullptr ? larkmsg_error_http_status(error) : 0),
          maybe_sent_(error != nullptr && larkmsg_error_maybe_sent(error)),
          json_(text(error != nullptr ? larkmsg_error_json(error) : nullptr)) {
        if (error != nullptr && larkmsg_error_log_id(error) != nullptr) {
            log_id_ = larkmsg_error_log_id(error);
        }
        if (error != nullptr && larkmsg_error_uuid(error) != nullptr) {
            uuid_ = larkmsg_error_uuid(error);
        }
        c_error_.reset(error, larkmsg_error_free);
    }

    /** The result code (LARKMSG_RESULT_INVALID_ARGUMENT, LARKMSG_RESULT_API, ...). */
    larkmsg_result result() const noexcept { return result_; }
    /** The stable kind name shared by every binding: "invalid_argument", "api", ... */
    const std::string &kind() const noexcept { return kind_; }
    /** The Feishu business code, or 0. */
    std::int64_t code() const noexcept { return code_; }
    /** The HTTP status of the answer, or 0. */
    std::uint16_t http_status() const noexcept { return http_status_; }
    /** The platform's log id, what support asks for. */
    const std::optional<std::string> &log_id() const noexcept { return log_id_; }
    /** Whether the request may have been carried out although the call failed. */
    bool maybe_sent() const noexcept { return maybe_sent_; }
    /** The uuid the failed request carried (send, reply): send it again with this uuid. */
    const std::optional<std::string> &uuid() const noexcept { return uuid_; }
    /** The error as JSON, with every known detail (violations, retry_after_ms, ...). */
    const std::string &json() const noexcept { return json_; }
    /** The C error object (NULL when the library gave none), for larkmsg_resend. */
    const larkmsg_error *get() const noexcept { return c_error_.get(); }

private:
    static std::string text(const char *value) { return value != nullptr ? value : ""; }

    larkmsg_result result_;
    std::string kind_;
    std::int64_t code_;
    std::uint16_t http_status_;
    bool maybe_sent_;
    std::string json_;
    std::optional<std::string> log_id_;
    std::optional<std::string> uuid_;
    std::shared_ptr<larkmsg_error> c_error_;
};

/** Bytes handed to a call as `{"buffer": i}` (a file to upload); copied before the call returns. */
struct Bytes {
    /** The bytes at `data`, `len` of them. */
    Bytes(const void *data, std::size_t len) noexcept : data(static_cast<const std::uint8_t *>(data)), len(len) {}
    /** The bytes of `bytes` (which must outlive the call). */
    explicit Bytes(const std::string &bytes) noexcept : Bytes(bytes.data(), bytes.size()) {}

    const std::uint8_t *data;
    std::size_t len;
};

/** Called on the calling thread after each request of a call to many receivers. */
using Progress = std::function<void(const larkmsg_progress &)>;

namespace detail {

/**
 * Throws the Error of a failed call. `error` is taken by reference: it is read only after
 * the call in the same expression (`check(larkmsg_x(..., &error), error)`) has written it.
 */
inline void check(larkmsg_result result, larkmsg_error *&error) {
    if (result != LARKMSG_RESULT_OK) {
        throw Error(result, error);
    }
}

/** A string the library handed out, copied and freed. */
inline std::string take(char *value) {
    std::unique_ptr<char, void (*)(char *)> owned(value, larkmsg_string_free);
    return owned ? std::string(owned.get()) : std::string();
}

/**
 * The callback of the _async calls: fulfils the promise it was given as user data. It runs
 * on a library thread, so nothing may escape it (an exception goes into the promise).
 */
inline void fulfil(void *user_data, larkmsg_result result, char *response_json, larkmsg_error *error) noexcept {
    std::unique_ptr<std::promise<std::string>> promise(static_cast<std::promise<std::string> *>(user_data));
    try {
        if (result == LARKMSG_RESULT_OK) {
            promise->set_value(take(response_json));
        } else {
            larkmsg_string_free(response_json);
            promise->set_exception(std::make_exception_ptr(Error(result, error)));
        }
    } catch (...) {
        try {
            promise->set_exception(std::current_exception());
        } catch (...) {
            // The promise was already satisfied: nothing is waiting for this outcome.
        }
    }
}

/**
 * The progress callback handed to the C API: calls the Progress given as user data. An
 * exception cannot cross the C API, so the first one is kept (ending the reports) and
 * rethrown after the call.
 */
struct ProgressRelay {
    const Progress *progress;
    std::exception_ptr thrown;
};

inline void relay_progress(void *user_data, const larkmsg_progress *progress) noexcept {
    auto *relay = static_cast<ProgressRelay *>(user_data);
    if (relay->thrown || progress == nullptr) {
        return;
    }
    try {
        (*relay->progress)(*progress);
    } catch (...) {
        relay->thrown = std::current_exception();
    }
}

struct ClientDeleter {
    void operator()(larkmsg_client *client) const noexcept { larkmsg_client_free(client); }
};

struct FakeDeleter {
    void operator()(larkmsg_fake *fake) const noexcept { larkmsg_fake_free(fake); }
};

}  // namespace detail

/** The library's version, e.g. "0.1.0" (LARKMSG_VERSION is the header's). */
inline std::string version() { return larkmsg_version(); }

/** Writes the library's log lines to stderr: "debug", "larkmsg=trace", "off", ... */
inline void enable_logging(const std::string &directive) {
    larkmsg_error *error = nullptr;
    detail::check(larkmsg_enable_logging(directive.c_str(), &error), error);
}

/**
 * Stops the library's runtime threads (larkmsg_shutdown): call it, optionally, when no
 * thread uses the library any more and every async call has completed.
 */
inline void shutdown() {
    larkmsg_error *error = nullptr;
    detail::check(larkmsg_shutdown(&error), error);
}

/** A client (thread-safe); requests and responses are JSON, as in the C API. */
class Client {
public:
    /** A client from options as JSON: {"app_id": ..., "app_secret": ..., "base_url": ...}. */
    explicit Client(const std::string &options_json) {
        larkmsg_client *client = nullptr;
        larkmsg_error *error = nullptr;
        detail::check(larkmsg_client_new(options_json.c_str(), &client, &error), error);
        client_.reset(client);
    }

    /** Runs a call by name ("send_message", "batch_send", "upload_image", "send_campaign", ...). */
    std::string call(const std::string &name, const std::string &request_json) const {
        char *response = nullptr;
        larkmsg_error *error = nullptr;
        detail::check(larkmsg_call(client_.get(), name.c_str(), request_json.c_str(), &response, &error), error);
        return detail::take(response);
    }

    /**
     * Runs a call by name with byte buffers the request names as {"buffer": i} (files to
     * upload) and, for a call to many receivers, `progress` after each request (larkmsg_call_ex).
     * An exception thrown by `progress` ends its reports and is rethrown once the call has
     * ended (the call itself runs to its end; rerunning a campaign by its id is safe).
     */
    std::string call(const std::string &name, const std::string &request_json, const std::vector<Bytes> &buffers,
                     const Progress &progress = nullptr) const {
        std::vector<larkmsg_buffer> c_buffers;
        c_buffers.reserve(buffers.size());
        for (const Bytes &bytes : buffers) {
            c_buffers.push_back(larkmsg_buffer{bytes.data, bytes.len});
        }
        detail::ProgressRelay relay{&progress, nullptr};
        char *response = nullptr;
        larkmsg_error *error = nullptr;
        larkmsg_result result = larkmsg_call_ex(client_.get(), name.c_str(), request_json.c_str(),
                                                c_buffers.empty() ? nullptr : c_buffers.data(), c_buffers.size(),
                                                progress ? detail::relay_progress : nullptr, &relay, &response, &error);
        std::string answer = result == LARKMSG_RESULT_OK ? detail::take(response) : std::string();
        detail::check(result, error);
        if (relay.thrown) {
            std::rethrow_exception(relay.thrown);
        }
        return answer;
    }

    /**
     * Sends the failed call of `failed` again with the same uuid (larkmsg_resend): the
     * remedy when failed.maybe_sent(). Throws an invalid_argument Error when it cannot be
     * resent safely (a broken rule, a batch).
     */
    std::string resend(const Error &failed) const {
        char *response = nullptr;
        larkmsg_error *error = nullptr;
        detail::check(larkmsg_resend(client_.get(), failed.get(), &response, &error), error);
        return detail::take(response);
    }

    /** Starts a call by name; the future gives the response or throws Error. */
    std::future<std::string> call_async(const std::string &name, const std::string &request_json) const {
        auto promise = std::make_unique<std::promise<std::string>>();
        std::future<std::string> future = promise->get_future();
        larkmsg_error *error = nullptr;
        larkmsg_result result =
            larkmsg_call_async(client_.get(), name.c_str(), request_json.c_str(), detail::fulfil, promise.get(), &error);
        detail::check(result, error);
        promise.release();  // owned by the callback from now on
        return future;
    }

    /** Sends a text message; gives the message as JSON. */
    std::string send_text(const std::string &receive_id_type, const std::string &receive_id,
                          const std::string &text) const {
        char *response = nullptr;
        larkmsg_error *error = nullptr;
        detail::check(larkmsg_send_text(client_.get(), receive_id_type.c_str(), receive_id.c_str(), text.c_str(),
                                        &response, &error),
                      error);
        return detail::take(response);
    }

    /** Gives a store app's client the latest app_ticket. */
    void set_app_ticket(const std::string &app_ticket) const {
        larkmsg_error *error = nullptr;
        detail::check(larkmsg_client_set_app_ticket(client_.get(), app_ticket.c_str(), &error), error);
    }

    /** The C handle, for the C functions this wrapper does not cover. */
    const larkmsg_client *get() const noexcept { return client_.get(); }

private:
    std::unique_ptr<larkmsg_client, detail::ClientDeleter> client_;
};

/** The answer of a fake's control: its HTTP status and JSON body. */
struct ControlAnswer {
    std::uint16_t status;
    std::string json;
};

/** The bundled fake Feishu server on 127.0.0.1, stopped when destroyed. */
class FakeServer {
public:
    /** Starts a fake on a free port. */
    FakeServer() {
        larkmsg_fake *fake = nullptr;
        larkmsg_error *error = nullptr;
        detail::check(larkmsg_fake_start(&fake, &error), error);
        fake_.reset(fake);
    }

    /** The base URL, http://127.0.0.1:PORT. */
    std::string url() const { return larkmsg_fake_url(fake_.get()); }

    /** Options of a client for the fake's default app (pacing off), as JSON. */
    std::string client_options() const {
        return std::string(R"({"app_id": ")") + LARKMSG_FAKE_APP_ID + R"(", "app_secret": ")" +
               LARKMSG_FAKE_APP_SECRET + R"(", "base_url": ")" + url() + R"(", "quotas": false})";
    }

    /** Runs a control: ("GET", "inbox"), ("POST", "faults", plan_json), ... */
    ControlAnswer control(const std::string &method, const std::string &name,
                          const std::optional<std::string> &body_json = std::nullopt) const {
        std::uint16_t status = 0;
        char *json = nullptr;
        larkmsg_error *error = nullptr;
        detail::check(larkmsg_fake_control(fake_.get(), method.c_str(), name.c_str(),
                                           body_json ? body_json->c_str() : nullptr, &status, &json, &error),
                      error);
        return ControlAnswer{status, detail::take(json)};
    }

    /** The C handle. */
    const larkmsg_fake *get() const noexcept { return fake_.get(); }

private:
    std::unique_ptr<larkmsg_fake, detail::FakeDeleter> fake_;
};

}  // namespace larkmsg

#endif  // LARKMSG_HPP
