package dev.multillm.groq.guice;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;
import dev.multillm.groq.GroqChatProvider;
import dev.multillm.testkit.FakeChatProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroqModuleTest {
    private static final Key<Map<String, ChatProvider>> PROVIDERS = Key.get(new TypeLiteral<>() { });

    private static ProviderConfig config() {
        return ProviderConfig.of(Map.of("apiKey", "gsk_guice_test", "baseUrl", "http://127.0.0.1:9/openai/v1",
                "model", "llama-3.3-70b-versatile")).withEnvironment(name -> null);
    }

    @Test
    void bindsOneSingletonGroqProviderUnderItsIdInTheProviderMap() {
        Injector injector = Guice.createInjector(new GroqModule(config()));

        Map<String, ChatProvider> providers = injector.getInstance(PROVIDERS);
        GroqChatProvider groq = injector.getInstance(GroqChatProvider.class);

        assertThat(providers).containsOnlyKeys("groq");
        assertThat(providers.get("groq")).isSameAs(groq).isSameAs(injector.getInstance(GroqChatProvider.class));
        assertThat(groq.defaultModel()).isEqualTo("llama-3.3-70b-versatile");
        groq.close();
    }

    @Test
    void composesWithOtherProvidersInTheSameMap() {
        Injector injector = Guice.createInjector(new GroqModule(config()), binder ->
                MapBinder.newMapBinder(binder, String.class, ChatProvider.class)
                        .addBinding("fake").toInstance(FakeChatProvider.replying("hi")));

        assertThat(injector.getInstance(PROVIDERS)).containsOnlyKeys("groq", "fake");
        injector.getInstance(GroqChatProvider.class).close();
    }

    @Test
    void createsNothingUntilTheProviderIsFirstInjected() {
        ProviderConfig noKey = ProviderConfig.empty().withEnvironment(name -> null);

        Injector injector = Guice.createInjector(new GroqModule(noKey));

        assertThat(injector.getBinding(GroqChatProvider.class)).isNotNull();
    }
}
