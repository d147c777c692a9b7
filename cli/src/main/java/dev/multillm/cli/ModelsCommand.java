package dev.multillm.cli;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.LlmException;
import dev.multillm.core.ModelInfo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multillm models -p SPEC}: the models the provider lists, one per line, as
 * {@code ID  OWNER  CONTEXT-WINDOW} (a dash where the provider reports nothing).
 *
 * <p>Thread-safety: one instance per run; not shared.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models a provider offers.",
        footer = {"", "SPEC = ID[,key=value]...  keys: baseUrl, apiKeyEnv, connectTimeout, firstTokenTimeout, ...",
                "Exit status: 0 success; 1 the call failed (a classified error); 2 bad usage or bad input."})
final class ModelsCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-p", "--provider"}, paramLabel = "SPEC", required = true,
            description = "The provider to ask. SPEC = ID[,key=value]...")
    String provider;

    ModelsCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        ProviderSpec spec = ProviderSpec.parse(provider);
        Routes.checkIds(List.of(spec));
        List<ModelInfo> models;
        try (ChatProvider chat = Routes.create(spec, null, io.env())) {
            models = chat.models();
        } catch (LlmException e) {
            io.err().println("multillm: " + Messages.oneLine(e.getMessage()));
            return Main.FAILED;
        }
        int idWidth = models.stream().mapToInt(m -> m.id().length()).max().orElse(0);
        int ownerWidth = models.stream().mapToInt(m -> owner(m).length()).max().orElse(0);
        for (ModelInfo model : models.stream().sorted(java.util.Comparator.comparing(ModelInfo::id)).toList()) {
            io.out().println(String.format("%-" + idWidth + "s  %-" + ownerWidth + "s  %s", model.id(), owner(model),
                    model.contextWindow() > 0 ? String.valueOf(model.contextWindow()) : "-"));
        }
        io.out().flush();
        return Main.OK;
    }

    private static String owner(ModelInfo model) {
        return model.ownedBy() == null || model.ownedBy().isBlank() ? "-" : model.ownedBy();
    }
}
