package dev.multillm.examples;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.LlmException;
import java.util.Map;

/**
 * The shortest useful program: one question to Groq, the answer and its token usage.
 *
 * <p>Set {@code GROQ_API_KEY} to ask Groq; without it, a local simulator answers.
 *
 * <p>Thread-safety: a program; {@link ChatProvider}s are thread-safe and meant to be shared.
 */
public final class QuickstartGroq {
    private QuickstartGroq() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        // Simulator: only when GROQ_API_KEY is not set. Drop it (and local.config) when you copy this.
        try (LocalSimulator local = LocalSimulator.unlessSet("GROQ_API_KEY", LocalSimulator.text(
                "A circuit breaker stops calling a failing service for a while so it can recover."));
             ChatProvider groq = ChatProviders.create("groq",
                     local.config(Map.of("model", "llama-3.3-70b-versatile")))) {

            ChatResponse answer = groq.chat(ChatRequest.of(null, "Explain circuit breakers in one sentence"));

            System.out.println(answer.content());
            System.out.println("model: " + answer.model() + ", tokens in/out: " + answer.usage().inputTokens()
                    + "/" + answer.usage().outputTokens());
        } catch (LlmException e) {
            // One exception type; the category says what went wrong (RATE_LIMITED, AUTHENTICATION, ...).
            System.err.println(e.category() + ": " + e.getMessage());
            throw e;
        }
    }
}
