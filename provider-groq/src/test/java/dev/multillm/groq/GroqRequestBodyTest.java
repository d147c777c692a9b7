package dev.multillm.groq;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ContentPart;
import dev.multillm.core.Message;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolCall;
import dev.multillm.core.ToolChoice;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshots of what reaches Groq: only allow-listed keys, in Groq's shapes. */
class GroqRequestBodyTest {
    static final String CHAT = "/openai/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension groq = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private GroqChatProvider provider;

    private GroqChatProvider provider() {
        provider = GroqChatProvider.builder().apiKey("gsk_test").baseUrl("http://127.0.0.1:" + groq.getPort()
                + "/openai/v1").defaultModel(GroqBodies.MODEL).environment(name -> null).build();
        return provider;
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private static JsonObject sentBody() {
        return WireMockAnswers.parse(groq.getAllServeEvents().get(0).getRequest().getBodyAsString());
    }

    @Test
    void sendsExactlyTheAllowListedKeysOfAFullRequest() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.TOOL_CALL)));
        ChatRequest request = ChatRequest.builder()
                .model("qwen/qwen3-32b")
                .addSystemMessage("You are terse.")
                .addUserMessage("Weather in Paris?")
                .addTool(Tool.function("get_weather", "Current weather",
                        "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}"))
                .toolChoice(ToolChoice.auto())
                .parallelToolCalls(true)
                .temperature(0.2)
                .topP(0.9)
                .maxOutputTokens(256)
                .stop(List.of("END"))
                .seed(42L)
                .user("user-1234")
                .reasoningEffort("default")
                .reasoningFormat("parsed")
                .choices(1)
                .logprobs(false)
                .serviceTier("flex")
                .extension("frequency_penalty", 0.1)
                .extension("presence_penalty", 0.2)
                .extension("search_settings", Map.of("include_domains", List.of("example.com")))
                .extension("citation_options", "enabled")
                .extension("disable_tool_validation", false)
                .build();

        provider().chat(request);

        JsonObject body = sentBody();
        assertThat(body.keySet()).containsExactlyInAnyOrder("model", "messages", "tools", "tool_choice",
                "parallel_tool_calls", "temperature", "top_p", "max_completion_tokens", "stop", "seed", "user",
                "reasoning_effort", "reasoning_format", "n", "logprobs", "service_tier", "frequency_penalty",
                "presence_penalty", "search_settings", "citation_options", "disable_tool_validation");
        assertThat(GroqChatProvider.ALLOWED_FIELDS).containsAll(body.keySet());
        assertThat(body.getString("model")).isEqualTo("qwen/qwen3-32b");
        assertThat(body.getInt("max_completion_tokens")).isEqualTo(256);
        assertThat(body.getJsonArray("messages").getJsonObject(0).keySet()).containsExactly("role", "content");
        assertThat(body.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"))
                .isEqualTo("get_weather");
    }

    @Test
    void sendsOnlyModelAndMessagesForAMinimalRequest() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.BASIC)));

        provider().chat(ChatRequest.of(null, "Hello"));

        JsonObject body = sentBody();
        assertThat(body.keySet()).containsExactly("model", "messages");
        assertThat(body.getString("model")).isEqualTo(GroqBodies.MODEL);
    }

    @Test
    void addsStreamAndIncludeUsageWhenStreaming() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.chunkContent("Hi"),
                GroqBodies.chunkFinish(GroqBodies.X_GROQ_USAGE), "[DONE]")));

        try (ChatStream stream = provider().stream(ChatRequest.builder().addUserMessage("Hi")
                .extension("include_reasoning", false).build())) {
            stream.response();
        }

        JsonObject body = sentBody();
        assertThat(body.keySet()).containsExactlyInAnyOrder("model", "messages", "include_reasoning", "stream",
                "stream_options");
        assertThat(body.getJsonObject("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
    }

    @Test
    void writesAToolConversationInGroqsShape() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.BASIC)));
        ChatRequest request = ChatRequest.builder()
                .addUserMessage("Weather in NYC?")
                .addMessage(Message.assistant(null, List.of(new ToolCall("call_d5wg", "get_weather",
                        "{\"location\": \"New York, NY\"}"))))
                .addMessage(Message.toolResult("call_d5wg", "{\"temperature\": 21}"))
                .addTool(Tool.function("get_weather", null, "{\"type\":\"object\"}"))
                .build();

        provider().chat(request);

        JsonObject assistant = sentBody().getJsonArray("messages").getJsonObject(1);
        JsonObject tool = sentBody().getJsonArray("messages").getJsonObject(2);
        assertThat(assistant.keySet()).containsExactlyInAnyOrder("role", "content", "tool_calls");
        assertThat(assistant.getJsonArray("tool_calls").getJsonObject(0).getString("id")).isEqualTo("call_d5wg");
        assertThat(tool.keySet()).containsExactlyInAnyOrder("role", "tool_call_id", "content");
    }

    @Test
    void sendsImagePartsToVisionModels() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.BASIC)));
        ChatRequest request = ChatRequest.builder().model("meta-llama/llama-4-scout-17b-16e-instruct")
                .addMessage(Message.user(List.of(ContentPart.text("What is in this image?"),
                        ContentPart.image("https://upload.wikimedia.org/cat.jpg"))))
                .build();

        provider().chat(request);

        JsonObject user = sentBody().getJsonArray("messages").getJsonObject(0);
        assertThat(user.getJsonArray("content").getJsonObject(1).getString("type")).isEqualTo("image_url");
    }
}
