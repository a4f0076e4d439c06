package io.openaudience.worker;

import io.openaudience.testsupport.Architecture;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The layering of import-worker ({@link Architecture}): rest → service → repository, no cycles, its own tables only. */
class ArchitectureTest {

    @Test
    void layersCallDownwardsOnlyAndPackagesHaveNoCycles() {
        Architecture.checkLayers("io.openaudience.worker");
    }

    /**
     * The worker is the documented bulk write path (DESIGN.md): it writes the segments and audience tables it is
     * handed, and nothing else.
     */
    @Test
    void sqlNamesOnlyTheTablesThisModuleMayRead() {
        List<String> foreign = Architecture.sqlSchemas(Path.of("src/main/java"), Set.of("segments", "audience"));
        assertEquals(List.of(), foreign);
    }
}
