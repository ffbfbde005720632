package org.debian.bootc.planner.observability;

import static io.restassured.RestAssured.given;

import java.util.Map;

/** Reads one sample from the service's own {@code /q/metrics} (Prometheus text format). */
final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of the sample {@code name} whose labels include {@code labels}; 0 when there is none yet. */
    static double sample(String name, Map<String, String> labels) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return sample(text, name, labels);
    }

    static double sample(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean all = labels.entrySet().stream()
                    .allMatch(e -> line.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                // "name{labels} value [timestamp]": the value is the first field after the labels
                String rest = line.startsWith(name + "{") ? line.substring(line.indexOf('}') + 1)
                        : line.substring(name.length());
                return Double.parseDouble(rest.trim().split("\\s+")[0]);
            }
        }
        return 0;
    }
}
