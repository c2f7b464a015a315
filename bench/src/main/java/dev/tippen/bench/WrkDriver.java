package dev.tippen.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code track} load from wrk (Debian's {@code wrk}), a load generator in C that costs the shared
 * cores far less than the Java client: closed loop, visitor ids drawn from a pool, 30 % page views,
 * the rest heartbeats. Its report is parsed for the rate, the latency percentiles and the errors.
 */
final class WrkDriver {
    static final Path WRK = Path.of("/usr/bin/wrk");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

    private WrkDriver() {}

    static boolean available() {
        return Files.isExecutable(WRK);
    }

    static String missing() {
        return "wrk not found at " + WRK + "; install it with: sudo apt-get install wrk (the Java driver ran alone)";
    }

    /** Saturates the server for {@code warmup} seconds unmeasured, then {@code seconds} measured. */
    static Map<String, Object> saturate(ChildServer server, int connections, int visitors, int warmup, int seconds) throws Exception {
        Path script = Files.createTempFile("tippen-wrk", ".lua");
        Files.writeString(script, script(server.publicKey, visitors), StandardCharsets.UTF_8);
        try {
            if (warmup > 0) run(server, script, connections, warmup);
            long cpu0 = server.cpuMillis();
            String out = run(server, script, connections, seconds);
            long cpu = server.cpuMillis() - cpu0;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("driver", "wrk");
            r.put("connections", connections);
            r.put("visitor_pool", visitors);
            r.put("requests_per_s", Math.round(number(RATE, out)));
            Matcher e = NON_2XX.matcher(out);
            long errors = e.find() ? Long.parseLong(e.group(1)) : 0;
            Matcher s = SOCKET_ERRORS.matcher(out);
            if (s.find()) for (int i = 1; i <= 4; i++) errors += Long.parseLong(s.group(i));
            r.put("errors", errors);
            Matcher p = PERCENTILE.matcher(out);
            while (p.find()) r.put("latency_p" + p.group(1) + "_ms", Latencies.round(millis(p.group(2), p.group(3))));
            r.put("server_cpu_cores", Latencies.round(cpu / 1000.0 / seconds));
            return r;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static String run(ChildServer server, Path script, int connections, int seconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(WRK.toString(), "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                "--timeout", "10s", "-s", script.toString(), "http://127.0.0.1:" + server.port() + "/track/visitor"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new IOException("wrk failed: " + text);
        return text;
    }

    /** One request per call of {@code request()}; each wrk thread has its own counter and random stream. */
    static String script(String key, int visitors) {
        return """
                local visitors = %d
                local n = 0
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["X-Tippen-API-Key"] = "%s"
                function setup(thread)
                  thread:set("seed", math.random(1, 1000000))
                end
                function init(args)
                  math.randomseed(seed or os.time())
                end
                function request()
                  n = n + 1
                  local id = math.random(0, visitors - 1)
                  local event = "heartbeat"
                  if math.random() < 0.3 then event = "pageview" end
                  local body = '{"event":"' .. event .. '","website":"bench.example","visitor":{"visitorId":"v_' .. id ..
                    '","url":"https://bench.example/p/' .. (n %% 40) .. '","referrer":"https://www.google.com/",' ..
                    '"title":"Bench page","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0",' ..
                    '"timezone":"Europe/Berlin","timestamp":"2026-11-24T10:00:00Z"}}'
                  return wrk.format(nil, nil, nil, body)
                end
                """.formatted(visitors, key);
    }

    private static double number(Pattern p, String out) {
        Matcher m = p.matcher(out);
        if (!m.find()) throw new IllegalStateException("unexpected wrk output: " + out);
        return Double.parseDouble(m.group(1));
    }

    private static double millis(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }
}
