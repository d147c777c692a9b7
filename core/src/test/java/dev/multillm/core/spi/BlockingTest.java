package dev.multillm.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BlockingTest {

    @Test
    void returnsTheValue() {
        assertThat(Blocking.await(CompletableFuture.completedFuture("ok"), "p")).isEqualTo("ok");
    }

    @Test
    void throwsAnLlmExceptionAsItIs() {
        LlmException failure = LlmException.builder(ErrorTaxonomy.OVERLOADED).provider("p").message("busy").build();

        assertThatThrownBy(() -> Blocking.await(CompletableFuture.failedFuture(failure), "p")).isSameAs(failure);
    }

    @Test
    void classifiesAnyOtherFailureAsUnknown() {
        LlmException failure = catchThrowableOfType(LlmException.class,
                () -> Blocking.await(CompletableFuture.failedFuture(new IllegalStateException("boom")), "p"));

        assertThat(failure.category()).isEqualTo(ErrorTaxonomy.UNKNOWN);
        assertThat(failure.provider()).isEqualTo("p");
        assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mapsFailuresWithTheGivenFunction() {
        IllegalArgumentException mapped = new IllegalArgumentException("mapped");

        assertThatThrownBy(() -> Blocking.await(CompletableFuture.failedFuture(new IllegalStateException()), "p",
                failure -> mapped)).isSameAs(mapped);
    }

    @Test
    void reportsACancelledFutureAsCancelled() {
        CompletableFuture<String> future = new CompletableFuture<>();
        future.cancel(true);

        LlmException failure = catchThrowableOfType(LlmException.class, () -> Blocking.await(future, "p"));

        assertThat(failure.category()).isEqualTo(ErrorTaxonomy.CANCELLED);
    }

    @Test
    void anInterruptCancelsTheFutureAndKeepsTheInterrupt() {
        CompletableFuture<String> future = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        LlmException failure;
        boolean interrupted;
        try {
            failure = catchThrowableOfType(LlmException.class, () -> Blocking.await(future, "p"));
        } finally {
            interrupted = Thread.interrupted();
        }

        assertThat(interrupted).isTrue();
        assertThat(failure.category()).isEqualTo(ErrorTaxonomy.CANCELLED);
        assertThat(future).isCancelled();
    }
}
