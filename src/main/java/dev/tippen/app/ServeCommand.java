package dev.tippen.app;

import dev.tippen.config.ConfigRules;
import dev.tippen.config.ServeOptions;
import dev.tippen.config.TippenConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tippen serve}: its options are {@link ServeOptions}, layered by {@link ConfigOption}. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Tippen server.", footer = ConfigOption.FOOTER)
final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ServeOptions options;

    @CommandLine.Mixin
    ConfigOption configFile;

    @Override
    public Integer call() {
        TippenConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("tippen: " + e.getMessage());
            return 2;
        }
        App app;
        try {
            app = App.start(config);
        } catch (RuntimeException e) {
            System.err.println("tippen: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "tippen-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The options as flags, variables and the file set them, through the rules. */
    TippenConfig config() {
        return ConfigRules.config(options, configFile.sources().given(spec.commandLine().getParseResult()));
    }
}
