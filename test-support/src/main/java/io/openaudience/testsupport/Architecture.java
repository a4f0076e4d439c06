package io.openaudience.testsupport;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering every service keeps, checked by each service's {@code ArchitectureTest}: {@code rest → service →
 * repository} (a resource never reaches a repository, only the row records one answers; nothing below calls
 * upwards), no cycles between a service's packages, and no SQL naming a table of another service's schema (each
 * module owns its data).
 */
public final class Architecture {

    /** The schemas of the platform's services; a module may name only its own in SQL (see {@link #sqlSchemas}). */
    public static final Set<String> SCHEMAS = Set.of("segments", "audience", "notification");
    // A schema-qualified table after the SQL words that name tables.
    private static final Pattern TABLE_REFERENCE = Pattern.compile(
            "(?i)\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+(" + String.join("|", SCHEMAS) + ")\\.[a-z_]+");

    private Architecture() {
    }

    /** The production classes of {@code rootPackage} (e.g. {@code io.openaudience.segments}). */
    public static JavaClasses classes(String rootPackage) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
    }

    /** Fails unless the classes keep rest → service → repository and their packages are free of cycles. */
    public static void checkLayers(String rootPackage) {
        JavaClasses classes = classes(rootPackage);
        // The row records a repository answers (nested in it, e.g. JobErrorRepository.ErrorRow) may reach a view.
        noClasses().that().resideInAPackage(rootPackage + ".rest..")
                .should().dependOnClassesThat(DescribedPredicate.and(
                        JavaClass.Predicates.resideInAPackage(rootPackage + ".repository.."),
                        JavaClass.Predicates.TOP_LEVEL_CLASSES))
                .because("resources call services; services own transactions and call repositories")
                .allowEmptyShould(true).check(classes);
        noClasses().that().resideInAPackage(rootPackage + ".repository..")
                .should().dependOnClassesThat().resideInAnyPackage(rootPackage + ".service..", rootPackage + ".rest..")
                .because("repositories are the bottom layer")
                .allowEmptyShould(true).check(classes);
        noClasses().that().resideInAPackage(rootPackage + ".service..")
                .should().dependOnClassesThat().resideInAPackage(rootPackage + ".rest..")
                .because("services do not know the HTTP layer")
                .allowEmptyShould(true).check(classes);
        slices().matching(rootPackage + ".(*)..").should().beFreeOfCycles()
                .allowEmptyShould(true).check(classes);
    }

    /**
     * The schemas named as {@code schema.table} after FROM/JOIN/INTO/UPDATE/TABLE in the module's sources under
     * {@code sourceRoot} ({@code src/main/java} when run from the module directory), with where each was found.
     */
    public static List<String> sqlSchemas(Path sourceRoot, Set<String> allowed) {
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher m = TABLE_REFERENCE.matcher(text);
                while (m.find()) {
                    if (!allowed.contains(m.group(1).toLowerCase())) {
                        foreign.add(sourceRoot.relativize(file) + ": " + m.group());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return foreign;
    }
}
