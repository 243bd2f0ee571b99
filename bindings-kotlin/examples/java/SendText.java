import io.github.larkmsg.Client;
import io.github.larkmsg.FakeServer;
import io.github.larkmsg.InvalidArgumentException;
import io.github.larkmsg.LarkException;
import io.github.larkmsg.Message;
import io.github.larkmsg.SendMessageRequest;
import io.github.larkmsg.Testing;
import io.github.larkmsg.Violation;

/**
 * Sends a text message with the blocking API, then shows what a broken rule looks like.
 * With LARK_APP_ID, LARK_APP_SECRET and LARK_RECEIVER (an open_id) set it talks to Feishu;
 * without them, to the fake server bundled with the library.
 */
public final class SendText {
    public static void main(String[] args) throws Exception {
        String appId = System.getenv("LARK_APP_ID");
        FakeServer fake = appId == null ? Testing.startFake() : null;
        String receiver = appId == null ? "ou_example" : System.getenv("LARK_RECEIVER");
        try (Client client = fake != null ? Testing.client(fake) : new Client(appId, System.getenv("LARK_APP_SECRET"))) {
            Message message = client.sendTextBlocking("open_id", receiver, "Hello from Java");
            System.out.println("sent " + message.getMessageId() + " to chat " + message.getChatId());

            // The content must be a text object with a "text": the core says so before sending.
            try {
                client.sendMessageBlocking(new SendMessageRequest("open_id", receiver, "text", "{}", null, null));
            } catch (InvalidArgumentException error) {
                for (Violation violation : error.getViolations()) {
                    System.out.println("refused before sending: " + violation.getPath() + ": " + violation.getMessage());
                }
            } catch (LarkException error) {
                System.out.println("failed: " + error.getKind() + ", may have been sent: " + error.getMaybeSent());
                throw error;
            }
            if (fake != null && fake.inbox().getMessages().size() != 1) {
                throw new IllegalStateException("the fake should hold exactly the one message sent");
            }
        } finally {
            if (fake != null) {
                fake.close();
            }
        }
    }
}
