/*
 * Uploads and large audiences through the C API, against the fake: upload an image from
 * bytes (larkmsg_call_ex) and send it by its key, a wrong format refused before sending,
 * 450 open_ids in one call, 30 feed card users, and a campaign of 10,000 receivers whose
 * process (this program again, as a child) is killed with SIGKILL half-way and rerun:
 * the fake then holds exactly one message per receiver.
 *
 * Usage: flows                      (the tests)
 *        flows --campaign URL N J   (the campaign's process: prints "progress DONE" lines)
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "larkmsg.h"

static int failures = 0;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

static char *options_for(const char *url) {
    static char options[512];
    snprintf(options, sizeof options,
             "{\"app_id\":\"cli_fake_app\",\"app_secret\":\"fake_app_secret\",\"base_url\":\"%s\","
             "\"quotas\":false,\"retry\":{\"initial_backoff_ms\":10,\"max_backoff_ms\":50}}",
             url);
    return options;
}

/* Runs a call; gives its parsed result, or NULL (and prints the error). */
static cJSON *call(larkmsg_client *client, const char *name, const char *request, const larkmsg_buffer *buffers,
                   size_t count, larkmsg_result *result_out) {
    char *response = NULL;
    larkmsg_error *error = NULL;
    larkmsg_result result = larkmsg_call_ex(client, name, request, buffers, count, NULL, NULL, &response, &error);
    if (result_out) *result_out = result;
    if (result != LARKMSG_RESULT_OK) {
        if (!result_out) fprintf(stderr, "%s: %s\n", name, larkmsg_error_message(error));
        larkmsg_error_free(error);
        return NULL;
    }
    cJSON *parsed = cJSON_Parse(response);
    larkmsg_string_free(response);
    return parsed;
}

static cJSON *inbox(larkmsg_fake *fake) {
    uint16_t status = 0;
    char *answer = NULL;
    if (larkmsg_fake_control(fake, "GET", "inbox", NULL, &status, &answer, NULL) != LARKMSG_RESULT_OK) return NULL;
    cJSON *parsed = cJSON_Parse(answer);
    larkmsg_string_free(answer);
    return parsed;
}

static int list_size(const cJSON *object, const char *key) {
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(object, key));
}

/* A 64 x 48 PNG header. */
static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                    0,    0,   0,   64,  0,    0,    0,    48,   8, 6, 0, 0,  0,   0,   0,   0};

static void test_upload_then_send(larkmsg_client *client, larkmsg_fake *fake) {
    larkmsg_buffer image = {PNG, sizeof PNG};
    cJSON *uploaded = call(client, "upload_image", "{\"image_type\":\"message\",\"image\":{\"buffer\":0}}", &image, 1, NULL);
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(uploaded, "image_key"));
    CHECK(key != NULL && strncmp(key, "img_v3_", 7) == 0);
    char request[512];
    snprintf(request, sizeof request,
             "{\"receive_id_type\":\"open_id\",\"receive_id\":\"ou_1\",\"msg_type\":\"image\",\"content\":\"{\\\"image_key\\\":\\\"%s\\\"}\"}",
             key ? key : "");
    cJSON *sent = call(client, "send_message", request, NULL, 0, NULL);
    CHECK(sent != NULL);
    cJSON *one_call = call(client, "send_image", "{\"receive_id_type\":\"open_id\",\"receive_id\":\"ou_2\",\"image\":{\"buffer\":0}}", &image, 1, NULL);
    CHECK(one_call != NULL);
    cJSON *box = inbox(fake);
    CHECK(list_size(box, "images") == 2 && list_size(box, "messages") == 2);
    cJSON_Delete(uploaded);
    cJSON_Delete(sent);
    cJSON_Delete(one_call);
    cJSON_Delete(box);
}

