/*
 * The conformance suite through the C API: every case under tests/conformance/cases run
 * against the bundled fake, with the semantics of core/tests/conformance.rs (the case
 * format is described in tests/conformance/README.md). A file given as {"base64": …} is
 * handed over as a larkmsg_buffer (larkmsg_call_ex).
 *
 * Usage: conformance CASES_DIR
 *
 * CONFORMANCE_REQUEST_MS (optional) sets the default request timeout of the clients
 * (2000 ms, as the Rust runner); the test script raises it under valgrind, which slows
 * the large cases beyond 2 s. No case relies on the default timeout expiring.
 */
#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "larkmsg.h"

/* ---- small helpers ---- */

struct paths {
    char **items;
    size_t len, cap;
};

static void paths_push(struct paths *list, char *path) {
    if (list->len == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->items = realloc(list->items, list->cap * sizeof *list->items);
        if (!list->items) {
            perror("realloc");
            exit(2);
        }
    }
    list->items[list->len++] = path;
}

static char *join(const char *dir, const char *name) {
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path) exit(2);
    snprintf(path, len, "%s/%s", dir, name);
    return path;
}

static int ends_with(const char *text, const char *suffix) {
    size_t a = strlen(text), b = strlen(suffix);
    return a >= b && strcmp(text + a - b, suffix) == 0;
}

/* Every *.json file below dir. */
static void case_files(const char *dir, struct paths *out) {
    DIR *handle = opendir(dir);
    if (!handle) {
        perror(dir);
        exit(2);
    }
    struct dirent *entry;
    while ((entry = readdir(handle)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        char *path = join(dir, entry->d_name);
        struct stat info;
        if (stat(path, &info) == 0 && S_ISDIR(info.st_mode)) {
            case_files(path, out);
            free(path);
        } else if (ends_with(entry->d_name, ".json")) {
            paths_push(out, path);
        } else {
            free(path);
        }
    }
    closedir(handle);
}

static int compare_paths(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, file) != (size_t)size) {
        free(text);
        fclose(file);
        return NULL;
    }
    text[size] = '\0';
    fclose(file);
    return text;
}

/* The reason a case failed, formatted into a buffer owned by the caller. */
struct failure {
    char text[1024];
};

static int fail(struct failure *failure, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(failure->text, sizeof failure->text, format, args);
    va_end(args);
    return 0;
}

/* ---- value helpers ---- */

/* Replaces, in place, every {"$repeat": s, "count": n, "prefix"?, "suffix"?} object by
 * the string prefix + s * n + suffix. */
static void expand(cJSON *value) {
    if (cJSON_IsObject(value)) {
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(value, "$repeat");
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(value, "count");
        if (cJSON_IsString(unit) && cJSON_IsNumber(count)) {
            const cJSON *prefix = cJSON_GetObjectItemCaseSensitive(value, "prefix");
            const cJSON *suffix = cJSON_GetObjectItemCaseSensitive(value, "suffix");
            const char *p = cJSON_IsString(prefix) ? prefix->valuestring : "";
            const char *s = cJSON_IsString(suffix) ? suffix->valuestring : "";
            size_t n = (size_t)count->valuedouble, unit_len = strlen(unit->valuestring);
            char *text = malloc(strlen(p) + n * unit_len + strlen(s) + 1);
            if (!text) exit(2);
            char *at = stpcpy(text, p);
            for (size_t i = 0; i < n; i++) {
                memcpy(at, unit->valuestring, unit_len);
                at += unit_len;
            }
            strcpy(at, s);
            /* cJSON allocates with malloc by default, so the node can own `text`. */
            cJSON_Delete(value->child);
            value->child = NULL;
            value->type = cJSON_String;
            value->valuestring = text;
            return;
        }
    }
    cJSON *child;
    cJSON_ArrayForEach(child, value) { expand(child); }
}

/* Whether actual contains expected: objects by subset, {"$prefix": p} by prefix. A missing
 * actual value (NULL) is JSON null. */
