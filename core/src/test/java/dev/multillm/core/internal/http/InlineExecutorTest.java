package dev.multillm.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The executor of the HTTP clients the library creates. */
class InlineExecutorTest {

    @Test
    void runsEachTaskOnTheThreadThatHandsItOver() {
        InlineExecutor executor = new InlineExecutor();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        executor.execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void refusesWorkOnceClosed() {
        InlineExecutor executor = new InlineExecutor();
        executor.close();
        assertThatThrownBy(() -> executor.execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed");
    }
}
