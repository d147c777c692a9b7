package dev.multillm.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.FinishReason;
import dev.multillm.core.ToolCall;
import dev.multillm.core.ToolCallDelta;
import dev.multillm.core.Usage;
import dev.multillm.core.internal.wire.ChunkDecoder;
import dev.multillm.core.internal.wire.DecodedChunk;
import dev.multillm.core.internal.wire.ResponseDecoder;
import dev.multillm.testkit.SentenceDisplayNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/** The server-side writers, read back with core's client-side decoders: the two codecs must mirror each other. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class WireWritersTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String payload(byte[] event) {
        String text = text(event);
        assertThat(text).startsWith("data: ").endsWith("\n\n");
        return text.substring("data: ".length(), text.length() - 2);
    }

    @Test
    void writesACompletionThatCoresDecoderReadsBackUnchanged() {
        ChatResponse answer = ChatResponse.builder().provider("groq").id("chatcmpl-1").model("llama")
                .content("Hello \"world\"\n").reasoning("thinking").finishReason(FinishReason.TOOL_CALLS)
                .toolCalls(List.of(new ToolCall("call_1", "lookup", "{\"q\":1}")))
                .usage(Usage.of(12, 4, 30, 10)).build();

        String body = text(ResponseWriter.completion(answer, "chatcmpl-1", "fast", 1_700_000_000L));
        ChatResponse read = ResponseDecoder.decode(body, "proxy").build();

        assertThat(body).contains("\"object\":\"chat.completion\"").contains("\"model\":\"fast\"")
                .contains("\"created\":1700000000");
        assertThat(read.content()).isEqualTo("Hello \"world\"\n");
        assertThat(read.reasoning()).isEqualTo("thinking");
        assertThat(read.toolCalls()).containsExactly(new ToolCall("call_1", "lookup", "{\"q\":1}"));
        assertThat(read.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(read.usage()).isEqualTo(Usage.of(12, 4, 30, 10));
    }

    @Test
    void leavesUsageOutWhenTheUpstreamReportedNone() {
        ChatResponse answer = ChatResponse.builder().provider("p").content("x").finishReason(FinishReason.STOP).build();

        assertThat(text(ResponseWriter.completion(answer, "id", "m", 1))).doesNotContain("usage");
    }

    @Test
    void opensEachChoiceWithTheAssistantRoleAndSkipsEmptyChunks() {
        StreamEncoder encoder = new StreamEncoder("chatcmpl-x", "fast", 5, false);

        String first = payload(encoder.chunk(ChatChunk.content("Hel")));
        String second = payload(encoder.chunk(ChatChunk.content("lo")));

        assertThat(first).contains("\"role\":\"assistant\"").contains("\"content\":\"Hel\"")
                .contains("\"object\":\"chat.completion.chunk\"").contains("\"id\":\"chatcmpl-x\"");
        assertThat(second).doesNotContain("role");
        assertThat(encoder.chunk(new ChatChunk(0, null, null, null, List.of(), null, null, null))).isNull();
        DecodedChunk decoded = ChunkDecoder.decode(second);
        assertThat(decoded.chunks()).singleElement().satisfies(c -> assertThat(c.content()).isEqualTo("lo"));
    }

    @Test
    void givesEveryToolCallFragmentAnIndexEvenWhenTheUpstreamSentNone() {
        StreamEncoder encoder = new StreamEncoder("id", "m", 1, false);

        String open1 = payload(encoder.chunk(new ChatChunk(0, null, null, null,
                List.of(new ToolCallDelta(null, "call_a", "f", "")), null, null, null)));
        String open2 = payload(encoder.chunk(new ChatChunk(0, null, null, null,
                List.of(new ToolCallDelta(null, "call_b", "g", "{")), null, null, null)));
        String more = payload(encoder.chunk(new ChatChunk(0, null, null, null,
                List.of(new ToolCallDelta(null, null, null, "}")), null, null, null)));

        assertThat(open1).contains("\"index\":0,\"id\":\"call_a\",\"type\":\"function\"");
        assertThat(open2).contains("\"index\":1,\"id\":\"call_b\"");
        assertThat(more).contains("\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"}\"}}]");
    }

    @Test
    void sendsTheUsageChunkBeforeDoneOnlyWhenTheCallerAskedForIt() {
        StreamEncoder asked = new StreamEncoder("id", "m", 1, true);
        StreamEncoder notAsked = new StreamEncoder("id", "m", 1, false);
        ChatChunk usage = new ChatChunk(0, null, null, null, List.of(), null, Usage.of(3, 5), null);

        assertThat(asked.chunk(usage)).isNull();
        assertThat(notAsked.chunk(usage)).isNull();
        String end = text(asked.end());
        assertThat(end).startsWith("data: {").contains("\"choices\":[]").contains("\"prompt_tokens\":3")
                .endsWith("data: [DONE]\n\n");
        assertThat(text(notAsked.end())).isEqualTo("data: [DONE]\n\n");
        assertThat(notAsked.usage()).isEqualTo(Usage.of(3, 5));
    }

    @Test
    void writesTheFinishReasonOnTheChunkThatEndsTheChoice() {
        StreamEncoder encoder = new StreamEncoder("id", "m", 1, false);
        encoder.chunk(ChatChunk.content("x"));

        String finish = payload(encoder.chunk(new ChatChunk(0, null, null, null, List.of(), FinishReason.LENGTH,
                null, null)));

        assertThat(finish).contains("\"finish_reason\":\"length\"");
    }

    @Test
    void endsAFailedStreamWithAnErrorEventAndNoDone() {
        byte[] event = StreamEncoder.error(new ApiError(502, "server_error", "stream_interrupted", null, "broke", null,
                false, null));

        assertThat(text(event)).isEqualTo("data: {\"error\":{\"message\":\"broke\",\"type\":\"server_error\","
                + "\"param\":null,\"code\":\"stream_interrupted\"}}\n\n");
    }
}
