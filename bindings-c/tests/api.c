/*
 * The C API's contract: NULL arguments, invalid UTF-8 and invalid JSON are errors (never
 * crashes), out-parameters are written only on success, the error object's accessors,
 * the typed send_text, the asynchronous calls and their callbacks, internal errors, the
 * content builder, the version.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "larkmsg.h"

static int failures = 0;

#define CHECK(condition)                                                      \
    do {                                                                      \
        if (!(condition)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                       \
        }                                                                     \
    } while (0)

/* A sentinel that out-parameters must keep when a call fails. */
static char untouched_text[] = "untouched";
#define UNTOUCHED (untouched_text)

/* Checks a failed call: the code and an error object of that kind (taken from *slot and
 * freed). */
static void expect_failure(larkmsg_result result, larkmsg_error **slot, larkmsg_result want, const char *kind,
                           const char *mention) {
    /* Read through the pointer: the call in the first argument has written it by now. */
    larkmsg_error *error = *slot;
    *slot = NULL;
    CHECK(result == want);
    CHECK(error != NULL);
    if (!error) return;
    CHECK(larkmsg_error_result(error) == want);
    CHECK(strcmp(larkmsg_error_kind(error), kind) == 0);
    const char *message = larkmsg_error_message(error);
    CHECK(message != NULL && strstr(message, mention) != NULL);
    if (message && !strstr(message, mention)) fprintf(stderr, "  message was: %s\n", message);
    CHECK(larkmsg_error_json(error) != NULL && strstr(larkmsg_error_json(error), kind) != NULL);
    larkmsg_error_free(error);
}

static char *options_for(const larkmsg_fake *fake) {
    static char options[512];
    snprintf(options, sizeof options,
             "{\"app_id\":\"cli_fake_app\",\"app_secret\":\"fake_app_secret\",\"base_url\":\"%s\","
             "\"quotas\":false,\"retry\":{\"initial_backoff_ms\":10,\"max_backoff_ms\":50}}",
             larkmsg_fake_url(fake));
    return options;
}

static void test_version(void) {
    const char *version = larkmsg_version();
    CHECK(version != NULL && strlen(version) >= 5 && strchr(version, '.') != NULL);
}

