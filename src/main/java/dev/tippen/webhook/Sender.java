package dev.tippen.webhook;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * One POST and what came of it, on the calling (sender) thread. Redirects are not followed (a 3xx
 * is a failure), nothing is retried here, every connection is new (so its address is resolved and
 * checked again), and the whole exchange is cut off at the timeout however slowly the receiver drips.
 * Only the first KiB of the answer is read.
 */
final class Sender implements AutoCloseable {
    static final int RESPONSE_BYTES = 1_024;
    private static final long MAX_RETRY_AFTER_MILLIS = Duration.ofHours(24).toMillis();

    /** What a receiver answered: its status (null when none came), the start of its body, or the error. */
    record Outcome(Integer status, String response, String error, long durationMillis, Long retryAfterMillis) {
        boolean ok() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private final TargetGuard guard;
    private final Duration timeout;
    private final CloseableHttpClient http;
    private final ScheduledExecutorService deadlines;

    Sender(TargetGuard guard, Duration timeout, int senders) {
        this.guard = guard;
        this.timeout = timeout;
        Timeout t = Timeout.of(timeout);
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(guard)
                        .setMaxConnTotal(senders)
                        .setMaxConnPerRoute(senders)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                        .build())
                .setConnectionReuseStrategy((request, response, context) -> false)
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false).setResponseTimeout(t).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent("Tippen-Webhooks/1.0")
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "tippen-webhook-deadlines");
            th.setDaemon(true);
            return th;
        });
    }

    Outcome post(String url, byte[] body, Map<String, String> headers) {
        long began = System.nanoTime();
        URI uri;
        try {
            // The form only: the address is checked by the client's resolver (the guard) for the
            // connection it opens, so it is resolved once, and what is checked is what is connected to.
            uri = guard.parse(url);
        } catch (TargetGuard.Refused e) {
            return new Outcome(null, null, "refused: " + e.getMessage(), 0, null);
        }
        HttpPost post = new HttpPost(uri);
        for (Map.Entry<String, String> h : headers.entrySet()) post.setHeader(h.getKey(), h.getValue());
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ClassicHttpResponse response = http.executeOpen(null, post, null);
            Outcome o = read(response, began);
            // Drop the connection rather than drain the rest of a body nobody reads.
            post.cancel();
            try {
                response.close();
            } catch (IOException ignored) {
                // the connection is gone either way
            }
            return o;
        } catch (TargetGuard.Refused e) {
            return new Outcome(null, null, "refused: " + e.getMessage(), millisSince(began), null);
        } catch (IOException | RuntimeException e) {
            String why = post.isCancelled() ? "no complete answer within " + timeout.toSeconds() + " s" : describe(e);
            return new Outcome(null, null, why, millisSince(began), null);
        } finally {
            deadline.cancel(false);
        }
    }

    private static Outcome read(ClassicHttpResponse response, long began) throws IOException {
        String text = null;
        HttpEntity entity = response.getEntity();
        if (entity != null) {
            byte[] b = entity.getContent().readNBytes(RESPONSE_BYTES);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(b)).toString();
        }
        int status = response.getCode();
        String error = status >= 300 && status < 400 ? "redirect to " + location(response) + " not followed" : null;
        return new Outcome(status, text, error, millisSince(began), retryAfter(response.getFirstHeader("Retry-After")));
    }

    private static String location(ClassicHttpResponse r) {
        Header h = r.getFirstHeader("Location");
        if (h == null) return "(no location)";
        String v = h.getValue();
        return v.length() > 200 ? v.substring(0, 200) + "…" : v;
    }

    /** Retry-After in seconds or as an HTTP date, capped at a day; null when absent or unreadable. */
    static Long retryAfter(Header h) {
        if (h == null) return null;
        String v = h.getValue().trim();
        try {
            long s = Long.parseLong(v);
            return s < 0 ? null : Math.min(MAX_RETRY_AFTER_MILLIS, s * 1000);
        } catch (NumberFormatException e) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, Math.min(MAX_RETRY_AFTER_MILLIS, at - System.currentTimeMillis()));
            } catch (java.time.format.DateTimeParseException ignored) {
                return null;
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (m == null) return kind;
        return kind + ": " + (m.length() > 300 ? m.substring(0, 300) + "…" : m);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            http.close();
        } catch (IOException ignored) {
            // nothing left to send
        }
    }
}
