package dev.tippen.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in headless Chromium on a site with N live visitors while events arrive at a fixed
 * rate: how long its first render takes (page load to every row listed), against the same console
 * on an empty site (the baseline, in the same run); how long a new visitor takes to show while the
 * load runs; how many animation frames the page dropped; and what its files weigh compressed.
 */
final class ConsoleScenario {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    static final List<String> ASSETS = List.of("/console", "/console/static/app.js", "/console/static/lib.js",
            "/console/static/live.js", "/console/static/livetable.js", "/console/static/detail.js", "/console/static/charts.js",
            "/console/static/history.js", "/console/static/webhooks.js", "/console/static/format.js", "/console/static/api.js", "/console/static/console.css",
            "/console/lib/_static/htm/3.1.1/preact/standalone.module.js", "/console/lib/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
            "/console/lib/webjars/uplot/1.6.30/dist/uPlot.min.css");

    private ConsoleScenario() {}

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** First render of an empty site's console: the baseline. */
    static double firstRenderMillis(ChildServer server, int expected) throws Exception {
        ChromeDriver driver = chrome();
        try {
            signIn(driver, server);
            return render(driver, server, expected);
        } finally {
            driver.quit();
        }
    }

    static Map<String, Object> underLoad(Vertx vertx, ChildServer server, int visitors, int rate, int seconds) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        ChromeDriver driver = chrome();
        AtomicBoolean loading = new AtomicBoolean(true);
        HttpClient client = Load.http(vertx, server.port(), 64);
        Thread load = new Thread(() -> {
            long n = 0;
            long start = System.nanoTime();
            long end = start + (seconds + 30L) * 1_000_000_000L;
            while (loading.get() && System.nanoTime() < end) {
                long due = start + n * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                long seq = n++;
                Load.post(client, "/track/visitor", server.publicKey,
                        Load.track(seq % 5 == 0 ? "pageview" : "heartbeat", "v_" + (seq % visitors), (int) seq));
            }
        }, "console-bench-load");
        try {
            signIn(driver, server);
            load.start();
            r.put("first_render_ms", Latencies.round(render(driver, server, visitors)));
            JavascriptExecutor js = driver;
            // Where the first render went, from the page's start: the socket open, the whole list
            // received, the list parsed, and the rows on screen (the bench saw them).
            r.put("first_render_phases_ms", js.executeScript("return Object.fromEntries(performance.getEntriesByType('mark')"
                    + ".map(m => [m.name, Math.round(m.startTime)]))"));
            // Frames longer than 50 ms while the load runs: a console that re-rendered per message would drop many.
            js.executeScript("window.__long = 0; window.__frames = 0; let last = performance.now();"
                    + "const tick = (t) => { if (t - last > 50) window.__long++; window.__frames++; last = t; requestAnimationFrame(tick); };"
                    + "requestAnimationFrame(tick);");
            // Only the new visitors match: a new one would otherwise sort below the rows drawn, under
            // the busier visitors' fresher activity.
            driver.findElement(By.cssSelector("input[type=search]")).sendKeys("v_new_");
            Latencies arrival = new Latencies();
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50));
            for (int i = 0; i < seconds; i++) {
                String id = "v_new_" + i;
                long t0 = System.nanoTime();
                Load.post(client, "/track/visitor", server.publicKey, Load.track("pageview", id, i));
                wait.until(d -> !d.findElements(By.cssSelector("tr[data-visitor='" + id + "']")).isEmpty());
                arrival.recordNanos(System.nanoTime() - t0);
                Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - t0) / 1_000_000));
            }
            r.putAll(arrival.summary("new_visitor_shown_"));
            r.put("frames", ((Number) js.executeScript("return window.__frames")).longValue());
            r.put("frames_over_50ms", ((Number) js.executeScript("return window.__long")).longValue());
        } finally {
            loading.set(false);
            load.join(5000);
            client.close();
            driver.quit();
        }
        return r;
    }

    /** The console's files, each fetched and compressed as a server with compression would send it. */
    static Map<String, Object> weight(ChildServer server) throws Exception {
        long raw = 0;
        long gz = 0;
        for (String path : ASSETS) {
            HttpResponse<byte[]> resp = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() != 200) throw new IllegalStateException(path + " answered " + resp.statusCode());
            raw += resp.body().length;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(resp.body());
            }
            gz += out.size();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("files", ASSETS.size());
        r.put("bytes", raw);
        r.put("gzip_bytes", gz);
        return r;
    }

    private static void signIn(ChromeDriver driver, ChildServer server) {
        driver.get("http://127.0.0.1:" + server.port() + "/console");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(d -> d.findElement(By.id("secret-key"))).sendKeys(server.secretKey);
        driver.findElement(By.xpath("//button[text()='Open with key']")).click();
        wait.until(d -> d.findElement(By.xpath("//button[text()='Sign out']")));
    }

    /**
     * Loads the console afresh (signed in), waits until it lists {@code expected} visitors, and
     * answers how long after the page began its first list was on screen (the page's own mark, so
     * neither leaving the previous page nor the driver's polling is counted).
     */
    private static double render(ChromeDriver driver, ChildServer server, int expected) {
        String want = expected + (expected == 1 ? " visitor shown" : " visitors shown");
        driver.get("http://127.0.0.1:" + server.port() + "/console");
        new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(50)).until(d -> {
            List<org.openqa.selenium.WebElement> count = d.findElements(By.cssSelector(".count"));
            return !count.isEmpty() && count.get(0).getText().equals(want);
        });
        Object shown = driver.executeScript("const m = performance.getEntriesByName('tippen-list-shown'); return m.length ? m[0].startTime : null");
        if (shown == null) throw new IllegalStateException("the console set no tippen-list-shown mark");
        return ((Number) shown).doubleValue();
    }

    private static ChromeDriver chrome() throws Exception {
        Path profile = Files.createTempDirectory("tippen-bench-chromium");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<Path> all = Files.walk(profile)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
                // a temp dir left behind is harmless
            }
        }));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,950",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
