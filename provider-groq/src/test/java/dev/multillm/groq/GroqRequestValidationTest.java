package dev.multillm.groq;

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
import dev.multillm.core.ContentPart;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Message;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.Tool;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Everything Groq would answer 400 to fails before a request reaches the server, naming the field. */
class GroqRequestValidationTest {

    @RegisterExtension
    static WireMockExtension groq = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private GroqChatProvider provider;

    @BeforeEach
    void open() {
        groq.stubFor(post(urlEqualTo("/openai/v1/chat/completions")).willReturn(WireMockAnswers.json(GroqBodies.BASIC)));
        provider = GroqChatProvider.builder().apiKey("gsk_test").baseUrl("http://127.0.0.1:" + groq.getPort()
                + "/openai/v1").defaultModel(GroqBodies.MODEL).environment(name -> null).build();
    }

    @AfterEach
    void close() {
        provider.close();
    }

    private static ChatRequest.Builder hello() {
        return ChatRequest.builder().addUserMessage("Hello");
    }

    private static final Tool WEATHER = Tool.function("get_weather", null, "{\"type\":\"object\"}");

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("logprobs", hello().logprobs(true), "logprobs"),
                Arguments.of("top_logprobs", hello().logprobs(true).topLogprobs(3), "logprobs"),
                Arguments.of("logit_bias", hello().extension("logit_bias", java.util.Map.of("50256", -100)),
                        "logit_bias"),
                Arguments.of("n as an extension", hello().extension("n", 2), "n"),
                Arguments.of("logprobs as an extension", hello().extension("logprobs", true), "logprobs"),
                Arguments.of("JSON mode with tools", hello().responseFormat(ResponseFormat.jsonObject())
                        .addTool(WEATHER), "response_format"),
                Arguments.of("structured outputs with tools", hello().model("openai/gpt-oss-20b")
                        .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}", false))
                        .addTool(WEATHER), "response_format"),
                Arguments.of("strict schema on a model without constrained decoding", hello()
                        .model("meta-llama/llama-4-scout-17b-16e-instruct")
                        .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}", true)),
                        "response_format"),
                Arguments.of("reasoning_format with include_reasoning", hello().model("qwen/qwen3-32b")
                        .reasoningFormat("parsed").extension("include_reasoning", true), "reasoning_format"),
                Arguments.of("unknown reasoning_format", hello().reasoningFormat("visible"), "reasoning_format"),
                Arguments.of("raw reasoning with tools", hello().reasoningFormat("raw").addTool(WEATHER),
                        "reasoning_format"),
                Arguments.of("raw reasoning with JSON mode", hello().reasoningFormat("raw")
                        .responseFormat(ResponseFormat.jsonObject()), "reasoning_format"),
                Arguments.of("include_reasoning that is not a boolean", hello().extension("include_reasoning", "yes"),
                        "include_reasoning"),
                Arguments.of("a field Groq does not know", hello().extension("prediction", "{}"), "prediction"),
                Arguments.of("OpenAI's store", hello().extension("store", true), "store"),
                Arguments.of("the deprecated max_tokens", hello().extension("max_tokens", 10), "max_tokens"),
                Arguments.of("stream_options set by hand", hello().extension("stream_options",
                        java.util.Map.of("include_usage", false)), "stream_options"),
                Arguments.of("more than 128 tools", hello().tools(IntStream.range(0, 129)
                        .mapToObj(i -> Tool.function("tool_" + i, null, null)).toList()), "tools"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectsBeforeSendingNamingTheField(String name, ChatRequest.Builder request, String field) {
        LlmException error = catchThrowableOfType(LlmException.class, () -> provider.chat(request.build()));

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
        assertThat(error.param()).isEqualTo(field);
        assertThat(error.getMessage()).contains(field);
        assertThat(error.provider()).isEqualTo("groq");
        groq.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectsStreamsBeforeSendingToo(String name, ChatRequest.Builder request, String field) {
        LlmException error = catchThrowableOfType(LlmException.class, () -> provider.stream(request.build()).close());

        assertThat(error.param()).isEqualTo(field);
        groq.verify(0, anyRequestedFor(anyUrl()));
    }

    static Stream<Arguments> unsupportedCapabilities() {
        return Stream.of(
                Arguments.of("more than one choice", hello().choices(2), "choices"),
                Arguments.of("an image for a text model", ChatRequest.builder().model("llama-3.3-70b-versatile")
                        .addMessage(Message.user(List.of(ContentPart.text("What is this?"),
                                ContentPart.image("https://example.com/cat.png")))), "messages"),
                Arguments.of("structured outputs on a model without them", hello().model("llama-3.1-8b-instant")
                        .responseFormat(ResponseFormat.jsonSchema("a", "{\"type\":\"object\"}", false)),
                        "responseFormat"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsupportedCapabilities")
    void rejectsWhatTheModelCannotDoAsAnUnsupportedCapability(String name, ChatRequest.Builder request,
                                                               String field) {
        LlmException error = catchThrowableOfType(LlmException.class, () -> provider.chat(request.build()));

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
        assertThat(error.param()).isEqualTo(field);
        assertThat(error.getMessage()).contains("ChatRequest." + field);
        groq.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void acceptsWhatGroqAccepts() {
        provider.chat(hello().choices(1).logprobs(false).model("openai/gpt-oss-20b")
                .responseFormat(ResponseFormat.jsonSchema("a", "{\"type\":\"object\"}", true))
                .extension("include_reasoning", false).build());
        provider.chat(hello().model("qwen/qwen3-32b").reasoningFormat("parsed").addTool(WEATHER).build());
        provider.chat(hello().model("some-future-model").reasoningFormat("hidden").build());

        groq.verify(3, anyRequestedFor(anyUrl()));
    }
}
