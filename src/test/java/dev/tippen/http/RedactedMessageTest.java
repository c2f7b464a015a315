package dev.tippen.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RedactedMessageTest {
    @Test
    void keysAreRedactedWhoeverLogsThem() {
        assertThat(RedactedMessage.redact("GET /ws/dashboard?apiKey=sk_AbCdEfGh12345678&cleanupList=false"))
                .isEqualTo("GET /ws/dashboard?apiKey=***&cleanupList=false");
        assertThat(RedactedMessage.redact("key sk_AbCdEfGh12345678 and tk_ZZZZZZZZZZ, pk_public1234 stays"))
                .isEqualTo("key sk_*** and tk_***, pk_public1234 stays");
        assertThat(RedactedMessage.redact("Authorization: Bearer whsec_abc")).isEqualTo("Authorization: Bearer ***");
    }

    @Test
    void theConfiguredLogWritesNoKey() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger("redaction-test");
        logger.addAppender(appender);
        logger.info("event=request uri=/ws/dashboard?apiKey={}", "sk_0123456789abcdefABCDEF");
        appender.stop();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("apiKey=***").doesNotContain("0123456789abcdef");
    }
}
