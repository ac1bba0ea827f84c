package dev.rampart.app.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The graph model's own rules, without a database: what the export formats rely on. */
class GraphExportTest {

    @Test
    void aPropertyNameShouldHaveOneTypeAcrossClassesForGraphml() {
        assertThat(GraphExport.graphmlKeys())
                .containsEntry("name", "string")
                .containsEntry("cvss", "double")
                .containsEntry("active", "boolean")
                .containsEntry("lastSeen", "string");
    }

    @Test
    void everyNeo4jNodeFileShouldNameEachColumnOnce() {
        for (GraphModel.EntityClass cls : GraphModel.classes()) {
            List<String> header = GraphExport.neo4jHeader(cls);
            Set<String> names = new HashSet<>();
            for (String h : header) {
                assertThat(names.add(h.startsWith(":") ? h : h.split(":")[0]))
                        .as(cls.name() + ": " + h)
                        .isTrue();
            }
            assertThat(header.get(0)).isEqualTo("entityId:ID");
        }
        assertThat(GraphExport.neo4jHeader(GraphModel.entityClass("Device").orElseThrow()))
                .contains("riskScore:double", "isolated:boolean", "firstSeen:datetime", "name:string");
    }

    @Test
    void neo4jFieldsShouldBeQuotedOnlyWhenTheyMustBe() {
        assertThat(GraphExport.neo4jField("web-01")).isEqualTo("web-01");
        assertThat(GraphExport.neo4jField("a,b")).isEqualTo("\"a,b\"");
        assertThat(GraphExport.neo4jField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(GraphExport.neo4jField("two\nlines")).isEqualTo("\"two\nlines\"");
    }

    @Test
    void everyRelationshipShouldJoinClassesOfTheModel() {
        for (GraphModel.Relationship r : GraphModel.relationships()) {
            assertThat(GraphModel.entityClass(r.from())).as(r.toString()).isPresent();
            assertThat(GraphModel.entityClass(r.to())).as(r.toString()).isPresent();
            assertThat(r.condition("f", "t", "l")).doesNotContain("{");
        }
    }
}