static int subset(const cJSON *expected, const cJSON *actual) {
    if (cJSON_IsObject(expected)) {
        const cJSON *prefix = cJSON_GetObjectItemCaseSensitive(expected, "$prefix");
        if (prefix && cJSON_GetArraySize(expected) == 1) {
            return cJSON_IsString(prefix) && cJSON_IsString(actual) &&
                   strncmp(actual->valuestring, prefix->valuestring, strlen(prefix->valuestring)) == 0;
        }
        if (!cJSON_IsObject(actual)) return 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, expected) {
            const cJSON *got = cJSON_GetObjectItemCaseSensitive(actual, item->string);
            if (!got || !subset(item, got)) return 0;
        }
        return 1;
    }
    if (cJSON_IsArray(expected)) {
        if (!cJSON_IsArray(actual) || cJSON_GetArraySize(expected) != cJSON_GetArraySize(actual)) return 0;
        const cJSON *e = expected->child, *a = actual->child;
        for (; e && a; e = e->next, a = a->next) {
            if (!subset(e, a)) return 0;
        }
        return 1;
    }
    if (cJSON_IsNull(expected)) return actual == NULL || cJSON_IsNull(actual);
    if (actual == NULL) return 0;
    return cJSON_Compare(expected, actual, 1);
}

/* "path\trule" lines of a violations list, sorted and joined by newlines. */
static char *violation_keys(const cJSON *list) {
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    char **keys = calloc((size_t)n + 1, sizeof *keys);
    size_t total = 1;
    for (int i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetArrayItem(list, i);
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(v, "path");
        const cJSON *rule = cJSON_GetObjectItemCaseSensitive(v, "rule");
        const char *p = cJSON_IsString(path) ? path->valuestring : "";
        const char *r = cJSON_IsString(rule) ? rule->valuestring : "";
        size_t len = strlen(p) + strlen(r) + 4;
        keys[i] = malloc(len);
        snprintf(keys[i], len, "%s %s", p, r);
        total += len;
    }
    qsort(keys, (size_t)n, sizeof *keys, compare_paths);
    char *joined = malloc(total + 2);
    joined[0] = '\0';
    for (int i = 0; i < n; i++) {
        strcat(joined, keys[i]);
        strcat(joined, "; ");
        free(keys[i]);
    }
    free(keys);
    return joined;
}

static int check_error(const cJSON *expected, const cJSON *actual, struct failure *failure) {
    const cJSON *item;
    cJSON_ArrayForEach(item, expected) {
        if (strcmp(item->string, "violations") == 0) {
            char *want = violation_keys(item);
            char *got = violation_keys(cJSON_GetObjectItemCaseSensitive(actual, "violations"));
            int same = strcmp(want, got) == 0;
            if (!same) fail(failure, "violations: expected [%s], got [%s]", want, got);
            free(want);
            free(got);
            if (!same) return 0;
        } else if (!subset(item, cJSON_GetObjectItemCaseSensitive(actual, item->string))) {
            char *want = cJSON_PrintUnformatted(item);
            const cJSON *message = cJSON_GetObjectItemCaseSensitive(actual, "message");
            fail(failure, "error %s: expected %s (%s)", item->string, want,
                 cJSON_IsString(message) ? message->valuestring : "");
            cJSON_free(want);
            return 0;
        }
    }
    return 1;
}

/* ---- the fake and the client ---- */

/* Runs a control; gives its parsed answer (caller deletes) or NULL. */
static cJSON *control(larkmsg_fake *fake, const char *method, const char *name, const cJSON *body) {
    char *body_text = body ? cJSON_PrintUnformatted(body) : NULL;
    uint16_t status = 0;
    char *answer = NULL;
    larkmsg_error *error = NULL;
    larkmsg_result result = larkmsg_fake_control(fake, method, name, body_text, &status, &answer, &error);
    cJSON_free(body_text);
    if (result != LARKMSG_RESULT_OK) {
        fprintf(stderr, "control %s %s: %s\n", method, name, larkmsg_error_message(error));
        larkmsg_error_free(error);
        return NULL;
    }
    cJSON *parsed = status == 200 ? cJSON_Parse(answer) : NULL;
    if (status != 200) fprintf(stderr, "control %s %s: HTTP %u %s\n", method, name, status, answer);
    larkmsg_string_free(answer);
    return parsed;
}

/* Copies the keys of overrides[key] into options[key]. */
static void merge(cJSON *options, const cJSON *overrides, const char *key) {
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(overrides, key);
    cJSON *into = cJSON_GetObjectItemCaseSensitive(options, key);
    const cJSON *item;
    cJSON_ArrayForEach(item, from) {
        cJSON_DeleteItemFromObjectCaseSensitive(into, item->string);
        cJSON_AddItemToObject(into, item->string, cJSON_Duplicate(item, 1));
    }
}

