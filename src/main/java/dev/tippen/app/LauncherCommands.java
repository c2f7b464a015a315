package dev.tippen.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Commands the {@code ./tippen} launcher runs itself, outside this jar: listed here so that
 * {@code ./tippen --help} shows them, and answered with where to run them when called on the jar.
 */
final class LauncherCommands {
    private LauncherCommands() {}

    @Command(name = "fetch-ip-data", description = "Fetch the free IP databases (./tippen fetch-ip-data --help).")
    static final class FetchIpData implements Callable<Integer> {
        @Parameters(arity = "0..*", hidden = true)
        String[] ignored;

        @Override
        public Integer call() {
            System.err.println("tippen: fetch-ip-data is run by the launcher: ./tippen fetch-ip-data --help");
            return 2;
        }
    }

    @Command(name = "bench", description = "Benchmarks against local servers, with their ceiling (./tippen bench --help).")
    static final class Bench implements Callable<Integer> {
        @Parameters(arity = "0..*", hidden = true)
        String[] ignored;

        @Override
        public Integer call() {
            System.err.println("tippen: bench is run by the launcher, from the benchmarks' own classpath: ./tippen bench --help");
            return 2;
        }
    }
}
