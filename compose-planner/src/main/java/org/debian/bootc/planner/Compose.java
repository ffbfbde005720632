package org.debian.bootc.planner;

import java.time.Instant;
import java.time.LocalDate;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A compose as the planner follows it: its productmd id, its request and its status. */
@Entity
@Table(name = "compose")
public class Compose extends PanacheEntityBase {

    @Id
    @Column(name = "compose_id")
    public String composeId;

    @Column(name = "request_id", nullable = false, unique = true)
    public String requestId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String version;

    @Column(name = "compose_type", nullable = false)
    public String composeType;

    @Column(name = "compose_date", nullable = false)
    public LocalDate composeDate;

    @Column(nullable = false)
    public int respin;

    @Column(nullable = false)
    public String status;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String manifest;

    @Column(name = "requested_by")
    public String requestedBy;

    /** The ComposePlan JSON that compose-planned carried; null for composes from before planning. */
    @Column(columnDefinition = "text")
    public String plan;

    /** complete, incomplete or doomed, once compose-built has said. */
    public String outcome;

    /** Architectures whose image is awaited, comma separated; set from compose-built. */
    @Column(name = "awaited_images")
    public String awaitedImages;

    @Column(name = "status_reason")
    public String statusReason;

    /** W3C traceparent of the compose's trace (docs/observability.md); null for composes started before tracing. */
    @Column(name = "traceparent")
    public String traceparent;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
