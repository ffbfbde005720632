package org.debian.bootc.executor.archive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** deb822 control data as the executor reads it: apt's {@code *.sources} files and {@code .dsc}s. */
public final class Deb822 {

    private Deb822() {
    }

    /**
     * The stanzas of {@code lines}: field names lower-cased, a continuation line (starting
     * with a space or tab) appended to its field's value after one space, {@code #} lines
     * skipped, stanzas separated by blank lines.
     */
    public static List<Map<String, String>> stanzas(List<String> lines) {
        List<Map<String, String>> stanzas = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        String last = null;
        for (String line : lines) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    stanzas.add(current);
                    current = new LinkedHashMap<>();
                }
                last = null;
            } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                current.merge(last, " " + line.strip(), String::concat);
            } else if (line.contains(":")) {
                last = line.substring(0, line.indexOf(':')).strip().toLowerCase(Locale.ROOT);
                current.put(last, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        if (!current.isEmpty()) {
            stanzas.add(current);
        }
        return stanzas;
    }
}
