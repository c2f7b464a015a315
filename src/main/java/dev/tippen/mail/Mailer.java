package dev.tippen.mail;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the few e-mails Tippen writes (join links) through the operator's SMTP server, with
 * Jakarta Mail. One thread, at most 100 waiting; a full queue or a failed send is logged (the
 * recipient's domain only) and the link stays on screen to copy, so nothing waits on the mail.
 */
public final class Mailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Mailer.class);
    static final int QUEUE = 100;

    private final Session session;
    private final InternetAddress from;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
            r -> {
                Thread t = new Thread(r, "tippen-mail");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong failed = new AtomicLong();

    /** {@code smtp://user:pass@host:port} (STARTTLS when offered) or {@code smtps://...} (TLS from the start). */
    public Mailer(String smtpUrl, String from) {
        URI u = URI.create(smtpUrl);
        boolean tls = "smtps".equals(u.getScheme());
        Properties p = new Properties();
        p.put("mail.smtp.host", u.getHost());
        p.put("mail.smtp.port", String.valueOf(u.getPort() > 0 ? u.getPort() : tls ? 465 : 587));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        if (tls) {
            p.put("mail.smtp.ssl.enable", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        } else {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        String info = u.getRawUserInfo();
        Authenticator auth = null;
        if (info != null) {
            String[] parts = info.split(":", 2);
            String user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            String password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
            p.put("mail.smtp.auth", "true");
            // A password never crosses the network in the clear: STARTTLS is required then.
            if (!tls) p.put("mail.smtp.starttls.required", "true");
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        this.session = Session.getInstance(p, auth);
        try {
            this.from = new InternetAddress(from, true);
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("--smtp-from: " + e.getMessage());
        }
    }

    /** Queues a plain-text e-mail; false when the queue is full (the caller still has the link to show). */
    public boolean send(String to, String subject, String text) {
        try {
            sender.execute(() -> deliver(to, subject, text));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.warn("event=mail_dropped to_domain={} note=\"the mail queue is full\"", domain(to));
            return false;
        }
    }

    private void deliver(String to, String subject, String text) {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            m.setSubject(subject, "UTF-8");
            m.setText(text, "UTF-8");
            Transport.send(m);
            log.info("event=mail_sent to_domain={}", domain(to));
        } catch (MessagingException | RuntimeException e) {
            failed.incrementAndGet();
            log.warn("event=mail_failed to_domain={} error=\"{}\"", domain(to), e.getClass().getSimpleName());
        }
    }

    public long failed() {
        return failed.get();
    }

    private static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "?" : address.substring(at + 1);
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
