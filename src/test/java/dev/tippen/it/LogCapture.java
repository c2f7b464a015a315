package dev.tippen.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines one logger writes while the capture is open (servers in tests run in this JVM). */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture(Class<?> of) {
        this(of.getName());
    }

    /** {@code Logger.ROOT_LOGGER_NAME} hears every logger. */
    LogCapture(String name) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logger = context.getLogger(name);
        appender.setContext(context);
        appender.start();
        logger.addAppender(appender);
    }

    List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    boolean any(String part) {
        return lines().stream().anyMatch(l -> l.contains(part));
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
