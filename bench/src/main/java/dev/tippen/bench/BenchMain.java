package dev.tippen.bench;

import picocli.CommandLine;

/** {@code ./tippen bench ...}: the benchmarks' own entry point, outside the server's jar. */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
