package dev.multillm.core.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorBodyParserTest {

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    @Test
    void readsTheStandardErrorObject() {
        ErrorBody body = ErrorBodyParser.parse("""
                {"error":{"message":"This model's maximum context length is 8192 tokens.",
                  "type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""");

        assertThat(body).isEqualTo(new ErrorBody("This model's maximum context length is 8192 tokens.",
                "context_length_exceeded", "invalid_request_error", "messages", null));
    }

    @Test
    void readsFailedGenerationOfGroq() {
        ErrorBody body = ErrorBodyParser.parse("""
                {"error":{"message":"Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
                  "type":"invalid_request_error","code":"json_validate_failed",
                  "failed_generation":"{\\"name\\": \\"Ada\\", \\"age\\": }"}}""");

        assertThat(body.code()).isEqualTo("json_validate_failed");
        assertThat(body.failedGeneration()).isEqualTo("{\"name\": \"Ada\", \"age\": }");
        assertThat(body.param()).isNull();
    }

    @Test
    void rendersANumericCodeAsDecimalText() {
        assertThat(ErrorBodyParser.parse("{\"error\":{\"code\":9999,\"message\":\"service offline for maintenance\"}}"))
                .isEqualTo(new ErrorBody("service offline for maintenance", "9999", null, null, null));
        assertThat(ErrorBodyParser.parse("{\"error\":{\"code\":402.5,\"message\":\"m\"}}").code()).isEqualTo("402.5");
        assertThat(ErrorBodyParser.parse("{\"error\":{\"code\":1e999999999,\"message\":\"m\"}}").code())
                .hasSizeLessThan(20);
    }

    @Test
    void treatsJsonNullAndBlankFieldsAsAbsent() {
        assertThat(ErrorBodyParser.parse(
                "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"))
                .isEqualTo(new ErrorBody("The server had an error", null, "server_error", null, null));
        assertThat(ErrorBodyParser.parse("{\"error\":{\"message\":\"m\",\"code\":\"\",\"type\":\" \"}}"))
                .isEqualTo(new ErrorBody("m", null, null, null, null));
    }

    @Test
    void readsAPlainStringError() {
        assertThat(ErrorBodyParser.parse("{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}"))
                .isEqualTo(ErrorBody.ofMessage("model \"llama9\" not found, try pulling it first"));
    }

    @Test
    void readsTopLevelCodeAndTypeNextToAStringError() {
        assertThat(ErrorBodyParser.parse("{\"error\":\"Too many requests\",\"code\":\"rate_limit_exceeded\",\"type\":\"requests\"}"))
                .isEqualTo(new ErrorBody("Too many requests", "rate_limit_exceeded", "requests", null, null));
    }

    @Test
    void readsATopLevelMessageObject() {
        assertThat(ErrorBodyParser.parse("""
                {"object":"error","message":"The model `foo` does not exist.","type":"NotFoundError","param":null,"code":404}"""))
                .isEqualTo(new ErrorBody("The model `foo` does not exist.", "404", "NotFoundError", null, null));
    }

    @Test
    void readsAFastApiDetailString() {
        assertThat(ErrorBodyParser.parse("{\"detail\":\"Not Found\"}")).isEqualTo(ErrorBody.ofMessage("Not Found"));
    }

    @Test
    void readsAFastApiValidationList() {
        assertThat(ErrorBodyParser.parse("""
                {"detail":[{"type":"missing","loc":["body","messages"],"msg":"Field required","input":null},
                           {"type":"float_parsing","loc":["body","temperature"],"msg":"Input should be a valid number"}]}""")
                .message())
                .isEqualTo("body.messages: Field required; body.temperature: Input should be a valid number");
    }

    @Test
    void readsTheFirstElementOfAJsonArray() {
        assertThat(ErrorBodyParser.parse("""
                [{"error":{"code":400,"message":"Invalid JSON payload received.","status":"INVALID_ARGUMENT"}}]"""))
                .isEqualTo(new ErrorBody("Invalid JSON payload received.", "400", null, null, null));
    }

    @Test
    void rendersANonStringMessageAsCompactJson() {
        assertThat(ErrorBodyParser.parse("{\"error\":{\"message\":{\"reason\":\"x\"},\"code\":\"c\"}}").message())
                .isEqualTo("{\"reason\":\"x\"}");
    }

    @Test
    void describesAnHtmlPageByItsTitleOnly() {
        ErrorBody body = ErrorBodyParser.parse("""
                <html>\r
                <head><title>502 Bad Gateway</title></head>\r
                <body>\r
                <center><h1>502 Bad Gateway</h1></center>\r
                <hr><center>cloudflare</center>\r
                </body>\r
                </html>\r
                """);

        assertThat(body).isEqualTo(ErrorBody.ofMessage("HTML error page: 502 Bad Gateway"));
    }

    @Test
    void collapsesAndDecodesAnHtmlTitle() {
        assertThat(ErrorBodyParser.parse("<!DOCTYPE html><html><head><TITLE>\n  api.groq.com &amp; friends |\n 504: Gateway time-out</TITLE>")
                .message())
                .isEqualTo("HTML error page: api.groq.com & friends | 504: Gateway time-out");
    }

    @Test
    void describesAnHtmlPageWithoutTitle() {
        assertThat(ErrorBodyParser.parse("<html><body><h1>Service Unavailable</h1>" + "x".repeat(5000) + "</body></html>"))
                .isEqualTo(ErrorBody.ofMessage("HTML error page"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\r\n", "\uFEFF"})
    void describesAnEmptyBody(String body) {
        assertThat(ErrorBodyParser.parse(body)).isEqualTo(ErrorBody.ofMessage("empty error body"));
    }

    @Test
    void keepsTheCollapsedStartOfABodyThatIsNotJson() {
        assertThat(ErrorBodyParser.parse("upstream connect error or disconnect/reset before headers.\n  reset reason: connection termination"))
                .isEqualTo(ErrorBody.ofMessage(
                        "upstream connect error or disconnect/reset before headers. reset reason: connection termination"));
    }

    @Test
    void cutsABodyThatIsNotJsonToTwoHundredCharacters() {
        String message = ErrorBodyParser.parse("{\"error\": " + "a\n\n".repeat(300)).message();

        assertThat(message).hasSize(200).startsWith("{\"error\": a a a").doesNotContain("\n");
    }

    @Test
    void keepsAnUnknownJsonObjectAsText() {
        assertThat(ErrorBodyParser.parse("{\"status\": \"failed\"}")).isEqualTo(ErrorBody.ofMessage("{\"status\": \"failed\"}"));
    }

    @Test
    void readsAStreamErrorChunk() {
        assertThat(ErrorBodyParser.fromJson(json(
                "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")))
                .isEqualTo(new ErrorBody("The server had an error while processing your request.", null, "server_error", null, null));
    }

    @Test
    void readsABareErrorObject() {
        assertThat(ErrorBodyParser.fromJson(json("{\"message\":\"over capacity\",\"type\":\"service_unavailable\",\"code\":\"capacity_exceeded\"}")))
                .isEqualTo(new ErrorBody("over capacity", "capacity_exceeded", "service_unavailable", null, null));
    }

    @Test
    void readsAStringErrorChunk() {
        assertThat(ErrorBodyParser.fromJson(json("{\"error\":\"an error was encountered while running the model\"}")))
                .isEqualTo(ErrorBody.ofMessage("an error was encountered while running the model"));
    }

    @Test
    void readsGroqXGroqErrorAsStringOrObject() {
        assertThat(ErrorBodyParser.fromJson(json("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],
                 "x_groq":{"id":"req_01abc","error":"Service Unavailable"}}""")))
                .isEqualTo(ErrorBody.ofMessage("Service Unavailable"));
        assertThat(ErrorBodyParser.fromJson(json("""
                {"id":"chatcmpl-1","choices":[],"x_groq":{"id":"req_01abc",
                 "error":{"message":"over capacity","code":"capacity_exceeded"}}}""")))
                .isEqualTo(new ErrorBody("over capacity", "capacity_exceeded", null, null, null));
    }

    @Test
    void returnsAnEmptyErrorForAnObjectWithoutOne() {
        ErrorBody none = new ErrorBody(null, null, null, null, null);
        assertThat(ErrorBodyParser.fromJson(json("{\"id\":\"chatcmpl-1\",\"choices\":[],\"x_groq\":{\"id\":\"req_01abc\"}}")))
                .isEqualTo(none);
        assertThat(ErrorBodyParser.fromJson(null)).isEqualTo(none);
    }
}
