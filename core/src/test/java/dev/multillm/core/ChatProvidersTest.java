package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.spi.ChatProviderFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatProvidersTest {

    @Test
    void findsTestFactoryThroughServiceLoader() {
        ChatProvider provider = ChatProviders.create("echo-test", ProviderConfig.of(Map.of("greeting", "hi")));

        assertThat(provider.id()).isEqualTo("echo-test");
        assertThat(provider.chat(ChatRequest.of("m", "x")).content()).isEqualTo("hi");
    }

    @Test
    void listsAvailableFactoriesSortedById() {
        List<String> ids = ChatProviders.available().stream().map(ChatProviderFactory::id).toList();

        assertThat(ids).containsSequence("echo-test", "other-test");
    }

    @Test
    void unknownIdListsTheCandidates() {
        assertThatThrownBy(() -> ChatProviders.create("nope", ProviderConfig.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown provider id 'nope'")
                .hasMessageContaining("echo-test")
                .hasMessageContaining("other-test");
    }

    @Test
    void duplicateIdListsBothFactories(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(ChatProviderFactory.class.getName()),
                TestFactories.Echo.class.getName() + "\n" + TestFactories.EchoImpostor.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ChatProvidersTest.class.getClassLoader())) {
            assertThatThrownBy(() -> ChatProviders.factory("echo-test", loader))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("claimed by several factories")
                    .hasMessageContaining(TestFactories.Echo.class.getName())
                    .hasMessageContaining(TestFactories.EchoImpostor.class.getName());
        }
    }

    @Test
    void blankIdIsRejectedNamingTheField() {
        assertThatThrownBy(() -> ChatProviders.factory(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider id");
    }
}
