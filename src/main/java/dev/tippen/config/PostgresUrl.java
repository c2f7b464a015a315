package dev.tippen.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL URL as libpq writes it ({@code postgres://user:password@host:port/database}, or
 * {@code postgresql://}), turned into what JDBC wants. {@code describe} names the server and
 * database without the password, for logs.
 */
public record PostgresUrl(String jdbc, String user, String password, String describe) {

    public static PostgresUrl parse(String url, String option) {
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": not a URL: " + e.getMessage());
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException(option + ": a PostgreSQL URL needs a host, e.g. postgres://user:pass@db:5432/tippen");
        }
        String database = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
        String user = null;
        String password = null;
        if (u.getRawUserInfo() != null) {
            String[] parts = u.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            if (parts.length > 1) password = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        }
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        String jdbc = "jdbc:postgresql://" + u.getHost() + ":" + port + "/" + database + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return new PostgresUrl(jdbc, user, password, "postgresql " + u.getHost() + ":" + port + "/" + database);
    }

    @Override
    public String toString() {
        return describe;
    }
}
