package org.debian.bootc.cli.config;

/**
 * One resolved setting and where it came from, so an error can say which flag,
 * variable or file line to fix.
 *
 * @param value the value
 * @param origin e.g. {@code --planner}, {@code BOOTC_PLANNER_URL}, {@code /home/u/.config/.../cli.properties: planner.url}, {@code default}
 */
public record Setting(String value, String origin) {

    @Override
    public String toString() {
        return value + " (from " + origin + ")";
    }
}
