package io.openaudience.worker.fetch;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * The body of an HTTP response as a blocking stream for the CSV parser: chunks arrive on the event loop and queue
 * here; past {@link #HIGH_WATER} bytes queued the response is paused (TCP back-pressure) until the reader has drained
 * it below {@link #LOW_WATER}, so memory stays bounded whatever the file's size. The size cap and the deadline are
 * enforced as the bytes arrive and as they are read.
 */
final class ResponseInputStream extends InputStream {

    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 1 << 18;
    private static final byte[] EMPTY = new byte[0];

    private final long maxBytes;
    private final long deadlineNanos;
    private final String timeoutReason;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private byte[] current = EMPTY;
    private int pos;
    private long queued;
    private long received;
    private boolean ended;
    private boolean paused;
    private boolean closed;
    private RuntimeException failure;
    private HttpClientResponse response;
    private Context context;

    ResponseInputStream(long maxBytes, long deadlineNanos, String timeoutReason) {
        this.maxBytes = maxBytes;
        this.deadlineNanos = deadlineNanos;
        this.timeoutReason = timeoutReason;
    }

    /** Starts receiving the body; called on the response's event loop, before any of its data arrives. */
    synchronized void attach(HttpClientResponse r) {
        response = r;
        context = Vertx.currentContext();
        r.handler(this::data);
        r.endHandler(v -> ended());
        r.exceptionHandler(this::broken);
    }

    private synchronized void data(Buffer chunk) {
        if (failure != null || closed) {
            return;
        }
        received += chunk.length();
        if (received > maxBytes) {
            fail(new FetchFailedException("the file is larger than " + maxBytes + " bytes"));
            return;
        }
        queue.add(chunk.getBytes());
        queued += chunk.length();
        if (queued >= HIGH_WATER && !paused) {
            paused = true;
            response.pause();
        }
        notifyAll();
    }

    private synchronized void ended() {
        ended = true;
        notifyAll();
    }

    private synchronized void broken(Throwable t) {
        if (failure == null && !ended) {
            failure = new FetchFailedException("the download of the file broke off: " + describe(t));
        }
        notifyAll();
    }

    /** Ends the download with this failure: the next read throws it. */
    synchronized void fail(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
        notifyAll();
        abort();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (pos == current.length) {
            if (failure != null) {
                throw failure;
            }
            byte[] next = queue.poll();
            if (next != null) {
                current = next;
                pos = 0;
                queued -= next.length;
                if (paused && queued <= LOW_WATER) {
                    paused = false;
                    HttpClientResponse r = response;
                    context.runOnContext(v -> r.resume());
                }
                break;
            }
            if (ended) {
                return -1;
            }
            long waitNanos = deadlineNanos - System.nanoTime();
            if (waitNanos <= 0) {
                fail(new FetchFailedException(timeoutReason));
                continue;
            }
            try {
                wait(Math.max(1, waitNanos / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(new FetchFailedException("the download of the file was interrupted"));
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            queue.clear();
            if (!ended) {
                abort();
            }
        }
    }

    private void abort() {
        HttpClientResponse r = response;
        if (r != null && context != null) {
            context.runOnContext(v -> r.request().reset());
        }
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
