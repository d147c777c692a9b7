package dev.multillm.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ContentPart;
import dev.multillm.core.Message;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.ToolChoice;
import dev.multillm.testkit.SentenceDisplayNames;
import jakarta.json.JsonNumber;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayNameGeneration(SentenceDisplayNames.class)
class RequestParserTest {

    private static ParsedRequest parse(String json) {
        return RequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiError rejection(String json) {
        ApiError.Rejection rejection = catchThrowableOfType(ApiError.Rejection.class, () -> parse(json));
        assertThat(rejection).as("a rejection of %s", json).isNotNull();
        return rejection.error();
    }

    @Test
    void readsEveryModelledFieldOfAFullRequest() {
        ParsedRequest parsed = parse("""
                {"model":"fast","stream":true,"stream_options":{"include_usage":true},
                 "messages":[
                   {"role":"developer","content":"be brief"},
                   {"role":"user","content":[{"type":"text","text":"what is "},{"type":"text","text":"this?"},
                     {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}}]},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"lookup","arguments":"{\\"q\\":1}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"42"}],
                 "tools":[{"type":"function","function":{"name":"lookup","description":"finds",
                   "parameters":{"type":"object"},"strict":true}}],
                 "tool_choice":{"type":"function","function":{"name":"lookup"}},
                 "parallel_tool_calls":false,
                 "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},
                   "strict":true}},
                 "temperature":0.5,"top_p":0.9,"max_tokens":100,"stop":"END","seed":7,"user":"u-1",
                 "reasoning_effort":"low","n":1,"logprobs":true,"top_logprobs":2,"service_tier":"auto",
                 "frequency_penalty":0.25}
                """);

        ChatRequest r = parsed.request();
        assertThat(parsed.model()).isEqualTo("fast");
        assertThat(parsed.stream()).isTrue();
        assertThat(parsed.includeUsage()).isTrue();
        assertThat(r.model()).isEqualTo("fast");
        assertThat(r.messages()).hasSize(4);
        assertThat(r.messages().get(0)).isEqualTo(Message.system("be brief"));
        Message.User user = (Message.User) r.messages().get(1);
        assertThat(user.text()).isEqualTo("what is this?");
        assertThat(user.parts().get(2)).isEqualTo(new ContentPart.Image("https://example.com/cat.png", "low"));
        Message.Assistant assistant = (Message.Assistant) r.messages().get(2);
        assertThat(assistant.content()).isNull();
        assertThat(assistant.toolCalls()).singleElement()
                .satisfies(call -> assertThat(call.arguments()).isEqualTo("{\"q\":1}"));
        assertThat(r.messages().get(3)).isEqualTo(Message.toolResult("call_1", "42"));
        assertThat(r.tools()).singleElement().satisfies(tool -> {
            assertThat(tool.name()).isEqualTo("lookup");
            assertThat(tool.parameters()).isEqualTo("{\"type\":\"object\"}");
            assertThat(tool.strict()).isTrue();
        });
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.function("lookup"));
        assertThat(r.parallelToolCalls()).isFalse();
        assertThat(r.responseFormat()).isEqualTo(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}", true));
        assertThat(r.temperature()).isEqualTo(0.5);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.maxOutputTokens()).isEqualTo(100);
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.seed()).isEqualTo(7L);
        assertThat(r.user()).isEqualTo("u-1");
        assertThat(r.reasoningEffort()).isEqualTo("low");
        assertThat(r.choices()).isEqualTo(1);
        assertThat(r.logprobs()).isTrue();
        assertThat(r.topLogprobs()).isEqualTo(2);
        assertThat(r.serviceTier()).isEqualTo("auto");
        assertThat(r.extensions()).containsOnlyKeys("frequency_penalty");
        assertThat(((JsonNumber) r.extensions().get("frequency_penalty")).doubleValue()).isEqualTo(0.25);
    }

    @Test
    void readsNullAsNotSetForOptionalFields() {
        ParsedRequest parsed = parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":null,"tools":null,
                 "stream":null,"stop":null,"logit_bias":null}
                """);

        assertThat(parsed.stream()).isFalse();
        assertThat(parsed.request().temperature()).isNull();
        assertThat(parsed.request().tools()).isEmpty();
        assertThat(parsed.request().extensions()).isEmpty();
    }

    @Test
    void prefersMaxCompletionTokensOverTheOlderMaxTokens() {
        ChatRequest r = parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"max_completion_tokens":9}
                """).request();

        assertThat(r.maxOutputTokens()).isEqualTo(9);
    }

    @Test
    void readsStopAsAListAndToolChoiceAsAWord() {
        ChatRequest r = parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a","b"],"tool_choice":"required",
                 "tools":[{"type":"function","function":{"name":"f"}}],"response_format":{"type":"json_object"}}
                """).request();

        assertThat(r.stop()).containsExactly("a", "b");
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.required());
        assertThat(r.responseFormat()).isEqualTo(ResponseFormat.jsonObject());
    }

    @Test
    void readsAssistantTextPartsAndSkipsRefusalParts() {
        ChatRequest r = parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","content":[{"type":"text","text":"hel"},{"type":"refusal","refusal":"no"},
                   {"type":"text","text":"lo"}]}]}
                """).request();

        assertThat(((Message.Assistant) r.messages().get(1)).content()).isEqualTo("hello");
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            not json at all                                                        | invalid_json               |
            [1,2]                                                                  | invalid_json               |
            {"model":"m","messages":[]} trailing                                   | invalid_json               |
            {"messages":[{"role":"user","content":"hi"}]}                          | missing_required_parameter | model
            {"model":" ","messages":[{"role":"user","content":"hi"}]}              | missing_required_parameter | model
            {"model":42,"messages":[{"role":"user","content":"hi"}]}               | invalid_type               | model
            {"model":"m"}                                                          | missing_required_parameter | messages
            {"model":"m","messages":{}}                                            | invalid_type               | messages
            {"model":"m","messages":[]}                                            | invalid_value              | messages
            {"model":"m","messages":["hi"]}                                        | invalid_type               | messages[0]
            {"model":"m","messages":[{"content":"hi"}]}                            | missing_required_parameter | messages[0].role
            {"model":"m","messages":[{"role":"wizard","content":"hi"}]}            | invalid_value              | messages[0].role
            {"model":"m","messages":[{"role":"user"}]}                             | missing_required_parameter | messages[0].content
            {"model":"m","messages":[{"role":"user","content":7}]}                 | invalid_type               | messages[0].content
            {"model":"m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]} | invalid_value        | messages[0].content[0].type
            {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]} | missing_required_parameter | messages[0].content[0].image_url.url
            {"model":"m","messages":[{"role":"assistant"}]}                        | missing_required_parameter | messages[0].content
            {"model":"m","messages":[{"role":"tool","content":"x"}]}               | missing_required_parameter | messages[0].tool_call_id
            {"model":"m","messages":[{"role":"tool","tool_call_id":"c9","content":"x"}]} | invalid_value        | messages[0]
            {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}     | invalid_type  | temperature
            {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":3}         | invalid_value | temperature
            {"model":"m","messages":[{"role":"user","content":"hi"}],"top_p":0}               | invalid_value | top_p
            {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}          | invalid_value | max_tokens
            {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":1.5}        | invalid_type  | max_tokens
            {"model":"m","messages":[{"role":"user","content":"hi"}],"n":0}                   | invalid_value | n
            {"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}          | invalid_type  | stream
            {"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a",1]}          | invalid_type  | stop[1]
            {"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]} | invalid_value | stop
            {"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"no spaces"}}]} | invalid_value | tools[0].function.name
            {"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"retrieval"}]} | invalid_value | tools[0].type
            {"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"sometimes"} | invalid_value | tool_choice
            {"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"function","function":{"name":"f"}}} | invalid_value | tool_choice
            {"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}} | invalid_value | response_format.type
            {"model":"m","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":1}} | invalid_type | stream_options.include_usage
            {"model":"m","messages":[{"role":"user","content":"hi"}],"top_logprobs":3}        | invalid_value | top_logprobs
            """)
    void rejectsBadInputNamingTheField(String body, String code, String param) {
        ApiError error = rejection(body);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).isNotBlank();
        if (param != null) {
            assertThat(error.message()).contains(param.replaceAll("\\[.*", ""));
        }
    }

    @Test
    void rejectsAnEmptyBody() {
        ApiError.Rejection rejection = catchThrowableOfType(ApiError.Rejection.class,
                () -> RequestParser.parse(new byte[0]));

        assertThat(rejection.error().code()).isEqualTo("invalid_json");
        assertThat(rejection.error().message()).contains("empty");
    }

    @Test
    void passesUnknownFieldsOnAsExtensionsForTheProvidersAllowList() {
        ChatRequest r = parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"logit_bias":{"50256":-100},"store":true}
                """).request();

        assertThat(r.extensions().keySet()).containsExactlyInAnyOrder("logit_bias", "store");
    }

    @Test
    void keepsToolCallArgumentsGivenAsAnObjectAsJsonText() {
        ChatRequest r = parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[
                 {"id":"c1","type":"function","function":{"name":"f","arguments":{"a":1}}}]}]}
                """).request();

        assertThat(((Message.Assistant) r.messages().get(1)).toolCalls()).extracting(c -> c.arguments())
                .isEqualTo(List.of("{\"a\":1}"));
    }
}
