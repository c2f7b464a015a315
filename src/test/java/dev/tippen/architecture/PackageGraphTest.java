package dev.tippen.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the house, read from the sources: no cycle among the top-level packages, the domain
 * ({@code visitor}) knowing none of the parts built around it, and the benchmarks nowhere in the
 * server's code.
 */
class PackageGraphTest {
    static final Path MAIN = Path.of("src/main/java/dev/tippen");
    static final Pattern USE = Pattern.compile("dev\\.tippen\\.([a-z0-9_]+)\\.");
    static final String DOMAIN = "visitor";
    /** What the domain may use: the facts it decides with, and its counters. Every other package is built around it. */
    static final Set<String> DOMAIN_MAY_USE = Set.of("enrich", "metrics");

    /** Package to the packages its files use, by import or by a fully qualified name. */
    static Map<String, Set<String>> graph() {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = MAIN.relativize(f).getName(0).toString();
                Set<String> uses = edges.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = USE.matcher(code(Files.readString(f)));
                while (m.find()) if (!m.group(1).equals(pkg)) uses.add(m.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        edges.values().forEach(uses -> uses.retainAll(edges.keySet()));
        return edges;
    }

    /** The source without comments, so a package named in a comment is no dependency. */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    @Test
    void noPackageCycles() {
        List<List<String>> cycles = stronglyConnected(graph()).stream().filter(c -> c.size() > 1).toList();
        assertThat(cycles).as("package cycles in src/main/java").isEmpty();
    }

    @Test
    void theDomainKnowsNothingBuiltAroundIt() {
        Map<String, Set<String>> g = graph();
        // Read from the sources, so a package added tomorrow is forbidden to the domain too.
        Set<String> builtAround = new TreeSet<>(g.keySet());
        builtAround.remove(DOMAIN);
        builtAround.removeAll(DOMAIN_MAY_USE);
        assertThat(builtAround).contains("app", "console", "dashboard", "engine", "history", "http", "invite", "socket", "stream",
                "track", "webhook");
        Set<String> uses = new TreeSet<>(g.getOrDefault(DOMAIN, Set.of()));
        uses.retainAll(builtAround);
        assertThat(uses).as("packages the domain (" + DOMAIN + "/) imports").isEmpty();
    }

    @Test
    void theBenchmarksStayOutOfTheServer() throws IOException {
        assertThat(Files.exists(MAIN.resolve("bench"))).isFalse();
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Path> offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String code = code(Files.readString(p));
                    return code.contains("org.openjdk.jmh") || code.contains("org.HdrHistogram") || code.contains("dev.tippen.bench");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
            assertThat(offenders).isEmpty();
        }
    }

    /** The test itself catches what it is for: a cycle, and a forbidden import. */
    @Test
    void theCheckFindsACycle() {
        Map<String, Set<String>> g = new HashMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertThat(stronglyConnected(g).stream().filter(c -> c.size() > 1).toList()).containsExactly(List.of("a", "b", "c"));
        assertThat(code("import dev.tippen.http.X; // dev.tippen.app.Y\n/* dev.tippen.bench.Z */")).doesNotContain("app", "bench");
    }

    /** Tarjan's strongly connected components, each sorted. */
    static List<List<String>> stronglyConnected(Map<String, Set<String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : new TreeSet<>(g.keySet())) if (!index.containsKey(v)) strong(v, g, index, low, stack, onStack, out, counter);
        return out;
    }

    private static void strong(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
                               Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strong(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> c = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                c.add(w);
            } while (!w.equals(v));
            c.sort(null);
            out.add(c);
        }
    }
}
