package dev.tippen.socket;

import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writing of one event loop's sockets, in batches. A message for a socket waits in the socket's
 * own queue; the socket is marked here once however many messages it gets, and the loop is handed
 * one task however many of its sockets are marked. That task runs after whatever the loop is doing
 * now (a group commit's changes, a burst of requests), so every message of the batch is written to
 * the channel and each socket flushed once: one system call per socket per batch, not one per frame.
 * A message sent from the socket's own loop is deferred the same way, so the batch is the loop's
 * current task whichever thread produced it.
 */
final class LoopWriter implements Runnable {
    private final EventLoop loop;
    private final Queue<Connection> marked = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private LoopWriter(EventLoop loop) {
        this.loop = loop;
    }

    /** From any thread: {@code c} has messages waiting; at most one task is queued on the loop at a time. */
    void mark(Connection c) {
        marked.offer(c);
        if (scheduled.get() || !scheduled.compareAndSet(false, true)) return;
        try {
            loop.execute(this);
        } catch (RejectedExecutionException stopping) {
            // The node is stopping and its loops with it: the sockets are closing, nothing is written.
            marked.clear();
            scheduled.set(false);
        }
    }

    /** On the loop: a socket marked while this runs is written here, or by the task it queues. */
    @Override
    public void run() {
        scheduled.set(false);
        for (Connection c; (c = marked.poll()) != null; ) c.drain();
    }

    /** One writer per event loop of the node, made as its first socket opens. */
    static final class PerLoop {
        private final ConcurrentHashMap<EventLoop, LoopWriter> writers = new ConcurrentHashMap<>();

        LoopWriter of(EventLoop loop) {
            return writers.computeIfAbsent(loop, LoopWriter::new);
        }
    }
}
