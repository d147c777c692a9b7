package dev.multillm.core.internal.http;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.TimeoutPhase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * Maps what the JDK HTTP client throws to {@link LlmException}s.
 *
 * <p>Thread-safety: stateless.
 */
public final class TransportErrors {
    private TransportErrors() {
    }

    /** Unwraps {@link CompletionException} and {@link ExecutionException} layers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The {@link LlmException} for {@code failure}, which may already be one. */
    public static LlmException map(String provider, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof LlmException llm) {
            return llm;
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(provider).timeoutPhase(TimeoutPhase.CONNECT)
                    .message("connect timed out").cause(cause).build();
        }
        if (cause instanceof HttpTimeoutException) {
            return LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(provider)
                    .timeoutPhase(TimeoutPhase.FIRST_TOKEN).message("request timed out").cause(cause).build();
        }
        if (cause instanceof CancellationException || cause instanceof InterruptedException) {
            return LlmException.builder(ErrorTaxonomy.CANCELLED).provider(provider).message("call cancelled")
                    .cause(cause).build();
        }
        if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
            return LlmException.builder(ErrorTaxonomy.CONNECTION).provider(provider)
                    .message("cannot connect: " + describe(cause)).cause(cause).build();
        }
        if (cause instanceof SSLException) {
            return LlmException.builder(ErrorTaxonomy.CONNECTION).provider(provider)
                    .message("TLS failure: " + describe(cause)).cause(cause).build();
        }
        if (cause instanceof IOException) {
            return LlmException.builder(ErrorTaxonomy.CONNECTION).provider(provider)
                    .message("connection failed: " + describe(cause)).cause(cause).build();
        }
        return LlmException.builder(ErrorTaxonomy.UNKNOWN).provider(provider)
                .message("unexpected failure: " + describe(cause)).cause(cause).build();
    }

    /**
     * Whether {@code failure} is the JDK's "header parser received no bytes": a stale pooled
     * connection closed by the server before our request left, which is safe to resend once.
     */
    public static boolean isStalePooledConnection(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof LlmException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof IOException
                && !(cause instanceof HttpTimeoutException)
                && cause.getMessage() != null
                && cause.getMessage().contains("received no bytes");
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }
}
