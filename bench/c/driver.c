/* The C column of the benchmark suite: `c-driver '<params JSON>'` (see bench/README.md).
 *
 * Construct mode times larkmsg_client_new. Send mode runs `concurrency` pthreads on one
 * client; each takes the next index from a shared counter and calls the blocking
 * larkmsg_send_text. With the variant "async", send mode keeps `concurrency` calls of
 * larkmsg_send_text_async in flight from one thread instead: each callback starts the next
 * call. Campaign mode makes one larkmsg_send_campaign call to every receiver.
 * The last line of stdout is the result as JSON. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "larkmsg.h"

#define MAX_LABELS 32

typedef struct {
    char label[64];
    long count;
} error_count;

typedef struct {
    larkmsg_client *client;
    cJSON *receivers;
    int receiver_count;
    long count;
    double stop_at;
    atomic_long next;
    atomic_long done;
    double *latencies_ms; /* one slot per completed call */
    pthread_mutex_t errors_lock;
    error_count errors[MAX_LABELS];
    int error_labels;
    long failed;
    /* The async variant: calls in flight, and the signal that the last one ended. */
    pthread_mutex_t idle_lock;
    pthread_cond_t idle;
    int in_flight;
} run;

/* One of the async variant's lanes: a call in flight and when it started. */
typedef struct {
    run *run;
    double started;
    char text[32];
} lane;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts `n` failures under `label`. */
static void count_label(run *r, const char *label, long n) {
    pthread_mutex_lock(&r->errors_lock);
    r->failed += n;
    int i = 0;
    while (i < r->error_labels && strcmp(r->errors[i].label, label) != 0) i++;
    if (i == r->error_labels && i < MAX_LABELS) {
        snprintf(r->errors[i].label, sizeof r->errors[i].label, "%s", label);
        r->error_labels++;
    }
    if (i < MAX_LABELS) r->errors[i].count += n;
    pthread_mutex_unlock(&r->errors_lock);
}

static void count_error(run *r, const larkmsg_error *error) {
    char label[64];
    int64_t code = larkmsg_error_code(error);
    if (code != 0) {
        snprintf(label, sizeof label, "%s:%lld", larkmsg_error_kind(error), (long long)code);
    } else {
        snprintf(label, sizeof label, "%s", larkmsg_error_kind(error));
    }
    count_label(r, label, 1);
}

/* The receiver of send `i`. */
static const char *receiver_of(const run *r, long i) {
    return cJSON_GetArrayItem(r->receivers, (int)(i % r->receiver_count))->valuestring;
}

static void *sender(void *arg) {
    run *r = arg;
    char text[32];
    for (;;) {
        long i = atomic_fetch_add(&r->next, 1);
        if (i >= r->count || now_s() >= r->stop_at) return NULL;
        const char *receiver = receiver_of(r, i);
        snprintf(text, sizeof text, "bench %ld", i);
        char *message = NULL;
        larkmsg_error *error = NULL;
        double started = now_s();
        larkmsg_result result = larkmsg_send_text(r->client, "open_id", receiver, text, &message, &error);
        double latency_ms = (now_s() - started) * 1000.0;
        r->latencies_ms[atomic_fetch_add(&r->done, 1)] = latency_ms;
        if (result == LARKMSG_RESULT_OK) {
            larkmsg_string_free(message);
        } else {
            count_error(r, error);
            larkmsg_error_free(error);
        }
    }
}

static void lane_done(void *user_data, larkmsg_result result, char *message, larkmsg_error *error);

/* Starts the lane's next send, or ends the lane when every send is taken or time is up. */
static void lane_next(lane *l) {
    run *r = l->run;
    for (;;) {
        long i = atomic_fetch_add(&r->next, 1);
        if (i >= r->count || now_s() >= r->stop_at) break;
        snprintf(l->text, sizeof l->text, "bench %ld", i);
        larkmsg_error *error = NULL;
        l->started = now_s();
        if (larkmsg_send_text_async(r->client, "open_id", receiver_of(r, i), l->text, lane_done, l, &error) ==
            LARKMSG_RESULT_OK) {
            return;
        }
        /* Not started: count it as a failed call and take the next. */
        r->latencies_ms[atomic_fetch_add(&r->done, 1)] = (now_s() - l->started) * 1000.0;
        count_error(r, error);
        larkmsg_error_free(error);
    }
    pthread_mutex_lock(&r->idle_lock);
    if (--r->in_flight == 0) pthread_cond_signal(&r->idle);
    pthread_mutex_unlock(&r->idle_lock);
}

