package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(SentenceDisplayNames.class)
class ProvidersAndModelsTest {

    @Test
    void listsTheProvidersFoundOnTheClassPathWithTheirDescriptions() {
        Cli.Run run = Cli.run("providers");

        assertThat(run.status()).isZero();
        assertThat(run.lines()).anySatisfy(line -> assertThat(line).startsWith("groq ").contains("Groq"));
        assertThat(run.lines()).anySatisfy(line -> assertThat(line).startsWith("openai "));
        assertThat(run.lines()).isSortedAccordingTo(String::compareTo);
    }

    @Test
    void listsTheModelsAProviderOffers() {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.enqueue(Reply.json(200, "{\"object\":\"list\",\"data\":["
                    + "{\"id\":\"llama-3.3-70b-versatile\",\"object\":\"model\",\"owned_by\":\"Meta\",\"context_window\":131072},"
                    + "{\"id\":\"whisper-large-v3\",\"object\":\"model\",\"owned_by\":\"OpenAI\"}]}"));

            Cli.Run run = Cli.run("models", "-p", "groq,baseUrl=" + upstream.baseUrl());

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.lines()).containsExactly(
                    "llama-3.3-70b-versatile  Meta    131072",
                    "whisper-large-v3         OpenAI  -");
            assertThat(upstream.lastRequest().pathOnly()).isEqualTo("/v1/models");
            assertThat(upstream.lastRequest().method()).isEqualTo("GET");
        }
    }

    @Test
    void reportsAFailedModelListOnOneLineWithStatusOne() {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.enqueue(Cli.errorReply(401, "invalid_api_key", "invalid_request_error", "Invalid API Key"));

            Cli.Run run = Cli.run("models", "-p", "groq,baseUrl=" + upstream.baseUrl());

            assertThat(run.status()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.errLines()).hasSize(1);
            assertThat(run.err()).startsWith("multillm: AUTHENTICATION from groq (HTTP 401)");
        }
    }

    @Test
    void printsHelpWithTheContractsFlags() {
        Cli.Run run = Cli.run("chat", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("-p, --provider=SPEC", "-m, --model=MODEL", "-s, --system=TEXT", "--stream",
                "--json", "--max-tokens=N", "--temperature=T", "--seed=N", "--json-mode", "--timeout=DUR", "--demo");
    }
}
