package dev.multillm.groq;

import dev.multillm.core.Capabilities;
import java.util.List;
import java.util.Locale;

/**
 * The small table of what Groq's models support where they differ from the provider default.
 *
 * <p>Sources: Groq's model pages, "Structured Outputs" (supported models), "Images and Vision"
 * and "Reasoning" guides. Ids are matched by prefix, case-insensitively, first match wins, so that
 * dated or suffixed variants ({@code -0905}) inherit their family's row. A model that is not in
 * the table gets {@link #DEFAULT}: everything Groq can do, so that a new model is never refused
 * before the server has had its say. Every Groq model takes {@code n = 1} only, so
 * {@code multipleChoices} is false everywhere.
 *
 * <pre>
 * model (prefix)                               tools  json  schema  vision  reasoning  context
 * openai/gpt-oss-                              yes    yes   yes     no      yes        131072
 * qwen/qwen3-                                  yes    yes   no      no      yes        131072
 * deepseek-r1-distill-                         yes    yes   no      no      yes        131072
 * meta-llama/llama-4-scout-                    yes    yes   yes     yes     no         131072
 * meta-llama/llama-4-maverick-                 yes    yes   yes     yes     no         131072
 * moonshotai/kimi-k2-instruct-0905             yes    yes   yes     no      no         262144
 * moonshotai/kimi-k2-instruct                  yes    yes   yes     no      no         131072
 * llama-3.3-70b-versatile                      yes    yes   no      no      no         131072
 * llama-3.1-8b-instant                         yes    yes   no      no      no         131072
 * </pre>
 *
 * <p>Thread-safety: immutable, stateless.
 */
final class GroqModels {

    /** What an unknown Groq model is assumed to support: everything but {@code n > 1}. */
    static final Capabilities DEFAULT = Capabilities.ALL.toBuilder().multipleChoices(false).build();

    private static final Capabilities TEXT = DEFAULT.toBuilder().jsonSchema(false).vision(false).reasoning(false)
            .maxContextTokens(131_072).build();

    private record Row(String prefix, Capabilities capabilities) {
    }

    private static final List<Row> TABLE = List.of(
            new Row("openai/gpt-oss-", TEXT.toBuilder().jsonSchema(true).reasoning(true).build()),
            new Row("qwen/qwen3-", TEXT.toBuilder().reasoning(true).build()),
            new Row("deepseek-r1-distill-", TEXT.toBuilder().reasoning(true).build()),
            new Row("meta-llama/llama-4-scout-", TEXT.toBuilder().jsonSchema(true).vision(true).build()),
            new Row("meta-llama/llama-4-maverick-", TEXT.toBuilder().jsonSchema(true).vision(true).build()),
            new Row("moonshotai/kimi-k2-instruct-0905", TEXT.toBuilder().jsonSchema(true).maxContextTokens(262_144)
                    .build()),
            new Row("moonshotai/kimi-k2-instruct", TEXT.toBuilder().jsonSchema(true).build()),
            new Row("llama-3.3-70b-versatile", TEXT),
            new Row("llama-3.1-8b-instant", TEXT));

    /** Models whose structured outputs accept {@code strict: true} (constrained decoding). */
    private static final List<String> STRICT_SCHEMA_PREFIXES = List.of("openai/gpt-oss-");

    private GroqModels() {
    }

    /** The capabilities of {@code model}; {@link #DEFAULT} for a model not in the table. */
    static Capabilities capabilities(String model) {
        if (model == null) {
            return DEFAULT;
        }
        String id = model.strip().toLowerCase(Locale.ROOT);
        for (Row row : TABLE) {
            if (id.startsWith(row.prefix)) {
                return row.capabilities;
            }
        }
        return DEFAULT;
    }

    /** Whether {@code model} is known to support structured outputs but not {@code strict: true}. */
    static boolean rejectsStrictSchema(String model) {
        if (model == null) {
            return false;
        }
        Capabilities known = capabilities(model);
        if (known == DEFAULT || !known.jsonSchema()) {
            return false; // unknown: let the server decide; no schema at all: the capability check says so
        }
        String id = model.strip().toLowerCase(Locale.ROOT);
        return STRICT_SCHEMA_PREFIXES.stream().noneMatch(id::startsWith);
    }
}