static void test_null_arguments(larkmsg_fake *fake, larkmsg_client *client) {
    larkmsg_error *error = NULL;
    char *response = UNTOUCHED;
    larkmsg_client *made = (larkmsg_client *)UNTOUCHED;

    expect_failure(larkmsg_client_new(NULL, &made, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "options_json must not be NULL");
    CHECK(made == (larkmsg_client *)UNTOUCHED);
    expect_failure(larkmsg_client_new("{}", NULL, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "client_out");
    /* A NULL error_out is allowed: only the code comes back. */
    CHECK(larkmsg_client_new(NULL, &made, NULL) == LARKMSG_RESULT_INVALID_ARGUMENT);

    expect_failure(larkmsg_send_message(NULL, "{}", &response, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "client must not be NULL");
    expect_failure(larkmsg_send_message(client, NULL, &response, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "request_json must not be NULL");
    expect_failure(larkmsg_batch_send(client, "{}", NULL, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "response_out");
    expect_failure(larkmsg_call(client, NULL, "{}", &response, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "call must not be NULL");
    expect_failure(larkmsg_send_text(client, "open_id", NULL, "hi", &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "receive_id must not be NULL");
    expect_failure(larkmsg_send_text(client, "open_id", "ou_1", NULL, &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "text must not be NULL");
    expect_failure(larkmsg_client_set_app_ticket(NULL, "t", &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "client must not be NULL");
    expect_failure(larkmsg_send_message_async(client, "{}", NULL, NULL, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "callback must not be NULL");
    CHECK(response == UNTOUCHED);

    /* The fake's functions. */
    uint16_t status = 7;
    expect_failure(larkmsg_fake_control(NULL, "GET", "inbox", NULL, &status, &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "fake must not be NULL");
    expect_failure(larkmsg_fake_control(fake, NULL, "inbox", NULL, &status, &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "method must not be NULL");
    CHECK(status == 7 && response == UNTOUCHED);
    expect_failure(larkmsg_fake_start(NULL, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument",
                   "fake_out");
    CHECK(larkmsg_fake_url(NULL) == NULL);

    /* Accessors and frees take NULL. */
    CHECK(larkmsg_error_kind(NULL) == NULL);
    CHECK(larkmsg_error_message(NULL) == NULL);
    CHECK(larkmsg_error_log_id(NULL) == NULL);
    CHECK(larkmsg_error_json(NULL) == NULL);
    CHECK(larkmsg_error_code(NULL) == 0);
    CHECK(larkmsg_error_http_status(NULL) == 0);
    CHECK(!larkmsg_error_maybe_sent(NULL));
    CHECK(larkmsg_error_result(NULL) == LARKMSG_RESULT_INVALID_ARGUMENT);
    larkmsg_error_free(NULL);
    larkmsg_string_free(NULL);
    larkmsg_client_free(NULL);
    larkmsg_fake_free(NULL);
}

static void test_invalid_text(larkmsg_client *client) {
    larkmsg_error *error = NULL;
    char *response = UNTOUCHED;
    larkmsg_client *made = (larkmsg_client *)UNTOUCHED;

    expect_failure(larkmsg_client_new("{\"app_id\": ", &made, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "options_json is not valid JSON");
    expect_failure(larkmsg_client_new("{\"app_id\": \"cli_1\", \"secret\": \"s\"}", &made, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "secret");
    expect_failure(larkmsg_client_new("{\"app_id\": \"cli_1\"}", &made, &error), &error, LARKMSG_RESULT_CONFIG,
                   "config", "app_secret");
    CHECK(made == (larkmsg_client *)UNTOUCHED);

    expect_failure(larkmsg_send_message(client, "{not json", &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "request_json is not valid JSON");
    expect_failure(larkmsg_send_message(client, "[1, 2]", &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "invalid_argument");
    expect_failure(larkmsg_call(client, "delete_everything", "{}", &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "delete_everything");

    /* Invalid UTF-8: a lone continuation byte, an overlong encoding, a truncated sequence. */
    const char bad_utf8[][32] = {"{\"a\": \"\x80\"}", "{\"a\": \"\xc0\xaf\"}", "{\"a\": \"\xe6\xa0\"}"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
            expect_failure(larkmsg_create_card(client, bad_utf8[i], &response, &error), &error,
                       LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "request_json is not valid UTF-8");
            expect_failure(larkmsg_client_new(bad_utf8[i], &made, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                       "invalid_argument", "options_json is not valid UTF-8");
    }
    expect_failure(larkmsg_send_text(client, "open_id", "ou_1", "caf\xc3", &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "text is not valid UTF-8");
    expect_failure(larkmsg_call(client, "send_\xff", "{}", &response, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "call is not valid UTF-8");
    CHECK(response == UNTOUCHED && made == (larkmsg_client *)UNTOUCHED);
}

static void test_calls_and_errors(larkmsg_fake *fake, larkmsg_client *client) {
    larkmsg_error *error = NULL;
    char *response = NULL;

    /* send_text, then the fake's inbox holds the text. */
    CHECK(larkmsg_send_text(client, "open_id", "ou_1", "Hello from C 你好", &response, &error) == LARKMSG_RESULT_OK);
    CHECK(error == NULL);
    CHECK(response != NULL && strstr(response, "\"message_id\":\"om_") != NULL);
    larkmsg_string_free(response);
    response = NULL;
    uint16_t status = 0;
    char *inbox = NULL;
    CHECK(larkmsg_fake_control(fake, "GET", "inbox", NULL, &status, &inbox, NULL) == LARKMSG_RESULT_OK);
    CHECK(status == 200 && inbox != NULL && strstr(inbox, "Hello from C") != NULL);
    larkmsg_string_free(inbox);

    /* A control that does not exist answers 404; a refused body 400. Both still return OK. */
    char *answer = NULL;
    CHECK(larkmsg_fake_control(fake, "GET", "nothing", NULL, &status, &answer, NULL) == LARKMSG_RESULT_OK);
    CHECK(status == 404);
    larkmsg_string_free(answer);
    CHECK(larkmsg_fake_control(fake, "POST", "quotas", "{\"on\": 1}", &status, NULL, NULL) == LARKMSG_RESULT_OK);
    CHECK(status == 400);

    /* A validation error names the field; nothing is sent. */
    CHECK(larkmsg_create_app_feed_card(client, "{\"user_ids\": []}", &response, &error) ==
          LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(response == NULL);
    CHECK(error != NULL && strstr(larkmsg_error_json(error), "\"violations\":[{") != NULL);
    CHECK(larkmsg_error_code(error) == 0 && larkmsg_error_http_status(error) == 0 && larkmsg_error_log_id(error) == NULL);
    larkmsg_error_free(error);
    error = NULL;

    /* A platform error carries code, HTTP status and log id. */
    CHECK(larkmsg_fake_control(fake, "POST", "faults", "{\"kind\": \"permission_denied\", \"endpoint\": \"create_card\"}",
                               &status, NULL, NULL) == LARKMSG_RESULT_OK);
    CHECK(status == 200);
    const char *card = "{\"type\": \"card_json\", \"data\": \"{\\\"schema\\\":\\\"2.0\\\",\\\"body\\\":{\\\"elements\\\":"
                       "[{\\\"tag\\\":\\\"markdown\\\",\\\"content\\\":\\\"hi\\\"}]}}\"}";
    CHECK(larkmsg_create_card(client, card, &response, &error) == LARKMSG_RESULT_PERMISSION);
    CHECK(error != NULL);
    if (error) {
        CHECK(strcmp(larkmsg_error_kind(error), "permission") == 0);
        CHECK(larkmsg_error_code(error) == 99991672);
        CHECK(larkmsg_error_http_status(error) == 400);
        CHECK(larkmsg_error_log_id(error) != NULL && strlen(larkmsg_error_log_id(error)) > 0);
        CHECK(strstr(larkmsg_error_message(error), "99991672") != NULL);
        CHECK(!larkmsg_error_maybe_sent(error));
        CHECK(strstr(larkmsg_error_message(error), "fake_app_secret") == NULL);
    }
    larkmsg_error_free(error);
    error = NULL;
    CHECK(larkmsg_create_card(client, card, &response, &error) == LARKMSG_RESULT_OK);
    CHECK(response != NULL && strstr(response, "card_id") != NULL);
    larkmsg_string_free(response);

    /* A store-app ticket on a client that is not a store app is a config error. */
    expect_failure(larkmsg_client_set_app_ticket(client, "ticket", &error), &error, LARKMSG_RESULT_CONFIG, "config",
                   "store app");
}

/* ---- asynchronous calls ---- */

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int remaining;
    int ok, failed, wrong;
    pthread_t caller;
    larkmsg_client *other; /* for a blocking call from a callback */
};

/* A send whose answer was lost names its uuid; larkmsg_resend delivers it exactly once. */
static void test_resend(larkmsg_fake *fake) {
    char options[640];
    snprintf(options, sizeof options,
             "{\"app_id\":\"cli_fake_app\",\"app_secret\":\"fake_app_secret\",\"base_url\":\"%s\","
             "\"quotas\":false,\"retry\":{\"max_attempts\":1}}",
             larkmsg_fake_url(fake));
    larkmsg_client *client = NULL;
    larkmsg_error *error = NULL;
    char *response = NULL;
    CHECK(larkmsg_client_new(options, &client, NULL) == LARKMSG_RESULT_OK);
    CHECK(larkmsg_fake_control(fake, "POST", "reset", NULL, NULL, NULL, NULL) == LARKMSG_RESULT_OK);
    CHECK(larkmsg_fake_control(fake, "POST", "faults",
                               "{\"kind\": \"drop_after_read\", \"endpoint\": \"send_message\", \"count\": 1}", NULL,
                               NULL, NULL) == LARKMSG_RESULT_OK);
    CHECK(larkmsg_send_text(client, "open_id", "ou_1", "once", &response, &error) == LARKMSG_RESULT_NETWORK);
    CHECK(error != NULL && larkmsg_error_maybe_sent(error));
    const char *uuid = error ? larkmsg_error_uuid(error) : NULL;
    CHECK(uuid != NULL && strlen(uuid) > 0);
    CHECK(error != NULL && strstr(larkmsg_error_json(error), "\"resend\":{") != NULL);
    CHECK(larkmsg_resend(client, error, &response, NULL) == LARKMSG_RESULT_OK);
    CHECK(response != NULL && uuid != NULL && strstr(response, uuid) != NULL);
    larkmsg_string_free(response);
    response = NULL;
    larkmsg_error_free(error);
    error = NULL;
    char *inbox = NULL;
    CHECK(larkmsg_fake_control(fake, "GET", "inbox", NULL, NULL, &inbox, NULL) == LARKMSG_RESULT_OK);
    const char *first = inbox ? strstr(inbox, "\"message_id\"") : NULL;
    CHECK(first != NULL && strstr(first + 1, "\"message_id\"") == NULL);
    larkmsg_string_free(inbox);
    /* NULL, or an error without a uuid, cannot be resent. */
    CHECK(larkmsg_resend(client, NULL, &response, &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    larkmsg_error_free(error);
    larkmsg_client_free(client);
}

static void on_done(void *user_data, larkmsg_result result, char *response_json, larkmsg_error *error) {
    struct waiter *w = user_data;
    int right = pthread_equal(pthread_self(), w->caller) == 0;
    if (result == LARKMSG_RESULT_OK) {
        right = right && response_json != NULL && error == NULL;
    } else {
        right = right && response_json == NULL && error != NULL && larkmsg_error_result(error) == result;
        /* A blocking call from a callback is refused, not a deadlock. */
        char *nested = NULL;
        larkmsg_error *nested_error = NULL;
        right = right && larkmsg_send_text(w->other, "open_id", "ou_1", "x", &nested, &nested_error) ==
                             LARKMSG_RESULT_CONFIG;
        right = right && nested == NULL && strstr(larkmsg_error_message(nested_error), "async") != NULL;
        larkmsg_error_free(nested_error);
        /* So is stopping the runtime from one of its own threads. */
        right = right && larkmsg_shutdown(&nested_error) == LARKMSG_RESULT_CONFIG;
        larkmsg_error_free(nested_error);
    }
    larkmsg_string_free(response_json);
    larkmsg_error_free(error);
    pthread_mutex_lock(&w->lock);
    if (result == LARKMSG_RESULT_OK) w->ok++;
    else w->failed++;
    if (!right) w->wrong++;
    w->remaining--;
    pthread_cond_signal(&w->done);
    pthread_mutex_unlock(&w->lock);
}

static void test_async(larkmsg_fake *fake, const char *options) {
    larkmsg_client *client = NULL;
    CHECK(larkmsg_client_new(options, &client, NULL) == LARKMSG_RESULT_OK);
    struct waiter w = {.remaining = 0};
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.done, NULL);
    w.caller = pthread_self();
    CHECK(larkmsg_client_new(options, &w.other, NULL) == LARKMSG_RESULT_OK);
    const char *message = "{\"receive_id_type\":\"open_id\",\"receive_id\":\"ou_2\",\"msg_type\":\"text\","
                          "\"content\":\"{\\\"text\\\":\\\"async\\\"}\"}";
    const char *batch = "{\"msg_type\":\"text\",\"content\":{\"text\":\"hi\"},\"open_ids\":[\"ou_1\",\"ou_2\"]}";
    const char *feed = "{\"user_id_type\":\"open_id\",\"app_feed_card\":{\"title\":\"t\",\"link\":{\"link\":"
                       "\"https://www.feishu.cn/\"}},\"user_ids\":[\"ou_1\"]}";
    int started = 0;
    for (int i = 0; i < 5; i++) {
        started += larkmsg_send_message_async(client, message, on_done, &w, NULL) == LARKMSG_RESULT_OK;
    }
    started += larkmsg_batch_send_async(client, batch, on_done, &w, NULL) == LARKMSG_RESULT_OK;
    started += larkmsg_create_app_feed_card_async(client, feed, on_done, &w, NULL) == LARKMSG_RESULT_OK;
    started += larkmsg_send_text_async(client, "open_id", "ou_3", "text", on_done, &w, NULL) == LARKMSG_RESULT_OK;
    started += larkmsg_call_async(client, "send_message", message, on_done, &w, NULL) == LARKMSG_RESULT_OK;
    /* Validation errors come through the callback. */
    started += larkmsg_create_card_async(client, "{\"type\": \"card_json\"}", on_done, &w, NULL) == LARKMSG_RESULT_OK;
    CHECK(started == 10);
    /* Unusable arguments are reported at once and never call back. */
    larkmsg_error *error = NULL;
    CHECK(larkmsg_call_async(client, "nope", "{}", on_done, &w, &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    larkmsg_error_free(error);
    CHECK(larkmsg_send_message_async(client, "{", on_done, &w, NULL) == LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(larkmsg_send_text_async(NULL, "open_id", "ou_3", "t", on_done, &w, NULL) == LARKMSG_RESULT_INVALID_ARGUMENT);
    /* The calls keep their own reference: the client can go now. */
    larkmsg_client_free(client);

    pthread_mutex_lock(&w.lock);
    w.remaining += started;
    while (w.remaining > 0) pthread_cond_wait(&w.done, &w.lock);
    pthread_mutex_unlock(&w.lock);
    CHECK(w.ok == 9);
    CHECK(w.failed == 1);
    CHECK(w.wrong == 0);
    larkmsg_client_free(w.other);
    pthread_cond_destroy(&w.done);
    pthread_mutex_destroy(&w.lock);

    char *counters = NULL;
    CHECK(larkmsg_fake_control(fake, "GET", "counters", NULL, NULL, &counters, NULL) == LARKMSG_RESULT_OK);
    CHECK(counters != NULL && strstr(counters, "\"create_card\"") == NULL);
    larkmsg_string_free(counters);
}

/* A request whose card nests `levels` arrays: refused as invalid_argument, deep or very deep. */
static void expect_too_deep(larkmsg_client *client, int levels, const char *mention) {
    const char *head = "{\"msg_type\":\"interactive\",\"open_ids\":[\"ou_1\"],\"card\":";
    size_t size = strlen(head) + 2 * (size_t)levels + 2;
    char *request = malloc(size);
    if (!request) return;
    char *end = request + sprintf(request, "%s", head);
    memset(end, '[', (size_t)levels);
    memset(end + levels, ']', (size_t)levels);
    strcpy(end + 2 * levels, "}");
    larkmsg_error *error = NULL;
    char *response = UNTOUCHED;
    expect_failure(larkmsg_batch_send(client, request, &response, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", mention);
    CHECK(response == UNTOUCHED);
    free(request);
}

/* Clients sharing a Redis store ("shared" in the options): one token fetch for all of
 * them, and together within the quotas the fake enforces. test.sh starts the Redis server
 * (LARKMSG_TEST_REDIS_URL). */
static void test_shared_store(larkmsg_fake *fake) {
    const char *redis_url = getenv("LARKMSG_TEST_REDIS_URL");
    if (!redis_url || !*redis_url) {
        CHECK(getenv("LARKMSG_REQUIRE_REDIS") == NULL);
        fprintf(stderr, "skipped: the shared store (no LARKMSG_TEST_REDIS_URL)\n");
        return;
    }
    CHECK(larkmsg_fake_control(fake, "POST", "reset", NULL, NULL, NULL, NULL) == LARKMSG_RESULT_OK);
    CHECK(larkmsg_fake_control(fake, "POST", "quotas", "{\"enabled\": true}", NULL, NULL, NULL) == LARKMSG_RESULT_OK);
    char options[1024];
    snprintf(options, sizeof options,
             "{\"app_id\":\"cli_fake_app\",\"app_secret\":\"fake_app_secret\",\"base_url\":\"%s\","
             "\"shared\":{\"redis_url\":\"%s\",\"key_prefix\":\"c-%ld:\",\"timeout_ms\":5000}}",
             larkmsg_fake_url(fake), redis_url, (long)time(NULL));
    larkmsg_client *clients[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) CHECK(larkmsg_client_new(options, &clients[i], NULL) == LARKMSG_RESULT_OK);
    for (int n = 0; n < 60; n++) {
        char receiver[32], text[32];
        snprintf(receiver, sizeof receiver, "ou_%d", n % 20);
        snprintf(text, sizeof text, "shared %d", n);
        char *message = NULL;
        CHECK(larkmsg_send_text(clients[n % 3], "open_id", receiver, text, &message, NULL) == LARKMSG_RESULT_OK);
        larkmsg_string_free(message);
    }
    for (int i = 0; i < 3; i++) larkmsg_client_free(clients[i]);
    char *counters = NULL;
    CHECK(larkmsg_fake_control(fake, "GET", "counters", NULL, NULL, &counters, NULL) == LARKMSG_RESULT_OK);
    /* One token request in all, and no throttled answer. */
    CHECK(counters != NULL && strstr(counters, "\"token_requests\":{\"tenant_access_token_internal\":1}") != NULL);
    CHECK(counters != NULL && strstr(counters, "\"throttled\":{}") != NULL);
    if (counters && !strstr(counters, "\"throttled\":{}")) fprintf(stderr, "  counters: %s\n", counters);
    larkmsg_string_free(counters);
    CHECK(larkmsg_fake_control(fake, "POST", "quotas", "{\"enabled\": false}", NULL, NULL, NULL) == LARKMSG_RESULT_OK);
}

static void test_deep_input(larkmsg_client *client) {
    expect_too_deep(client, 100, "card: must be nested at most 64");
    expect_too_deep(client, 100000, "recursion limit");
}

struct settled {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int calls;
    larkmsg_result result;
    int internal_kind;
};

static void on_settled(void *user_data, larkmsg_result result, char *response_json, larkmsg_error *error) {
    struct settled *s = user_data;
    pthread_mutex_lock(&s->lock);
    s->calls++;
    s->result = result;
    s->internal_kind = response_json == NULL && error != NULL && strcmp(larkmsg_error_kind(error), "internal") == 0;
    pthread_cond_signal(&s->done);
    pthread_mutex_unlock(&s->lock);
    larkmsg_string_free(response_json);
    larkmsg_error_free(error);
}

/* A bug inside the library (a panic, injected by a test-only option) ends a call with
 * LARKMSG_RESULT_INTERNAL: the blocking call returns it, the asynchronous one calls back. */
static void test_internal_errors(void) {
    larkmsg_client *client = NULL;
    CHECK(larkmsg_client_new("{\"tenant_access_token\":\"t-1\",\"base_url\":\"http://127.0.0.1:1\","
                             "\"_panic_in_calls_for_tests\":true}",
                             &client, NULL) == LARKMSG_RESULT_OK);
    larkmsg_error *error = NULL;
    char *response = UNTOUCHED;
    expect_failure(larkmsg_send_text(client, "open_id", "ou_1", "hi", &response, &error), &error,
                   LARKMSG_RESULT_INTERNAL, "internal", "panic");
    CHECK(response == UNTOUCHED);
    struct settled s = {.calls = 0};
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.done, NULL);
    CHECK(larkmsg_send_text_async(client, "open_id", "ou_1", "hi", on_settled, &s, NULL) == LARKMSG_RESULT_OK);
    pthread_mutex_lock(&s.lock);
    while (s.calls == 0) pthread_cond_wait(&s.done, &s.lock);
    pthread_mutex_unlock(&s.lock);
    CHECK(s.calls == 1 && s.result == LARKMSG_RESULT_INTERNAL && s.internal_kind);
    pthread_cond_destroy(&s.done);
    pthread_mutex_destroy(&s.lock);
    larkmsg_client_free(client);
}

/* ---- the content builder ---- */

static void test_build_content(void) {
    larkmsg_error *error = NULL;
    char *built = NULL;

    /* A card with a callback button, written byte for byte as every binding writes it. */
    const char *card = "{\"card\":{\"header\":{\"title\":\"Hi\"},\"elements\":[{\"button\":{\"text\":\"Go\","
                       "\"type\":\"primary\",\"value\":{\"go\":1}}}]}}";
    const char *card_built =
        "{\"msg_type\":\"interactive\",\"content\":\"{\\\"schema\\\":\\\"2.0\\\",\\\"header\\\":{\\\"title\\\":"
        "{\\\"content\\\":\\\"Hi\\\",\\\"tag\\\":\\\"plain_text\\\"}},\\\"body\\\":{\\\"elements\\\":[{\\\"tag\\\":"
        "\\\"button\\\",\\\"text\\\":{\\\"content\\\":\\\"Go\\\",\\\"tag\\\":\\\"plain_text\\\"},\\\"type\\\":"
        "\\\"primary\\\",\\\"behaviors\\\":[{\\\"type\\\":\\\"callback\\\",\\\"value\\\":{\\\"go\\\":1}}]}]}}\"}";
    CHECK(larkmsg_build_content(card, &built, &error) == LARKMSG_RESULT_OK);
    CHECK(error == NULL);
    CHECK(built != NULL && strcmp(built, card_built) == 0);
    if (built && strcmp(built, card_built) != 0) fprintf(stderr, "  built: %s\n", built);
    larkmsg_string_free(built);
    built = NULL;

    /* A text from parts; the error object is optional. */
    const char *text = "{\"text\":[{\"part\":\"at_all\"},{\"part\":\"text\",\"text\":\" 你好\"}]}";
    const char *text_built = "{\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"<at user_id=\\\\\\\"all\\\\\\\">"
                             "</at> 你好\\\"}\"}";
    CHECK(larkmsg_build_content(text, &built, NULL) == LARKMSG_RESULT_OK);
    CHECK(built != NULL && strcmp(built, text_built) == 0);
    larkmsg_string_free(built);

    /* Bad specs name the path of every violation; the out-parameter is left alone. */
    char *untouched = UNTOUCHED;
    const char *bad = "{\"card\":{\"elements\":[{\"button\":{\"text\":1}},{\"divider\":{\"id\":\"x\"}}]}}";
    CHECK(larkmsg_build_content(bad, &untouched, &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(larkmsg_error_json(error), "\"path\":\"card.elements[0].button.text\"") != NULL);
    CHECK(error != NULL && strstr(larkmsg_error_json(error), "\"path\":\"card.elements[1].divider.id\"") != NULL);
    larkmsg_error_free(error);
    error = NULL;
    expect_failure(larkmsg_build_content("{\"image\":{\"image_key\":\"\"}}", &untouched, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "content.image_key");
    expect_failure(larkmsg_build_content("{\"imag\":{}}", &untouched, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "imag");
    expect_failure(larkmsg_build_content(NULL, &untouched, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "spec_json must not be NULL");
    expect_failure(larkmsg_build_content("{\"text\":", &untouched, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "spec_json is not valid JSON");
    expect_failure(larkmsg_build_content("{\"text\":\"\xff\"}", &untouched, &error), &error,
                   LARKMSG_RESULT_INVALID_ARGUMENT, "invalid_argument", "spec_json is not valid UTF-8");
    expect_failure(larkmsg_build_content(text, NULL, &error), &error, LARKMSG_RESULT_INVALID_ARGUMENT,
                   "invalid_argument", "out_json");
    CHECK(untouched == UNTOUCHED);
}

/* ---- shutdown ---- */

/* larkmsg_shutdown joins the runtime's threads; the library starts again when used. It
 * ends main, so that valgrind sees no memory of those threads as possibly lost. */
static void test_shutdown(void) {
    CHECK(larkmsg_shutdown(NULL) == LARKMSG_RESULT_OK);
    larkmsg_fake *fake = NULL;
    CHECK(larkmsg_fake_start(&fake, NULL) == LARKMSG_RESULT_OK);
    CHECK(fake != NULL && strncmp(larkmsg_fake_url(fake), "http://127.0.0.1:", 17) == 0);
    larkmsg_fake_free(fake);
    CHECK(larkmsg_shutdown(NULL) == LARKMSG_RESULT_OK);
    CHECK(larkmsg_shutdown(NULL) == LARKMSG_RESULT_OK);
}

int main(void) {
    larkmsg_fake *fake = NULL;
    if (larkmsg_fake_start(&fake, NULL) != LARKMSG_RESULT_OK) {
        fprintf(stderr, "cannot start the fake\n");
        return 1;
    }
    char options[512];
    snprintf(options, sizeof options, "%s", options_for(fake));
    larkmsg_client *client = NULL;
    larkmsg_error *error = NULL;
    if (larkmsg_client_new(options, &client, &error) != LARKMSG_RESULT_OK) {
        fprintf(stderr, "client: %s\n", larkmsg_error_message(error));
        return 1;
    }
    test_version();
    test_build_content();
    test_null_arguments(fake, client);
    test_invalid_text(client);
    test_calls_and_errors(fake, client);
    test_deep_input(client);
    test_resend(fake);
    larkmsg_client_free(client);
    CHECK(larkmsg_fake_control(fake, "POST", "reset", NULL, NULL, NULL, NULL) == LARKMSG_RESULT_OK);
    test_async(fake, options);
    test_shared_store(fake);
    test_internal_errors();
    larkmsg_fake_free(fake);
    test_shutdown();
    printf("api (C): %s, %d failed checks\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
