package dev.multillm.cli;

import dev.multillm.proxy.ProxyConfig;
import dev.multillm.proxy.ProxyServer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multillm serve --config proxy.json}: runs the OpenAI-compatible proxy in front of the
 * configured chains until the process is stopped (or the running thread is interrupted), then
 * shuts it down gracefully.
 *
 * <p>Thread-safety: one instance per run; not shared.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the OpenAI-compatible proxy (see proxy/README.md for the proxy.json format).")
final class ServeCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the proxy.json file")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "listen on this port instead of the file's (0: any free port)")
    Integer port;

    ServeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        ProxyConfig settings;
        try {
            settings = ProxyConfig.read(config);
        } catch (UncheckedIOException unreadable) {
            throw new UsageException(unreadable.getMessage());
        } catch (IllegalArgumentException invalid) {
            throw new UsageException(invalid.getMessage());
        }
        ProxyServer server;
        try {
            ProxyServer.Builder builder = ProxyServer.builder().config(settings)
                    .environment(io.env()::get);
            if (port != null) {
                builder.port(port);
            }
            server = builder.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            server.start();
        } catch (UncheckedIOException | IllegalStateException e) {
            server.close();
            io.err().println("multillm: the proxy cannot start: " + Messages.oneLine(e.getMessage()));
            return Main.FAILED;
        }
        Thread shutdown = new Thread(server::close, "multillm-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        io.out().println("multillm proxy listening on " + server.baseUrl() + " (models: "
                + String.join(", ", server.models()) + ")");
        io.out().flush();
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The JVM is exiting; the hook is closing the server.
            }
        }
        return Main.OK;
    }
}
