package dev.multillm.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timer whose arming and cancelling take no lock and wake no thread. */
class LockFreeTimerTest {
    private final LockFreeTimer timer = new LockFreeTimer("test-timer", Duration.ofMillis(5), 3);

    @AfterEach
    void stop() {
        timer.shutdown();
    }

    @Test
    void isIdleUntilTheFirstSchedule() {
        assertThat(timer.ticking()).isFalse();
        assertThat(timer.pending()).isZero();
    }

    @Test
    void runsATaskAfterItsDelayAndCompletesItsFuture() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        ScheduledFuture<?> future = timer.schedule(Duration.ofMillis(30), ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).as("not before its delay").isGreaterThanOrEqualTo(30_000_000L);
        assertThat(future.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(future.isDone()).isTrue();
    }

    @Test
    void aTaskDueBeforeTheNextLookWakesTheThread() throws InterruptedException {
        // A tick of a minute: only the arrival's wake-up can run a task due in 1 ms in time.
        LockFreeTimer slow = new LockFreeTimer("slow-timer", Duration.ofMinutes(1), 3);
        try {
            slow.schedule(Duration.ofMinutes(10), () -> { });
            awaitTrue(() -> slow.pending() == 1);
            CountDownLatch ran = new CountDownLatch(1);
            slow.schedule(Duration.ofMillis(1), ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            slow.shutdown();
        }
    }

    @Test
    void runsTasksInOrderOfDueTimeThenOfArming() throws InterruptedException {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(4);
        timer.schedule(Duration.ofMillis(60), () -> { order.add(3); all.countDown(); });
        timer.schedule(Duration.ofMillis(20), () -> { order.add(1); all.countDown(); });
        Duration same = Duration.ofMillis(40);
        timer.schedule(same, () -> { order.add(2); all.countDown(); });
        timer.schedule(same.minusNanos(1), () -> { order.add(2); all.countDown(); });
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly(1, 2, 2, 3);
    }

    @Test
    void aCancelledTaskNeverRunsAndLeavesByTheNextTick() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        ScheduledFuture<?> held = timer.schedule(Duration.ofMinutes(10), ran::incrementAndGet);
        awaitTrue(() -> timer.pending() == 1);
        assertThat(held.cancel(false)).isTrue();
        awaitTrue(() -> timer.pending() == 0);

        ScheduledFuture<?> soon = timer.schedule(Duration.ofMillis(20), ran::incrementAndGet);
        soon.cancel(false);
        runsAfter(Duration.ofMillis(40)); // tasks run in order of due time: the cancelled one's has passed
        assertThat(ran).hasValue(0);
        assertThat(soon.isCancelled()).isTrue();
    }

    @Test
    void stopsTickingWhenNothingIsPendingAndWakesForTheNextTimeout() throws InterruptedException {
        timer.schedule(Duration.ZERO, () -> { });
        awaitTrue(() -> !timer.ticking());

        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(Duration.ofMillis(50), ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).as("the parked thread woke for it").isTrue();
    }

    @Test
    void keepsTickingWhileTimeoutsAreArmed() throws InterruptedException {
        CountDownLatch ticks = new CountDownLatch(20);
        Runnable[] again = new Runnable[1];
        again[0] = () -> {
            ticks.countDown();
            if (ticks.getCount() > 0) {
                timer.schedule(Duration.ofMillis(1), again[0]); // armed from the timer thread itself
            }
        };
        timer.schedule(Duration.ofMillis(1), again[0]);
        assertThat(ticks.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(timer.ticking()).as("it was used within every tick").isTrue();
    }

    @Test
    void manyThreadsArmingAndCancellingAtOnceLoseNothing() throws Exception {
        int threads = 8;
        int each = 2_000;
        AtomicInteger fired = new AtomicInteger();
        AtomicInteger cancelledRan = new AtomicInteger();
        CountDownLatch kept = new CountDownLatch(threads * each / 2);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    if (i % 2 == 0) {
                        timer.schedule(Duration.ofMillis(i % 7), () -> {
                            fired.incrementAndGet();
                            kept.countDown();
                        });
                    } else {
                        timer.schedule(Duration.ofMillis(50 + i % 7), cancelledRan::incrementAndGet).cancel(false);
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(kept.await(10, TimeUnit.SECONDS)).isTrue();
        runsAfter(Duration.ofMillis(100)); // past every cancelled task's due time
        assertThat(fired).hasValue(threads * each / 2);
        assertThat(cancelledRan).hasValue(0);
        awaitTrue(() -> timer.pending() == 0);
    }

    @Test
    void aFailingTaskKeepsItsFailureAndTheTimerGoesOn() throws Exception {
        ScheduledFuture<?> failing = timer.schedule(Duration.ZERO, () -> {
            throw new IllegalStateException("boom");
        });
        try {
            failing.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected the task's failure");
        } catch (ExecutionException expected) {
            assertThat(expected.getCause()).hasMessage("boom");
        }
        CountDownLatch next = new CountDownLatch(1);
        timer.schedule(Duration.ofMillis(1), next::countDown);
        assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRunningTaskIsNeitherCancelledNorInterrupted() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        ScheduledFuture<?> slow = timer.schedule(Duration.ZERO, () -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.cancel(true)).as("it has started").isFalse();
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(slow.isCancelled()).isFalse();
        assertThat(interrupted).hasValue(0);
    }

    @Test
    void aTaskLeavingTheThreadInterruptedDoesNotStopTheTimer() throws Exception {
        timer.schedule(Duration.ZERO, () -> Thread.currentThread().interrupt()).get(10, TimeUnit.SECONDS);
        CountDownLatch next = new CountDownLatch(1);
        long start = System.nanoTime();
        timer.schedule(Duration.ofMillis(30), next::countDown);
        assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).as("it waited for its delay").isGreaterThanOrEqualTo(30_000_000L);
    }

    @Test
    void waitingForACancelledTaskEndsWithCancellation() throws Exception {
        ScheduledFuture<?> held = timer.schedule(Duration.ofMinutes(10), () -> { });
        Thread waiter = Thread.currentThread();
        Thread canceller = new Thread(() -> {
            // Cancel once the test thread waits in get(), so that the cancel must wake it.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waiter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            held.cancel(false);
        });
        canceller.start();
        assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        assertThat(held.isDone()).isTrue();
        assertThat(held.cancel(false)).as("only once").isFalse();
        assertThatThrownBy(() -> timer.schedule(Duration.ofMinutes(10), () -> { }).get(10, TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void treatsADelayTooLongForNanosecondsAsNever() {
        ScheduledFuture<?> never = timer.schedule(Duration.ofSeconds(Long.MAX_VALUE), () -> { });
        assertThat(never.getDelay(TimeUnit.DAYS)).isGreaterThan(365L * 100);
        never.cancel(false);
    }

    /** Waits until a task armed now with {@code delay} has run: every task due before it has too. */
    private void runsAfter(Duration delay) throws Exception {
        timer.schedule(delay, () -> { }).get(10, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} until it holds, for at most 10 s. */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
