/*
 * The card stream through the C API against the bundled fake: a 2,000-token answer
 * appended in about 2 s (the core's own test streams it at 200 tokens per second on a
 * paused clock) lands exactly, with no refused operation, at most 10 operations on the
 * card in any second and increasing sequences; a finish after the auto-close; a sequence
 * moved by another writer; a stream freed mid-way is finished in the background; NULL
 * arguments and bad options are errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "larkmsg.h"

static int failures = 0;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

static void sleep_ms(long ms) {
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* Runs a control; its parsed answer (caller deletes) or NULL. */
static cJSON *control(larkmsg_fake *fake, const char *method, const char *name, const char *body) {
    uint16_t status = 0;
    char *answer = NULL;
    if (larkmsg_fake_control(fake, method, name, body, &status, &answer, NULL) != LARKMSG_RESULT_OK) return NULL;
    cJSON *parsed = status == 200 ? cJSON_Parse(answer) : NULL;
    larkmsg_string_free(answer);
    return parsed;
}

static cJSON *card_state(larkmsg_fake *fake, const char *card_id) {
    char name[128];
    snprintf(name, sizeof name, "card?card_id=%s", card_id);
    return control(fake, "GET", name, NULL);
}

/* The text of the card's `answer` element (a copy the caller frees), or NULL. */
static char *answer_text(larkmsg_fake *fake, const char *card_id) {
    cJSON *card = card_state(fake, card_id);
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(card, "texts"), "answer");
    char *copy = cJSON_IsString(text) ? strdup(text->valuestring) : NULL;
    cJSON_Delete(card);
    return copy;
}

static int has_code(const cJSON *card, int code) {
    const cJSON *op;
    cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(card, "operations")) {
        if (cJSON_GetObjectItemCaseSensitive(op, "code")->valueint == code) return 1;
    }
    return 0;
}

static int streaming(larkmsg_fake *fake, const char *card_id) {
    cJSON *card = card_state(fake, card_id);
    int on = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(card, "streaming_mode"));
    cJSON_Delete(card);
    return on;
}

static void wait_for_text(larkmsg_fake *fake, const char *card_id, const char *want) {
    for (int i = 0; i < 1500; i++) {
        char *text = answer_text(fake, card_id);
        int done = text && strcmp(text, want) == 0;
        free(text);
        if (done) return;
        sleep_ms(20);
    }
    CHECK(!"the text reached the card");
}

static larkmsg_client *client_for(larkmsg_fake *fake) {
    char options[512];
    snprintf(options, sizeof options,
             "{\"app_id\":\"cli_fake_app\",\"app_secret\":\"fake_app_secret\",\"base_url\":\"%s\","
             "\"retry\":{\"initial_backoff_ms\":10,\"max_backoff_ms\":50}}",
             larkmsg_fake_url(fake));
    larkmsg_client *client = NULL;
    CHECK(larkmsg_client_new(options, &client, NULL) == LARKMSG_RESULT_OK);
    return client;
}

static larkmsg_card_stream *start(larkmsg_client *client, const char *options) {
    larkmsg_card_stream *stream = NULL;
    larkmsg_error *error = NULL;
    larkmsg_result result = larkmsg_card_stream_start(client, options, &stream, &error);
    if (result != LARKMSG_RESULT_OK) fprintf(stderr, "start: %s\n", larkmsg_error_message(error));
    CHECK(result == LARKMSG_RESULT_OK);
    larkmsg_error_free(error);
    return stream;
}

static const char *token(int n) {
    static const char *tokens[] = {"流式", " word", " 1.", "\n"};
    return tokens[n % 4];
}

