package dev.multillm.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Interrupting a blocked thread from another one, only inside a fenced section. */
class InterruptFenceTest {

    @Test
    void tripInterruptsTheThreadInsideASectionAndExitClearsIt() throws Exception {
        InterruptFence fence = new InterruptFence();
        CountDownLatch inside = new CountDownLatch(1);
        AtomicBoolean wokeByInterrupt = new AtomicBoolean();
        AtomicBoolean exitSaidTripped = new AtomicBoolean();
        AtomicBoolean interruptedAfterExit = new AtomicBoolean(true);
        Thread worker = new Thread(() -> {
            assertThat(fence.enter()).isTrue();
            inside.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                wokeByInterrupt.set(true);
                Thread.currentThread().interrupt(); // as a JDK call leaves it, or code that keeps it
            }
            exitSaidTripped.set(fence.exit());
            interruptedAfterExit.set(Thread.currentThread().isInterrupted());
        });
        worker.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        fence.trip();
        worker.join(10_000);

        assertThat(wokeByInterrupt).isTrue();
        assertThat(exitSaidTripped).isTrue();
        assertThat(interruptedAfterExit).as("the fence's interrupt does not leak").isFalse();
        assertThat(fence.tripped()).isTrue();
    }

    @Test
    void aTrippedFenceRefusesToStartASection() {
        InterruptFence fence = new InterruptFence();
        fence.trip();
        assertThat(fence.enter()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aTripOutsideAnySectionInterruptsNobody() {
        InterruptFence fence = new InterruptFence();
        assertThat(fence.enter()).isTrue();
        assertThat(fence.exit()).isFalse();
        fence.trip();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aTripFromTheFencedThreadItselfDoesNotInterruptIt() {
        InterruptFence fence = new InterruptFence();
        assertThat(fence.enter()).isTrue();
        fence.trip();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(fence.exit()).isFalse();
        assertThat(fence.tripped()).isTrue();
    }

    @Test
    void keepsAnInterruptThatCameFromSomeoneElse() throws Exception {
        InterruptFence fence = new InterruptFence();
        AtomicReference<Boolean> exitSaidTripped = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CountDownLatch inside = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            fence.enter();
            inside.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exitSaidTripped.set(fence.exit());
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        worker.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        worker.interrupt();
        worker.join(10_000);

        assertThat(exitSaidTripped.get()).isFalse();
        assertThat(stillInterrupted).isTrue();
    }
}
