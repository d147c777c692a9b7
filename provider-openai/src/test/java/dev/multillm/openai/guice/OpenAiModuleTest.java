package dev.multillm.openai.guice;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;
import dev.multillm.openai.OpenAiChatProvider;
import dev.multillm.testkit.FakeChatProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiModuleTest {
    private static final Key<Map<String, ChatProvider>> PROVIDERS = Key.get(new TypeLiteral<>() { });

    private static ProviderConfig config() {
        return ProviderConfig.of(Map.of("apiKey", "sk-guice-test", "baseUrl", "http://127.0.0.1:9/v1",
                "model", "gpt-4o-mini")).withEnvironment(name -> null);
    }

    @Test
    void bindsOneSingletonOpenAiProviderUnderItsIdInTheProviderMap() {
        Injector injector = Guice.createInjector(new OpenAiModule(config()));

        Map<String, ChatProvider> providers = injector.getInstance(PROVIDERS);
        OpenAiChatProvider openai = injector.getInstance(OpenAiChatProvider.class);

        assertThat(providers).containsOnlyKeys("openai");
        assertThat(providers.get("openai")).isSameAs(openai).isSameAs(injector.getInstance(OpenAiChatProvider.class));
        assertThat(openai.defaultModel()).isEqualTo("gpt-4o-mini");
        openai.close();
    }

    @Test
    void composesWithOtherProvidersInTheSameMap() {
        Injector injector = Guice.createInjector(new OpenAiModule(config()), binder ->
                MapBinder.newMapBinder(binder, String.class, ChatProvider.class)
                        .addBinding("fake").toInstance(FakeChatProvider.replying("hi")));

        assertThat(injector.getInstance(PROVIDERS)).containsOnlyKeys("openai", "fake");
        injector.getInstance(OpenAiChatProvider.class).close();
    }

    @Test
    void createsNothingUntilTheProviderIsFirstInjected() {
        ProviderConfig noKey = ProviderConfig.empty().withEnvironment(name -> null);

        Injector injector = Guice.createInjector(new OpenAiModule(noKey));

        assertThat(injector.getBinding(OpenAiChatProvider.class)).isNotNull();
    }
}
