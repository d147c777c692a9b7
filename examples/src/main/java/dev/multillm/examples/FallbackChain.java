package dev.multillm.examples;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import java.util.Map;

/**
 * An ordered fallback chain: Groq first, OpenAI when Groq fails in a way another provider can fix
 * (overload, outage, rate limit...). Each route names its own model, so OpenAI is never sent a
 * Groq model name. The chain owns retries: one attempt budget and one deadline for the whole call.
 *
 * <p>Set {@code GROQ_API_KEY} and {@code OPENAI_API_KEY} to use the real services; otherwise two
 * local simulators play them, and the Groq one answers 503 as it does when over capacity.
 *
 * <p>Thread-safety: a program; the chain is thread-safe and meant to be shared.
 */
public final class FallbackChain {
    private FallbackChain() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        try (LocalSimulator groqSim = LocalSimulator.unlessSet("GROQ_API_KEY", LocalSimulator.error(503, null,
                     "internal_server_error", "Service Unavailable"));
             LocalSimulator openaiSim = LocalSimulator.unlessSet("OPENAI_API_KEY", LocalSimulator.text(
                     "Fallback tries the next provider when the first one is down."));
             ChatProvider chain = FallbackChatProvider.builder()
                     .route(Route.of(ChatProviders.create("groq", groqSim.config(Map.of())), "llama-3.3-70b-versatile"))
                     .route(Route.of(ChatProviders.create("openai", openaiSim.config(Map.of())), "gpt-4o-mini"))
                     .listener(event -> {
                         if (event instanceof ChatEvent.Failover failover) {
                             System.err.println("-> " + failover.provider() + ": " + failover.reason()
                                     + ", failing over to " + failover.toProvider());
                         }
                     })
                     .build()) {

            ChatResponse answer = chain.chat(ChatRequest.of(null, "What is a fallback chain, in one sentence?"));

            System.out.println(answer.content());
            System.out.println("answered by: " + answer.provider());
            for (Attempt attempt : answer.attempts()) {
                System.out.println("  attempt " + attempt.provider() + ": " + attempt.outcome()
                        + (attempt.status() != null ? " (" + attempt.status() + ")" : ""));
            }
        }
    }
}
