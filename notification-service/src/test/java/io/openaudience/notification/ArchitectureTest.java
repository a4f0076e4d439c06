package io.openaudience.notification;

import io.openaudience.testsupport.Architecture;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The layering of notification-service ({@link Architecture}): rest → service → repository, no cycles, its own tables only. */
class ArchitectureTest {

    @Test
    void layersCallDownwardsOnlyAndPackagesHaveNoCycles() {
        Architecture.checkLayers("io.openaudience.notification");
    }

    /**
     * Each module owns its data: SQL here names only this service's schema.
     */
    @Test
    void sqlNamesOnlyTheTablesThisModuleMayRead() {
        List<String> foreign = Architecture.sqlSchemas(Path.of("src/main/java"), Set.of("notification"));
        assertEquals(List.of(), foreign);
    }
}
