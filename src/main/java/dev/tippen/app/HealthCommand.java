package dev.tippen.app;

import dev.tippen.config.ServeOptions;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tippen health}: asks a running server's {@code /healthz}, exit 0 if it answers 200. The
 * container image's health check, which has no curl: the port and host come from the same file,
 * variables and flags as the server's.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Ask the server on this machine whether it is alive (/healthz): exit 0 if it answers 200, 1 if not.")
final class HealthCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConfigOption configFile;

    @Option(names = "--port", defaultValue = ServeOptions.DEFAULT_PORT, description = "The server's port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = ServeOptions.DEFAULT_HOST,
            description = "The server's address; 0.0.0.0 and :: are asked on loopback (default ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() {
        String target = host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "127.0.0.1" : host;
        if (target.contains(":") && !target.startsWith("[")) target = "[" + target + "]";
        PrintWriter out = spec.commandLine().getOut();
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + target + ":" + port + "/healthz").toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(5_000);
            int status = c.getResponseCode();
            c.disconnect();
            out.println("http://" + target + ":" + port + "/healthz: " + status);
            out.flush();
            return status == 200 ? 0 : 1;
        } catch (java.io.IOException e) {
            out.println("http://" + target + ":" + port + "/healthz: " + e.getMessage());
            out.flush();
            return 1;
        }
    }
}