/* The default client of the suite with the case's overrides. */
static larkmsg_client *make_client(larkmsg_fake *fake, const cJSON *overrides, struct failure *failure) {
    cJSON *options = cJSON_CreateObject();
    cJSON_AddStringToObject(options, "app_id", "cli_fake_app");
    cJSON_AddStringToObject(options, "app_secret", "fake_app_secret");
    cJSON_AddStringToObject(options, "base_url", larkmsg_fake_url(fake));
    cJSON_AddFalseToObject(options, "quotas");
    cJSON *retry = cJSON_AddObjectToObject(options, "retry");
    cJSON_AddNumberToObject(retry, "initial_backoff_ms", 10);
    cJSON_AddNumberToObject(retry, "max_backoff_ms", 50);
    cJSON *timeouts = cJSON_AddObjectToObject(options, "timeouts");
    const char *request_ms = getenv("CONFORMANCE_REQUEST_MS");
    cJSON_AddNumberToObject(timeouts, "request_ms", request_ms ? atof(request_ms) : 2000);
    merge(options, overrides, "retry");
    merge(options, overrides, "timeouts");
    char *text = cJSON_PrintUnformatted(options);
    cJSON_Delete(options);
    larkmsg_client *client = NULL;
    larkmsg_error *error = NULL;
    if (larkmsg_client_new(text, &client, &error) != LARKMSG_RESULT_OK) {
        fail(failure, "client: %s", larkmsg_error_message(error));
        larkmsg_error_free(error);
        client = NULL;
    }
    cJSON_free(text);
    return client;
}

static int run_action(larkmsg_fake *fake, larkmsg_client *client, const cJSON *action, struct failure *failure) {
    const cJSON *fault = cJSON_GetObjectItemCaseSensitive(action, "fault");
    const cJSON *generic = cJSON_GetObjectItemCaseSensitive(action, "control");
    cJSON *answer = NULL;
    const cJSON *card = cJSON_GetObjectItemCaseSensitive(action, "card");
    if (fault) {
        answer = control(fake, "POST", "faults", fault);
    } else if (generic) {
        const char *method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(generic, "method"));
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(generic, "name"));
        if (!method || !name) return fail(failure, "a control action needs a method and a name");
        answer = control(fake, method, name, cJSON_GetObjectItemCaseSensitive(generic, "body"));
    } else if (card) {
        answer = control(fake, "POST", "cards", card);
    } else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(action, "revoke_tokens"))) {
        answer = control(fake, "POST", "revoke_tokens", NULL);
    } else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(action, "warm_up"))) {
        char *response = NULL;
        larkmsg_error *error = NULL;
        if (larkmsg_send_text(client, "open_id", "ou_warm_up", "warm up", &response, &error) != LARKMSG_RESULT_OK) {
            fail(failure, "warm up: %s", larkmsg_error_message(error));
            larkmsg_error_free(error);
            return 0;
        }
        larkmsg_string_free(response);
        answer = control(fake, "POST", "reset", NULL);
    } else {
        return fail(failure, "unknown before action");
    }
    if (!answer) return fail(failure, "a before action was refused");
    cJSON_Delete(answer);
    return 1;
}

static int check_count(const cJSON *c, const char *key, double actual, struct failure *failure) {
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(c, key);
    if (cJSON_IsNumber(want) && want->valuedouble != actual) {
        return fail(failure, "%s: expected %g, got %g", key, want->valuedouble, actual);
    }
    return 1;
}

static double sum_values(const cJSON *object) {
    double sum = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, object) {
        if (cJSON_IsNumber(item)) sum += item->valuedouble;
    }
    return sum;
}

