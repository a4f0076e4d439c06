package io.openaudience.segments.repository;

import io.openaudience.segments.Upload;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Uploaded import files: the upload row as an entity, its bytes as a stream of bytea chunks (SQL, one statement per
 * chunk, so at most one chunk is ever in memory), both in the caller's transaction.
 */
@ApplicationScoped
public class UploadRepository implements PanacheRepositoryBase<Upload, UUID> {

    public Uni<Void> insertChunk(UUID uploadId, int seq, byte[] data) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO segments.upload_chunk (upload_id, seq, data) VALUES (:upload, :seq, :data)")
                .setParameter("upload", uploadId)
                .setParameter("seq", seq)
                .setParameter("data", data)
                .executeUpdate()).replaceWithVoid();
    }
}
