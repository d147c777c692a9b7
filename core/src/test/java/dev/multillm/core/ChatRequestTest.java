package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ChatRequestTest {

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("no messages", (Supplier<ChatRequest>) () -> ChatRequest.builder().model("m").build(),
                        "messages must not be empty"),
                Arguments.of("blank model", (Supplier<ChatRequest>) () -> base().model("  ").build(),
                        "model must not be blank"),
                Arguments.of("temperature too high", (Supplier<ChatRequest>) () -> base().temperature(2.5).build(),
                        "temperature must be between 0 and 2"),
                Arguments.of("temperature NaN", (Supplier<ChatRequest>) () -> base().temperature(Double.NaN).build(),
                        "temperature"),
                Arguments.of("topP zero", (Supplier<ChatRequest>) () -> base().topP(0.0).build(), "topP"),
                Arguments.of("maxOutputTokens zero", (Supplier<ChatRequest>) () -> base().maxOutputTokens(0).build(),
                        "maxOutputTokens must be at least 1"),
                Arguments.of("five stops", (Supplier<ChatRequest>) () ->
                        base().stop(List.of("a", "b", "c", "d", "e")).build(), "stop allows at most 4"),
                Arguments.of("empty stop", (Supplier<ChatRequest>) () ->
                        base().stop(List.of("a", "")).build(), "stop sequences must not be empty"),
                Arguments.of("tool result without call", (Supplier<ChatRequest>) () ->
                        base().addMessage(Message.toolResult("call_1", "42")).build(), "toolCallId 'call_1'"),
                Arguments.of("blank tool call id", (Supplier<ChatRequest>) () ->
                        base().addMessage(Message.toolResult(" ", "42")).build(), "toolResult.toolCallId"),
                Arguments.of("duplicate tools", (Supplier<ChatRequest>) () -> base()
                        .addTool(Tool.function("f", null, null)).addTool(Tool.function("f", null, null)).build(),
                        "tools must have distinct names"),
                Arguments.of("tool choice names unknown tool", (Supplier<ChatRequest>) () -> base()
                        .toolChoice(ToolChoice.function("missing")).build(), "toolChoice names function 'missing'"),
                Arguments.of("topLogprobs without logprobs", (Supplier<ChatRequest>) () -> base()
                        .topLogprobs(3).build(), "topLogprobs requires logprobs"),
                Arguments.of("zero timeout", (Supplier<ChatRequest>) () -> base().timeout(Duration.ZERO).build(),
                        "timeout must be positive"),
                Arguments.of("null message", (Supplier<ChatRequest>) () -> base().addMessage(null).build(),
                        "message must not be null"),
                Arguments.of("bad tool name", (Supplier<ChatRequest>) () -> base()
                        .addTool(Tool.function("has space", null, null)).build(), "tool.name"),
                Arguments.of("choices zero", (Supplier<ChatRequest>) () -> base().choices(0).build(),
                        "choices must be at least 1"));
    }

    private static ChatRequest.Builder base() {
        return ChatRequest.builder().model("m").addUserMessage("hi");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputIsRejectedNamingTheField(String name, Supplier<ChatRequest> request, String message) {
        assertThatThrownBy(request::get).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void toolResultAnsweringAnEarlierCallIsAccepted() {
        ChatRequest request = base()
                .addMessage(Message.assistant(null, List.of(new ToolCall("call_1", "f", "{}"))))
                .addMessage(Message.toolResult("call_1", "42"))
                .build();

        assertThat(request.messages()).hasSize(3);
    }

    @Test
    void toolResultsMayAnswerCallsOfAnyEarlierAssistantMessage() {
        ChatRequest request = base()
                .addMessage(Message.assistant(null, List.of(new ToolCall("call_1", "f", "{}"))))
                .addMessage(Message.toolResult("call_1", "1"))
                .addMessage(Message.assistant(null, List.of(new ToolCall("call_2", "f", "{}"))))
                .addMessage(Message.toolResult("call_2", "2"))
                .addMessage(Message.toolResult("call_1", "again"))
                .build();

        assertThat(request.messages()).hasSize(6);
    }

    @Test
    void toBuilderRoundTripsEveryField() {
        ChatRequest request = base().temperature(0.5).topP(0.9).maxOutputTokens(10).stop(List.of("x")).seed(7L)
                .user("u").reasoningEffort("low").reasoningFormat("parsed").choices(2).logprobs(true)
                .topLogprobs(2).serviceTier("flex").extension("k", "v").timeout(Duration.ofSeconds(3))
                .responseFormat(ResponseFormat.jsonObject()).parallelToolCalls(false).build();

        assertThat(request.toBuilder().build()).isEqualTo(request);
    }

    @Test
    void requestIsImmutable() {
        ChatRequest request = base().build();

        assertThatThrownBy(() -> request.messages().add(Message.user("x")))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
