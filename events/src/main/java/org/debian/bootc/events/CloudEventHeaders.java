package org.debian.bootc.events;

/**
 * Kafka header names of the CloudEvents 1.0 Kafka protocol binding in binary
 * content mode (attributes as {@code ce_*} headers, the event data as the record
 * value), plus the headers SmallRye Reactive Messaging writes on dead-letter
 * records.
 */
public final class CloudEventHeaders {

    public static final String SPECVERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    /** Optional on read; always written. RFC 3339. */
    public static final String TIME = "ce_time";
    /** In binary mode the data content type is the plain {@code content-type} header, not {@code ce_datacontenttype}. */
    public static final String CONTENT_TYPE = "content-type";

    /**
     * W3C Trace Context parent of the event (CloudEvents distributed-tracing extension,
     * carried as the plain header OpenTelemetry's Kafka instrumentation reads). Optional;
     * every event about one compose carries the same trace id. See {@link TraceParent}.
     */
    public static final String TRACEPARENT = "traceparent";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";

    /**
     * Why a record was dead-lettered. SmallRye's {@code dead-letter-queue} failure
     * strategy sets it to the message of the exception the record was nacked with,
     * so a consumer that nacks with {@link InvalidEventException} puts
     * {@link InvalidEventException#reason()} here.
     */
    public static final String DLQ_REASON = "dead-letter-reason";
    /** Class name of the exception the record was nacked with (SmallRye). */
    public static final String DLQ_EXCEPTION_CLASS_NAME = "dead-letter-exception-class-name";
    /** Message of that exception's cause, when it has one (SmallRye). */
    public static final String DLQ_CAUSE = "dead-letter-cause";
    /** Class name of that exception's cause, when it has one (SmallRye). */
    public static final String DLQ_CAUSE_CLASS_NAME = "dead-letter-cause-class-name";
    /** Topic the record was read from (SmallRye). */
    public static final String DLQ_TOPIC = "dead-letter-topic";
    /** Partition the record was read from (SmallRye). */
    public static final String DLQ_PARTITION = "dead-letter-partition";
    /** Offset the record was read from (SmallRye). */
    public static final String DLQ_OFFSET = "dead-letter-offset";

    private CloudEventHeaders() {
    }
}
