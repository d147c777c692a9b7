package dev.multillm.examples;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ResponseFormat;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.Map;

/**
 * JSON mode: the answer is a JSON object, read here with JSON-P. (For a fixed shape, use
 * {@link ResponseFormat#jsonSchema} where the model supports it.) A model output that fails the
 * provider's JSON validation is {@code OUTPUT_VALIDATION_FAILED}, with the failed generation kept.
 *
 * <p>Set {@code GROQ_API_KEY} to ask Groq; without it, a local simulator answers.
 *
 * <p>Thread-safety: a program.
 */
public final class JsonMode {
    private JsonMode() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        try (LocalSimulator local = LocalSimulator.unlessSet("GROQ_API_KEY", LocalSimulator.text(
                "{\"name\":\"circuit breaker\",\"states\":[\"closed\",\"open\",\"half-open\"]}"));
             ChatProvider groq = ChatProviders.create("groq",
                     local.config(Map.of("model", "llama-3.3-70b-versatile")))) {

            ChatRequest request = ChatRequest.builder()
                    .addSystemMessage("Answer with a JSON object with the keys name and states.")
                    .addUserMessage("Describe a circuit breaker's states as JSON.")
                    .responseFormat(ResponseFormat.jsonObject())
                    .build();
            ChatResponse response = groq.chat(request);

            try (JsonReader reader = Json.createReader(new StringReader(response.content()))) {
                JsonObject answer = reader.readObject();
                System.out.println("name: " + answer.getString("name", "?"));
                System.out.println("states: " + answer.get("states"));
            }
        }
    }
}
