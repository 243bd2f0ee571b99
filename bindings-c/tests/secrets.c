/*
 * Secrets never reach any output: with logging at "trace", successes and every error kind
 * (blocking and asynchronous), the process's stdout and stderr, captured at the
 * file-descriptor level, hold neither the app secrets, nor the app tickets, nor any token
 * the fake issued. Every error's message, kind, log id and JSON form is printed. The
 * capture itself is checked: the log lines and every kind are there.
 */
#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "larkmsg.h"

#define APP_ID "cli_secrets_c"
#define APP_SECRET "SeCrEt-c-9b41e6d2"
#define STORE_ID "cli_secrets_c_store"
#define STORE_SECRET "StOrE-SeCrEt-c-3a7f10"
#define BAD_TICKET "BaD-TiCkEt-c-c85d2e"

static int failures = 0;

/* Reported on the saved stderr, after the capture ends. */
#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            dprintf(saved_stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

static int saved_stderr = 2;

/* Runs a control of the fake; gives its answer (free with larkmsg_string_free). */
static char *control(larkmsg_fake *fake, const char *method, const char *name, const char *body) {
    uint16_t status = 0;
    char *answer = NULL;
    CHECK(larkmsg_fake_control(fake, method, name, body, &status, &answer, NULL) == LARKMSG_RESULT_OK);
    CHECK(status == 200);
    return answer;
}

static void fault(larkmsg_fake *fake, const char *kind) {
    char plan[160];
    snprintf(plan, sizeof plan, "{\"kind\": \"%s\", \"endpoint\": \"send_message\", \"delay_ms\": 4000}", kind);
    larkmsg_string_free(control(fake, "POST", "faults", plan));
}

static void print_error(larkmsg_error *error) {
    const char *log_id = larkmsg_error_log_id(error);
    printf("error %s: %s\n", larkmsg_error_kind(error), larkmsg_error_message(error));
    printf("log_id %s code %lld http %u\n", log_id ? log_id : "-", (long long)larkmsg_error_code(error),
           (unsigned)larkmsg_error_http_status(error));
    printf("json %s\n", larkmsg_error_json(error));
    larkmsg_error_free(error);
}

/* Sends a text; prints the outcome. */
static void send(larkmsg_client *client, const char *receiver, const char *text) {
    char *response = NULL;
    larkmsg_error *error = NULL;
    if (larkmsg_send_text(client, "open_id", receiver, text, &response, &error) == LARKMSG_RESULT_OK) {
        printf("ok %s\n", response);
        larkmsg_string_free(response);
    } else {
        print_error(error);
    }
}

static larkmsg_client *client_for(const char *options) {
    larkmsg_client *client = NULL;
    larkmsg_error *error = NULL;
    if (larkmsg_client_new(options, &client, &error) != LARKMSG_RESULT_OK) {
        print_error(error);
        return NULL;
    }
    return client;
}

struct outcome {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    int done;
};

static void on_done(void *user_data, larkmsg_result result, char *response_json, larkmsg_error *error) {
    struct outcome *outcome = user_data;
    if (result == LARKMSG_RESULT_OK) {
        printf("async ok %s\n", response_json);
        larkmsg_string_free(response_json);
    } else {
        printf("async ");
        print_error(error);
    }
    pthread_mutex_lock(&outcome->lock);
    outcome->done = 1;
    pthread_cond_signal(&outcome->done_cond);
    pthread_mutex_unlock(&outcome->lock);
}

