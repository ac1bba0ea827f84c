package dev.rampart.app.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.app.outbound.OutboundPolicy;
import dev.rampart.defender.http.Transport;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A connector calls only Microsoft's hosts and its own, and only addresses the policy allows; refusals are final. */
class OutboundTransportTest {
    private final List<URI> sent = new ArrayList<>();
    private final Transport recorder = request -> {
        sent.add(request.uri());
        return new Transport.Response() {
            @Override
            public int status() {
                return 200;
            }

            @Override
            public List<String> headers(String name) {
                return List.of();
            }

            @Override
            public Map<String, List<String>> allHeaders() {
                return Map.of();
            }

            @Override
            public InputStream body() {
                return new ByteArrayInputStream(new byte[0]);
            }
        };
    };

    private Transport.Request get(String url) {
        return new Transport.Request("GET", URI.create(url), Map.of(), null);
    }

    @Test
    void microsoftHostsAndTheConnectorsOwnShouldBeCalledAndNothingElse() throws Exception {
        OutboundTransport t = new OutboundTransport(recorder, OutboundPolicy.STRICT, Set.of("defender.example.com"));
        t.send(get("https://login.microsoftonline.us/tenant/oauth2/v2.0/token"));
        t.send(get("https://api-gov.securitycenter.microsoft.us/api/machines"));
        t.send(get("https://tvmexportstrstgeus.blob.core.windows.net/tvm-export/x.json.gz"));
        t.send(get("https://defender.example.com/api/machines"));
        assertThat(sent).hasSize(4);
        assertThatThrownBy(() -> t.send(get("https://attacker.example/steal")))
                .isInstanceOfSatisfying(OutboundTransport.AddressRefusedException.class, e -> assertThat(e.retryable())
                        .isFalse())
                .hasMessageStartingWith("the connector may not call attacker.example");
        assertThat(sent).hasSize(4);
    }

    @Test
    void aConfiguredHostThatResolvesInsideShouldBeRefusedAtEveryCall() {
        OutboundTransport t = new OutboundTransport(recorder, OutboundPolicy.STRICT, Set.of("localhost", "127.0.0.1"));
        assertThatThrownBy(() -> t.send(get("https://localhost/api/machines")))
                .isInstanceOf(OutboundTransport.AddressRefusedException.class)
                .hasMessageContaining("resolves to a loopback address");
        assertThatThrownBy(() -> t.send(get("http://127.0.0.1:5432/")))
                .isInstanceOf(OutboundTransport.AddressRefusedException.class)
                .hasMessageContaining("is a loopback address");
        assertThat(sent).isEmpty();
    }
}
