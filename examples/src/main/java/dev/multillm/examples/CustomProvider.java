package dev.multillm.examples;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.spi.ChatProviderFactory;
import dev.multillm.examples.ollama.OllamaChatProvider;
import java.util.Map;

/**
 * A custom provider found through {@link java.util.ServiceLoader}: this module registers
 * {@link dev.multillm.examples.ollama.OllamaChatProviderFactory} in
 * {@code META-INF/services/dev.multillm.core.spi.ChatProviderFactory}, so it is created by id like
 * the built-in ones. Its contract test is {@code CustomProviderContractTest}: ten lines.
 *
 * <p>Set {@code OLLAMA_BASE_URL} (for example {@code http://localhost:11434/v1}) to use a running
 * Ollama; without it, a local simulator answers.
 *
 * <p>Thread-safety: a program.
 */
public final class CustomProvider {
    private CustomProvider() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        System.out.println("providers found on the class path:");
        for (ChatProviderFactory factory : ChatProviders.available()) {
            System.out.println("  " + factory.id() + ": " + factory.description());
        }

        try (LocalSimulator local = LocalSimulator.unlessSet(OllamaChatProvider.BASE_URL_ENV, LocalSimulator.text(
                "Hello from a provider that multillm found through ServiceLoader."));
             ChatProvider ollama = ChatProviders.create("ollama", local.config(Map.of("model", "llama3.2")))) {

            ChatResponse answer = ollama.chat(ChatRequest.of(null, "Say hello in one sentence."));

            System.out.println(answer.provider() + " says: " + answer.content());
        }
    }
}