static void scenario(larkmsg_fake *fake, const char *ticket) {
    const char *url = larkmsg_fake_url(fake);
    char options[1024];
    /* Attempts get 2 s (valgrind slows the first calls down a lot); `slow` answers after 4 s. */
    const char *common = "\"quotas\": false, \"retry\": {\"max_attempts\": 1, \"max_throttle_wait_ms\": 0}, "
                         "\"timeouts\": {\"request_ms\": 2000}";
    snprintf(options, sizeof options, "{\"app_id\": \"%s\", \"app_secret\": \"%s\", \"base_url\": \"%s\", %s}",
             APP_ID, APP_SECRET, url, common);
    larkmsg_client *client = client_for(options);
    CHECK(client != NULL);
    if (!client) return;

    send(client, "ou_1", "hi");
    char *response = NULL;
    larkmsg_error *error = NULL;
    CHECK(larkmsg_send_message(client, "{\"receive_id_type\": \"open_id\", \"receive_id\": \"ou_1\", "
                                       "\"msg_type\": \"text\", \"content\": \"{}\"}",
                               &response, &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    print_error(error);
    send(client, "ou_unknown_1", "hi");
    const char *faults[] = {"permission_denied", "rate_limit", "malformed", "drop_before_read", "status_5xx", "slow"};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        fault(fake, faults[i]);
        send(client, "ou_1", "hi");
    }

    /* The same through the asynchronous API. */
    fault(fake, "permission_denied");
    struct outcome outcome = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    CHECK(larkmsg_send_text_async(client, "open_id", "ou_1", "hi", on_done, &outcome, NULL) == LARKMSG_RESULT_OK);
    pthread_mutex_lock(&outcome.lock);
    while (!outcome.done) pthread_cond_wait(&outcome.done_cond, &outcome.lock);
    pthread_mutex_unlock(&outcome.lock);

    /* A ready token, then revoked: an auth error the client cannot repair. */
    char *issued = control(fake, "GET", "tokens", NULL);
    cJSON *tokens = cJSON_Parse(issued);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(tokens, "issued"), 0);
    CHECK(cJSON_IsString(first));
    if (cJSON_IsString(first)) {
        snprintf(options, sizeof options, "{\"tenant_access_token\": \"%s\", \"base_url\": \"%s\", %s}",
                 first->valuestring, url, common);
        larkmsg_client *token_client = client_for(options);
        send(token_client, "ou_1", "hi");
        fault(fake, "revoke_tokens");
        send(token_client, "ou_1", "hi");
        larkmsg_client_free(token_client);
    }
    cJSON_Delete(tokens);
    larkmsg_string_free(issued);
    send(client, "ou_1", "after the revocation");

    /* A store app with its ticket, then one with a wrong ticket. */
    snprintf(options, sizeof options,
             "{\"app_id\": \"%s\", \"app_secret\": \"%s\", \"tenant_key\": \"fake_tenant\", \"app_ticket\": \"%s\", "
             "\"base_url\": \"%s\", %s}",
             STORE_ID, STORE_SECRET, ticket, url, common);
    larkmsg_client *store = client_for(options);
    send(store, "ou_1", "hi");
    CHECK(larkmsg_client_set_app_ticket(store, ticket, NULL) == LARKMSG_RESULT_OK);
    larkmsg_client_free(store);
    snprintf(options, sizeof options,
             "{\"app_id\": \"%s\", \"app_secret\": \"%s\", \"tenant_key\": \"fake_tenant\", \"app_ticket\": \"%s\", "
             "\"base_url\": \"%s\", %s}",
             STORE_ID, STORE_SECRET, BAD_TICKET, url, common);
    larkmsg_client *wrong = client_for(options);
    send(wrong, "ou_1", "hi");
    larkmsg_client_free(wrong);

    /* Config errors: a ticket for a self-built app, an empty app id, an unknown domain. */
    CHECK(larkmsg_client_set_app_ticket(client, BAD_TICKET, &error) == LARKMSG_RESULT_CONFIG);
    print_error(error);
    CHECK(client_for("{\"app_id\": \"\", \"app_secret\": \"" APP_SECRET "\"}") == NULL);
    CHECK(client_for("{\"app_id\": \"" APP_ID "\", \"app_secret\": \"" APP_SECRET "\", \"domain\": \"mars\"}") == NULL);
    larkmsg_client_free(client);
}

/* The captured output, read back from the file it went to. */
static char *read_all(FILE *file) {
    long size = ftell(file);
    char *text = calloc((size_t)size + 1, 1);
    rewind(file);
    if (text && fread(text, 1, (size_t)size, file) != (size_t)size) text[0] = '\0';
    return text;
}

static void expect_absent(const char *output, const char *secret) {
    if (secret && *secret && strstr(output, secret)) {
        dprintf(saved_stderr, "a secret leaked into the output: %s\n", secret);
        failures++;
    }
}

static void expect_present(const char *output, const char *text) {
    if (!strstr(output, text)) {
        dprintf(saved_stderr, "the output lacks: %s\n", text);
        failures++;
    }
}

