package dev.multillm.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timer that keeps a tick queued while in use, so that arming a timeout wakes no thread. */
class TickingTimerTest {
    private final TickingTimer timer = new TickingTimer("test-timer", Duration.ofMillis(5), 3);

    @AfterEach
    void stop() {
        timer.shutdown();
    }

    @Test
    void isIdleUntilTheFirstSchedule() {
        assertThat(timer.ticking()).isFalse();
        assertThat(timer.queued()).isZero();
    }

    @Test
    void runsATaskAfterItsDelay() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(Duration.ofMillis(1), ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void keepsATickQueuedBesideTheTimeoutsItHolds() {
        ScheduledFuture<?> timeout = timer.schedule(Duration.ofMinutes(10), () -> { });
        assertThat(timer.ticking()).isTrue();
        assertThat(timer.queued()).isEqualTo(2);
        timeout.cancel(false);
        assertThat(timer.queued()).as("a cancelled timeout leaves at once; the tick stays").isEqualTo(1);
    }

    @Test
    void stopsTickingWhenNothingIsScheduledAndStartsAgainWithTheNextTimeout() throws InterruptedException {
        timer.schedule(Duration.ZERO, () -> { });
        awaitTicking(false);
        assertThat(timer.queued()).isZero();

        ScheduledFuture<?> next = timer.schedule(Duration.ofMinutes(10), () -> { });
        assertThat(timer.ticking()).isTrue();
        next.cancel(false);
        awaitTicking(false);
    }

    @Test
    void keepsTickingWhileTimeoutsAreArmed() throws InterruptedException {
        CountDownLatch ticks = new CountDownLatch(20);
        // Re-arms every millisecond for longer than the idle limit of 3 ticks of 5 ms.
        Runnable[] again = new Runnable[1];
        again[0] = () -> {
            ticks.countDown();
            if (ticks.getCount() > 0) {
                timer.schedule(Duration.ofMillis(1), again[0]);
            }
        };
        timer.schedule(Duration.ofMillis(1), again[0]);
        assertThat(ticks.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(timer.ticking()).as("it was used within every tick").isTrue();
    }

    @Test
    void treatsADelayTooLongForNanosecondsAsNever() {
        ScheduledFuture<?> never = timer.schedule(Duration.ofSeconds(Long.MAX_VALUE), () -> { });
        assertThat(never.getDelay(TimeUnit.DAYS)).isGreaterThan(365L * 100);
        never.cancel(false);
    }

    private void awaitTicking(boolean expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (timer.ticking() != expected && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(timer.ticking()).isEqualTo(expected);
    }
}
