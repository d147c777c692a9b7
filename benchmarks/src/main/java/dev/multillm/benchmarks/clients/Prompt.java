package dev.multillm.benchmarks.clients;

/**
 * The one request every client sends.
 *
 * <p>Thread-safety: constants only.
 */
final class Prompt {
    static final String SYSTEM = "You are a concise assistant.";
    static final String USER = "Explain circuit breakers in one sentence.";
    static final double TEMPERATURE = 0.7;
    static final int MAX_TOKENS = 256;
    static final String OPENAI_MODEL = "gpt-4o-mini";
    static final String GROQ_MODEL = "llama-3.3-70b-versatile";
    static final String API_KEY = "sk-bench-not-a-real-key";

    private Prompt() {
    }
}
