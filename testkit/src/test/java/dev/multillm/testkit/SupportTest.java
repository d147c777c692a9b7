package dev.multillm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.event.ChatEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupportTest {

    @Test
    void theRecordingSleeperRecordsAdvancesTheClockAndNeverWaits() {
        FakeClock clock = new FakeClock();
        RecordingSleeper sleeper = new RecordingSleeper(clock);

        assertThat(sleeper.delay(Duration.ofHours(1))).isDone();
        sleeper.delay(Duration.ofSeconds(2));
        assertThat(sleeper.delays()).containsExactly(Duration.ofHours(1), Duration.ofSeconds(2));
        assertThat(sleeper.totalDelay()).isEqualTo(Duration.ofSeconds(3602));
        assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(3602));
    }

    @Test
    void theFakeClockMovesOnlyForwardAndOnlyWhenTold() {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        clock.advance(Duration.ofMillis(5));

        assertThat(clock.millis()).isEqualTo(5);
        assertThat(clock.withZone(java.time.ZoneId.of("Europe/Paris")).instant()).isEqualTo(clock.instant());
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void awaitReturnsOnceTheConditionHoldsAndFailsWithTheDescriptionOtherwise() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(() -> polls.incrementAndGet() >= 3, Duration.ofSeconds(5));
        assertThat(polls.get()).isGreaterThanOrEqualTo(3);

        assertThatThrownBy(() -> Await.until("the moon", () -> false, Duration.ofMillis(20)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the moon");
    }

    @Test
    void logCaptureSeesSystemLoggerRecordsAtTheFinestLevel() {
        try (LogCapture logs = LogCapture.install()) {
            System.getLogger("dev.multillm.test").log(System.Logger.Level.TRACE, "finest {0}", "detail");
            System.getLogger("dev.multillm.test").log(System.Logger.Level.DEBUG, "with cause",
                    new IllegalStateException("inner secret-ish"));

            assertThat(logs.text()).contains("finest detail").contains("inner secret-ish");
        }
    }

    @Test
    void theRecordingListenerKeepsEventsByType() {
        RecordingListener listener = new RecordingListener();
        listener.onEvent(new ChatEvent.AttemptStarted("p", "m", 1, false));
        listener.onEvent(new ChatEvent.FirstToken("p", "m", Duration.ZERO));

        assertThat(listener.events()).hasSize(2);
        assertThat(listener.events(ChatEvent.FirstToken.class)).hasSize(1);
        listener.clear();
        assertThat(listener.events()).isEmpty();
    }

    @Test
    void durationsAreWrittenTheWayOpenAiAndGroqWriteThem() {
        assertThat(OpenAiCompatibleFixture.goDuration(Duration.ofMillis(330))).isEqualTo("330ms");
        assertThat(OpenAiCompatibleFixture.goDuration(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(OpenAiCompatibleFixture.goDuration(Duration.ofMillis(179_560))).isEqualTo("2m59.56s");
        assertThat(OpenAiCompatibleFixture.goDuration(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(OpenAiCompatibleFixture.goDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
    }

    @Test
    void textIsCutIntoPiecesAtCodePointBoundaries() {
        assertThat(OpenAiCompatibleFixture.cut("a🌍bc", 10)).containsExactly("a", "🌍", "b", "c");
        assertThat(String.join("", OpenAiCompatibleFixture.cut("{\"city\":\"Paris\"}", 4)))
                .isEqualTo("{\"city\":\"Paris\"}");
        assertThat(OpenAiCompatibleFixture.cut("", 3)).isEmpty();
    }

    @Test
    void testMethodNamesReadAsSentences() {
        assertThat(SentenceDisplayNames.sentence("mapsRetryAfterHeaderOnRateLimit"))
                .isEqualTo("maps retry after header on rate limit");
        assertThat(SentenceDisplayNames.sentence("speaksHttp11WithoutAskingToUpgradeToH2c"))
                .isEqualTo("speaks http11 without asking to upgrade to h2c");
        assertThat(SentenceDisplayNames.sentence("sendsJSONModeAsAnObject")).isEqualTo("sends JSON mode as an object");
    }

    @Test
    void theEnvironmentRedactsTheKeyAndKeepsClockAndSleeperTogether() {
        ContractEnvironment env = ContractEnvironment.of(java.net.URI.create("http://127.0.0.1:1/v1"), "sk-CANARY-x");

        assertThat(env.toString()).doesNotContain("sk-CANARY-x");
        assertThat(env.sleeper().clock()).isSameAs(env.clock());
        assertThat(env.withApiKey(null).apiKey()).isNull();
        FakeClock other = new FakeClock();
        assertThatThrownBy(() -> new ContractEnvironment(env.baseUrl(), null, env.timeouts(), env.retryPolicy(), other,
                env.sleeper(), env.listener())).isInstanceOf(IllegalArgumentException.class);
    }
}
