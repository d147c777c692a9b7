package dev.multillm.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.testkit.SentenceDisplayNames;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(SentenceDisplayNames.class)
class ProxyConfigTest {

    private static final String FULL = """
            {
              "host": "0.0.0.0",
              "port": 9090,
              "clientKeys": ["sk-proxy-literal-key"],
              "clientKeyEnvs": ["MULTILLM_PROXY_KEY"],
              "maxRequestBytes": 2048,
              "maxConcurrentStreams": 64,
              "keepAliveInterval": "10s",
              "shutdownGrace": "5s",
              "requestTimeout": "2m",
              "maxRetries": 3,
              "models": {
                "fast": [
                  {"provider": "groq", "model": "llama-3.3-70b-versatile", "apiKeyEnv": "GROQ_API_KEY",
                   "firstTokenTimeout": "20s"},
                  {"provider": "openai", "model": "gpt-4o-mini", "baseUrl": "https://api.openai.com/v1",
                   "apiKeyEnv": "OPENAI_API_KEY", "name": "openai-mini", "hedgeAfter": "2s",
                   "options": {"organization": "org-1"}}
                ],
                "local": [{"provider": "openai", "baseUrl": "http://127.0.0.1:8000/v1"}]
              }
            }
            """;

    @Test
    void readsTheDocumentedFormat() {
        ProxyConfig config = ProxyConfig.parse(FULL);

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.clientKeys()).containsExactly("sk-proxy-literal-key");
        assertThat(config.clientKeyEnvs()).containsExactly("MULTILLM_PROXY_KEY");
        assertThat(config.maxRequestBytes()).isEqualTo(2048L);
        assertThat(config.maxConcurrentStreams()).isEqualTo(64);
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.models()).containsOnlyKeys("fast", "local");
        assertThat(config.models().get("fast")).hasSize(2);
        ProxyConfig.RouteConfig second = config.models().get("fast").get(1);
        assertThat(second.provider()).isEqualTo("openai");
        assertThat(second.name()).isEqualTo("openai-mini");
        assertThat(second.options()).containsEntry("organization", "org-1");
        assertThat(config.models().get("local").get(0).model()).isNull();
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.json");
        Files.writeString(file, FULL);

        assertThat(ProxyConfig.read(file).port()).isEqualTo(9090);
    }

    @Test
    void neverShowsClientKeysInToString() {
        assertThat(ProxyConfig.parse(FULL).toString()).doesNotContain("sk-proxy-literal-key").contains("redacted");
    }

    @Test
    void rejectsUnknownFieldsSoThatATypoCannotChangeBehaviourSilently() {
        assertThatThrownBy(() -> ProxyConfig.parse("""
                {"prot": 8080, "models": {"m": [{"provider": "openai"}]}}
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prot");
    }

    @Test
    void rejectsAnUpstreamKeyWrittenIntoTheFile() {
        assertThatThrownBy(() -> ProxyConfig.parse("""
                {"models": {"m": [{"provider": "openai", "apiKey": "sk-live-abc"}]}}
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiKey")
                .hasMessageNotContaining("sk-live-abc");
        assertThatThrownBy(() -> ProxyConfig.parse("""
                {"models": {"m": [{"provider": "openai", "options": {"apiKey": "sk-live-abc"}}]}}
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("models.m[0].options.apiKey")
                .hasMessageContaining("apiKeyEnv").hasMessageNotContaining("sk-live-abc");
    }

    @Test
    void namesTheFieldAtFault() {
        assertThatThrownBy(() -> ProxyConfig.parse("{\"models\": {}}"))
                .hasMessageContaining("models must name at least one model");
        assertThatThrownBy(() -> ProxyConfig.parse("{\"models\": {\"m\": []}}"))
                .hasMessageContaining("models.m must list at least one route");
        assertThatThrownBy(() -> ProxyConfig.parse("{\"models\": {\"m\": [{\"model\": \"x\"}]}}"))
                .hasMessageContaining("models.m[0].provider");
        assertThatThrownBy(() -> ProxyConfig.parse(
                "{\"models\": {\"m\": [{\"provider\": \"groq\", \"idleTimeout\": \"soon\"}]}}"))
                .hasMessageContaining("models.m[0].idleTimeout");
        assertThatThrownBy(() -> ProxyConfig.parse("{\"port\": 70000, \"models\": {\"m\": [{\"provider\": \"groq\"}]}}"))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> ProxyConfig.parse("{\"port\": \"eighty\", \"models\": {}}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxyConfig.parse("not json")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToStartWithoutClientKeysUnlessAllowed() {
        ProxyConfig open = ProxyConfig.parse("{\"models\": {\"m\": [{\"provider\": \"openai\","
                + " \"baseUrl\": \"http://127.0.0.1:1/v1\"}]}}");

        assertThatThrownBy(() -> ProxyServer.fromConfig(open)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no client key configured");
    }

    @Test
    void namesAMissingClientKeyVariable() {
        ProxyConfig config = ProxyConfig.parse("{\"clientKeyEnvs\": [\"NOT_SET_ANYWHERE\"], \"models\": {\"m\":"
                + " [{\"provider\": \"openai\", \"baseUrl\": \"http://127.0.0.1:1/v1\"}]}}");

        assertThatThrownBy(() -> ProxyServer.builder().config(config).environment(name -> null).build())
                .hasMessageContaining("NOT_SET_ANYWHERE");
    }

    @Test
    void namesTheRouteWhoseProviderIsUnknown() {
        ProxyConfig config = ProxyConfig.parse("{\"clientKeys\": [\"k-12345678\"], \"models\": {\"m\":"
                + " [{\"provider\": \"no-such-provider\"}]}}");

        assertThatThrownBy(() -> ProxyServer.fromConfig(config)).hasMessageContaining("models.m[0]")
                .hasMessageContaining("no-such-provider");
    }
}
