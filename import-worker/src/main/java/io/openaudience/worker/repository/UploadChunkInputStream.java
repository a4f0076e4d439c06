package io.openaudience.worker.repository;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A stored upload read back as a stream, one {@code upload_chunk} row at a time (each fetched by primary key with a
 * short-lived connection), so at most one chunk of the file is ever in memory whatever its size.
 */
public final class UploadChunkInputStream extends InputStream {

    private static final String NEXT_CHUNK = "SELECT seq, data FROM upload_chunk WHERE upload_id = ? AND seq > ? "
            + "ORDER BY seq LIMIT 1";

    private final DataSource dataSource;
    private final UUID uploadId;
    private int lastSeq = Integer.MIN_VALUE;
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean done;

    public UploadChunkInputStream(DataSource dataSource, UUID uploadId) {
        this.dataSource = dataSource;
        this.uploadId = uploadId;
    }

    @Override
    public int read() throws IOException {
        if (!ensure()) {
            return -1;
        }
        return chunk[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!ensure()) {
            return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean ensure() throws IOException {
        while (pos >= chunk.length) {
            if (done) {
                return false;
            }
            fetchNext();
        }
        return true;
    }

    private void fetchNext() throws IOException {
        chunk = new byte[0];
        pos = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(NEXT_CHUNK)) {
            ps.setObject(1, uploadId);
            ps.setInt(2, lastSeq);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    lastSeq = rs.getInt(1);
                    chunk = rs.getBytes(2);
                } else {
                    done = true;
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read chunk after " + lastSeq + " of upload " + uploadId, e);
        }
    }
}