static void test_wrong_format(larkmsg_client *client, larkmsg_fake *fake) {
    static const unsigned char PDF[] = "%PDF-1.7 not an image";
    larkmsg_buffer document = {PDF, sizeof PDF - 1};
    char *response = NULL;
    larkmsg_error *error = NULL;
    larkmsg_result result = larkmsg_call_ex(client, "upload_image", "{\"image_type\":\"message\",\"image\":{\"buffer\":0}}",
                                            &document, 1, NULL, NULL, &response, &error);
    CHECK(result == LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(response == NULL);
    CHECK(error && strstr(larkmsg_error_json(error), "\"path\":\"image\"") != NULL);
    larkmsg_error_free(error);
    larkmsg_buffer missing = {NULL, 3};
    result = larkmsg_call_ex(client, "upload_image", "{}", &missing, 1, NULL, NULL, &response, &error);
    CHECK(result == LARKMSG_RESULT_INVALID_ARGUMENT);
    larkmsg_error_free(error);
    cJSON *box = inbox(fake);
    CHECK(list_size(box, "images") == 2);
    cJSON_Delete(box);
}

struct seen {
    uint64_t reports;
    uint64_t done;
    uint64_t total;
};

static void count_progress(void *user_data, const larkmsg_progress *progress) {
    struct seen *seen = user_data;
    seen->reports++;
    seen->done = progress->done;
    seen->total = progress->total;
}

static void test_audiences(larkmsg_client *client) {
    cJSON *request = cJSON_CreateObject();
    cJSON_AddStringToObject(request, "msg_type", "text");
    cJSON_AddItemToObject(request, "content", cJSON_Parse("{\"text\":\"通知\"}"));
    cJSON *opens = cJSON_AddArrayToObject(request, "open_ids");
    char id[32];
    for (int i = 0; i < 450; i++) {
        snprintf(id, sizeof id, "ou_%d", i);
        cJSON_AddItemToArray(opens, cJSON_CreateString(id));
    }
    char *text = cJSON_PrintUnformatted(request);
    struct seen seen = {0, 0, 0};
    char *response = NULL;
    larkmsg_error *error = NULL;
    CHECK(larkmsg_batch_send_all(client, text, count_progress, &seen, &response, &error) == LARKMSG_RESULT_OK);
    cJSON *result = cJSON_Parse(response);
    CHECK(list_size(result, "message_ids") == 3);
    CHECK(list_size(result, "failed") == 0);
    CHECK(seen.reports == 4 && seen.done == 450 && seen.total == 450);
    larkmsg_string_free(response);
    cJSON_Delete(result);
    cJSON_free(text);
    cJSON_Delete(request);

    cJSON *cards = cJSON_Parse("{\"app_feed_card\":{\"title\":\"审批\",\"link\":{\"link\":\"https://www.feishu.cn/\"}}}");
    cJSON *users = cJSON_AddArrayToObject(cards, "user_ids");
    for (int i = 0; i < 30; i++) {
        snprintf(id, sizeof id, "ou_%d", i);
        cJSON_AddItemToArray(users, cJSON_CreateString(id));
    }
    text = cJSON_PrintUnformatted(cards);
    CHECK(larkmsg_create_app_feed_card_all(client, text, NULL, NULL, &response, &error) == LARKMSG_RESULT_OK);
    result = cJSON_Parse(response);
    CHECK(list_size(result, "biz_ids") == 2);
    larkmsg_string_free(response);
    cJSON_Delete(result);
    cJSON_free(text);
    cJSON_Delete(cards);
}

static void print_progress(void *user_data, const larkmsg_progress *progress) {
    (void)user_data;
    printf("progress %llu\n", (unsigned long long)progress->done);
    fflush(stdout);
}

/* The campaign's process. */
static int campaign_child(const char *url, int receivers, const char *journal) {
    larkmsg_client *client = NULL;
    if (larkmsg_client_new(options_for(url), &client, NULL) != LARKMSG_RESULT_OK) return 2;
    cJSON *request = cJSON_CreateObject();
    cJSON_AddStringToObject(request, "campaign_id", "c-campaign");
    cJSON_AddStringToObject(request, "receive_id_type", "open_id");
    cJSON *ids = cJSON_AddArrayToObject(request, "receive_ids");
    char id[32];
    for (int i = 0; i < receivers; i++) {
        snprintf(id, sizeof id, "ou_c_%d", i);
        cJSON_AddItemToArray(ids, cJSON_CreateString(id));
    }
    cJSON_AddStringToObject(request, "msg_type", "text");
    cJSON_AddStringToObject(request, "content", "{\"text\":\"活动\"}");
    cJSON_AddStringToObject(request, "journal", journal);
    char *text = cJSON_PrintUnformatted(request);
    char *response = NULL;
    larkmsg_result result = larkmsg_send_campaign(client, text, print_progress, NULL, &response, NULL);
    cJSON *report = cJSON_Parse(response);
    printf("report sent=%d failed=%d pending=%d\n", list_size(report, "sent"), list_size(report, "failed"),
           list_size(report, "pending"));
    fflush(stdout);
    cJSON_Delete(report);
    larkmsg_string_free(response);
    cJSON_free(text);
    cJSON_Delete(request);
    larkmsg_client_free(client);
    return result == LARKMSG_RESULT_OK ? 0 : 1;
}

/* Runs the campaign's process; kills it with SIGKILL once `kill_at` receivers are done (0:
 * lets it finish). Gives the number sent by its report, or -1. */
static int run_child(const char *self, const char *url, int receivers, const char *journal, int kill_at) {
    int out[2];
    if (pipe(out) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        char count[16];
        snprintf(count, sizeof count, "%d", receivers);
        execl(self, self, "--campaign", url, count, journal, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *lines = fdopen(out[0], "r");
    char line[256];
    int sent = -1;
    while (fgets(line, sizeof line, lines)) {
        long done = 0;
        if (kill_at && sscanf(line, "progress %ld", &done) == 1 && done >= kill_at) {
            kill(pid, SIGKILL);
            break;
        }
        sscanf(line, "report sent=%d", &sent);
    }
    fclose(lines);
    int status = 0;
    waitpid(pid, &status, 0);
    return sent;
}

static void test_campaign_killed_half_way(const char *self, larkmsg_fake *fake) {
    const char *size = getenv("LARKMSG_CAMPAIGN_RECEIVERS");
    int receivers = size ? atoi(size) : 10000;
    char journal[] = "/tmp/larkmsg-c-campaign-XXXXXX";
    int fd = mkstemp(journal);
    if (fd >= 0) close(fd);
    unlink(journal);
    const char *url = larkmsg_fake_url(fake);
    CHECK(run_child(self, url, receivers, journal, receivers / 2) == -1);
    CHECK(run_child(self, url, receivers, journal, 0) == receivers);
    unlink(journal);
    cJSON *box = inbox(fake);
    cJSON *messages = cJSON_GetObjectItemCaseSensitive(box, "messages");
    int count = cJSON_GetArraySize(messages);
    int campaign = 0;
    cJSON *message;
    cJSON_ArrayForEach(message, messages) {
        const char *receiver = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(message, "receive_id"));
        if (receiver && strncmp(receiver, "ou_c_", 5) == 0) campaign++;
    }
    CHECK(campaign == receivers);
    /* No receiver twice: the receivers are distinct, so a count of exactly N with N
     * distinct receivers leaves no room for a duplicate; check the distinct ones too. */
    char *seen = calloc((size_t)receivers, 1);
    int distinct = 0;
    cJSON_ArrayForEach(message, messages) {
        const char *receiver = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(message, "receive_id"));
        if (receiver && strncmp(receiver, "ou_c_", 5) == 0) {
            int i = atoi(receiver + 5);
            if (i >= 0 && i < receivers && !seen[i]) {
                seen[i] = 1;
                distinct++;
            }
        }
    }
    CHECK(distinct == receivers);
    CHECK(count == receivers + 2);
    free(seen);
    cJSON_Delete(box);
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "--campaign") == 0) return campaign_child(argv[2], atoi(argv[3]), argv[4]);
    larkmsg_fake *fake = NULL;
    if (larkmsg_fake_start(&fake, NULL) != LARKMSG_RESULT_OK) return 1;
    larkmsg_client *client = NULL;
    if (larkmsg_client_new(options_for(larkmsg_fake_url(fake)), &client, NULL) != LARKMSG_RESULT_OK) return 1;
    test_upload_then_send(client, fake);
    test_wrong_format(client, fake);
    test_audiences(client);
    larkmsg_client_free(client);
    test_campaign_killed_half_way(argv[0], fake);
    larkmsg_fake_free(fake);
    /* Joins the runtime's threads, so that valgrind finds nothing of them "possibly lost". */
    CHECK(larkmsg_shutdown(NULL) == LARKMSG_RESULT_OK);
    printf("flows (C): %s, %d failed checks\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
