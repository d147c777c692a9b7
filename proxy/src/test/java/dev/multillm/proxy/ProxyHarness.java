package dev.multillm.proxy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.OpenAiCompatibleFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A proxy on a loopback port in front of a fresh {@link FakeUpstream}, with the official OpenAI
 * SDK and a plain JDK HTTP client pointed at it.
 *
 * <p>Models: {@code fast} (one route to the upstream, model {@code up-model}), {@code impatient}
 * (the same with a 300 ms first-token timeout) and {@code down} (a route whose port refuses
 * connections). Chains make a single attempt ({@code maxRetries: 0}) so every test sees exactly
 * the upstream answer it scripted.
 */
final class ProxyHarness implements AutoCloseable {
    static final String PROXY_KEY = "sk-proxy-0123456789abcdef";
    static final String CANARY = new OpenAiCompatibleFixture().canaryKey();
    static final String UPSTREAM_MODEL = "up-model";

    final FakeUpstream upstream = FakeUpstream.start();
    final OpenAiCompatibleFixture wire = new OpenAiCompatibleFixture();
    final ProxyServer proxy;
    final OpenAIClient sdk;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ProxyHarness() {
        this(builder -> { });
    }

    ProxyHarness(Consumer<ProxyServer.Builder> customize) {
        String config = """
                {
                  "maxRetries": 0,
                  "keepAliveInterval": "50ms",
                  "shutdownGrace": "10s",
                  "models": {
                    "fast": [{"provider": "openai", "model": "%1$s", "baseUrl": "%2$s", "apiKeyEnv": "UPSTREAM_KEY"}],
                    "impatient": [{"provider": "openai", "model": "%1$s", "baseUrl": "%2$s", "apiKeyEnv": "UPSTREAM_KEY",
                                   "firstTokenTimeout": "300ms"}],
                    "down": [{"provider": "openai", "model": "%1$s", "baseUrl": "%3$s", "apiKeyEnv": "UPSTREAM_KEY",
                              "connectTimeout": "2s"}]
                  }
                }
                """.formatted(UPSTREAM_MODEL, upstream.baseUrl(), FakeUpstream.refusingBaseUrl());
        ProxyServer.Builder builder = ProxyServer.builder().config(ProxyConfig.parse(config)).port(0)
                .clientKey(PROXY_KEY).environment(Map.of("UPSTREAM_KEY", CANARY)::get);
        customize.accept(builder);
        try {
            proxy = builder.build().start();
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
        sdk = OpenAIOkHttpClient.builder().baseUrl(proxy.baseUrl().toString()).apiKey(PROXY_KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    /** Chat parameters for {@code model} with one user message. */
    static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello");
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    URI url(String path) {
        return URI.create("http://127.0.0.1:" + proxy.port() + path);
    }

    /** A POST of {@code json} with {@code key} as bearer token (none when null). */
    HttpResponse<String> post(String path, String json, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    /** A GET with {@code key} as bearer token (none when null). */
    HttpResponse<String> get(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code /metrics} text. */
    String metrics() {
        return get("/metrics", null).body();
    }

    /** A chat body for {@code model}, streaming or not. */
    static String chatBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    @Override
    public void close() {
        try {
            sdk.close();
        } finally {
            try {
                proxy.close();
            } finally {
                upstream.close();
            }
        }
    }
}
