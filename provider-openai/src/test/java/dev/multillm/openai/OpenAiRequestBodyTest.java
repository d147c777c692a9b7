package dev.multillm.openai;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolChoice;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Snapshots of what reaches the server: only allow-listed keys, in OpenAI's shapes. */
class OpenAiRequestBodyTest {
    static final String CHAT = "/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension openai = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private OpenAiChatProvider provider;

    private OpenAiChatProvider provider(UnaryOperator<OpenAiChatProvider.Builder> settings) {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.BASIC)));
        provider = settings.apply(OpenAiChatProvider.builder().apiKey("sk-test").baseUrl("http://127.0.0.1:"
                + openai.getPort() + "/v1").defaultModel(OpenAiBodies.MODEL).environment(name -> null)).build();
        return provider;
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private static JsonObject sentBody() {
        return WireMockAnswers.parse(openai.getAllServeEvents().get(0).getRequest().getBodyAsString());
    }

    @Test
    void sendsExactlyTheAllowListedKeysOfAFullRequest() {
        ChatRequest request = ChatRequest.builder()
                .model("gpt-4o")
                .addSystemMessage("You are terse.")
                .addUserMessage("Weather in Paris?")
                .addTool(new Tool("get_weather", "Current weather", "{\"type\":\"object\",\"properties\":"
                        + "{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"],"
                        + "\"additionalProperties\":false}", true))
                .toolChoice(ToolChoice.required())
                .parallelToolCalls(false)
                .temperature(0.2)
                .topP(0.9)
                .maxOutputTokens(256)
                .stop(List.of("END"))
                .seed(42L)
                .user("user-1234")
                .reasoningEffort("low")
                .choices(2)
                .logprobs(true)
                .topLogprobs(3)
                .serviceTier("flex")
                .extension("frequency_penalty", 0.1)
                .extension("presence_penalty", 0.2)
                .extension("logit_bias", Map.of("50256", -100))
                .extension("store", true)
                .extension("metadata", Map.of("team", "search"))
                .extension("prediction", Map.of("type", "content", "content", "draft"))
                .extension("modalities", List.of("text"))
                .extension("web_search_options", Map.of("search_context_size", "low"))
                .extension("verbosity", "low")
                .extension("prompt_cache_key", "tenant-7")
                .extension("safety_identifier", "hash-abc")
                .build();

        provider(b -> b).chat(request);

        JsonObject body = sentBody();
        assertThat(body.keySet()).containsExactlyInAnyOrder("model", "messages", "tools", "tool_choice",
                "parallel_tool_calls", "temperature", "top_p", "max_completion_tokens", "stop", "seed", "user",
                "reasoning_effort", "n", "logprobs", "top_logprobs", "service_tier", "frequency_penalty",
                "presence_penalty", "logit_bias", "store", "metadata", "prediction", "modalities",
                "web_search_options", "verbosity", "prompt_cache_key", "safety_identifier");
        assertThat(provider.allowedFields()).containsAll(body.keySet());
        assertThat(body.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getBoolean("strict"))
                .isTrue();
        assertThat(body.getString("tool_choice")).isEqualTo("required");
    }

    @Test
    void writesStructuredOutputsWithStrict() {
        provider(b -> b).chat(ChatRequest.builder().addUserMessage("Name a scientist")
                .responseFormat(ResponseFormat.jsonSchema("person", "{\"type\":\"object\",\"properties\":{\"name\":"
                        + "{\"type\":\"string\"}},\"required\":[\"name\"],\"additionalProperties\":false}", true))
                .build());

        JsonObject format = sentBody().getJsonObject("response_format");
        assertThat(format.getString("type")).isEqualTo("json_schema");
        assertThat(format.getJsonObject("json_schema").getString("name")).isEqualTo("person");
        assertThat(format.getJsonObject("json_schema").getBoolean("strict")).isTrue();
    }

    @Test
    void sendsMaxTokensInsteadForOlderCompatibleServers() {
        provider(b -> b.maxTokensField("max_tokens")).chat(ChatRequest.builder().addUserMessage("Hi")
                .maxOutputTokens(64).build());

        assertThat(sentBody().keySet()).containsExactlyInAnyOrder("model", "messages", "max_tokens");
        assertThat(sentBody().getInt("max_tokens")).isEqualTo(64);
    }

    @Test
    void passesACompatibleServersOwnFieldsOnlyWhenDeclared() {
        provider(b -> b.extraFields(List.of("top_k", "repetition_penalty"))).chat(ChatRequest.builder()
                .addUserMessage("Hi").extension("top_k", 40).extension("repetition_penalty", 1.1).build());

        assertThat(sentBody().keySet()).containsExactlyInAnyOrder("model", "messages", "top_k", "repetition_penalty");
    }

    @Test
    void addsStreamAndIncludeUsageWhenStreaming() {
        OpenAiChatProvider p = provider(b -> b);
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(OpenAiBodies.content("Hi"),
                OpenAiBodies.chunk("{}", "stop"), OpenAiBodies.usageChunk(5, 0, 1, 0), "[DONE]")));
        try (ChatStream stream = p.stream(ChatRequest.of(null, "Hi"))) {
            stream.response();
        }

        assertThat(sentBody().keySet()).containsExactlyInAnyOrder("model", "messages", "stream", "stream_options");
        assertThat(sentBody().getJsonObject("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
    }

    static Stream<Arguments> rejectedFields() {
        return Stream.of(
                Arguments.of("a vendor field not declared", ChatRequest.builder().addUserMessage("Hi")
                        .extension("top_k", 40), "top_k"),
                Arguments.of("Groq's reasoning_format", ChatRequest.builder().addUserMessage("Hi")
                        .reasoningFormat("parsed"), "reasoning_format"),
                Arguments.of("the deprecated functions", ChatRequest.builder().addUserMessage("Hi")
                        .extension("functions", List.of()), "functions"),
                Arguments.of("max_tokens next to max_completion_tokens", ChatRequest.builder().addUserMessage("Hi")
                        .extension("max_tokens", 10), "max_tokens"),
                Arguments.of("stream_options set by hand", ChatRequest.builder().addUserMessage("Hi")
                        .extension("stream_options", Map.of("include_usage", false)), "stream_options"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedFields")
    void rejectsFieldsOutsideTheAllowListBeforeSending(String name, ChatRequest.Builder request, String field) {
        OpenAiChatProvider p = provider(b -> b);

        LlmException error = catchThrowableOfType(LlmException.class, () -> p.chat(request.build()));

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
        assertThat(error.param()).isEqualTo(field);
        assertThat(error.getMessage()).contains(field);
        openai.verify(0, anyRequestedFor(anyUrl()));
    }
}
