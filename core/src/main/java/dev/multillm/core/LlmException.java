package dev.multillm.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The one exception type of multillm: every failure carries an {@link ErrorTaxonomy} category
 * and, where known, the upstream details that explain it.
 *
 * <p>Catch the subclasses for the cases that usually get their own handling:
 * {@link RateLimitedException}, {@link LlmTimeoutException} and
 * {@link StreamInterruptedException}. Messages never contain an API key or an
 * {@code Authorization} header. Create instances with {@link #builder(ErrorTaxonomy)}, which
 * picks the right subclass for the category.
 *
 * <p>Thread-safety: immutable after construction (apart from {@link Throwable}'s own suppressed
 * list and stack trace), safe to share.
 */
public class LlmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorTaxonomy category;
    private final String provider;
    private final Integer status;
    private final String errorCode;
    private final String errorType;
    private final String param;
    private final String requestId;
    private final Duration retryAfter;
    private final RateLimitSnapshot rateLimit;
    private final String failedGeneration;
    private final transient List<Attempt> attempts;
    private final String upstreamMessage;
    private final Boolean shouldRetry;

    /** Creates the exception from a builder; use {@link #builder(ErrorTaxonomy)}. */
    protected LlmException(Builder b) {
        super(formatMessage(b), b.cause);
        this.category = b.category;
        this.provider = b.provider;
        this.status = b.status;
        this.errorCode = b.errorCode;
        this.errorType = b.errorType;
        this.param = b.param;
        this.requestId = b.requestId;
        this.retryAfter = b.retryAfter;
        this.rateLimit = b.rateLimit == null ? RateLimitSnapshot.EMPTY : b.rateLimit;
        this.failedGeneration = b.failedGeneration;
        this.attempts = List.copyOf(b.attempts);
        this.upstreamMessage = b.message;
        this.shouldRetry = b.shouldRetry;
    }

    private static String formatMessage(Builder b) {
        StringBuilder text = new StringBuilder().append(b.category.name());
        if (b.provider != null) {
            text.append(" from ").append(b.provider);
        }
        if (b.status != null) {
            text.append(" (HTTP ").append(b.status).append(')');
        }
        if (b.message != null && !b.message.isBlank()) {
            text.append(": ").append(b.message);
        }
        if (b.errorCode != null) {
            text.append(" [code=").append(b.errorCode).append(']');
        }
        if (b.retryAfter != null) {
            text.append(" [retry after ").append(b.retryAfter.toMillis()).append(" ms]");
        }
        if (b.requestId != null) {
            text.append(" [request ").append(b.requestId).append(']');
        }
        return text.toString();
    }

    /** A builder for an exception of {@code category}. */
    public static Builder builder(ErrorTaxonomy category) {
        return new Builder(category);
    }

    /** The failure category. */
    public ErrorTaxonomy category() {
        return category;
    }

    /** The id of the provider that failed, null if not tied to one. */
    public String provider() {
        return provider;
    }

    /** The HTTP status, null when no response arrived. */
    public Integer status() {
        return status;
    }

    /** The upstream error {@code code}, null if none. */
    public String errorCode() {
        return errorCode;
    }

    /** The upstream error {@code type}, null if none. */
    public String errorType() {
        return errorType;
    }

    /** The request parameter the upstream blamed, null if none. */
    public String param() {
        return param;
    }

    /** The upstream request id, null if unknown. */
    public String requestId() {
        return requestId;
    }

    /** How long the server asked to wait before retrying, null if it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The rate-limit headers of the failed response. */
    public RateLimitSnapshot rateLimit() {
        return rateLimit;
    }

    /** The generation that failed validation ({@code failed_generation}), null if none. */
    public String failedGeneration() {
        return failedGeneration;
    }

    /** The tries that led to this failure, in order (empty when not recorded). */
    public List<Attempt> attempts() {
        return attempts == null ? List.of() : attempts;
    }

    /**
     * The server's answer in {@code x-should-retry}: {@code false} forbids a retry, {@code true}
     * asks for one; null when the server did not say.
     */
    public Boolean shouldRetry() {
        return shouldRetry;
    }

    /** The upstream's own message (already scrubbed of keys), null if none. */
    public String upstreamMessage() {
        return upstreamMessage;
    }

    /** A builder holding this exception's values, to re-throw it with more context. */
    public Builder toBuilder() {
        Builder b = new Builder(category).provider(provider).status(status).errorCode(errorCode)
                .errorType(errorType).param(param).requestId(requestId).retryAfter(retryAfter)
                .rateLimit(rateLimit).failedGeneration(failedGeneration).attempts(attempts()).message(upstreamMessage)
                .shouldRetry(shouldRetry).cause(getCause());
        if (this instanceof LlmTimeoutException timeout) {
            b.timeoutPhase(timeout.phase());
        }
        if (this instanceof StreamInterruptedException interrupted) {
            b.partialResponse(interrupted.partialResponse());
        }
        return b;
    }

    /** This exception with a different attempt log (suppressed exceptions are kept). */
    public LlmException withAttempts(List<Attempt> newAttempts) {
        LlmException copy = toBuilder().attempts(newAttempts).build();
        copy.setStackTrace(getStackTrace());
        for (Throwable suppressed : getSuppressed()) {
            copy.addSuppressed(suppressed);
        }
        return copy;
    }

    /**
     * Mutable builder for {@link LlmException}; {@link #build()} returns the subclass that fits
     * the category.
     *
     * <p>Thread-safety: not thread-safe.
     */
    public static final class Builder {
        private final ErrorTaxonomy category;
        private String provider;
        private Integer status;
        private String errorCode;
        private String errorType;
        private String param;
        private String requestId;
        private Duration retryAfter;
        private RateLimitSnapshot rateLimit;
        private String failedGeneration;
        private List<Attempt> attempts = List.of();
        private String message;
        private Throwable cause;
        private TimeoutPhase timeoutPhase;
        private ChatResponse partialResponse;
        private Boolean shouldRetry;

        private Builder(ErrorTaxonomy category) {
            this.category = Objects.requireNonNull(category, "category");
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder status(Integer status) {
            this.status = status;
            return this;
        }

        public Builder errorCode(String errorCode) {
            this.errorCode = errorCode;
            return this;
        }

        public Builder errorType(String errorType) {
            this.errorType = errorType;
            return this;
        }

        public Builder param(String param) {
            this.param = param;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        public Builder rateLimit(RateLimitSnapshot rateLimit) {
            this.rateLimit = rateLimit;
            return this;
        }

        public Builder failedGeneration(String failedGeneration) {
            this.failedGeneration = failedGeneration;
            return this;
        }

        public Builder attempts(List<Attempt> attempts) {
            this.attempts = attempts == null ? List.of() : attempts;
            return this;
        }

        /** The human-readable detail; must already be free of secrets. */
        public Builder message(String message) {
            this.message = message;
            return this;
        }

        /** The server's {@code x-should-retry} answer, null when absent. */
        public Builder shouldRetry(Boolean shouldRetry) {
            this.shouldRetry = shouldRetry;
            return this;
        }

        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        /** The expired phase; required for {@link ErrorTaxonomy#TIMEOUT}. */
        public Builder timeoutPhase(TimeoutPhase timeoutPhase) {
            this.timeoutPhase = timeoutPhase;
            return this;
        }

        /** What reached the caller before a {@link ErrorTaxonomy#STREAM_INTERRUPTED} failure. */
        public Builder partialResponse(ChatResponse partialResponse) {
            this.partialResponse = partialResponse;
            return this;
        }

        /** The exception, of the subclass that fits the category. */
        public LlmException build() {
            return switch (category) {
                case RATE_LIMITED, QUOTA_EXHAUSTED -> new RateLimitedException(this);
                case TIMEOUT -> new LlmTimeoutException(this,
                        timeoutPhase == null ? TimeoutPhase.TOTAL : timeoutPhase);
                case STREAM_INTERRUPTED -> new StreamInterruptedException(this, partialResponse);
                default -> new LlmException(this);
            };
        }
    }
}
