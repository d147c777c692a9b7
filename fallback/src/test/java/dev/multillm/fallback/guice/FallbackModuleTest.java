package dev.multillm.fallback.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.multibindings.MapBinder;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.RetryPolicy;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import dev.multillm.testkit.FakeChatProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackModuleTest {
    private final FakeChatProvider groq = FakeChatProvider.builder().id("groq").fail(ErrorTaxonomy.OVERLOADED).build();
    private final FakeChatProvider openai = FakeChatProvider.builder().id("openai").reply("from openai").build();

    /** What the provider modules contribute: one map entry per provider id. */
    private final AbstractModule providers = new AbstractModule() {
        @Override
        protected void configure() {
            MapBinder<String, ChatProvider> map = MapBinder.newMapBinder(binder(), String.class, ChatProvider.class);
            map.addBinding("groq").toInstance(groq);
            map.addBinding("openai").toInstance(openai);
        }
    };

    @Test
    void buildsASingletonChainFromTheMapBinderInTheGivenOrder() {
        Injector injector = Guice.createInjector(providers, new FallbackModule(List.of("groq", "openai")));

        FallbackChatProvider chain = injector.getInstance(FallbackChatProvider.class);

        assertThat(chain).isSameAs(injector.getInstance(FallbackChatProvider.class));
        assertThat(chain.routes()).extracting(Route::name).containsExactly("groq", "openai");
        assertThat(chain.chat(ChatRequest.of("m", "hi")).content()).isEqualTo("from openai");
        chain.close();
        assertThat(groq.isClosed()).as("the bound providers belong to their own modules").isFalse();
    }

    @Test
    void appliesTheCustomizerAfterTheRoutes() {
        Injector injector = Guice.createInjector(providers, new FallbackModule(List.of("openai"),
                b -> b.id("custom").retryPolicy(RetryPolicy.none())));

        FallbackChatProvider chain = injector.getInstance(FallbackChatProvider.class);
        assertThat(chain.id()).isEqualTo("custom");
        assertThat(chain.retryPolicy()).isEqualTo(RetryPolicy.none());
    }

    @Test
    void anUnknownIdNamesTheBoundOnes() {
        Injector injector = Guice.createInjector(providers, new FallbackModule(List.of("anthropic")));

        assertThatThrownBy(() -> injector.getInstance(FallbackChatProvider.class))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("'anthropic'").hasMessageContaining("[groq, openai]");
    }

    @Test
    void configuringDoesNoWorkUntilTheChainIsAskedFor() {
        assertThat(Guice.createInjector(new FallbackModule(List.of("nothing-bound-yet")))).isNotNull();
        assertThatThrownBy(() -> new FallbackModule(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
