package dev.tippen.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.it.TestServer;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.stream.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The history gives way to tracking: it rests while the outbox's writes are saturated, up to a lag, then takes what it needs. */
class RecorderTest {

    /** An outbox of entries in hand that says it is busy for as long as the test wants. */
    static class BusyOutbox implements Outbox {
        final List<Entry> entries;
        final List<String> done = new CopyOnWriteArrayList<>();
        volatile boolean busy = true;
        /** How often the recorder asked: each time it was told "busy", it rested instead of reading. */
        final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        BusyOutbox(List<Entry> entries) {
            this.entries = entries;
        }

        @Override
        public void start() {}

        @Override
        public synchronized List<Entry> read(Map<String, String> after, int max) {
            long from = after.containsKey("local") ? Long.parseLong(after.get("local")) : 0;
            List<Entry> out = new ArrayList<>();
            for (Entry e : entries) if (Long.parseLong(e.position()) > from && out.size() < max) out.add(e);
            return out;
        }

        @Override
        public void done(Map<String, String> upTo) {
            done.add(upTo.get("local"));
        }

        @Override
        public boolean leader() {
            return true;
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public boolean busy() {
            asked.incrementAndGet();
            return busy;
        }
    }

    private static List<Outbox.Entry> visits(long now) {
        VisitSimulator sim = new VisitSimulator("site_r");
        for (int i = 0; i < 5; i++) sim.pageview("v_" + i, "https://r.example/" + i, "Page " + i, null, now);
        return sim.drain();
    }

    private static Recorder started(Outbox outbox, long deferMaxLagMillis) {
        Recorder r = new Recorder(HistoryStores.sqlite(), outbox, new Retention(Duration.ofDays(400), Clock.systemUTC()), List.of(),
                new TippenMetrics(), deferMaxLagMillis, 0);
        r.start();
        return r;
    }

    @Test
    void itRestsWhileTrackingIsSaturatedAndCatchesUpOnceItIsNot() throws Exception {
        BusyOutbox outbox = new BusyOutbox(visits(System.currentTimeMillis()));
        Recorder recorder = started(outbox, 60_000);
        try {
            // Four looks, each answered "busy": three rests in between, and nothing read meanwhile.
            TestServer.eventually("the recorder looked four times", Duration.ofSeconds(5), () -> outbox.asked.get() >= 4);
            assertThat(outbox.done).as("nothing applied while busy").isEmpty();
            outbox.busy = false;
            TestServer.eventually("applied once tracking calms down", Duration.ofSeconds(5), () -> outbox.done.contains("5"));
        } finally {
            recorder.stop();
        }
    }

    @Test
    void pastTheLagItMayRestItTakesWhatItNeedsEvenWhileBusy() throws Exception {
        BusyOutbox outbox = new BusyOutbox(visits(System.currentTimeMillis()));
        Recorder recorder = started(outbox, 500);
        try {
            TestServer.eventually("applied within the lag it may rest, though still busy", Duration.ofSeconds(5), () -> outbox.done.contains("5"));
        } finally {
            recorder.stop();
        }
    }

    /** An outbox that tells when it has something new, as the embedded journal does. */
    static final class VersionedOutbox extends BusyOutbox {
        volatile long version;
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

        VersionedOutbox() {
            super(new CopyOnWriteArrayList<>());
            busy = false;
        }

        @Override
        public synchronized List<Entry> read(Map<String, String> after, int max) {
            reads.incrementAndGet();
            return super.read(after, max);
        }

        @Override
        public long version() {
            return version;
        }
    }

    @Test
    void anIdleNodeDoesNotReadAgainUntilTheOutboxHasSomethingNew() throws Exception {
        VersionedOutbox outbox = new VersionedOutbox();
        Recorder recorder = new Recorder(HistoryStores.sqlite(), outbox, new Retention(Duration.ofDays(400), Clock.systemUTC()), List.of(),
                new TippenMetrics(), 60_000, 0);
        assertThat(recorder.step()).isZero();
        assertThat(recorder.step()).isZero();
        assertThat(recorder.step()).isZero();
        assertThat(outbox.reads).as("one read found it empty; the version did not move since").hasValue(1);

        outbox.entries.addAll(visits(System.currentTimeMillis()));
        outbox.version = 1;
        assertThat(recorder.step()).as("the version moved: read, and applied").isPositive();
        assertThat(outbox.done).contains("5");
        assertThat(recorder.step()).isZero();
        assertThat(recorder.step()).isZero();
        assertThat(outbox.reads).as("after what it applied, one read to find nothing more").hasValue(3);
    }
}
