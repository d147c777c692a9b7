package dev.multillm.core;

/**
 * A model a provider lists.
 *
 * @param id            the model id to put into {@link ChatRequest#model()}
 * @param ownedBy       the owner the provider reports, may be null
 * @param contextWindow the context window in tokens, 0 if not reported
 *
 * <p>Thread-safety: immutable record.
 */
public record ModelInfo(String id, String ownedBy, int contextWindow) {
    public ModelInfo {
        Checks.notBlank(id, "model.id");
    }
}