static void test_a_2000_token_answer(larkmsg_fake *fake, larkmsg_client *client) {
    larkmsg_card_stream *stream =
        start(client, "{\"receive_id_type\":\"open_id\",\"receive_id\":\"ou_c\",\"card\":{\"header\":{\"title\":\"AI\"}}}");
    if (!stream) return;
    size_t size = 2000 * 8 + 1, used = 0;
    char *answer = calloc(size, 1);
    double started = now_ms();
    for (int n = 0; n < 2000; n++) {
        used += (size_t)snprintf(answer + used, size - used, "%s", token(n));
        CHECK(larkmsg_card_stream_append(stream, token(n), NULL) == LARKMSG_RESULT_OK);
        if (n % 20 == 19) {
            double ahead = started + (n + 1) - now_ms();
            if (ahead > 0) sleep_ms((long)ahead);
        }
    }
    char *summary = NULL;
    CHECK(larkmsg_card_stream_finish(stream, NULL, NULL, &summary, NULL) == LARKMSG_RESULT_OK);
    cJSON *parsed = cJSON_Parse(summary);
    cJSON *card = card_state(fake, larkmsg_card_stream_card_id(stream));
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(card, "texts"), "answer");
    CHECK(cJSON_IsString(text) && strcmp(text->valuestring, answer) == 0);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(card, "streaming_mode")));
    CHECK(cJSON_GetObjectItemCaseSensitive(card, "max_operations_per_second")->valueint <= 10);
    int last = 0, all_ok = 1, increasing = 1;
    const cJSON *op;
    cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(card, "operations")) {
        int code = cJSON_GetObjectItemCaseSensitive(op, "code")->valueint;
        int sequence = cJSON_GetObjectItemCaseSensitive(op, "sequence")->valueint;
        all_ok &= code == 0;
        increasing &= sequence > last;
        last = sequence;
    }
    CHECK(all_ok && increasing);
    CHECK(cJSON_GetObjectItemCaseSensitive(parsed, "sequence")->valueint == last);
    int pushes = cJSON_GetObjectItemCaseSensitive(parsed, "pushes")->valueint;
    CHECK(pushes >= 2 && pushes < 2000);
    cJSON *counters = control(fake, "GET", "counters", NULL);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(counters, "throttled")) == 0);
    cJSON_Delete(counters);
    cJSON_Delete(card);
    cJSON_Delete(parsed);
    larkmsg_string_free(summary);
    free(answer);
    /* Finished: appends are refused. */
    larkmsg_error *error = NULL;
    CHECK(larkmsg_card_stream_append(stream, "more", &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    larkmsg_error_free(error);
    larkmsg_card_stream_free(stream);
}

static void test_finish_after_the_auto_close(larkmsg_fake *fake, larkmsg_client *client) {
    larkmsg_card_stream *stream = start(client, "{\"receive_id_type\":\"open_id\",\"receive_id\":\"ou_late\"}");
    if (!stream) return;
    const char *card_id = larkmsg_card_stream_card_id(stream);
    CHECK(larkmsg_card_stream_append(stream, "before", NULL) == LARKMSG_RESULT_OK);
    wait_for_text(fake, card_id, "before");
    cJSON_Delete(control(fake, "POST", "clock", "{\"advance_seconds\":660}"));
    CHECK(larkmsg_card_stream_append(stream, " and after", NULL) == LARKMSG_RESULT_OK);
    char *summary = NULL;
    CHECK(larkmsg_card_stream_finish(stream, NULL, "done", &summary, NULL) == LARKMSG_RESULT_OK);
    CHECK(summary && strstr(summary, "\"reopened\":1") != NULL);
    cJSON *card = card_state(fake, card_id);
    CHECK(has_code(card, 200850));
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(card, "summary")->valuestring, "done") == 0);
    cJSON_Delete(card);
    char *text = answer_text(fake, card_id);
    CHECK(text && strcmp(text, "before and after") == 0);
    free(text);
    larkmsg_string_free(summary);
    larkmsg_card_stream_free(stream);
}