static int check_outcome(const cJSON *c, larkmsg_result result, const char *response, larkmsg_error *error,
                         struct failure *failure) {
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(expect, "ok");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(expect, "error");
    if ((ok == NULL) == (err == NULL)) return fail(failure, "expect must hold exactly one of ok or error");
    if (ok) {
        if (result != LARKMSG_RESULT_OK) {
            return fail(failure, "expected ok, got error %s", larkmsg_error_message(error));
        }
        cJSON *got = cJSON_Parse(response);
        int matches = got && subset(ok, got);
        if (!matches) fail(failure, "result: expected a subset, got %s", response);
        cJSON_Delete(got);
        return matches;
    }
    if (result == LARKMSG_RESULT_OK) return fail(failure, "expected an error, got ok %s", response);
    if (!cJSON_IsObject(err)) return fail(failure, "expect.error must be an object");
    /* The error object's accessors agree with its JSON form. */
    if (larkmsg_error_result(error) != result) return fail(failure, "error result differs from the returned one");
    cJSON *got = cJSON_Parse(larkmsg_error_json(error));
    if (!got) return fail(failure, "error JSON does not parse");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(got, "kind");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(got, "code");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(got, "http_status");
    int consistent = cJSON_IsString(kind) && strcmp(kind->valuestring, larkmsg_error_kind(error)) == 0 &&
                     (code ? code->valuedouble == (double)larkmsg_error_code(error) : larkmsg_error_code(error) == 0) &&
                     (status ? status->valuedouble == larkmsg_error_http_status(error)
                             : larkmsg_error_http_status(error) == 0);
    int matches = consistent ? check_error(err, got, failure)
                             : fail(failure, "error accessors disagree with %s", larkmsg_error_json(error));
    cJSON_Delete(got);
    return matches;
}

/* ---- files: {"base64": …} handed over as larkmsg_buffer ---- */

#define MAX_BUFFERS 8

struct buffers {
    larkmsg_buffer items[MAX_BUFFERS];
    unsigned char *owned[MAX_BUFFERS];
    size_t len;
};

static int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* The bytes of base64 `text` (malloc'd, *len_out of them); NULL when it is not base64. */
static unsigned char *base64_decode(const char *text, size_t *len_out) {
    size_t len = strlen(text);
    unsigned char *out = malloc(len / 4 * 3 + 1);
    if (!out) exit(2);
    size_t written = 0;
    unsigned bits = 0, count = 0;
    for (size_t i = 0; i < len && text[i] != '='; i++) {
        int value = base64_value(text[i]);
        if (value < 0) {
            free(out);
            return NULL;
        }
        bits = (bits << 6) | (unsigned)value;
        count += 6;
        if (count >= 8) {
            count -= 8;
            out[written++] = (unsigned char)(bits >> count);
            bits &= (1u << count) - 1;
        }
    }
    *len_out = written;
    return out;
}

/* Replaces each top-level field of `input` that is {"base64": s} by {"buffer": i}, its
 * bytes in `buffers` (as a C program hands over a file it holds in memory). */
static int files_to_buffers(cJSON *input, struct buffers *buffers, struct failure *failure) {
    cJSON *field;
    cJSON_ArrayForEach(field, input) {
        const cJSON *encoded = cJSON_GetObjectItemCaseSensitive(field, "base64");
        if (!cJSON_IsObject(field) || cJSON_GetArraySize(field) != 1 || !cJSON_IsString(encoded)) continue;
        if (buffers->len == MAX_BUFFERS) return fail(failure, "more than %d files", MAX_BUFFERS);
        size_t len = 0;
        unsigned char *bytes = base64_decode(encoded->valuestring, &len);
        if (!bytes) return fail(failure, "%s: not base64", field->string);
        buffers->owned[buffers->len] = bytes;
        buffers->items[buffers->len] = (larkmsg_buffer){bytes, len};
        cJSON *reference = cJSON_CreateObject();
        cJSON_AddNumberToObject(reference, "buffer", (double)buffers->len);
        cJSON_ReplaceItemInObjectCaseSensitive(input, field->string, reference);
        field = reference;
        buffers->len++;
    }
    return 1;
}

static void buffers_free(struct buffers *buffers) {
    for (size_t i = 0; i < buffers->len; i++) free(buffers->owned[i]);
}

/* Runs one case that is not skipped; 1 when it passes. */
static int run_case(cJSON *c, struct failure *failure) {
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(c, "call");
    if (!cJSON_IsString(call)) return fail(failure, "no call");
    larkmsg_fake *fake = NULL;
    larkmsg_error *error = NULL;
    if (larkmsg_fake_start(&fake, &error) != LARKMSG_RESULT_OK) {
        fail(failure, "fake: %s", larkmsg_error_message(error));
        larkmsg_error_free(error);
        return 0;
    }
    int passed = 0;
    larkmsg_client *client = make_client(fake, cJSON_GetObjectItemCaseSensitive(c, "client"), failure);
    if (!client) goto done;
    const cJSON *action;
    cJSON_ArrayForEach(action, cJSON_GetObjectItemCaseSensitive(c, "before")) {
        if (!run_action(fake, client, action, failure)) goto done;
    }

    cJSON *request = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c, "input"), 1);
    struct buffers buffers = {0};
    if (!files_to_buffers(request, &buffers, failure)) {
        cJSON_Delete(request);
        buffers_free(&buffers);
        goto done;
    }
    char *input = cJSON_PrintUnformatted(request);
    cJSON_Delete(request);
    char *response = NULL;
    larkmsg_result result = larkmsg_call_ex(client, call->valuestring, input, buffers.items, buffers.len, NULL, NULL,
                                            &response, &error);
    cJSON_free(input);
    buffers_free(&buffers);
    passed = check_outcome(c, result, response, error, failure);
    larkmsg_string_free(response);
    larkmsg_error_free(error);
    if (!passed) goto done;

    passed = 0;
    cJSON *counters = control(fake, "GET", "counters", NULL);
    if (!counters) goto done;
    const cJSON *requests = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(counters, "requests"),
                                                             call->valuestring);
    int counts_ok =
        check_count(c, "expect_requests", cJSON_IsNumber(requests) ? requests->valuedouble : 0, failure) &&
        check_count(c, "expect_token_requests",
                    sum_values(cJSON_GetObjectItemCaseSensitive(counters, "token_requests")), failure);
    cJSON_Delete(counters);
    if (!counts_ok) goto done;

    const cJSON *inbox_expect = cJSON_GetObjectItemCaseSensitive(c, "expect_inbox");
    if (cJSON_IsObject(inbox_expect)) {
        cJSON *inbox = control(fake, "GET", "inbox", NULL);
        if (!inbox) goto done;
        const cJSON *want;
        int inbox_ok = 1;
        cJSON_ArrayForEach(want, inbox_expect) {
            int got = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(inbox, want->string));
            if (!cJSON_IsNumber(want) || want->valuedouble != got) {
                inbox_ok = fail(failure, "inbox %s: expected %g, got %d", want->string, want->valuedouble, got);
                break;
            }
        }
        cJSON_Delete(inbox);
        if (!inbox_ok) goto done;
    }
    const cJSON *card_expect = cJSON_GetObjectItemCaseSensitive(c, "expect_card");
    if (cJSON_IsObject(card_expect)) {
        const cJSON *card_id = cJSON_GetObjectItemCaseSensitive(card_expect, "card_id");
        char name[128];
        snprintf(name, sizeof name, "card?card_id=%s", cJSON_IsString(card_id) ? card_id->valuestring : "");
        cJSON *card = control(fake, "GET", name, NULL);
        int card_ok = card && subset(card_expect, card);
        if (!card_ok) {
            char *got = card ? cJSON_PrintUnformatted(card) : NULL;
            fail(failure, "card: expected a subset, got %s", got ? got : "no card");
            cJSON_free(got);
        }
        cJSON_Delete(card);
        if (!card_ok) goto done;
    }
    passed = 1;
