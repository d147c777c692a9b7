package dev.multillm.cli;

import dev.multillm.core.ChatProviders;
import dev.multillm.core.spi.ChatProviderFactory;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code multillm providers}: the provider factories found on the class path, one per line, as
 * {@code ID  DESCRIPTION}, sorted by id.
 *
 * <p>Thread-safety: one instance per run; not shared.
 */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "List the providers found on the class path (the IDs -p accepts).")
final class ProvidersCommand implements Callable<Integer> {
    private final Io io;

    ProvidersCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        List<ChatProviderFactory> factories = ChatProviders.available();
        if (factories.isEmpty()) {
            io.err().println("multillm: no providers on the class path");
            return Main.OK;
        }
        int width = factories.stream().mapToInt(f -> f.id().length()).max().orElse(0);
        for (ChatProviderFactory factory : factories) {
            String description = Messages.oneLine(factory.description());
            io.out().println(String.format("%-" + width + "s  %s", factory.id(), description).stripTrailing());
        }
        io.out().flush();
        return Main.OK;
    }
}
