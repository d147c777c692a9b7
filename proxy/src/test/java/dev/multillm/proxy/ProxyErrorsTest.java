package dev.multillm.proxy;

import static dev.multillm.proxy.ProxyHarness.CANARY;
import static dev.multillm.proxy.ProxyHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnprocessableEntityException;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RetryPolicy;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import dev.multillm.testkit.FakeChatProvider;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@link ErrorTaxonomy} category an upstream can cause, through the proxy, raises the
 * exception type the official SDK has for the status of the error table.
 */
@DisplayNameGeneration(SentenceDisplayNames.class)
class ProxyErrorsTest {
    private final FakeUpstream first = FakeUpstream.start();
    private final FakeUpstream second = FakeUpstream.start();
    private final ChatProvider firstRoute = route(first);
    private final ChatProvider secondRoute = route(second);
    private final FakeChatProvider textOnly = FakeChatProvider.builder().capabilities(Capabilities.TEXT_ONLY)
            .reply("never").build();
    /** Two routes, one failover allowed: both are tried once. */
    private final ChatProvider pair = FallbackChatProvider.builder().id("pair").route(Route.of(firstRoute, "a"))
            .route(Route.of(secondRoute, "b")).retryPolicy(RetryPolicy.none().withMaxRetries(1))
            .closeProvidersOnClose(false).build();
    private final ProxyHarness h = new ProxyHarness(b -> b.model("pair", pair)
            .model("textonly", List.of(Route.of(textOnly))));

    private static ChatProvider route(FakeUpstream upstream) {
        return ChatProviders.create("openai", ProviderConfig.of(Map.of("baseUrl", upstream.baseUrl().toString(),
                "apiKey", CANARY)));
    }

    @AfterEach
    void closeAll() {
        h.close();
        pair.close();
        firstRoute.close();
        secondRoute.close();
        textOnly.close();
        first.close();
        second.close();
    }

    private static Reply error(int status, String code, String type, String message) {
        String body = "{\"error\":{\"message\":\"" + message + "\",\"type\":" + (type == null ? "null" : "\"" + type
                + "\"") + ",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}";
        return Reply.json(status, body);
    }

