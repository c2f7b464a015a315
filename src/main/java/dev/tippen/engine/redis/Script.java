package dev.tippen.engine.redis;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script from {@code resources/redis}, after the shared {@code lib.lua}; run by its SHA-1 so
 * only the hash travels with each call.
 */
public record Script(String name, String source, String sha) {

    public static Script load(String name) {
        String source = resource("lib") + "\n" + resource(name);
        try {
            return new Script(name, source, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Script.class.getClassLoader().getResourceAsStream("redis/" + name + ".lua")) {
            if (in == null) throw new IllegalStateException("missing script redis/" + name + ".lua");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean missing(Throwable err) {
        return err instanceof Response r && isNoScript(r);
    }

    static boolean isNoScript(Response reply) {
        // A batch reports the failing command as "ERR [index] NOSCRIPT ...".
        return reply.type() == ResponseType.ERROR && reply.toString().contains("NOSCRIPT");
    }
}