done:
    larkmsg_client_free(client);
    larkmsg_fake_free(fake);
    return passed;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CASES_DIR\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    struct paths files = {0};
    case_files(root, &files);
    qsort(files.items, files.len, sizeof *files.items, compare_paths);
    int ran = 0, skipped = 0, failed = 0;
    size_t root_len = strlen(root) + 1;
    for (size_t i = 0; i < files.len; i++) {
        const char *shown = files.items[i] + root_len;
        char *text = read_file(files.items[i]);
        cJSON *c = text ? cJSON_Parse(text) : NULL;
        free(text);
        if (!c) {
            printf("FAIL %s: not JSON\n", shown);
            failed++;
        } else if (cJSON_GetObjectItemCaseSensitive(c, "skip")) {
            const cJSON *reason = cJSON_GetObjectItemCaseSensitive(c, "skip");
            printf("skipped %s: %s\n", shown, cJSON_IsString(reason) ? reason->valuestring : "");
            skipped++;
        } else {
            struct failure failure = {{0}};
            expand(c);
            if (run_case(c, &failure)) {
                ran++;
            } else {
                printf("FAIL %s: %s\n", shown, failure.text);
                failed++;
            }
        }
        cJSON_Delete(c);
        free(files.items[i]);
    }
    free(files.items);
    /* Joins the runtime's threads, so that valgrind finds nothing of them "possibly lost". */
    if (larkmsg_shutdown(NULL) != LARKMSG_RESULT_OK) failed++;
    printf("conformance (C): %d passed, %d skipped, %d failed\n", ran, skipped, failed);
    if (failed > 0 || ran < 50) return 1;
    return 0;
}
