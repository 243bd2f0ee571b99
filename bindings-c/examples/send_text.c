/*
 * Sends one text message and prints the result.
 *
 * With LARK_APP_ID, LARK_APP_SECRET and LARK_RECEIVE_ID (an open_id) in the environment
 * (LARK_DOMAIN=lark for Lark) it sends for real; otherwise it starts the bundled fake
 * Feishu server on 127.0.0.1 and sends there.
 *
 * Build: cc send_text.c $(pkg-config --cflags --libs larkmsg) -o send_text, or with CMake
 * (CMakeLists.txt beside it: find_package(larkmsg)).
 */
#include <stdio.h>
#include <stdlib.h>

#include "larkmsg.h"

/* Prints a failure and frees its error object. */
static int report(const char *what, larkmsg_error *error) {
    fprintf(stderr, "%s failed: %s\n", what, larkmsg_error_message(error));
    const char *log_id = larkmsg_error_log_id(error);
    if (log_id) fprintf(stderr, "log id: %s\n", log_id);
    larkmsg_error_free(error);
    return 1;
}

int main(void) {
    const char *app_id = getenv("LARK_APP_ID");
    const char *app_secret = getenv("LARK_APP_SECRET");
    const char *receive_id = getenv("LARK_RECEIVE_ID");
    const char *domain = getenv("LARK_DOMAIN");
    larkmsg_fake *fake = NULL;
    larkmsg_error *error = NULL;
    char options[1024];

    if (app_id && app_secret && receive_id) {
        snprintf(options, sizeof options, "{\"app_id\": \"%s\", \"app_secret\": \"%s\", \"domain\": \"%s\"}", app_id,
                 app_secret, domain ? domain : "feishu");
    } else {
        if (larkmsg_fake_start(&fake, &error) != LARKMSG_RESULT_OK) return report("starting the fake", error);
        snprintf(options, sizeof options, "{\"app_id\": \"%s\", \"app_secret\": \"%s\", \"base_url\": \"%s\"}",
                 LARKMSG_FAKE_APP_ID, LARKMSG_FAKE_APP_SECRET, larkmsg_fake_url(fake));
        receive_id = "ou_example";
        printf("no credentials set: sending to the fake at %s\n", larkmsg_fake_url(fake));
    }

    larkmsg_client *client = NULL;
    if (larkmsg_client_new(options, &client, &error) != LARKMSG_RESULT_OK) {
        larkmsg_fake_free(fake);
        return report("creating the client", error);
    }

    char *message = NULL;
    larkmsg_result result = larkmsg_send_text(client, "open_id", receive_id, "Hello from C", &message, &error);
    larkmsg_client_free(client);
    if (result != LARKMSG_RESULT_OK) {
        larkmsg_fake_free(fake);
        return report("sending", error);
    }
    printf("larkmsg %s sent: %s\n", larkmsg_version(), message);
    larkmsg_string_free(message);
    larkmsg_fake_free(fake);
    return 0;
}