int main(void) {
    /* Whole lines (set before any output): once captured, the library's threads log to the
     * same file meanwhile, and a line of ours written in two pieces could be cut by theirs. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    larkmsg_fake *fake = NULL;
    if (larkmsg_fake_start(&fake, NULL) != LARKMSG_RESULT_OK) return 1;
    larkmsg_string_free(control(fake, "POST", "apps",
                                "{\"app_id\": \"" APP_ID "\", \"app_secret\": \"" APP_SECRET "\", \"kind\": \"self_built\"}"));
    larkmsg_string_free(control(fake, "POST", "apps",
                                "{\"app_id\": \"" STORE_ID "\", \"app_secret\": \"" STORE_SECRET "\", \"kind\": \"store\"}"));
    char *ticket_answer = control(fake, "GET", "app_ticket?app_id=" STORE_ID, NULL);
    cJSON *ticket_json = cJSON_Parse(ticket_answer);
    char *first_ticket = strdup(cJSON_GetObjectItem(ticket_json, "app_ticket")->valuestring);
    cJSON_Delete(ticket_json);
    larkmsg_string_free(ticket_answer);

    /* Capture fd 1 and fd 2 (where the library logs) into one file. */
    FILE *capture = tmpfile();
    if (!capture) return 1;
    fflush(stdout);
    fflush(stderr);
    int saved_stdout = dup(1);
    saved_stderr = dup(2);
    dup2(fileno(capture), 1);
    dup2(fileno(capture), 2);

    larkmsg_error *error = NULL;
    CHECK(larkmsg_enable_logging("larkmsg=loud", &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    print_error(error);
    CHECK(larkmsg_enable_logging(NULL, NULL) == LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(larkmsg_enable_logging("trace,hyper=trace,hyper_util=trace,h2=trace,reqwest=trace,rustls=trace", NULL) == LARKMSG_RESULT_OK);
    scenario(fake, first_ticket);
    CHECK(larkmsg_enable_logging("off", NULL) == LARKMSG_RESULT_OK);

    fflush(stdout);
    fflush(stderr);
    dup2(saved_stdout, 1);
    dup2(saved_stderr, 2);
    close(saved_stdout);
    close(saved_stderr);
    saved_stderr = 2;
    char *output = read_all(capture);
    fclose(capture);
    if (!output) return 1;

    char *issued = control(fake, "GET", "tokens", NULL);
    cJSON *tokens = cJSON_Parse(issued);
    const cJSON *token = NULL;
    int count = 0;
    cJSON_ArrayForEach(token, cJSON_GetObjectItem(tokens, "issued")) {
        expect_absent(output, token->valuestring);
        count++;
    }
    CHECK(count >= 4);
    char *ticket_now = control(fake, "GET", "app_ticket?app_id=" STORE_ID, NULL);
    cJSON *now = cJSON_Parse(ticket_now);
    expect_absent(output, cJSON_GetObjectItem(now, "app_ticket")->valuestring);
    expect_absent(output, first_ticket);
    expect_absent(output, APP_SECRET);
    expect_absent(output, STORE_SECRET);
    expect_absent(output, BAD_TICKET);

    const char *expected[] = {"TRACE", "larkmsg.call{endpoint=\"send_message\"", "log_id=\"", "call succeeded",
                              "call failed", "attempt failed", "fetched a new tenant access token",
                              "token rejected; fetching a new one", "async error permission: ",
                              "error invalid_argument: ", "error auth: ", "error permission: ",
                              "error rate_limited: ", "error api: ", "error timeout: ", "error network: ",
                              "error decode: ", "error config: ", "the log directive \"larkmsg=loud\""};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) expect_present(output, expected[i]);

    cJSON_Delete(now);
    larkmsg_string_free(ticket_now);
    cJSON_Delete(tokens);
    larkmsg_string_free(issued);
    free(first_ticket);
    free(output);
    larkmsg_fake_free(fake);
    larkmsg_shutdown(NULL);
    if (failures) {
        fprintf(stderr, "secrets: %d check(s) failed\n", failures);
        return 1;
    }
    printf("secrets: no secret in %d tokens, 2 app secrets and 3 tickets checked; output captured\n", count);
    return 0;
}
