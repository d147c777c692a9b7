package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageFieldsTest {

    private static UsageFields read(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonBytesReader reader = new JsonBytesReader(bytes, 0, bytes.length);
        UsageFields fields = UsageFields.read(reader);
        assertThat(reader.atEnd()).as("the whole object was read").isTrue();
        return fields;
    }

    @Test
    void readsCountsWithCachedAndReasoningDetails() {
        UsageFields fields = read("""
                {"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                 "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
                 "completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0}}""");

        assertThat(fields.usage("p")).isEqualTo(new Usage(2006, 1920, 300, 256, true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"prompt_tokens\":10,\"completion_tokens\":2,\"prompt_cache_hit_tokens\":8}|8",
        "{\"prompt_tokens\":10,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":0},"
            + "\"prompt_cache_hit_tokens\":8}|8",
        "{\"prompt_tokens\":10,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":3},"
            + "\"prompt_cache_hit_tokens\":8}|3"})
    void takesDeepSeeksCacheHitsWhereNoCachedTokensAreGiven(String json, long cached) {
        assertThat(read(json).usage(null).cachedInputTokens()).isEqualTo(cached);
    }

    @Test
    void anObjectWithoutTokenCountsReportsNoUsage() {
        assertThat(read("{\"total_tokens\":5,\"prompt_tokens\":null,\"completion_tokens\":\"3\"}").usage("p"))
                .isNull();
    }

    @Test
    void theLastValueOfARepeatedCountCountsEvenWhenItIsNotANumber() {
        assertThat(read("{\"prompt_tokens\":5,\"completion_tokens\":1,\"completion_tokens\":2}").usage("p"))
                .isEqualTo(Usage.of(5, 2));
        assertThat(read("{\"prompt_tokens\":5,\"prompt_tokens\":null}").usage("p")).isNull();
    }

    @Test
    void aNegativeCountIsAnInvalidResponseNamingTheProvider() {
        UsageFields fields = read("{\"prompt_tokens\":-1,\"completion_tokens\":1}");

        assertThatThrownBy(() -> fields.usage("groq")).isInstanceOfSatisfying(LlmException.class, e -> {
            assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
            assertThat(e.provider()).isEqualTo("groq");
        });
    }

    @Test
    void keepsGroqTimingsUnderTheirMetadataKeys() {
        UsageFields fields = read("{\"queue_time\":0.037,\"prompt_time\":1,\"completion_time\":2.5e-1,"
                + "\"total_time\":0.3,\"prompt_tokens\":1}");

        assertThat(UsageFields.timingKey(0)).isEqualTo("groq.queue_time");
        assertThat(UsageFields.timingKey(3)).isEqualTo("groq.total_time");
        assertThat(new double[] {fields.timing(0), fields.timing(1), fields.timing(2), fields.timing(3)})
                .containsExactly(0.037, 1.0, 0.25, 0.3);
    }

    @Test
    void aTimingGivenTwiceIsTheLastValueForATreeAndTheLastNumberForAStream() {
        UsageFields fields = read("{\"queue_time\":1,\"queue_time\":null,\"prompt_time\":\"x\",\"prompt_time\":2}");

        assertThat(fields.timing(0)).as("a tree holds null").isNaN();
        assertThat(fields.lastNumericTiming(0)).isEqualTo(1.0);
        assertThat(fields.timing(1)).isEqualTo(2.0);
        assertThat(fields.lastNumericTiming(1)).isEqualTo(2.0);
        assertThat(fields.timing(2)).isNaN();
        assertThat(fields.lastNumericTiming(2)).isNaN();
    }
}
