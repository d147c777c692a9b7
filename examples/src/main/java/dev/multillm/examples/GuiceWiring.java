package dev.multillm.examples;

import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.guice.FallbackModule;
import dev.multillm.groq.guice.GroqModule;
import dev.multillm.openai.guice.OpenAiModule;
import java.util.List;
import java.util.Map;

/**
 * Guice wiring: each provider module adds its provider to a {@code MapBinder<String, ChatProvider>}
 * keyed by id, and {@link FallbackModule} builds a chain over the ids it is given. Guice is
 * optional in multillm; these modules only declare bindings (no I/O in {@code configure()}).
 *
 * <p>Set {@code GROQ_API_KEY} and {@code OPENAI_API_KEY} to use the real services; otherwise two
 * local simulators play them.
 *
 * <p>Thread-safety: a program; the injected providers are thread-safe singletons.
 */
public final class GuiceWiring {
    private GuiceWiring() {
    }

    /**
     * An application service that asks whichever provider the injector gives it.
     *
     * <p>Thread-safety: thread-safe (the provider is).
     */
    public static final class Assistant {
        private final ChatProvider chat;

        /** Injected with the fallback chain. */
        @Inject
        public Assistant(FallbackChatProvider chat) {
            this.chat = chat;
        }

        /** Asks one question. */
        public ChatResponse ask(String question) {
            return chat.chat(ChatRequest.of(null, question));
        }
    }

    /** Runs the example. */
    public static void main(String[] args) {
        try (LocalSimulator groqSim = LocalSimulator.unlessSet("GROQ_API_KEY",
                     LocalSimulator.text("Guice gave me to you through a MapBinder."));
             LocalSimulator openaiSim = LocalSimulator.unlessSet("OPENAI_API_KEY",
                     LocalSimulator.text("I am the second route of the chain."))) {

            Injector injector = Guice.createInjector(
                    new GroqModule(groqSim.config(Map.of("model", "llama-3.3-70b-versatile"))),
                    new OpenAiModule(openaiSim.config(Map.of("model", "gpt-4o-mini"))),
                    new FallbackModule(List.of("groq", "openai")));

            Map<String, ChatProvider> providers = injector.getInstance(
                    Key.get(new TypeLiteral<Map<String, ChatProvider>>() { }));
            try {
                System.out.println("bound providers: " + providers.keySet());
                ChatResponse answer = injector.getInstance(Assistant.class).ask("How did you get here?");
                System.out.println(answer.provider() + ": " + answer.content());
            } finally {
                // The application owns the providers: close them at shutdown.
                providers.values().forEach(ChatProvider::close);
            }
        }
    }
}
