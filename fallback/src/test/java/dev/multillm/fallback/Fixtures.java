package dev.multillm.fallback;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.testkit.FakeClock;
import dev.multillm.testkit.RecordingListener;
import dev.multillm.testkit.RecordingSleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared seams of the fallback tests: a fake clock, a sleeper that never sleeps, a listener. */
final class Fixtures {
    final FakeClock clock = new FakeClock();
    final RecordingSleeper sleeper = new RecordingSleeper(clock);
    final RecordingListener listener = new RecordingListener();

    /** A chain builder wired to the fixtures, with a fixed jitter so waits are predictable. */
    FallbackChatProvider.Builder chain() {
        return FallbackChatProvider.builder().clock(clock).sleeper(sleeper).listener(listener).random(() -> 0.5);
    }

    static ChatRequest request() {
        return ChatRequest.builder().model("requested-model").addUserMessage("Say hello.").build();
    }

    static RetryPolicy attempts(int attempts) {
        return RetryPolicy.defaults().withMaxRetries(attempts - 1);
    }

    static LlmException failure(ErrorTaxonomy category, Duration retryAfter) {
        return LlmException.builder(category).provider("scripted").retryAfter(retryAfter)
                .message("scripted " + category).build();
    }

    /**
     * A sleeper whose waits end only when the test says so ({@link #release()}), for the moments a
     * test must hold something in flight (a probe, a slow primary).
     */
    static final class ManualSleeper implements Sleeper {
        private final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
        private final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> delay(Duration delay) {
            CompletableFuture<Void> wait = new CompletableFuture<>();
            delays.add(delay);
            pending.add(wait);
            return wait;
        }

        /** Ends every wait asked for so far. */
        void release() {
            pending.forEach(wait -> wait.complete(null));
        }

        List<Duration> delays() {
            return List.copyOf(delays);
        }
    }
}