static void test_a_moved_sequence(larkmsg_fake *fake, larkmsg_client *client) {
    larkmsg_card_stream *stream = start(client, "{\"reply_to\":\"om_question\"}");
    if (!stream) return;
    const char *card_id = larkmsg_card_stream_card_id(stream);
    CHECK(larkmsg_card_stream_push(stream, "one", NULL) == LARKMSG_RESULT_OK);
    wait_for_text(fake, card_id, "one");
    char request[256], *response = NULL;
    snprintf(request, sizeof request,
             "{\"card_id\":\"%s\",\"settings\":{\"config\":{\"summary\":{\"content\":\"x\"}}},\"sequence\":40}", card_id);
    CHECK(larkmsg_update_card_settings(client, request, &response, NULL) == LARKMSG_RESULT_OK);
    larkmsg_string_free(response);
    CHECK(larkmsg_card_stream_append(stream, " two", NULL) == LARKMSG_RESULT_OK);
    CHECK(larkmsg_card_stream_finish(stream, NULL, NULL, NULL, NULL) == LARKMSG_RESULT_OK);
    cJSON *card = card_state(fake, card_id);
    CHECK(has_code(card, 300317));
    CHECK(cJSON_GetObjectItemCaseSensitive(card, "sequence")->valueint > 40);
    cJSON_Delete(card);
    char *text = answer_text(fake, card_id);
    CHECK(text && strcmp(text, "one two") == 0);
    free(text);
    larkmsg_card_stream_free(stream);
}

static void test_a_stream_freed_mid_way(larkmsg_fake *fake, larkmsg_client *client) {
    larkmsg_card_stream *stream = start(client, "{\"receive_id_type\":\"open_id\",\"receive_id\":\"ou_cancel\"}");
    if (!stream) return;
    char card_id[64];
    snprintf(card_id, sizeof card_id, "%s", larkmsg_card_stream_card_id(stream));
    for (int n = 0; n < 40; n++) {
        CHECK(larkmsg_card_stream_append(stream, "x", NULL) == LARKMSG_RESULT_OK);
        sleep_ms(5);
    }
    larkmsg_card_stream_free(stream);
    for (int i = 0; i < 1500 && streaming(fake, card_id); i++) sleep_ms(20);
    CHECK(!streaming(fake, card_id));
    char *text = answer_text(fake, card_id);
    CHECK(text && strlen(text) == 40);
    free(text);
}

static void test_bad_arguments(larkmsg_client *client) {
    larkmsg_card_stream *stream = NULL;
    larkmsg_error *error = NULL;
    CHECK(larkmsg_card_stream_start(NULL, "{}", &stream, &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    larkmsg_error_free(error);
    error = NULL;
    CHECK(larkmsg_card_stream_start(client, "{\"reply_to\":\"om_1\",\"rate_share\":2}", &stream, &error) ==
          LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(error && strstr(larkmsg_error_json(error), "rate_share") != NULL);
    larkmsg_error_free(error);
    CHECK(stream == NULL);
    CHECK(larkmsg_card_stream_append(NULL, "x", NULL) == LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(larkmsg_card_stream_finish(NULL, NULL, NULL, NULL, NULL) == LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(larkmsg_card_stream_card_id(NULL) == NULL && larkmsg_card_stream_message_id(NULL) == NULL);
    larkmsg_card_stream_free(NULL);
}

int main(void) {
    larkmsg_fake *fake = NULL;
    if (larkmsg_fake_start(&fake, NULL) != LARKMSG_RESULT_OK) return 2;
    cJSON_Delete(control(fake, "POST", "quotas", "{\"enabled\":true}"));
    larkmsg_client *client = client_for(fake);
    test_a_2000_token_answer(fake, client);
    test_finish_after_the_auto_close(fake, client);
    test_a_moved_sequence(fake, client);
    test_a_stream_freed_mid_way(fake, client);
    test_bad_arguments(client);
    larkmsg_client_free(client);
    larkmsg_fake_free(fake);
    /* Joins the runtime's threads, so that valgrind finds nothing of them "possibly lost". */
    CHECK(larkmsg_shutdown(NULL) == LARKMSG_RESULT_OK);
    printf("stream (C): %s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
