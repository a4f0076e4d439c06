package io.openaudience.common.runtime;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of every service: turns off Quarkus' own request-target check before the HTTP layer loads, so that
 * a target {@code java.net.URI} refuses ({@code /api/v2/segments/%zz}) reaches {@code UriHardening}, which refuses the
 * same targets in the API family's envelope naming the part instead of an empty 400.
 */
@QuarkusMain
public class ServiceMain {

    /** Read once, when Quarkus' HTTP recorder class initializes (see {@code UriHardening}). */
    public static final String URI_VALIDATION_PROPERTY = "vertx.disableURIValidation";

    public static void main(String... args) {
        if (System.getProperty(URI_VALIDATION_PROPERTY) == null) {
            System.setProperty(URI_VALIDATION_PROPERTY, "true");
        }
        Quarkus.run(args);
    }
}
