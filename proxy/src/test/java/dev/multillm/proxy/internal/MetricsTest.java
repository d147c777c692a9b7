package dev.multillm.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.Attempt;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.Usage;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import dev.multillm.testkit.SentenceDisplayNames;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(SentenceDisplayNames.class)
class MetricsTest {

    @Test
    void rendersCountersInThePrometheusTextFormat() {
        Metrics metrics = new Metrics();
        metrics.chat("fast", true, null, 2_000_000);
        metrics.chat("fast", false, ErrorTaxonomy.RATE_LIMITED, 1_000_000);
        metrics.usage("fast", Usage.of(10, 2, 20, 5));
        metrics.http("chat", 200);

        String text = metrics.render(List.of(new Metrics.RouteStatus("fast", "groq", true)));

        assertThat(text)
                .contains("# TYPE multillm_proxy_requests_total counter\n")
                .contains("multillm_proxy_requests_total{model=\"fast\",stream=\"true\",outcome=\"OK\"} 1\n")
                .contains("multillm_proxy_requests_total{model=\"fast\",stream=\"false\",outcome=\"RATE_LIMITED\"} 1\n")
                .contains("multillm_proxy_errors_total{category=\"RATE_LIMITED\"} 1\n")
                .contains("multillm_proxy_tokens_total{model=\"fast\",kind=\"input\"} 10\n")
                .contains("multillm_proxy_tokens_total{model=\"fast\",kind=\"output\"} 20\n")
                .contains("multillm_proxy_http_requests_total{endpoint=\"chat\",status=\"200\"} 1\n")
                .contains("multillm_proxy_route_available{model=\"fast\",route=\"groq\"} 1\n");
    }

    @Test
    void rendersHistogramsWithCumulativeBuckets() {
        Metrics metrics = new Metrics();
        metrics.firstToken("fast", 70_000_000); // 0.07 s
        metrics.firstToken("fast", 3_000_000_000L); // 3 s

        String text = metrics.render(List.of());

        assertThat(text)
                .contains("# TYPE multillm_proxy_time_to_first_token_seconds histogram\n")
                .contains("multillm_proxy_time_to_first_token_seconds_bucket{model=\"fast\",le=\"0.05\"} 0\n")
                .contains("multillm_proxy_time_to_first_token_seconds_bucket{model=\"fast\",le=\"0.1\"} 1\n")
                .contains("multillm_proxy_time_to_first_token_seconds_bucket{model=\"fast\",le=\"5.0\"} 2\n")
                .contains("multillm_proxy_time_to_first_token_seconds_bucket{model=\"fast\",le=\"+Inf\"} 2\n")
                .contains("multillm_proxy_time_to_first_token_seconds_count{model=\"fast\"} 2\n");
    }

    @Test
    void countsFailoversAndAttemptsFromTheChainsEvents() {
        Metrics metrics = new Metrics();
        ChatListener listener = metrics.listener("fast");

        listener.onEvent(new ChatEvent.Failover("groq", "openai", ErrorTaxonomy.OVERLOADED));
        listener.onEvent(new ChatEvent.AttemptFinished("groq", new Attempt("groq", "m", ErrorTaxonomy.OVERLOADED, 503,
                Duration.ofMillis(5), null, null)));

        assertThat(metrics.render(List.of()))
                .contains("multillm_proxy_failovers_total{model=\"fast\",from=\"groq\",to=\"openai\",reason=\"OVERLOADED\"} 1")
                .contains("multillm_proxy_upstream_attempts_total{model=\"fast\",route=\"groq\",outcome=\"OVERLOADED\"} 1");
    }

    @Test
    void escapesLabelValues() {
        assertThat(Metrics.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    }
}