/* The callback of the async variant (on a runtime thread): records the call, starts the next. */
static void lane_done(void *user_data, larkmsg_result result, char *message, larkmsg_error *error) {
    lane *l = user_data;
    run *r = l->run;
    r->latencies_ms[atomic_fetch_add(&r->done, 1)] = (now_s() - l->started) * 1000.0;
    if (result == LARKMSG_RESULT_OK) {
        larkmsg_string_free(message);
    } else {
        count_error(r, error);
        larkmsg_error_free(error);
    }
    lane_next(l);
}

/* The async variant: `concurrency` lanes started from this thread, then a wait for all. */
static int run_lanes(run *r, int concurrency) {
    lane *lanes = calloc((size_t)concurrency, sizeof(lane));
    if (lanes == NULL) return 1;
    pthread_mutex_init(&r->idle_lock, NULL);
    pthread_cond_init(&r->idle, NULL);
    r->in_flight = concurrency;
    for (int t = 0; t < concurrency; t++) {
        lanes[t].run = r;
        lane_next(&lanes[t]);
    }
    pthread_mutex_lock(&r->idle_lock);
    while (r->in_flight > 0) pthread_cond_wait(&r->idle, &r->idle_lock);
    pthread_mutex_unlock(&r->idle_lock);
    free(lanes);
    return 0;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Prints the nearest-rank percentile of sorted values, or null when there are none. */
static void print_percentile(const char *name, const double *sorted, long n, double percent) {
    if (n == 0) {
        printf("\"%s\": null", name);
        return;
    }
    long rank = (long)(percent / 100.0 * (double)n + 0.999999999);
    if (rank < 1) rank = 1;
    printf("\"%s\": %.4f", name, sorted[rank - 1]);
}

static int send_all(larkmsg_client *client, const cJSON *params, int async) {
    run r = {.client = client};
    r.receivers = cJSON_GetObjectItem(params, "receivers");
    r.receiver_count = cJSON_GetArraySize(r.receivers);
    r.count = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(params, "count"));
    int concurrency = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(params, "concurrency"));
    double max_seconds = cJSON_GetNumberValue(cJSON_GetObjectItem(params, "max_seconds"));
    if (r.receiver_count < 1 || r.count < 0 || concurrency < 1 || max_seconds != max_seconds) {
        fprintf(stderr, "send needs receivers, count, concurrency and max_seconds\n");
        return 2;
    }
    r.latencies_ms = calloc((size_t)r.count + 1, sizeof(double));
    pthread_t *threads = calloc((size_t)concurrency, sizeof(pthread_t));
    if (r.latencies_ms == NULL || threads == NULL) return 1;
    pthread_mutex_init(&r.errors_lock, NULL);

    double started = now_s();
    r.stop_at = started + max_seconds;
    if (async) {
        if (run_lanes(&r, concurrency) != 0) return 1;
    } else {
        for (int t = 0; t < concurrency; t++) pthread_create(&threads[t], NULL, sender, &r);
        for (int t = 0; t < concurrency; t++) pthread_join(threads[t], NULL);
    }
    double elapsed = now_s() - started;

    long attempted = atomic_load(&r.done);
    qsort(r.latencies_ms, (size_t)attempted, sizeof(double), by_value);
    printf("{\"attempted\": %ld, \"succeeded\": %ld, \"failed\": %ld, \"errors\": {", attempted,
           attempted - r.failed, r.failed);
    for (int i = 0; i < r.error_labels; i++) {
        printf("%s\"%s\": %ld", i ? ", " : "", r.errors[i].label, r.errors[i].count);
    }
    printf("}, \"elapsed_s\": %.6f, \"latency_ms\": {", elapsed);
    print_percentile("p50", r.latencies_ms, attempted, 50);
    printf(", ");
    print_percentile("p99", r.latencies_ms, attempted, 99);
    printf(", ");
    print_percentile("max", r.latencies_ms, attempted, 100);
    printf("}, \"truncated\": %s}\n", attempted < r.count ? "true" : "false");
    free(threads);
    free(r.latencies_ms);
    return 0;
}

