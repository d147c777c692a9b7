package dev.multillm.examples;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.Message;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolCall;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.Map;

/**
 * Tool calling: the model asks for {@code get_weather}, the program runs it and sends the result
 * back, and the model answers with it. The loop stops when the model answers without tool calls.
 *
 * <p>Set {@code GROQ_API_KEY} to ask Groq; without it, a local simulator plays the model.
 *
 * <p>Thread-safety: a program.
 */
public final class ToolCalling {
    private static final Tool GET_WEATHER = Tool.function("get_weather", "The current weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    private ToolCalling() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        try (LocalSimulator local = LocalSimulator.unlessSet("GROQ_API_KEY",
                LocalSimulator.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                LocalSimulator.text("It is 18 °C and sunny in Paris."));
             ChatProvider groq = ChatProviders.create("groq",
                     local.config(Map.of("model", "llama-3.3-70b-versatile")))) {

            ChatRequest request = ChatRequest.builder()
                    .addUserMessage("What's the weather in Paris?")
                    .addTool(GET_WEATHER)
                    .build();
            ChatResponse response = groq.chat(request);
            for (int turn = 0; turn < 5 && !response.toolCalls().isEmpty(); turn++) {
                ChatRequest.Builder next = request.toBuilder()
                        .addMessage(Message.assistant(response.content(), response.toolCalls()));
                for (ToolCall call : response.toolCalls()) {
                    System.out.println("model calls " + call.name() + " " + call.arguments());
                    next.addMessage(Message.toolResult(call.id(), run(call)));
                }
                request = next.build();
                response = groq.chat(request);
            }
            System.out.println(response.content());
        }
    }

    /** The "tool": a real program would call a weather service here. */
    private static String run(ToolCall call) {
        try (JsonReader reader = Json.createReader(new StringReader(call.arguments()))) {
            JsonObject arguments = reader.readObject();
            String city = arguments.getString("city", "unknown");
            return Json.createObjectBuilder().add("city", city).add("celsius", 18).add("sky", "sunny").build()
                    .toString();
        }
    }
}
