package dev.multillm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** A tiny real chat and stream against OpenAI; runs only when {@code OPENAI_API_KEY} is set. */
@EnabledIfEnvironmentVariable(named = "OPENAI_API_KEY", matches = ".+")
class OpenAiChatProviderIT {
    private static final String MODEL = System.getenv().getOrDefault("OPENAI_IT_MODEL", "gpt-4o-mini");

    private static ChatRequest tiny() {
        return ChatRequest.builder().model(MODEL).addUserMessage("Reply with the single word: pong")
                .maxOutputTokens(16).timeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void answersATinyChat() {
        try (OpenAiChatProvider openai = OpenAiChatProvider.builder().build()) {
            ChatResponse response = openai.chat(tiny());

            assertThat(response.content()).isNotBlank();
            assertThat(response.usage().reported()).isTrue();
            assertThat(response.provider()).isEqualTo("openai");
        }
    }

    @Test
    void streamsATinyChatWithUsage() {
        try (OpenAiChatProvider openai = OpenAiChatProvider.builder().build(); ChatStream stream = openai.stream(tiny())) {
            ChatResponse response = stream.response();

            assertThat(response.content()).isNotBlank();
            assertThat(response.usage().reported()).isTrue();
            assertThat(response.finishReason()).isNotNull();
        }
    }
}
