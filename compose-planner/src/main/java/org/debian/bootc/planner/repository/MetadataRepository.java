package org.debian.bootc.planner.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The metadata files of composes, and the images the publisher reported, in PostgreSQL. */
@ApplicationScoped
public class MetadataRepository {

    /** One image row: {@code state} is committed or failed; {@code event} the event's JSON. */
    public record ImageRow(String architecture, String state, String event) {
    }

    public Uni<Void> put(String composeId, String fileName, String content) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into compose_metadata (compose_id, file_name, content) values (?1, ?2, ?3)
                on conflict (compose_id, file_name) do update set content = excluded.content, updated_at = now()""")
                .setParameter(1, composeId)
                .setParameter(2, fileName)
                .setParameter(3, content)
                .executeUpdate())
                .replaceWithVoid();
    }

    public Uni<String> get(String composeId, String fileName) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "select content from compose_metadata where compose_id = ?1 and file_name = ?2", String.class)
                .setParameter(1, composeId)
                .setParameter(2, fileName)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** Records what the publisher said of one architecture; the first word stands (events may repeat). */
    public Uni<Boolean> recordImage(String composeId, String architecture, String state, String ref, String commit,
            String imageReference, String manifestDigest, Integer layerCount, Long bytesPushed, String stage,
            String reason, String event) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into compose_image (compose_id, architecture, state, ostree_ref, commit_checksum,
                    image_reference, manifest_digest, layer_count, bytes_pushed, stage, reason, event)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, cast(?8 as integer), cast(?9 as bigint), ?10, ?11, ?12)
                on conflict (compose_id, architecture) do nothing""")
                .setParameter(1, composeId)
                .setParameter(2, architecture)
                .setParameter(3, state)
                .setParameter(4, ref)
                .setParameter(5, commit)
                .setParameter(6, imageReference)
                .setParameter(7, manifestDigest)
                // the casts above give a null its type; the driver types parameters from the statement
                .setParameter(8, layerCount)
                .setParameter(9, bytesPushed)
                .setParameter(10, stage)
                .setParameter(11, reason)
                .setParameter(12, event)
                .executeUpdate())
                .map(rows -> rows > 0);
    }

    public Uni<List<ImageRow>> images(String composeId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "select architecture, state, event from compose_image where compose_id = ?1 order by architecture",
                Object[].class)
                .setParameter(1, composeId)
                .getResultList())
                .map(rows -> rows.stream()
                        .map(r -> new ImageRow((String) r[0], (String) r[1], (String) r[2]))
                        .toList());
    }
}
