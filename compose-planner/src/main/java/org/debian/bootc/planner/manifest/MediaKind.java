package org.debian.bootc.planner.manifest;

import java.util.Locale;
import java.util.Optional;

/** The two notations a manifest is written in. */
public enum MediaKind {
    YAML("application/yaml"),
    JSON("application/json");

    private final String mediaType;

    MediaKind(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The registered media type, {@code application/yaml} (RFC 9512) or {@code application/json}. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * The kind a {@code Content-Type} names: JSON for {@code application/json} and
     * {@code +json} types; YAML for {@code application/yaml}, the older
     * {@code application/x-yaml}, {@code text/yaml}, {@code text/x-yaml} and {@code +yaml}
     * types; parameters such as {@code charset} are ignored. Empty for anything else.
     */
    public static Optional<MediaKind> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || type.endsWith("+json")) {
            return Optional.of(JSON);
        }
        if (type.equals("application/yaml") || type.equals("application/x-yaml") || type.equals("text/yaml")
                || type.equals("text/x-yaml") || type.endsWith("+yaml")) {
            return Optional.of(YAML);
        }
        return Optional.empty();
    }
}
