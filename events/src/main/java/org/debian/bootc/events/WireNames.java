package org.debian.bootc.events;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Wire-name lookup shared by the enums, so an unknown value gets the same message everywhere. */
final class WireNames {

    private WireNames() {
    }

    static <T extends Enum<T>> T lookup(Class<T> type, T[] values, Function<T, String> wireName, String value) {
        for (T candidate : values) {
            if (wireName.apply(candidate).equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(type.getSimpleName() + " " + Texts.quote(value) + " is not one of "
                + Arrays.stream(values).map(wireName).collect(Collectors.joining(", ")));
    }
}
