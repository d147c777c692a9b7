package dev.multillm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multillm.core.ApiKey;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ContentPart;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.Message;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.Timeouts;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.spi.ChatProviderFactory;
import dev.multillm.testkit.WireFixture.ErrorAnswer;
import dev.multillm.testkit.WireFixture.SentMessage;
import dev.multillm.testkit.WireFixture.StreamEvents;
import dev.multillm.testkit.WireFixture.TextAnswer;
import dev.multillm.testkit.WireFixture.ToolCallAnswer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link ChatProvider} must pass, ours or a third party's. Subclass it in a
 * test, build the provider from the {@link ContractEnvironment} the kit hands over, and the whole
 * contract runs against a fresh fake upstream and a fresh provider per test:
 *
 * <pre>{@code
 * class MyProviderContractTest extends ChatProviderContract {
 *     @Override
 *     protected ChatProvider createProvider(ContractEnvironment env) {
 *         return MyProvider.builder()
 *                 .baseUrl(env.baseUrl()).apiKey(env.apiKey())
 *                 .timeouts(env.timeouts()).retryPolicy(env.retryPolicy())
 *                 .clock(env.clock()).sleeper(env.sleeper()).listener(env.listener())
 *                 .build();
 *     }
 * }
 * }</pre>
 *
 * <p>A provider that does not speak the OpenAI chat-completions protocol also overrides
 * {@link #wireFixture()}. Tests are grouped by feature ({@link Nested @Nested}, each with a
 * {@link DisplayName}); the test methods are package-private, so a subclass cannot override its way
 * out of one. Optional features (streaming, tools, JSON mode, vision) run only when the provider
 * declares them in {@link ChatProvider#capabilities(String)}, are skipped with the reason when it
 * does not, and then a negative test checks the provider refuses them with
 * {@link ErrorTaxonomy#UNSUPPORTED_CAPABILITY} before anything is sent.
 *
 * <p>The fake upstream's key is a canary: the secrets group runs every failure path with logging
 * at its finest level and fails if the key shows up anywhere. Timeouts are real but short; retry
 * waits go through the recording sleeper and never sleep.
 *
 * <p>Thread-safety: JUnit creates one instance per test; not meant to be shared.
 */
@DisplayNameGeneration(SentenceDisplayNames.class)
public abstract class ChatProviderContract {

    /** The model every request of the contract names. */
    protected static final String MODEL = "contract-model";

    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final List<String> DELTAS = List.of("Hel", "lo, ", "contract!");
    private static final String CONTENT = "Hello, contract!";
    private static final String REQUEST_ID = "req_contract_1";
    private static final Usage USAGE = Usage.of(12, 4, 7, 2);
    private static final RateLimitSnapshot RATE_LIMIT = new RateLimitSnapshot(100L, 99L, Duration.ofMinutes(6),
            10_000L, 9_000L, Duration.ofMillis(330));

    private FakeUpstream upstream;
    private WireFixture wire;
    private ContractEnvironment env;
    private ChatProvider provider;
    private final List<ChatProvider> extraProviders = new ArrayList<>();

    /**
     * Builds the provider under test from {@code env}: its base URL, key (null means keyless),
     * timeouts, retry policy, clock, sleeper and listener must all be used. Called once per test,
     * sometimes more (with a modified environment).
     */
    protected abstract ChatProvider createProvider(ContractEnvironment env);

    /**
     * Whether the environment carries an API key. Override with {@code false} to run the whole
     * contract as a keyless local server (vLLM, Ollama, ...): requests must then carry no
     * {@code Authorization} header, and the secrets group builds an extra keyed provider to
     * check that a key, when there is one, never leaks.
     */
    protected boolean usesApiKey() {
        return true;
    }

    /** The wire protocol of the provider; OpenAI chat completions unless overridden. */
    protected WireFixture wireFixture() {
        return new OpenAiCompatibleFixture();
    }

    /** The id its {@link ChatProviderFactory} is registered under; the provider's id unless overridden. */
    protected String expectedFactoryId() {
        return provider.id();
    }

    /**
     * The configuration the discovery test creates a provider from through its factory. By default
     * the common keys {@code baseUrl}, {@code apiKey} and {@code model}, with no environment variables.
     */
    protected ProviderConfig factoryConfig(ContractEnvironment environment) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("baseUrl", environment.baseUrl().toString());
        if (environment.apiKey() != null) {
            values.put("apiKey", environment.apiKey().reveal());
        }
        values.put("model", MODEL);
        return ProviderConfig.of(values).withEnvironment(name -> null);
    }

    // ================================================================================ lifecycle

    @BeforeEach
    void startUpstreamAndProvider() {
        wire = wireFixture();
        upstream = FakeUpstream.start();
        env = ContractEnvironment.of(upstream.baseUrl(), usesApiKey() ? wire.canaryKey() : null);
        provider = createProvider(env);
        assertThat(provider).as("createProvider(env) must return a provider").isNotNull();
    }

    @AfterEach
    void closeProviderAndUpstream() {
        try {
            for (ChatProvider extra : extraProviders) {
                extra.close();
            }
            if (provider != null) {
                provider.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    // ================================================================================ groups

    @Nested
    @DisplayName("basic chat")
    class BasicChat {

        @Test
        void sendsTheModelAndTheMessagesInOrder() {
            upstream.enqueue(wire.textReply(answer()));
            provider.chat(request());

            RecordedRequest sent = upstream.lastRequest();
            assertThat(wire.model(sent)).isEqualTo(MODEL);
            assertThat(wire.messages(sent)).containsExactly(new SentMessage("system", "You are a contract test."),
                    new SentMessage("user", "Say hello."));
        }

        @Test
        void sendsTheApiKeyInTheAuthHeader() {
            upstream.enqueue(wire.textReply(answer()));
            provider.chat(request());

            assertAuthHeaderMatchesTheEnvironment();
        }

        @Test
        void postsToTheChatPathBelowTheBaseUrl() {
            upstream.enqueue(wire.textReply(answer()));
            provider.chat(request());

            RecordedRequest sent = upstream.lastRequest();
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.pathOnly()).isEqualTo(env.baseUrl().getPath() + wire.chatPath());
        }

        @Test
        void sendsOnlyFieldsTheWireFormatDefinesAndNoNulls() {
            upstream.enqueue(wire.textReply(answer()));
            provider.chat(request());

            JsonObject body = upstream.lastRequest().json();
            assertThat(body.keySet()).as("top-level request fields").isSubsetOf(wire.requestFields());
            body.forEach((field, value) -> assertThat(value.getValueType())
                    .as("field %s must be left out rather than sent as null", field)
                    .isNotEqualTo(JsonValue.ValueType.NULL));
        }

        @Test
        void doesNotAskForAStreamWhenCallingChat() {
            upstream.enqueue(wire.textReply(answer()));
            provider.chat(request());

            assertThat(wire.streamRequested(upstream.lastRequest())).isFalse();
        }

        @Test
        void speaksHttp11WithoutAskingToUpgradeToH2c() {
            upstream.enqueue(wire.textReply(answer()));
            provider.chat(request());

            RecordedRequest sent = upstream.lastRequest();
            assertThat(sent.header("Upgrade")).as("the h2c upgrade breaks vLLM, uvicorn and others").isNull();
            assertThat(sent.header("HTTP2-Settings")).isNull();
        }

        @Test
        void returnsTheContentFinishReasonAndUsage() {
            upstream.enqueue(wire.textReply(answer()));
            ChatResponse response = provider.chat(request());

            assertThat(response.content()).isEqualTo(CONTENT);
            assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(response.usage()).isEqualTo(USAGE);
            assertThat(response.toolCalls()).isEmpty();
        }

        @Test
        void returnsTheRequestIdModelAndServingProvider() {
            upstream.enqueue(wire.textReply(answer()));
            ChatResponse response = provider.chat(request());

            assertThat(response.requestId()).isEqualTo(REQUEST_ID);
            assertThat(response.model()).isEqualTo(MODEL);
            assertThat(response.provider()).isEqualTo(provider.id());
        }

        @Test
        void readsTheRateLimitSnapshotFromTheHeaders() {
            Reply reply = wire.textReply(answer());
            for (Map.Entry<String, String> header : wire.rateLimitHeaders(RATE_LIMIT)) {
                reply = reply.header(header.getKey(), header.getValue());
            }
            upstream.enqueue(reply);

            assertThat(provider.chat(request()).rateLimit()).isEqualTo(RATE_LIMIT);
        }

        @Test
        void logsOneSuccessfulAttempt() {
            upstream.enqueue(wire.textReply(answer()));
            ChatResponse response = provider.chat(request());

            assertThat(response.attempts()).hasSize(1);
            assertThat(response.attempts().get(0).succeeded()).isTrue();
            assertThat(response.attempts().get(0).provider()).isEqualTo(provider.id());
        }

        @Test
        void answersTheSameThroughChatAsync() throws Exception {
            upstream.enqueue(wire.textReply(answer()));
            ChatResponse response = provider.chatAsync(request()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(response.content()).isEqualTo(CONTENT);
            assertThat(response.usage()).isEqualTo(USAGE);
        }

        @Test
        void sendsNoAuthHeaderWhenKeyless() {
            ChatProvider keyless;
            try {
                keyless = extra(env.withApiKey(null));
            } catch (RuntimeException e) {
                abort("the provider requires an API key: " + e.getClass().getSimpleName());
                return;
            }
            upstream.enqueue(wire.textReply(answer()));
            keyless.chat(request());

            assertThat(upstream.lastRequest().header(wire.authHeader(ApiKey.of("unused")).getKey())).isNull();
        }
    }

    @Nested
    @DisplayName("streaming")
    class Streaming {

        @BeforeEach
        void requireStreaming() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
        }

        @Test
        void deliversTheDeltasInOrder() {
            upstream.enqueue(textStream().toReply());
            try (ChatStream stream = provider.stream(request())) {
                assertThat(texts(stream)).containsExactlyElementsOf(DELTAS);
            }
        }

        @Test
        void asksTheUpstreamToStream() {
            upstream.enqueue(textStream().toReply());
            consume(provider.stream(request()));

            assertThat(wire.streamRequested(upstream.lastRequest())).isTrue();
            assertThat(wire.model(upstream.lastRequest())).isEqualTo(MODEL);
        }

        @Test
        void foldsTheSameAnswerAsTheNonStreamedCall() {
            upstream.enqueue(wire.textReply(answer()), textStream().toReply());
            ChatResponse whole = provider.chat(request());
            ChatResponse folded = consume(provider.stream(request()));

            assertSameAnswer(folded, whole);
        }

        @Test
        void foldsEveryChunkIntoTheResponseAfterPartialIteration() {
            upstream.enqueue(textStream().toReply());
            try (ChatStream stream = provider.stream(request())) {
                Iterator<ChatChunk> chunks = stream.iterator();
                while (chunks.hasNext() && !chunks.next().hasOutput()) {
                    // read up to the first delta only
                }
                assertThat(stream.response().content()).isEqualTo(CONTENT);
            }
        }

        @Test
        void deliversChunksBeforeTheUpstreamFinishes() {
            // Two events, then silence with the socket open: a provider that buffers the body would hang.
            upstream.enqueue(textStream().toReply(textStream().outputEvents().subList(0, 2)).thenStall());
            try (ChatStream stream = provider.stream(request())) {
                Iterator<ChatChunk> chunks = stream.iterator();
                List<String> seen = new ArrayList<>();
                while (seen.size() < 2 && chunks.hasNext()) {
                    ChatChunk chunk = chunks.next();
                    if (chunk.content() != null && !chunk.content().isEmpty()) {
                        seen.add(chunk.content());
                    }
                }
                assertThat(seen).containsExactly(DELTAS.get(0), DELTAS.get(1));
            }
        }

        @Test
        void completesAtTheEndMarkerEvenWhenTheSocketStaysOpen() {
            StreamEvents events = textStream();
            assumeTrue(!events.endEvents().isEmpty(), "the protocol has no end-of-stream marker");
            upstream.enqueue(events.toReply().thenStall());

            // Bounded well below the idle timeout: waiting for EOF instead of the marker fails here.
            ChatResponse folded = within(env.timeouts().idle().dividedBy(2), () -> consume(provider.stream(request())),
                    "the stream did not complete at its end marker (does it wait for EOF?)");
            assertThat(folded.content()).isEqualTo(CONTENT);
        }

        @Test
        void completesAtAFinishReasonFollowedByEof() {
            StreamEvents events = textStream();
            List<String> withoutEndMarker = new ArrayList<>(events.outputEvents());
            withoutEndMarker.addAll(events.finishEvents());
            upstream.enqueue(events.toReply(withoutEndMarker));

            ChatResponse folded = consume(provider.stream(request()));
            assertThat(folded.content()).isEqualTo(CONTENT);
            assertThat(folded.finishReason()).isEqualTo(FinishReason.STOP);
        }

        @Test
        void anEmptyStreamEndingInEofIsAnInvalidResponse() {
            upstream.enqueue(Reply.sseRaw());

            LlmException failure = failureOf(() -> consume(provider.stream(request())));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
        }

        @Test
        void eofAfterOutputWithoutEndMarkerOrFinishReasonIsStreamInterrupted() {
            StreamEvents events = textStream();
            upstream.enqueue(events.toReply(events.outputEvents()));

            LlmException failure = failureOf(() -> consume(provider.stream(request())));
            assertThat(failure).isInstanceOf(StreamInterruptedException.class);
            assertThat(((StreamInterruptedException) failure).partialContent()).isEqualTo(CONTENT);
            assertThat(upstream.requestCount()).as("nothing is re-sent after output").isEqualTo(1);
        }

        @Test
        void ignoresCommentsBetweenEvents() {
            assumeSse();
            List<String> events = new ArrayList<>();
            events.add(": keep-alive\n\n");
            for (String event : textStream().all()) {
                events.add(event);
                events.add(": still here\n\n");
            }
            upstream.enqueue(textStream().toReply(events));

            assertThat(consume(provider.stream(request())).content()).isEqualTo(CONTENT);
        }

        @Test
        void acceptsCrlfLineEndings() {
            assumeSse();
            List<String> events = textStream().all().stream().map(e -> e.replace("\n", "\r\n")).toList();
            upstream.enqueue(textStream().toReply(events));

            assertThat(consume(provider.stream(request())).content()).isEqualTo(CONTENT);
        }

        @Test
        void joinsMultiLineDataFields() {
            assumeSse();
            List<String> events = new ArrayList<>();
            for (String event : textStream().all()) {
                // "data: {...}" becomes "data: {" + "data: ...}": joined with a newline, still the same JSON.
                events.add(event.startsWith("data: {") ? event.replaceFirst("data: \\{", "data: {\ndata: ") : event);
            }
            upstream.enqueue(textStream().toReply(events));

            assertThat(consume(provider.stream(request())).content()).isEqualTo(CONTENT);
        }

        @Test
        void decodesUtf8CharactersSplitAcrossWrites() {
            List<String> deltas = List.of("Grüße ", "aus Köln ", "→ 🌍✓");
            TextAnswer multiByte = new TextAnswer("chatcmpl-utf8", MODEL, String.join("", deltas), FinishReason.STOP,
                    USAGE, REQUEST_ID);
            // One byte per TCP write: every multi-byte character and every line ending is split.
            upstream.enqueue(wire.textStream(multiByte, deltas).toReply().chunkBytes(1));

            try (ChatStream stream = provider.stream(request())) {
                assertThat(texts(stream)).containsExactlyElementsOf(deltas);
                assertThat(stream.response().content()).isEqualTo("Grüße aus Köln → 🌍✓");
            }
        }

        @Test
        void anErrorEventBeforeOutputIsClassifiedAndRetried() {
            String rateLimited = wire.streamErrorEvent(ErrorAnswer.of(429, "rate_limit_exceeded", "tokens",
                    "Rate limit reached for tokens per minute"));
            upstream.enqueue(Reply.sseRaw(rateLimited), textStream().toReply());

            assertThat(consume(provider.stream(request())).content()).isEqualTo(CONTENT);
            assertThat(upstream.requestCount()).as("retried invisibly before any output").isEqualTo(2);
        }

        @Test
        void anErrorEventBeforeOutputGetsItsOwnCategory() {
            String rateLimited = wire.streamErrorEvent(ErrorAnswer.of(429, "rate_limit_exceeded", "tokens",
                    "Rate limit reached for tokens per minute"));
            upstream.enqueue(Reply.sseRaw(rateLimited));

            LlmException failure = failureOf(() -> consume(provider.stream(request())));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
            assertThat(upstream.requestCount()).isEqualTo(env.retryPolicy().maxAttempts());
        }

        @Test
        void anErrorEventAfterOutputIsStreamInterruptedWithThePartialText() {
            StreamEvents events = textStream();
            List<String> failing = new ArrayList<>(events.outputEvents());
            failing.add(wire.streamErrorEvent(ErrorAnswer.of(500, null, "server_error", "The server had an error")));
            upstream.enqueue(events.toReply(failing), events.toReply());

            LlmException failure = failureOf(() -> consume(provider.stream(request())));
            assertThat(failure).isInstanceOf(StreamInterruptedException.class);
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.STREAM_INTERRUPTED);
            assertThat(((StreamInterruptedException) failure).partialContent()).isEqualTo(CONTENT);
            assertThat(upstream.requestCount()).as("nothing is re-sent after output").isEqualTo(1);
        }

        @Test
        void aConnectionResetAfterOutputIsStreamInterruptedWithoutResending() {
            StreamEvents events = textStream();
            upstream.enqueue(events.toReply(events.outputEvents().subList(0, 2)).delayBetween(Duration.ofMillis(100))
                    .thenReset(), events.toReply());

            LlmException failure = failureOf(() -> consume(provider.stream(request())));
            assertThat(failure).isInstanceOf(StreamInterruptedException.class);
            assertThat(((StreamInterruptedException) failure).partialContent()).isEqualTo(DELTAS.get(0) + DELTAS.get(1));
            assertThat(upstream.requestCount()).as("nothing is re-sent after output").isEqualTo(1);
        }

        @Test
        void anHttpErrorBeforeTheStreamStartsIsRetried() {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(503, null, "server_error", "overloaded")),
                    textStream().toReply());

            assertThat(consume(provider.stream(request())).content()).isEqualTo(CONTENT);
            assertThat(upstream.requestCount()).isEqualTo(2);
        }

        @Test
        void chunksCanBeReadAsAJavaStream() {
            upstream.enqueue(textStream().toReply());
            try (ChatStream stream = provider.stream(request());
                 Stream<ChatChunk> chunks = stream.chunks()) {
                assertThat(chunks.map(ChatChunk::content).filter(c -> c != null && !c.isEmpty()))
                        .containsExactlyElementsOf(DELTAS);
            }
        }
    }

    @Nested
    @DisplayName("error mapping")
    class ErrorMapping {

        @ParameterizedTest(name = "HTTP {0} code={1} type={2} -> {3}")
        @MethodSource("dev.multillm.testkit.ChatProviderContract#errorTable")
        void mapsStatusAndErrorBodyToItsCategory(int status, String code, String type, ErrorTaxonomy expected) {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(status, code, type, "contract error " + status)));

            LlmException failure = failureOf(() -> provider.chat(request()));
            assertThat(failure.category()).isEqualTo(expected);
            assertThat(failure.status()).isEqualTo(status);
            assertThat(failure.provider()).isEqualTo(provider.id());
        }

        @Test
        void reportsTheCodeTypeAndRequestIdOfTheFailure() {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(400, "unsupported_value", "invalid_request_error",
                    "Unsupported value: 'temperature'").withHeader("x-request-id", "req_failed_1")));

            LlmException failure = failureOf(() -> provider.chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
            assertThat(failure.errorCode()).isEqualTo("unsupported_value");
            assertThat(failure.errorType()).isEqualTo("invalid_request_error");
            assertThat(failure.requestId()).isEqualTo("req_failed_1");
            assertThat(failure.getMessage()).contains("Unsupported value");
        }

        @Test
        void mapsAnHtmlErrorPageToServerError() {
            upstream.enqueue(Reply.html(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"));

            LlmException failure = failureOf(() -> provider.chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
            assertThat(failure.status()).isEqualTo(502);
        }

        @Test
        void mapsAnUnparseableSuccessBodyToInvalidResponse() {
            upstream.enqueue(Reply.json(200, "{\"id\": \"chatcmpl-broken\", \"choices\": [ {"));

            assertThat(failureOf(() -> provider.chat(request())).category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
        }

        @Test
        void mapsAConnectionResetToAConnectionError() {
            upstream.enqueue(Reply.reset());

            assertThat(failureOf(() -> provider.chat(request())).category()).isEqualTo(ErrorTaxonomy.CONNECTION);
        }

        @Test
        void exposesRetryAfterSecondsOnARateLimit() {
            upstream.enqueue(wire.errorReply(rateLimited().withHeader("retry-after", "7")));

            LlmException failure = failureOf(() -> noRetries().chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
            assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        }

        @Test
        void exposesRetryAfterMillisecondsOnARateLimit() {
            upstream.enqueue(wire.errorReply(rateLimited().withHeader("retry-after-ms", "1500")));

            assertThat(failureOf(() -> noRetries().chat(request())).retryAfter()).isEqualTo(Duration.ofMillis(1500));
        }

        @Test
        void insufficientQuotaIsQuotaExhaustedAndNeverRetried() {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(429, "insufficient_quota", "insufficient_quota",
                    "You exceeded your current quota")));

            LlmException failure = failureOf(() -> provider.chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.QUOTA_EXHAUSTED);
            assertThat(upstream.requestCount()).isEqualTo(1);
        }

        @Test
        void rateLimitExceededIsRateLimitedAndRetried() {
            upstream.enqueue(wire.errorReply(rateLimited().withHeader("retry-after", "1")));

            LlmException failure = failureOf(() -> provider.chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
            assertThat(upstream.requestCount()).isEqualTo(env.retryPolicy().maxAttempts());
        }
    }

    @Nested
    @DisplayName("retries")
    class Retries {

        @ParameterizedTest(name = "always HTTP {0}")
        @ValueSource(ints = {503, 429, 500})
        void anAlwaysFailingUpstreamReceivesExactlyMaxAttemptsRequests(int status) {
            upstream.enqueue(wire.errorReply(status == 429 ? rateLimited()
                    : ErrorAnswer.of(status, null, "server_error", "try again")));

            failureOf(() -> provider.chat(request()));
            assertThat(upstream.requestCount()).isEqualTo(env.retryPolicy().maxAttempts());
        }

        @Test
        void succeedsWhenTheUpstreamRecoversWithinTheAttempts() {
            Reply overloaded = wire.errorReply(ErrorAnswer.of(503, null, "server_error", "overloaded"));
            upstream.enqueue(overloaded, overloaded, wire.textReply(answer()));

            ChatResponse response = provider.chat(request());
            assertThat(response.content()).isEqualTo(CONTENT);
            assertThat(upstream.requestCount()).isEqualTo(3);
            assertThat(response.attempts()).extracting(a -> a.outcome())
                    .containsExactly("OVERLOADED", "OVERLOADED", "OK");
        }

        @Test
        void waitsAtLeastTheRetryAfterSecondsOnTheInjectedSleeper() {
            upstream.enqueue(wire.errorReply(rateLimited().withHeader("retry-after", "2")), wire.textReply(answer()));

            assertThat(provider.chat(request()).content()).isEqualTo(CONTENT);
            assertThat(env.sleeper().delays()).as("waits recorded by the sleeper").isNotEmpty();
            assertThat(env.sleeper().delays().get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }

        @Test
        void waitsAtLeastTheRetryAfterMillisecondsOnTheInjectedSleeper() {
            upstream.enqueue(wire.errorReply(rateLimited().withHeader("retry-after-ms", "1500")),
                    wire.textReply(answer()));

            provider.chat(request());
            assertThat(env.sleeper().delays()).isNotEmpty();
            assertThat(env.sleeper().delays().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }

        @Test
        void failsAtOnceWhenTheServerAsksForAWaitBeyondTheDeadline() {
            upstream.enqueue(wire.errorReply(rateLimited().withHeader("retry-after", "86400")),
                    wire.textReply(answer()));

            LlmException failure = failureOf(() -> provider.chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
            assertThat(upstream.requestCount()).isEqualTo(1);
            assertThat(env.sleeper().totalDelay()).isLessThan(Duration.ofDays(1));
        }

        @Test
        void stopsWhenTheServerSaysItShouldNotRetry() {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(503, null, "server_error", "do not retry")
                    .withHeader("x-should-retry", "false")), wire.textReply(answer()));

            failureOf(() -> provider.chat(request()));
            assertThat(upstream.requestCount()).isEqualTo(1);
        }

        @ParameterizedTest(name = "HTTP {0}")
        @ValueSource(ints = {400, 401, 403, 404, 422})
        void neverRetriesAClientError(int status) {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(status, null, "invalid_request_error", "client error")),
                    wire.textReply(answer()));

            failureOf(() -> provider.chat(request()));
            assertThat(upstream.requestCount()).isEqualTo(1);
        }

        @Test
        void neverRetriesAContextLengthError() {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(400, "context_length_exceeded", "invalid_request_error",
                    "This model's maximum context length is 8192 tokens")), wire.textReply(answer()));

            assertThat(failureOf(() -> provider.chat(request())).category())
                    .isEqualTo(ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED);
            assertThat(upstream.requestCount()).isEqualTo(1);
        }

        @Test
        void sendsExactlyOneRequestWithRetryPolicyNone() {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(503, null, "server_error", "overloaded")));

            failureOf(() -> provider.withRetryPolicy(RetryPolicy.none()).chat(request()));
            assertThat(upstream.requestCount()).isEqualTo(1);
        }

        @Test
        void followsTheRetryPolicyOfAView() {
            upstream.enqueue(wire.errorReply(ErrorAnswer.of(503, null, "server_error", "overloaded")));

            failureOf(() -> provider.withRetryPolicy(RetryPolicy.defaults().withMaxRetries(4)).chat(request()));
            assertThat(upstream.requestCount()).isEqualTo(5);
        }

        @Test
        void retriesAConnectionReset() {
            upstream.enqueue(Reply.reset(), wire.textReply(answer()));

            assertThat(provider.chat(request()).content()).isEqualTo(CONTENT);
            assertThat(upstream.requestCount()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("timeouts")
    class TimeoutsGroup {
        private final Timeouts shortTimeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(600),
                Duration.ofMillis(600), Duration.ofSeconds(20));

        private ChatProvider impatient() {
            return extra(env.withTimeouts(shortTimeouts).withRetryPolicy(RetryPolicy.none()));
        }

        @Test
        void aRefusedConnectionIsAConnectionError() {
            ChatProvider refused = extra(env.withBaseUrl(FakeUpstream.refusingBaseUrl())
                    .withRetryPolicy(RetryPolicy.none()));

            assertThat(failureOf(() -> refused.chat(request())).category()).isEqualTo(ErrorTaxonomy.CONNECTION);
        }

        @Test
        void anUpstreamThatNeverAnswersTimesOutAtFirstToken() {
            upstream.enqueue(Reply.noResponse());

            LlmException failure = failureOf(() -> impatient().chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.TIMEOUT);
            assertThat(phaseOf(failure)).isEqualTo(TimeoutPhase.FIRST_TOKEN);
        }

        @Test
        void aStreamWithoutAnyEventTimesOutAtFirstToken() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            upstream.enqueue(Reply.stallAfter(0));

            LlmException failure = failureOf(() -> consume(impatient().stream(request())));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.TIMEOUT);
            assertThat(phaseOf(failure)).isEqualTo(TimeoutPhase.FIRST_TOKEN);
        }

        @Test
        void keepAliveCommentsAloneTimeOutAtFirstToken() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            upstream.enqueue(Reply.pings(Duration.ofMillis(100)));

            LlmException failure = failureOf(() -> consume(impatient().stream(request())));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.TIMEOUT);
            assertThat(phaseOf(failure)).isEqualTo(TimeoutPhase.FIRST_TOKEN);
        }

        @Test
        void aStreamThatStallsAfterOutputTimesOutAsIdle() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            StreamEvents events = textStream();
            upstream.enqueue(events.toReply(events.outputEvents().subList(0, 2)).thenStall());

            LlmException failure = failureOf(() -> consume(impatient().stream(request())));
            assertThat(phaseOf(failure)).as("the IDLE phase, on the exception or its cause")
                    .isEqualTo(TimeoutPhase.IDLE);
            if (failure instanceof StreamInterruptedException interrupted) {
                assertThat(interrupted.partialContent()).isEqualTo(DELTAS.get(0) + DELTAS.get(1));
            }
            assertThat(upstream.requestCount()).isEqualTo(1);
        }

        /** First-token and idle limits far above the request's own timeout; retries as configured. */
        private ChatProvider patient() {
            return extra(env.withTimeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                    Duration.ofSeconds(3), Duration.ofSeconds(60))));
        }

        @Test
        void theRequestTimeoutBoundsAWholeCall() {
            upstream.enqueue(Reply.noResponse());
            ChatProvider patient = patient();

            LlmException failure = failureOf(() -> patient.chat(request().toBuilder()
                    .timeout(Duration.ofMillis(300)).build()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.TIMEOUT);
            assertThat(phaseOf(failure)).isEqualTo(TimeoutPhase.TOTAL);
            assertThat(upstream.requestCount()).as("no retry once the whole call's time is up").isEqualTo(1);
        }

        @Test
        void theRequestTimeoutBoundsAWholeStream() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            upstream.enqueue(Reply.pings(Duration.ofMillis(50)));
            ChatProvider patient = patient();

            LlmException failure = failureOf(() -> consume(patient.stream(request().toBuilder()
                    .timeout(Duration.ofMillis(300)).build())));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.TIMEOUT);
            assertThat(phaseOf(failure)).isEqualTo(TimeoutPhase.TOTAL);
            assertThat(upstream.requestCount()).as("no retry once the whole call's time is up").isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("cancellation")
    class Cancellation {
        // Long timeouts: the connection must close because of the cancel, not because a timeout fired.
        private final Timeouts patientTimeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofSeconds(120));

        private ChatProvider patient() {
            return extra(env.withTimeouts(patientTimeouts));
        }

        @Test
        void closingAStreamMidwayClosesTheUpstreamConnection() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            StreamEvents events = textStream();
            upstream.enqueue(events.toReply(events.outputEvents().subList(0, 2)).thenStall());

            ChatStream stream = patient().stream(request());
            Iterator<ChatChunk> chunks = stream.iterator();
            assertThat(chunks.hasNext()).isTrue();
            chunks.next();
            stream.close();

            Await.until("the upstream connection to close", () -> upstream.openConnections() == 0, AWAIT);
        }

        @Test
        void closingAStreamTwiceIsHarmless() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            upstream.enqueue(textStream().toReply());

            ChatStream stream = provider.stream(request());
            stream.close();
            assertThatCode(stream::close).doesNotThrowAnyException();
        }

        @Test
        void cancellingChatAsyncClosesTheUpstreamConnection() {
            upstream.enqueue(Reply.noResponse());

            CompletableFuture<ChatResponse> future = patient().chatAsync(request());
            upstream.awaitRequests(1, AWAIT);
            future.cancel(true);

            assertThat(future).isCancelled();
            Await.until("the upstream connection to close", () -> upstream.openConnections() == 0, AWAIT);
        }

        @Test
        void leavesNoThreadBehindAfterManyStreamsCancelsAndErrors() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            ChatProvider subject = patient();
            StreamEvents events = textStream();
            upstream.enqueue(events.toReply());
            consume(subject.stream(request()));  // warm up lazily created threads
            int baseline = liveThreads();

            for (int i = 0; i < 30; i++) {
                switch (i % 3) {
                    case 0 -> {
                        upstream.enqueue(events.toReply());
                        consume(subject.stream(request()));
                    }
                    case 1 -> {
                        upstream.enqueue(events.toReply(events.outputEvents().subList(0, 2)).thenStall());
                        try (ChatStream stream = subject.stream(request())) {
                            stream.iterator().next();
                        }
                    }
                    default -> {
                        upstream.enqueue(wire.errorReply(ErrorAnswer.of(400, null, "invalid_request_error", "no")));
                        failureOf(() -> consume(subject.stream(request())));
                    }
                }
            }

            Await.until("the upstream connections to close", () -> upstream.openConnections() <= 1, AWAIT);
            Await.until("the thread count to return near " + baseline + " (was " + liveThreads() + ")",
                    () -> liveThreads() <= baseline + 3, AWAIT);
        }
    }

    @Nested
    @DisplayName("tool calls")
    class ToolCalls {

        @BeforeEach
        void requireTools() {
            assumeTrue(capabilities().tools(), "the provider does not declare tools");
        }

        @Test
        void sendsTheToolDefinitions() {
            upstream.enqueue(wire.toolCallReply(toolAnswer(twoCalls())));
            provider.chat(toolRequest());

            assertThat(wire.toolNames(upstream.lastRequest())).containsExactly("get_weather", "get_time");
        }

        @Test
        void returnsTheToolCallsOfANonStreamedAnswer() {
            upstream.enqueue(wire.toolCallReply(toolAnswer(twoCalls())));
            ChatResponse response = provider.chat(toolRequest());

            assertThat(response.toolCalls()).containsExactlyElementsOf(twoCalls());
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        }

        @Test
        void assemblesStreamedParallelCallsEqualToTheNonStreamedOnes() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            upstream.enqueue(wire.toolCallReply(toolAnswer(twoCalls())),
                    wire.toolCallStream(toolAnswer(twoCalls()), 4).toReply());

            ChatResponse whole = provider.chat(toolRequest());
            ChatResponse folded = consume(provider.stream(toolRequest()));
            assertThat(folded.toolCalls()).containsExactlyElementsOf(whole.toolCalls());
            assertThat(folded.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        }

        @Test
        void assemblesArgumentsSplitIntoSingleCharacters() {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            ToolCall call = new ToolCall("call_solo", "get_weather",
                    "{\"city\":\"São Paulo\",\"units\":\"metric\",\"days\":[1,2,3]}");
            upstream.enqueue(wire.toolCallStream(toolAnswer(List.of(call)), call.arguments().length()).toReply());

            assertThat(consume(provider.stream(toolRequest())).toolCalls()).containsExactly(call);
        }
    }

    @Nested
    @DisplayName("JSON mode")
    class JsonMode {

        @Test
        void sendsTheJsonObjectResponseFormat() {
            assumeTrue(capabilities().jsonMode(), "the provider does not declare JSON mode");
            upstream.enqueue(wire.textReply(new TextAnswer("chatcmpl-json", MODEL, "{\"greeting\":\"hello\"}",
                    FinishReason.STOP, USAGE, REQUEST_ID)));

            ChatResponse response = provider.chat(request().toBuilder()
                    .responseFormat(ResponseFormat.jsonObject()).build());
            assertThat(wire.responseFormatType(upstream.lastRequest())).isEqualTo("json_object");
            assertThat(response.content()).isEqualTo("{\"greeting\":\"hello\"}");
        }
    }

    @Nested
    @DisplayName("vision")
    class Vision {

        @Test
        void sendsImagePartsWithTheUserMessage() {
            assumeTrue(capabilities().vision(), "the provider does not declare vision");
            String image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
            upstream.enqueue(wire.textReply(answer()));

            provider.chat(ChatRequest.builder().model(MODEL)
                    .addMessage(Message.user(List.of(ContentPart.text("What is this?"), ContentPart.image(image))))
                    .build());
            assertThat(wire.imageUrls(upstream.lastRequest())).containsExactly(image);
        }
    }

    /** The optional features a provider may leave undeclared. */
    enum OptionalFeature { STREAMING, TOOLS, JSON_MODE, JSON_SCHEMA, VISION, MULTIPLE_CHOICES }

    @Nested
    @DisplayName("undeclared capabilities")
    class UndeclaredCapabilities {

        @ParameterizedTest(name = "{0}")
        @EnumSource(OptionalFeature.class)
        void areRefusedBeforeAnyRequestIsSent(OptionalFeature feature) {
            Capabilities declared = capabilities();
            boolean supported = switch (feature) {
                case STREAMING -> declared.streaming();
                case TOOLS -> declared.tools();
                case JSON_MODE -> declared.jsonMode();
                case JSON_SCHEMA -> declared.jsonSchema();
                case VISION -> declared.vision();
                case MULTIPLE_CHOICES -> declared.multipleChoices();
            };
            assumeTrue(!supported, "the provider declares " + feature + ": nothing to refuse");
            upstream.enqueue(wire.textReply(answer()));

            LlmException failure = failureOf(() -> {
                if (feature == OptionalFeature.STREAMING) {
                    consume(provider.stream(request()));
                } else {
                    provider.chat(requestNeeding(feature));
                }
            });
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
            assertThat(upstream.requestCount()).as("refused before any request").isZero();
        }
    }

    @Nested
    @DisplayName("secrets")
    class Secrets {

        @Test
        void theCanaryKeyNeverShowsUpInAnyFailureResponseEventOrLogRecord() {
            ContractEnvironment keyed = keyed();
            String key = keyed.apiKey().reveal();
            List<String> seen = new ArrayList<>();
            try (LogCapture logs = LogCapture.install()) {
                ChatProvider subject = extra(keyed.withTimeouts(new Timeouts(Duration.ofSeconds(2),
                        Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofSeconds(20))));
                String echo = " key=" + key + " Authorization: Bearer " + key;

                List<Reply> failures = new ArrayList<>();
                errorTable().forEach(row -> {
                    Object[] args = row.get();
                    failures.add(wire.errorReply(new ErrorAnswer((Integer) args[0], (String) args[1],
                            (String) args[2], "Incorrect API key provided:" + echo,
                            List.of(Map.entry("x-request-id", "req_" + key)))));
                });
                failures.add(Reply.html(502, "<html><body>Bad gateway" + echo + "</body></html>"));
                failures.add(Reply.json(200, "{\"broken\": \"" + key));
                failures.add(Reply.reset());
                failures.add(Reply.noResponse());
                for (Reply failure : failures) {
                    upstream.reset();
                    upstream.enqueue(failure);
                    seen.add(textOf(catchAny(() -> subject.chat(request()))));
                }

                if (capabilities().streaming()) {
                    StreamEvents events = textStream();
                    String errorEvent = wire.streamErrorEvent(ErrorAnswer.of(500, "server_error", "server_error",
                            "Upstream failed for" + echo));
                    List<String> afterOutput = new ArrayList<>(events.outputEvents());
                    afterOutput.add(errorEvent);
                    for (Reply stream : List.of(Reply.sseRaw(errorEvent), events.toReply(afterOutput),
                            events.toReply(events.outputEvents().subList(0, 1)).thenStall(),
                            events.toReply(events.outputEvents()), Reply.pings(Duration.ofMillis(50)))) {
                        upstream.reset();
                        upstream.enqueue(stream);
                        seen.add(textOf(catchAny(() -> consume(subject.stream(request())))));
                    }
                    upstream.reset();
                    upstream.enqueue(events.toReply());
                    seen.add(consume(provider.stream(request())).toString());
                }

                ChatProvider refused = extra(keyed.withBaseUrl(FakeUpstream.refusingBaseUrl()));
                seen.add(textOf(catchAny(() -> refused.chat(request()))));
                seen.add(textOf(catchAny(() -> subject.chat(ChatRequest.builder().addUserMessage("no model").build()))));
                upstream.reset();
                upstream.enqueue(wire.textReply(answer()));
                seen.add(provider.chat(request()).toString());
                seen.add(subject.toString());
                seen.add(provider.toString());
                seen.add(env.listener().events().toString());
                seen.add(logs.text());
            }
            for (String text : seen) {
                assertThat(text).as("text captured by the secrets test").doesNotContain(key);
            }
        }

        @Test
        void theEnvironmentNeverShowsTheKey() {
            ContractEnvironment keyed = keyed();
            assertThat(keyed.toString()).doesNotContain(keyed.apiKey().reveal());
        }
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {

        @Test
        void aRequestWithoutModelIsRejectedBeforeSendingUnlessADefaultModelIsConfigured() {
            upstream.enqueue(wire.textReply(answer()));
            ChatRequest noModel = ChatRequest.builder().addUserMessage("Say hello.").build();

            Throwable failure = catchAny(() -> provider.chat(noModel));
            if (failure == null) {
                assertThat(wire.model(upstream.lastRequest())).as("the configured default model").isNotBlank();
                return;
            }
            assertRejectedBeforeSending(failure, "model");
        }

        @Test
        void aNullRequestIsRejectedBeforeSendingOnEveryEntryPoint() {
            upstream.enqueue(wire.textReply(answer()));

            assertRejectedBeforeSending(catchAny(() -> provider.chat(null)), "request");
            assertRejectedBeforeSending(catchAny(() -> provider.chatAsync(null).join()), "request");
            assertRejectedBeforeSending(catchAny(() -> consume(provider.stream(null))), "request");
        }

        private void assertRejectedBeforeSending(Throwable failure, String field) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            assertThat(cause).as("the rejection").isNotNull();
            boolean named = cause.getMessage() != null && cause.getMessage().toLowerCase(Locale.ROOT).contains(field);
            boolean accepted = cause instanceof IllegalArgumentException
                    || cause instanceof LlmException llm && llm.category() == ErrorTaxonomy.INVALID_REQUEST
                    || cause instanceof NullPointerException && named;
            assertThat(accepted).as("rejected with IllegalArgumentException, LlmException INVALID_REQUEST or an "
                    + "explicit null check naming '" + field + "', but was " + cause).isTrue();
            assertThat(named).as("the message names '" + field + "': " + cause.getMessage()).isTrue();
            assertThat(upstream.requestCount()).as("requests sent").isZero();
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {

        @Test
        void servesManyParallelCallsOnOneInstance() throws Exception {
            upstream.enqueue(wire.textReply(answer()));
            int calls = 32;
            ExecutorService callers = Executors.newFixedThreadPool(calls);
            try {
                List<CompletableFuture<ChatResponse>> futures = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    futures.add(CompletableFuture.supplyAsync(() -> provider.chat(request()), callers));
                }
                for (CompletableFuture<ChatResponse> future : futures) {
                    assertThat(future.get(AWAIT.toSeconds(), TimeUnit.SECONDS).content()).isEqualTo(CONTENT);
                }
            } finally {
                callers.shutdownNow();
            }
            assertThat(upstream.requestCount()).isEqualTo(calls);
        }

        @Test
        void servesManyParallelStreamsOnOneInstance() throws Exception {
            assumeTrue(capabilities().streaming(), "the provider does not declare streaming");
            upstream.enqueue(textStream().toReply().delayBetween(Duration.ofMillis(5)));
            int calls = 16;
            ExecutorService callers = Executors.newFixedThreadPool(calls);
            try {
                List<CompletableFuture<ChatResponse>> futures = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    futures.add(CompletableFuture.supplyAsync(() -> consume(provider.stream(request())), callers));
                }
                for (CompletableFuture<ChatResponse> future : futures) {
                    assertThat(future.get(AWAIT.toSeconds(), TimeUnit.SECONDS).content()).isEqualTo(CONTENT);
                }
            } finally {
                callers.shutdownNow();
            }
        }

        @Test
        void servesManyParallelAsyncCallsOnOneInstance() throws Exception {
            upstream.enqueue(wire.textReply(answer()).afterDelay(Duration.ofMillis(20)));
            List<CompletableFuture<ChatResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                futures.add(provider.chatAsync(request()));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            for (CompletableFuture<ChatResponse> future : futures) {
                assertThat(future.get().content()).isEqualTo(CONTENT);
            }
        }
    }

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {

        @Test
        void closeIsIdempotent() {
            provider.close();
            assertThatCode(provider::close).doesNotThrowAnyException();
        }

        @Test
        void callsAfterCloseFailClearlyWithoutSending() {
            upstream.enqueue(wire.textReply(answer()));
            provider.close();

            assertClosedFailure(catchAny(() -> provider.chat(request())));
            assertClosedFailure(catchAny(() -> provider.chatAsync(request()).join()));
            if (capabilities().streaming()) {
                assertClosedFailure(catchAny(() -> consume(provider.stream(request()))));
            }
            assertThat(upstream.requestCount()).isZero();
        }

        private void assertClosedFailure(Throwable failure) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            assertThat(cause).as("a call after close() must fail").isNotNull();
            assertThat(cause).isInstanceOfAny(IllegalStateException.class, LlmException.class);
            assertThat(cause.getMessage()).as("the message says the provider is closed").containsIgnoringCase("closed");
        }
    }

    @Nested
    @DisplayName("events")
    class Events {

        @Test
        void reportsTheStartAndEndOfEachAttempt() {
            upstream.enqueue(wire.textReply(answer()));
            provider.chat(request());

            assertThat(env.listener().events(ChatEvent.AttemptStarted.class)).hasSize(1);
            List<ChatEvent.AttemptFinished> finished = env.listener().events(ChatEvent.AttemptFinished.class);
            assertThat(finished).hasSize(1);
            assertThat(finished.get(0).result().succeeded()).isTrue();
        }

        @Test
        void reportsEachScheduledRetryWithItsReasonAndDelay() {
            Reply overloaded = wire.errorReply(ErrorAnswer.of(503, null, "server_error", "overloaded"));
            upstream.enqueue(overloaded, overloaded, wire.textReply(answer()));
            provider.chat(request());

            List<ChatEvent.RetryScheduled> retries = env.listener().events(ChatEvent.RetryScheduled.class);
            assertThat(retries).extracting(ChatEvent.RetryScheduled::reason)
                    .containsExactly(ErrorTaxonomy.OVERLOADED, ErrorTaxonomy.OVERLOADED);
            assertThat(retries).extracting(ChatEvent.RetryScheduled::nextAttempt).containsExactly(2, 3);
            assertThat(env.listener().events(ChatEvent.AttemptStarted.class)).hasSize(3);
        }
    }

    @Nested
    @DisplayName("discovery")
    class Discovery {

        @Test
        void aFactoryForTheProviderIdIsFoundByServiceLoader() {
            String id = expectedFactoryId();
            List<String> ids = ChatProviders.available().stream().map(ChatProviderFactory::id).toList();
            assertThat(ids).as("factory ids found by ServiceLoader").contains(id);
            assertThat(ids.stream().filter(id::equals).count()).as("factories claiming '" + id + "'").isEqualTo(1);
        }

        @Test
        void theFactoryCreatesAWorkingProviderFromConfiguration() {
            upstream.enqueue(wire.textReply(answer()));
            ChatProvider created = ChatProviders.create(expectedFactoryId(), factoryConfig(env));
            extraProviders.add(created);

            assertThat(created.chat(request()).content()).isEqualTo(CONTENT);
            assertAuthHeaderMatchesTheEnvironment();
        }
    }

    // ================================================================================ helpers

    /** The last request carried the environment's key, or no auth header when keyless. */
    private void assertAuthHeaderMatchesTheEnvironment() {
        if (env.apiKey() == null) {
            String header = wire.authHeader(ApiKey.of("unused")).getKey();
            assertThat(upstream.lastRequest().header(header)).as("auth header of a keyless provider").isNull();
            return;
        }
        Map.Entry<String, String> expected = wire.authHeader(env.apiKey());
        assertThat(upstream.lastRequest().headerValues(expected.getKey())).containsExactly(expected.getValue());
    }

    /** The environment with a key: itself, or with the canary key when the run is keyless. */
    private ContractEnvironment keyed() {
        return env.apiKey() != null ? env : env.withApiKey(ApiKey.of(wire.canaryKey()));
    }

    /** The error table: HTTP status, error code, error type, expected category. */
    static Stream<Arguments> errorTable() {
        return Stream.of(
                Arguments.of(400, null, "invalid_request_error", ErrorTaxonomy.INVALID_REQUEST),
                Arguments.of(400, "context_length_exceeded", "invalid_request_error",
                        ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED),
                Arguments.of(400, "content_policy_violation", "invalid_request_error", ErrorTaxonomy.CONTENT_FILTERED),
                Arguments.of(401, "invalid_api_key", "invalid_request_error", ErrorTaxonomy.AUTHENTICATION),
                Arguments.of(403, null, "permission_error", ErrorTaxonomy.PERMISSION_DENIED),
                Arguments.of(404, "model_not_found", "invalid_request_error", ErrorTaxonomy.MODEL_NOT_FOUND),
                Arguments.of(413, null, "invalid_request_error", ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED),
                Arguments.of(422, null, "invalid_request_error", ErrorTaxonomy.INVALID_REQUEST),
                Arguments.of(429, "rate_limit_exceeded", "requests", ErrorTaxonomy.RATE_LIMITED),
                Arguments.of(429, "insufficient_quota", "insufficient_quota", ErrorTaxonomy.QUOTA_EXHAUSTED),
                Arguments.of(500, null, "server_error", ErrorTaxonomy.SERVER_ERROR),
                Arguments.of(502, null, null, ErrorTaxonomy.SERVER_ERROR),
                Arguments.of(503, null, "server_error", ErrorTaxonomy.OVERLOADED),
                Arguments.of(504, null, null, ErrorTaxonomy.SERVER_ERROR),
                Arguments.of(529, "overloaded_error", "overloaded_error", ErrorTaxonomy.OVERLOADED));
    }

    private Capabilities capabilities() {
        return provider.capabilities(MODEL);
    }

    private ChatProvider extra(ContractEnvironment environment) {
        ChatProvider created = createProvider(environment);
        extraProviders.add(created);
        return created;
    }

    private ChatProvider noRetries() {
        return provider.withRetryPolicy(RetryPolicy.none());
    }

    private void assumeSse() {
        assumeTrue(wire.serverSentEvents(), "the protocol does not stream server-sent events");
    }

    private static ChatRequest request() {
        return ChatRequest.builder().model(MODEL).addSystemMessage("You are a contract test.")
                .addUserMessage("Say hello.").build();
    }

    private static ChatRequest toolRequest() {
        return ChatRequest.builder().model(MODEL).addUserMessage("Weather and time in Paris?")
                .addTool(Tool.function("get_weather", "The weather in a city",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))
                .addTool(Tool.function("get_time", "The time in a timezone",
                        "{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\"}}}"))
                .build();
    }

    private static ChatRequest requestNeeding(OptionalFeature feature) {
        ChatRequest.Builder b = request().toBuilder();
        return switch (feature) {
            case TOOLS -> b.addTool(Tool.function("get_weather", "The weather", null)).build();
            case JSON_MODE -> b.responseFormat(ResponseFormat.jsonObject()).build();
            case JSON_SCHEMA -> b.responseFormat(ResponseFormat.jsonSchema("greeting",
                    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}", true)).build();
            case VISION -> ChatRequest.builder().model(MODEL).addMessage(Message.user(List.of(
                    ContentPart.text("What is this?"), ContentPart.image("https://example.com/cat.png")))).build();
            case MULTIPLE_CHOICES -> b.choices(2).build();
            case STREAMING -> b.build();
        };
    }

    private static TextAnswer answer() {
        return new TextAnswer("chatcmpl-contract-1", MODEL, CONTENT, FinishReason.STOP, USAGE, REQUEST_ID);
    }

    private StreamEvents textStream() {
        return wire.textStream(answer(), DELTAS);
    }

    private static List<ToolCall> twoCalls() {
        return List.of(new ToolCall("call_weather_1", "get_weather", "{\"city\":\"Paris\",\"units\":\"metric\"}"),
                new ToolCall("call_time_2", "get_time", "{\"timezone\":\"Europe/Paris\"}"));
    }

    private static ToolCallAnswer toolAnswer(List<ToolCall> calls) {
        return new ToolCallAnswer("chatcmpl-tools-1", MODEL, calls, USAGE, REQUEST_ID);
    }

    private static ErrorAnswer rateLimited() {
        return ErrorAnswer.of(429, "rate_limit_exceeded", "requests", "Rate limit reached for requests");
    }

    private static void assertSameAnswer(ChatResponse folded, ChatResponse whole) {
        assertThat(folded.choices()).as("choices").isEqualTo(whole.choices());
        assertThat(folded.usage()).as("usage").isEqualTo(whole.usage());
        assertThat(folded.model()).as("model").isEqualTo(whole.model());
        assertThat(folded.id()).as("id").isEqualTo(whole.id());
        assertThat(folded.requestId()).as("request id").isEqualTo(whole.requestId());
        assertThat(folded.provider()).as("provider").isEqualTo(whole.provider());
    }

    /** Iterates the whole stream, closes it, and returns the folded response. */
    private static ChatResponse consume(ChatStream stream) {
        try (stream) {
            for (ChatChunk ignored : stream) {
                // drain
            }
            return stream.response();
        }
    }

    /** The non-empty content deltas of the stream, in order. */
    private static List<String> texts(ChatStream stream) {
        List<String> texts = new ArrayList<>();
        for (ChatChunk chunk : stream) {
            if (chunk.content() != null && !chunk.content().isEmpty()) {
                texts.add(chunk.content());
            }
        }
        return texts;
    }

    private static Throwable catchAny(Executable call) {
        try {
            call.execute();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Runs {@code call}, which must fail with an {@link LlmException} (unwrapped from futures). */
    private static LlmException failureOf(Executable call) {
        Throwable failure = catchAny(call);
        if (failure == null) {
            fail("expected an LlmException, but the call succeeded");
        }
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof LlmException llm)) {
            throw new AssertionError("expected an LlmException, got " + cause, cause);
        }
        return llm;
    }

    private static <T> T within(Duration bound, java.util.concurrent.Callable<T> work, String failure) {
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            return runner.submit(work).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(failure + " (not done within " + bound.toMillis() + " ms)");
        } catch (ExecutionException e) {
            throw new AssertionError(failure + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            runner.shutdownNow();
        }
    }

    /** The timeout phase reported by the exception or anywhere in its cause chain, null if none. */
    private static TimeoutPhase phaseOf(Throwable failure) {
        for (Throwable t : chain(failure)) {
            if (t instanceof LlmTimeoutException timeout) {
                return timeout.phase();
            }
        }
        return null;
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Everything an exception can show: message, toString, stack trace with causes, upstream fields. */
    private static String textOf(Throwable failure) {
        if (failure == null) {
            return "";
        }
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        StringBuilder text = new StringBuilder(trace.toString());
        for (Throwable t : chain(failure)) {
            text.append('\n').append(t).append('\n').append(t.getLocalizedMessage());
            if (t instanceof LlmException llm) {
                text.append('\n').append(llm.upstreamMessage()).append(' ').append(llm.errorCode()).append(' ')
                        .append(llm.errorType()).append(' ').append(llm.param()).append(' ').append(llm.requestId())
                        .append(' ').append(llm.failedGeneration()).append(' ').append(llm.attempts())
                        .append(' ').append(llm.rateLimit());
            }
            if (t instanceof StreamInterruptedException interrupted) {
                text.append('\n').append(interrupted.partialResponse());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                text.append('\n').append(textOf(suppressed));
            }
        }
        return text.toString();
    }

    /** Live threads, leaving out the fake upstream's own. */
    private static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith(FakeUpstream.THREAD_PREFIX))
                .count();
    }
}
