package io.openaudience.testsupport;

import java.util.List;

import static io.restassured.RestAssured.given;

/** Reading the service under test's Prometheus samples on {@code /q/metrics}. */
public final class Metrics {

    private Metrics() {
    }

    /**
     * The value of the first sample of {@code name} whose labels include all of {@code labels} (each written as in the
     * exposition, e.g. {@code outcome="sent"}), or {@code absent} when there is none.
     */
    public static double value(String name, double absent, String... labels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && List.of(labels).stream().allMatch(line::contains)) {
                // "name{labels} value", maybe followed by " # {exemplar} value timestamp".
                return Double.parseDouble(line.split(" # ")[0].trim().split(" ")[1]);
            }
        }
        return absent;
    }
}
