package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compose id in Pungi's (productmd's) form
 * {@code <name>-<version>-<YYYYMMDD><suffix>.<respin>}, where the suffix is
 * {@code ""} (production), {@code .n} (nightly), {@code .t} (test) or {@code .ci}:
 * {@code minimal-1-20250131.n.0}. The name may contain '-', the version may not,
 * so the id parses back unambiguously.
 */
public record ComposeId(String value) {

    /** A manifest name: what may stand before the version. */
    public static final String NAME_REGEX = "^[A-Za-z0-9][A-Za-z0-9._+-]*$";
    /** A manifest version: no '-', so the last '-' before the date ends the name. */
    public static final String VERSION_REGEX = "^[A-Za-z0-9][A-Za-z0-9._+~]*$";
    /** The JSON Schema pattern; at most {@value Identifiers#MAX_LENGTH} characters. */
    public static final String REGEX =
            "^([A-Za-z0-9][A-Za-z0-9._+-]*)-([A-Za-z0-9][A-Za-z0-9._+~]*)-([0-9]{8})(\\.n|\\.t|\\.ci)?\\.([0-9]{1,9})$";

    private static final Pattern PATTERN = Pattern.compile(REGEX);
    private static final Pattern NAME = Pattern.compile(NAME_REGEX);
    private static final Pattern VERSION = Pattern.compile(VERSION_REGEX);
    private static final String FORM = "expected <name>-<version>-<YYYYMMDD>[.n|.t|.ci].<respin>, e.g. minimal-1-20250131.n.0";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public ComposeId {
        Identifiers.check("ComposeId", value, PATTERN, FORM);
        String date = parse(value).group(3);
        try {
            LocalDate.parse(date, DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("ComposeId " + Texts.quote(value) + " is not valid: " + date
                    + " is not a calendar date (YYYYMMDD)");
        }
    }

    /**
     * The id of respin {@code respin} of the compose of {@code name} {@code version} on {@code date}.
     *
     * @throws IllegalArgumentException if name or version do not fit the id form or respin is negative
     */
    public static ComposeId of(String name, String version, LocalDate date, ComposeType type, int respin) {
        Identifiers.check("compose name", name, NAME, "letters, digits and . _ + -, starting with a letter or digit");
        Identifiers.check("compose version", version, VERSION,
                "letters, digits and . _ + ~ (no '-'), starting with a letter or digit");
        Objects.requireNonNull(date, "date is required");
        Objects.requireNonNull(type, "type is required");
        if (respin < 0) {
            throw new IllegalArgumentException("respin must not be negative, was " + respin);
        }
        if (date.getYear() < 1000 || date.getYear() > 9999) {
            throw new IllegalArgumentException("date " + date + " does not have a four-digit year");
        }
        return new ComposeId(name + "-" + version + "-" + date.format(DateTimeFormatter.BASIC_ISO_DATE)
                + type.suffix() + "." + respin);
    }

    public String name() {
        return parse(value).group(1);
    }

    public String version() {
        return parse(value).group(2);
    }

    public LocalDate date() {
        return LocalDate.parse(parse(value).group(3), DateTimeFormatter.BASIC_ISO_DATE);
    }

    public ComposeType type() {
        return ComposeType.fromSuffix(parse(value).group(4));
    }

    public int respin() {
        return Integer.parseInt(parse(value).group(5));
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

    private static Matcher parse(String value) {
        Matcher matcher = PATTERN.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalStateException("checked in the constructor");
        }
        return matcher;
    }
}
