package dev.multillm.fallback.internal;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns whatever a route's provider threw into an {@link LlmException}, so that every call through
 * a chain ends with a classified failure.
 *
 * <p>Thread-safety: stateless.
 */
final class Failures {
    private Failures() {
    }

    static LlmException classify(String route, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof LlmException llm) {
            return llm;
        }
        if (cause instanceof CancellationException) {
            return LlmException.builder(ErrorTaxonomy.CANCELLED).provider(route).message("the call was cancelled")
                    .cause(cause).build();
        }
        if (cause instanceof IllegalArgumentException) {
            return LlmException.builder(ErrorTaxonomy.INVALID_REQUEST).provider(route)
                    .message("route " + route + " rejected the request: " + cause.getMessage()).cause(cause).build();
        }
        return LlmException.builder(ErrorTaxonomy.UNKNOWN).provider(route)
                .message("route " + route + " failed with " + cause.getClass().getName()).cause(cause).build();
    }
}
