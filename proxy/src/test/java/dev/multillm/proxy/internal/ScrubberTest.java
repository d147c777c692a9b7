package dev.multillm.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.testkit.SentenceDisplayNames;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(SentenceDisplayNames.class)
class ScrubberTest {

    @Test
    void masksKnownSecretsEvenWhenTheyDoNotLookLikeKeys() {
        Scrubber scrubber = new Scrubber(List.of("hunter2-but-longer"));

        assertThat(scrubber.scrub("the key hunter2-but-longer was rejected")).isEqualTo("the key *** was rejected");
    }

    @Test
    void masksKeyShapedTokensAndBearerCredentials() {
        Scrubber scrubber = new Scrubber(List.of());

        assertThat(scrubber.scrub("Incorrect API key provided: sk-proj-****abcd."))
                .isEqualTo("Incorrect API key provided: ***.");
        assertThat(scrubber.scrub("Authorization: Bearer tok_123")).isEqualTo("Authorization: ***");
        assertThat(scrubber.scrub("gsk_ABCDEF123456 failed")).isEqualTo("*** failed");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        Scrubber scrubber = new Scrubber(List.of("short"));

        assertThat(scrubber.scrub("a short message about tasks")).isEqualTo("a short message about tasks");
        assertThat(scrubber.scrub(null)).isNull();
    }
}
