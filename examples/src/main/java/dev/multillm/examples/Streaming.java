package dev.multillm.examples;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.StreamInterruptedException;
import java.util.Map;

/**
 * Prints the answer token by token as it arrives, then the whole response folded from the chunks.
 *
 * <p>A stream is {@link AutoCloseable}: try-with-resources releases the connection on every path.
 * A failure before the first token is retried invisibly; after it, you get a
 * {@link StreamInterruptedException} with the partial answer, and nothing is re-sent.
 *
 * <p>Set {@code GROQ_API_KEY} to ask Groq; without it, a local simulator streams the answer.
 *
 * <p>Thread-safety: a program; a {@link ChatStream} is read by one thread.
 */
public final class Streaming {
    private Streaming() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        try (LocalSimulator local = LocalSimulator.unlessSet("GROQ_API_KEY", LocalSimulator.streamed(
                "Streaming sends the answer token by token, so the first words show up at once."));
             ChatProvider groq = ChatProviders.create("groq",
                     local.config(Map.of("model", "llama-3.3-70b-versatile")))) {

            ChatRequest request = ChatRequest.builder()
                    .addSystemMessage("You answer in one sentence.")
                    .addUserMessage("Why stream LLM answers?")
                    .build();
            try (ChatStream stream = groq.stream(request)) {
                for (ChatChunk chunk : stream) {
                    if (chunk.content() != null) {
                        System.out.print(chunk.content());
                        System.out.flush();
                    }
                }
                System.out.println();
                ChatResponse whole = stream.response();
                System.out.println("finish reason: " + whole.finishReason() + ", tokens out: "
                        + whole.usage().outputTokens());
            } catch (StreamInterruptedException e) {
                System.out.println();
                System.err.println("stream broke after: \"" + e.partialContent() + "\"");
                throw e;
            }
        }
    }
}
