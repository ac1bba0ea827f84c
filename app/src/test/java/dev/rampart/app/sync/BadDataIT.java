package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.defender.http.JdkTransport;
import dev.rampart.defender.http.Transport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defender answers with invalid records: they are refused and counted; past the threshold nothing changes. */
class BadDataIT {

    /** Blanks {@code field} in the first {@code count} items of the answers to {@code path}. */
    private static Transport corrupting(String path, String field, int count) {
        Transport jdk = new JdkTransport();
        int[] left = {count};
        return request -> {
            Transport.Response r = jdk.send(request);
            if (!request.uri().getPath().equals(path) || r.status() != 200) {
                return r;
            }
            JsonNode body;
            try (InputStream in = r.body()) {
                body = SyncFixture.JSON.readTree(in);
            }
            for (JsonNode item : body.path("value")) {
                if (left[0] > 0 && item.has(field)) {
                    ((ObjectNode) item).put(field, "");
                    left[0]--;
                }
            }
            byte[] bytes = SyncFixture.JSON.writeValueAsBytes(body);
            return new Transport.Response() {
                @Override
                public int status() {
                    return 200;
                }

                @Override
                public List<String> headers(String name) {
                    return r.headers(name);
                }

                @Override
                public Map<String, List<String>> allHeaders() {
                    return r.allHeaders();
                }

                @Override
                public InputStream body() {
                    return new ByteArrayInputStream(bytes);
                }

                @Override
                public void close() throws IOException {}
            };
        };
    }

    private static SyncEngine engine(SyncFixture f, Transport transport) {
        Map<String, String> env = Map.of("MDE_SECRET", f.emulator.clientSecret());
        return new SyncEngine(
                f.dataSource,
                f.emulator.clock(),
                c -> c.spec().builder(env::get).transport(transport).build());
    }

    @Test
    void afewBadMachinesShouldBeRefusedCountedAndTheRestImported() {
        try (SyncFixture f = new SyncFixture(40)) {
            RunSummary run = engine(f, corrupting("/api/machines", "id", 3)).run(f.connector, SyncEngine.Mode.FULL);

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.json().path("badRecords").path("machines").asLong()).isEqualTo(3);
            assertThat(f.count("select count(*) from asset where project_id = ?", f.projectId()))
                    .isEqualTo(37);
            assertThat(f.jdbc.sql("select bad_records::text from sync_run where id = ?")
                            .param(run.runId())
                            .query(String.class)
                            .single())
                    .contains("\"machines\": 3");
        }
    }

    @Test
    void badVulnerabilityRowsPastTheThresholdShouldFailTheRunAndChangeNothing() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            f.advance(java.time.Duration.ofDays(2));
            String before = f.inventory();

            RunSummary run = engine(f, corrupting("/api/machines/SoftwareVulnerabilitiesByMachine", "cveId", 50))
                    .run(f.connector, SyncEngine.Mode.FULL);

            assertThat(run.succeeded()).isFalse();
            assertThat(run.json().path("errorKind").asText()).isEqualTo("bad_data");
            assertThat(run.error()).contains("50 of").contains("findings records were invalid");
            assertThat(f.inventory()).isEqualTo(before);
        }
    }
}