/* One campaign to every receiver, reported as a send run (no latencies). */
static int campaign(larkmsg_client *client, const cJSON *params) {
    cJSON *request = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(request, "campaign_id", cJSON_GetObjectItem(params, "campaign_id"));
    cJSON_AddStringToObject(request, "receive_id_type", "open_id");
    cJSON_AddItemReferenceToObject(request, "receive_ids", cJSON_GetObjectItem(params, "receivers"));
    cJSON_AddStringToObject(request, "msg_type", "text");
    cJSON_AddStringToObject(request, "content", "{\"text\": \"bench campaign\"}");
    cJSON_AddItemReferenceToObject(request, "concurrency", cJSON_GetObjectItem(params, "concurrency"));
    char *request_json = cJSON_PrintUnformatted(request);
    cJSON_Delete(request);
    char *response = NULL;
    larkmsg_error *error = NULL;
    double started = now_s();
    larkmsg_result result = larkmsg_send_campaign(client, request_json, NULL, NULL, &response, &error);
    double elapsed = now_s() - started;
    cJSON_free(request_json);
    if (result != LARKMSG_RESULT_OK) {
        fprintf(stderr, "the campaign failed: %s\n", larkmsg_error_message(error));
        larkmsg_error_free(error);
        return 1;
    }
    cJSON *report = cJSON_Parse(response);
    larkmsg_string_free(response);
    run r = {.client = client};
    pthread_mutex_init(&r.errors_lock, NULL);
    cJSON *failure = NULL;
    cJSON_ArrayForEach(failure, cJSON_GetObjectItem(report, "failed")) {
        const cJSON *failed_error = cJSON_GetObjectItem(failure, "error");
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(failed_error, "kind"));
        const cJSON *code = cJSON_GetObjectItem(failed_error, "code");
        char label[64];
        if (cJSON_IsNumber(code)) {
            snprintf(label, sizeof label, "%s:%.0f", kind ? kind : "?", cJSON_GetNumberValue(code));
        } else {
            snprintf(label, sizeof label, "%s", kind ? kind : "?");
        }
        count_label(&r, label, 1);
    }
    int pending = cJSON_GetArraySize(cJSON_GetObjectItem(report, "pending"));
    if (pending > 0) count_label(&r, "pending", pending);
    long sent = cJSON_GetArraySize(cJSON_GetObjectItem(report, "sent"));
    long receivers = cJSON_GetArraySize(cJSON_GetObjectItem(params, "receivers"));
    printf("{\"attempted\": %ld, \"succeeded\": %ld, \"failed\": %ld, \"errors\": {", sent + r.failed, sent,
           r.failed);
    for (int i = 0; i < r.error_labels; i++) {
        printf("%s\"%s\": %ld", i ? ", " : "", r.errors[i].label, r.errors[i].count);
    }
    printf("}, \"elapsed_s\": %.6f, \"latency_ms\": {\"p50\": null, \"p99\": null, \"max\": null}, "
           "\"truncated\": %s}\n",
           elapsed, sent + r.failed < receivers ? "true" : "false");
    cJSON_Delete(report);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: c-driver '<params JSON>'\n");
        return 2;
    }
    cJSON *params = cJSON_Parse(argv[1]);
    const char *mode = cJSON_GetStringValue(cJSON_GetObjectItem(params, "mode"));
    if (params == NULL || mode == NULL) {
        fprintf(stderr, "invalid params\n");
        return 2;
    }
    cJSON *options = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(options, "app_id", cJSON_GetObjectItem(params, "app_id"));
    cJSON_AddItemReferenceToObject(options, "app_secret", cJSON_GetObjectItem(params, "app_secret"));
    cJSON_AddItemReferenceToObject(options, "base_url", cJSON_GetObjectItem(params, "base_url"));
    if (!cJSON_IsTrue(cJSON_GetObjectItem(params, "pacing"))) cJSON_AddFalseToObject(options, "quotas");
    char *options_json = cJSON_PrintUnformatted(options);

    larkmsg_client *client = NULL;
    larkmsg_error *error = NULL;
    double started = now_s();
    if (larkmsg_client_new(options_json, &client, &error) != LARKMSG_RESULT_OK) {
        fprintf(stderr, "cannot build the client: %s\n", larkmsg_error_message(error));
        larkmsg_error_free(error);
        return 1;
    }
    double construct_ms = (now_s() - started) * 1000.0;

    int status = 0;
    if (strcmp(mode, "construct") == 0) {
        printf("{\"construct_ms\": %.4f}\n", construct_ms);
    } else if (strcmp(mode, "campaign") == 0) {
        status = campaign(client, params);
    } else {
        const char *variant = cJSON_GetStringValue(cJSON_GetObjectItem(params, "variant"));
        status = send_all(client, params, variant != NULL && strcmp(variant, "async") == 0);
    }
    larkmsg_client_free(client);
    cJSON_free(options_json);
    cJSON_Delete(options);
    cJSON_Delete(params);
    return status;
}
