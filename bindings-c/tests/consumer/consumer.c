/*
 * A program built against an installed larkmsg (find_package or pkg-config, shared or
 * static): the header's version macros match the library, a text reaches the fake's inbox,
 * a bad request fails before sending, and larkmsg_shutdown stops the library's threads.
 */
#include <stdio.h>
#include <string.h>

#include <larkmsg.h>

#if !defined(LARKMSG_VERSION_NUMBER) || LARKMSG_VERSION_NUMBER != \
    LARKMSG_VERSION_MAJOR * 10000 + LARKMSG_VERSION_MINOR * 100 + LARKMSG_VERSION_PATCH
#error "larkmsg.h lacks consistent version macros"
#endif

static int failures = 0;

#define CHECK(condition)                                                     \
    do {                                                                     \
        if (!(condition)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

int main(void) {
    CHECK(strcmp(larkmsg_version(), LARKMSG_VERSION) == 0);

    larkmsg_fake *fake = NULL;
    larkmsg_error *error = NULL;
    if (larkmsg_fake_start(&fake, &error) != LARKMSG_RESULT_OK) {
        fprintf(stderr, "cannot start the fake: %s\n", larkmsg_error_message(error));
        return 1;
    }
    char options[512];
    snprintf(options, sizeof options, "{\"app_id\": \"%s\", \"app_secret\": \"%s\", \"base_url\": \"%s\", \"quotas\": false}",
             LARKMSG_FAKE_APP_ID, LARKMSG_FAKE_APP_SECRET, larkmsg_fake_url(fake));
    larkmsg_client *client = NULL;
    CHECK(larkmsg_client_new(options, &client, &error) == LARKMSG_RESULT_OK);

    char *message = NULL;
    CHECK(larkmsg_send_text(client, "open_id", "ou_consumer", "hello from an installed larkmsg", &message, &error) ==
          LARKMSG_RESULT_OK);
    CHECK(message != NULL && strstr(message, "\"message_id\"") != NULL);
    larkmsg_string_free(message);

    CHECK(larkmsg_send_text(client, "open_id", "", "no receiver", &message, &error) == LARKMSG_RESULT_INVALID_ARGUMENT);
    CHECK(strcmp(larkmsg_error_kind(error), "invalid_argument") == 0);
    larkmsg_error_free(error);

    char *inbox = NULL;
    uint16_t status = 0;
    CHECK(larkmsg_fake_control(fake, "GET", "inbox", NULL, &status, &inbox, NULL) == LARKMSG_RESULT_OK);
    CHECK(status == 200 && inbox != NULL && strstr(inbox, "hello from an installed larkmsg") != NULL);
    larkmsg_string_free(inbox);

    larkmsg_client_free(client);
    larkmsg_fake_free(fake);
    CHECK(larkmsg_shutdown(NULL) == LARKMSG_RESULT_OK);
    printf("consumer (C, larkmsg %s): %s\n", larkmsg_version(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
