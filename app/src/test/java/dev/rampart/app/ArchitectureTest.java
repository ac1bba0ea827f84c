package dev.rampart.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The feature packages' boundaries (STYLE.md, "Layout"). Each rule says how to fix a break. */
class ArchitectureTest {
    private static final JavaClasses APP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.rampart.app");

    @Test
    void featurePackagesShouldNotDependOnEachOtherInCycles() {
        slices().matching("dev.rampart.app.(*)..")
                .should()
                .beFreeOfCycles()
                .because("a feature that needs another's internals should get a small public service from it,"
                        + " not reach back into a package that depends on it")
                .check(APP);
    }

    @Test
    void onlyTheSyncRuntimeShouldWriteTheInventoryFromDefender() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.rampart.app.connector..", "dev.rampart.app.export..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.rampart.app.sync..")
                .because("the sync runtime owns the run and its state; connectors describe and read, exports read"
                        + " (move the code that needs the runtime into dev.rampart.app.sync)")
                .check(APP);
    }

    @Test
    void featuresShouldNotUseTheCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("dev.rampart.app.(*)..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.rampart.app.Rampart")
                .because("the command line composes the features; features must work without it (the server wires"
                        + " them too)")
                .check(APP);
    }
}
