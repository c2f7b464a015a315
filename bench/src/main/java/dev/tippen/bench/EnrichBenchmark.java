package dev.tippen.bench;

import dev.tippen.enrich.AsnRecord;
import dev.tippen.enrich.Device;
import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.IpAddresses;
import dev.tippen.enrich.IpData;
import dev.tippen.enrich.IpDataFiles;
import dev.tippen.enrich.IpDataLoader;
import dev.tippen.enrich.NetworkKinds;
import dev.tippen.enrich.OfflineEnricher;
import dev.tippen.enrich.Place;
import dev.tippen.enrich.UserAgents;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Offline lookups with the full real datasets loaded: ASN alone, place alone (city database, then
 * country), the User-Agent (a repeat, and a never-seen string), and all of it together as tracking does
 * it. {@link #addressParseOnly} is the baseline every figure is read against. Run with
 * {@code ./tippen bench enrich-lookup}; the data directory comes from the {@code dir} parameter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnrichBenchmark {
    static final String[] AGENTS = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"};

    @Param("ipdata")
    public String dir;

    OfflineEnricher enricher;
    IpData data;
    UserAgents agents;
    String[] ips;
    byte[][] addresses;
    int i;
    int fresh;

    @Setup(Level.Trial)
    public void load() {
        Path d = Path.of(dir);
        data = IpDataLoader.load(IpDataFiles.directory(d));
        if (data.empty()) throw new IllegalStateException("no IP data in " + d.toAbsolutePath() + "; run ./tippen fetch-ip-data");
        agents = new UserAgents(10_000);
        enricher = new OfflineEnricher(data, agents, NetworkKinds.standard());
        // Addresses spread over the whole public space, as visitors of many sites would be; one in ten IPv6.
        SplittableRandom r = new SplittableRandom(42);
        ips = new String[4096];
        addresses = new byte[ips.length][];
        for (int k = 0; k < ips.length; k++) {
            ips[k] = k % 10 == 9
                    ? String.format("2%03x:%x:%x::%x", r.nextInt(0x100, 0xa00), r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(0x10000))
                    : (r.nextInt(1, 224)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
            addresses[k] = IpAddresses.parse(ips[k]);
        }
        for (String ua : AGENTS) agents.parse(ua);
    }

    private int next() {
        return i = (i + 1) & (ips.length - 1);
    }

    @Benchmark
    public byte[] addressParseOnly() {
        return IpAddresses.parse(ips[next()]);
    }

    @Benchmark
    public AsnRecord asn() {
        return data.asn(addresses[next()]);
    }

    @Benchmark
    public Place place() {
        return data.place(addresses[next()]);
    }

    @Benchmark
    public Device userAgentRepeat() {
        return agents.parse(AGENTS[next() & 7]);
    }

    @Benchmark
    public Device userAgentNeverSeen() {
        // A version number no one has sent before defeats the cache, as a new browser release would.
        return agents.parseUncached(AGENTS[next() & 7].replace("131.0", "131." + (fresh++)));
    }

    @Benchmark
    public Enrichment trackingLookup() {
        int k = next();
        return enricher.lookup(ips[k], AGENTS[k & 7], "Europe/Berlin", "https://shop.example/", null);
    }

    /** Live heap the loaded data takes, measured outside JMH: after a full collection, with and without it. */
    public static long heapBytesOf(Path dir) {
        long before = usedAfterGc();
        IpData d = IpDataLoader.load(IpDataFiles.directory(dir));
        long after = usedAfterGc();
        List<String> keep = d.sources();
        if (keep.isEmpty()) return 0;
        d.close();
        return after - before;
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int k = 0; k < 3; k++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
