package dev.tippen.it;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A webhook receiver on loopback: it keeps every request it gets and answers as its script says. */
final class Receiver implements AutoCloseable {
    record Request(long at, String path, Map<String, String> headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    record Reply(int status, String body, Map<String, String> headers) {
        static Reply ok() {
            return new Reply(200, "ok", Map.of());
        }

        static Reply status(int status, String body) {
            return new Reply(status, body, Map.of());
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile Function<Request, Reply> script;

    Receiver(int port, Function<Request, Reply> script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", ex -> {
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(System.currentTimeMillis(), ex.getRequestURI().getPath(), headers, body);
            requests.add(r);
            Reply reply = this.script.apply(r);
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    Receiver(Function<Request, Reply> script) throws IOException {
        this(0, script);
    }

    void answer(Function<Request, Reply> s) {
        script = s;
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    List<Request> at(String path) {
        List<Request> out = new ArrayList<>();
        for (Request r : requests) if (r.path().equals(path)) out.add(r);
        return out;
    }

    /** Requests to this path whose body has this "type". */
    List<Request> ofType(String path, String type) {
        List<Request> out = new ArrayList<>();
        for (Request r : at(path)) if (type.equals(r.json().getString("type"))) out.add(r);
        return out;
    }

    List<Request> await(String path, int count, Duration within) {
        return TestServer.eventually(count + " requests at " + path, within, () -> at(path), l -> l.size() >= count);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