    static Stream<Arguments> upstreamFailures() {
        return Stream.of(
                Arguments.of(ErrorTaxonomy.AUTHENTICATION, error(401, "invalid_api_key", "invalid_request_error",
                        "Incorrect API key provided: " + CANARY), InternalServerException.class, 502,
                        "upstream_authentication_failed"),
                Arguments.of(ErrorTaxonomy.PERMISSION_DENIED, error(403, null, "permission_error", "no access"),
                        PermissionDeniedException.class, 403, "permission_denied"),
                Arguments.of(ErrorTaxonomy.MODEL_NOT_FOUND, error(404, "model_not_found", "invalid_request_error",
                        "The model does not exist"), NotFoundException.class, 404, "model_not_found"),
                Arguments.of(ErrorTaxonomy.INVALID_REQUEST, Reply.json(400, "{\"error\":{\"message\":\"bad value\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}"),
                        BadRequestException.class, 400, "invalid_value"),
                Arguments.of(ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, error(400, "context_length_exceeded",
                        "invalid_request_error", "too long"), BadRequestException.class, 400,
                        "context_length_exceeded"),
                Arguments.of(ErrorTaxonomy.CONTENT_FILTERED, error(400, "content_policy_violation",
                        "invalid_request_error", "blocked"), BadRequestException.class, 400, "content_filter"),
                Arguments.of(ErrorTaxonomy.OUTPUT_VALIDATION_FAILED, error(400, "json_validate_failed",
                        "invalid_request_error", "not json"), UnprocessableEntityException.class, 422,
                        "json_validate_failed"),
                Arguments.of(ErrorTaxonomy.RATE_LIMITED, error(429, "rate_limit_exceeded", "requests", "slow down")
                        .header("retry-after", "7"), RateLimitException.class, 429, "rate_limit_exceeded"),
                Arguments.of(ErrorTaxonomy.QUOTA_EXHAUSTED, error(429, "insufficient_quota", "insufficient_quota",
                        "pay up"), RateLimitException.class, 429, "insufficient_quota"),
                Arguments.of(ErrorTaxonomy.OVERLOADED, error(503, null, "server_error", "busy"),
                        InternalServerException.class, 503, "overloaded"),
                Arguments.of(ErrorTaxonomy.SERVER_ERROR, error(500, null, "server_error", "oops"),
                        InternalServerException.class, 502, "upstream_server_error"),
                Arguments.of(ErrorTaxonomy.INVALID_RESPONSE, Reply.text(200, "this is not json"),
                        InternalServerException.class, 502, "upstream_invalid_response"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreamFailures")
    void raisesTheSdkExceptionOfEachUpstreamFailure(ErrorTaxonomy category, Reply reply,
                                                    Class<? extends OpenAIServiceException> expected, int status,
                                                    String code) {
        h.upstream.enqueue(reply);

        OpenAIServiceException failure = catchThrowableOfType(OpenAIServiceException.class,
                () -> h.sdk.chat().completions().create(params("fast").build()));

        assertThat(failure).as(category.name()).isInstanceOf(expected);
        assertThat(failure.statusCode()).isEqualTo(status);
        assertThat(failure.code()).hasValue(code);
        assertThat(failure.headers().values("x-request-id")).hasSize(1);
        assertThat(failure.getMessage()).doesNotContain(CANARY);
        assertThat(h.metrics()).contains("outcome=\"" + category.name() + "\"");
    }

    @Test
    void passesOnTheParamTheUpstreamBlamed() {
        h.upstream.enqueue(Reply.json(400, "{\"error\":{\"message\":\"bad value\",\"type\":\"invalid_request_error\","
                + "\"param\":\"temperature\",\"code\":\"invalid_value\"}}"));

        BadRequestException failure = catchThrowableOfType(BadRequestException.class,
                () -> h.sdk.chat().completions().create(params("fast").build()));

        assertThat(failure.param()).hasValue("temperature");
        assertThat(failure.getMessage()).contains("bad value");
    }

    @Test
    void sendsRetryAfterOnRateLimits() {
        h.upstream.enqueue(error(429, "rate_limit_exceeded", "requests", "slow down").header("retry-after", "7"));

        RateLimitException failure = catchThrowableOfType(RateLimitException.class,
                () -> h.sdk.chat().completions().create(params("fast").build()));

        assertThat(failure.headers().values("retry-after")).containsExactly("7");
        assertThat(failure.headers().values("retry-after-ms")).containsExactly("7000");
        assertThat(failure.headers().values("x-should-retry")).containsExactly("true");
    }

    @Test
    void tellsTheSdkNotToRetryAnExhaustedQuota() {
        h.upstream.enqueue(error(429, "insufficient_quota", "insufficient_quota", "pay up"));

        RateLimitException failure = catchThrowableOfType(RateLimitException.class,
                () -> h.sdk.chat().completions().create(params("fast").build()));

        assertThat(failure.headers().values("x-should-retry")).containsExactly("false");
    }

    @Test
    void answers504WhenTheUpstreamTimesOut() {
        h.upstream.enqueue(Reply.noResponse());

        InternalServerException failure = catchThrowableOfType(InternalServerException.class,
                () -> h.sdk.chat().completions().create(params("impatient").build()));

        assertThat(failure.statusCode()).isEqualTo(504);
        assertThat(failure.code()).hasValue("upstream_timeout");
        assertThat(failure.getMessage()).contains("FIRST_TOKEN");
    }

    @Test
    void answers502WhenTheUpstreamRefusesConnections() {
        InternalServerException failure = catchThrowableOfType(InternalServerException.class,
                () -> h.sdk.chat().completions().create(params("down").build()));

        assertThat(failure.statusCode()).isEqualTo(502);
        assertThat(failure.code()).hasValue("upstream_connection_failed");
    }

    @Test
    void answers400WhenNoRouteSupportsWhatTheRequestNeeds() {
        BadRequestException failure = catchThrowableOfType(BadRequestException.class,
                () -> h.sdk.chat().completions().create(params("textonly")
                        .addFunctionTool(ProxyServerTest.weatherTool()).build()));

        assertThat(failure.code()).hasValue("unsupported_capability");
        assertThat(failure.param()).hasValue("tools");
        assertThat(textOnly.callCount()).isZero();
    }

    @Test
    void answers503WhenEveryRouteFailedInADifferentWay() {
        first.enqueue(error(500, null, "server_error", "oops"));
        second.enqueue(error(429, "rate_limit_exceeded", "requests", "slow down").header("retry-after", "3"));

        InternalServerException failure = catchThrowableOfType(InternalServerException.class,
                () -> h.sdk.chat().completions().create(params("pair").build()));

        assertThat(failure.statusCode()).isEqualTo(503);
        assertThat(failure.code()).hasValue("no_provider_available");
        assertThat(failure.headers().values("retry-after")).containsExactly("3");
        assertThat(first.requestCount()).isEqualTo(1);
        assertThat(second.requestCount()).isEqualTo(1);
    }

    @Test
    void answersAsTheSharedFailureWhenEveryRouteFailedTheSameWay() {
        first.enqueue(error(429, "rate_limit_exceeded", "requests", "slow down").header("retry-after", "9"));
        second.enqueue(error(429, "rate_limit_exceeded", "requests", "slow down").header("retry-after", "4"));

        RateLimitException failure = catchThrowableOfType(RateLimitException.class,
                () -> h.sdk.chat().completions().create(params("pair").build()));

        assertThat(failure.statusCode()).isEqualTo(429);
        assertThat(failure.headers().values("retry-after")).containsExactly("4");
    }
}
