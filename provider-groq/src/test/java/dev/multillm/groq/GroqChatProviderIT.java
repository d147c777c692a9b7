package dev.multillm.groq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** A tiny real chat and stream against Groq; runs only when {@code GROQ_API_KEY} is set. */
@EnabledIfEnvironmentVariable(named = "GROQ_API_KEY", matches = ".+")
class GroqChatProviderIT {
    private static final String MODEL = System.getenv().getOrDefault("GROQ_IT_MODEL", "llama-3.1-8b-instant");

    private static ChatRequest tiny() {
        return ChatRequest.builder().model(MODEL).addUserMessage("Reply with the single word: pong")
                .maxOutputTokens(16).temperature(0.0).timeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void answersATinyChat() {
        try (GroqChatProvider groq = GroqChatProvider.builder().build()) {
            ChatResponse response = groq.chat(tiny());

            assertThat(response.content()).isNotBlank();
            assertThat(response.usage().reported()).isTrue();
            assertThat(response.requestId()).isNotBlank();
            assertThat(response.provider()).isEqualTo("groq");
        }
    }

    @Test
    void streamsATinyChatWithUsage() {
        try (GroqChatProvider groq = GroqChatProvider.builder().build(); ChatStream stream = groq.stream(tiny())) {
            ChatResponse response = stream.response();

            assertThat(response.content()).isNotBlank();
            assertThat(response.usage().reported()).isTrue();
            assertThat(response.finishReason()).isNotNull();
        }
    }

    @Test
    void listsModels() {
        try (GroqChatProvider groq = GroqChatProvider.builder().build()) {
            assertThat(groq.models()).isNotEmpty();
        }
    }
}
