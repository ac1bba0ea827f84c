package dev.rampart.defender.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.defender.auth.AccessToken;
import dev.rampart.defender.auth.TokenProvider;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.error.NotFoundException;
import dev.rampart.defender.error.PermissionException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline against a scripted transport: what it sends, when it retries, how long it waits. */
class HttpPipelineTest {
    static final String SECRET_TOKEN = "eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJNYWNoaW5lLlJlYWQuQWxsIl19.sig";

    record Answer(int status, Map<String, String> headers, String body, boolean fail) {
        static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body, false);
        }
    }

    static final class Scripted implements Transport {
        final Deque<Answer> answers = new ArrayDeque<>();
        final List<Request> sent = new ArrayList<>();

        @Override
        public Response send(Request request) throws IOException {
            sent.add(request);
            Answer a = answers.removeFirst();
            if (a.fail()) {
                throw new IOException("connection reset");
            }
            InputStream body = new ByteArrayInputStream(a.body().getBytes(StandardCharsets.UTF_8));
            return new Response() {
                @Override
                public int status() {
                    return a.status();
                }

                @Override
                public List<String> headers(String name) {
                    String v = a.headers().get(name);
                    return v == null ? List.of() : List.of(v);
                }

                @Override
                public Map<String, List<String>> allHeaders() {
                    return Map.of();
                }

                @Override
                public InputStream body() {
                    return body;
                }
            };
        }
    }

    static final class RecordingSleeper implements RateLimiter.Sleeper {
        final List<Duration> slept = new ArrayList<>();
        long now;

        @Override
        public void sleep(Duration d) {
            slept.add(d);
            now += d.toNanos();
        }

        @Override
        public long nanoTime() {
            return now;
        }
    }

    static final class Tokens implements TokenProvider {
        int issued;
        int forced;

        @Override
        public AccessToken token(String scope, boolean forceRefresh) {
            if (forceRefresh) {
                forced++;
            }
            issued++;
            return new AccessToken(SECRET_TOKEN, Instant.now().plusSeconds(3600));
        }
    }

    final Scripted transport = new Scripted();
    final RecordingSleeper sleeper = new RecordingSleeper();
    final Tokens tokens = new Tokens();
    final HttpPipeline pipeline = new HttpPipeline(
            transport,
            tokens,
            "https://api.securitycenter.microsoft.com/.default",
            "https://graph.microsoft.com/.default",
            new RateLimiter(true, sleeper),
            RetryPolicy.DEFAULT,
            sleeper,
            "MdatpPartner-Rampart-Test/0.1.0",
            new CallStats());

    static HttpPipeline.Call call() {
        return HttpPipeline.Call.get(
                URI.create("https://api.security.microsoft.com/api/machines?$filter=x%20eq%20'secret'"),
                "machines",
                new RateLimiter.Quota(100, 1500),
                HttpPipeline.Auth.DEFENDER,
                List.of("Machine.Read.All"));
    }

    @Test
    void everyAttemptOfOneCallShouldCarryTheSameRequestIdAndThePartnerUserAgent() throws IOException {
        transport.answers.add(Answer.of(503, "{}"));
        transport.answers.add(new Answer(0, Map.of(), "", true));
        transport.answers.add(Answer.of(200, "{\"value\":[]}"));
        pipeline.execute(call()).close();
        assertThat(transport.sent).hasSize(3);
        String id = transport.sent.get(0).headers().get("client-request-id");
        assertThat(transport.sent).allMatch(r -> id.equals(r.headers().get("client-request-id")));
        assertThat(transport.sent.get(0).headers().get("User-Agent")).isEqualTo("MdatpPartner-Rampart-Test/0.1.0");
        assertThat(transport.sent.get(0).headers().get("Authorization")).isEqualTo("Bearer " + SECRET_TOKEN);
    }

    @Test
    void backoffShouldGrowExponentiallyWithJitterAndStopAfterThreeRetries() {
        for (int i = 0; i < 4; i++) {
            transport.answers.add(
                    Answer.of(500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"boom\"}}"));
        }
        assertThatThrownBy(() -> pipeline.execute(call()))
                .isInstanceOf(DefenderException.class)
                .hasMessageContaining("500");
        assertThat(transport.sent).hasSize(4);
        assertThat(sleeper.slept).hasSize(3);
        assertThat(sleeper.slept.get(0)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
        assertThat(sleeper.slept.get(1)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1600));
        assertThat(sleeper.slept.get(2)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(3200));
    }

    @Test
    void retryAfterShouldWinOverBackoff() throws IOException {
        transport.answers.add(new Answer(
                429, Map.of("Retry-After", "7"), "{\"error\":{\"code\":\"429\",\"message\":\"quota\"}}", false));
        transport.answers.add(Answer.of(200, "{\"value\":[]}"));
        pipeline.execute(call()).close();
        assertThat(sleeper.slept).containsExactly(Duration.ofSeconds(7));
        assertThat(pipeline.stats().snapshot().throttled()).isEqualTo(1);
    }

    @Test
    void otherClientErrorsShouldNotBeRetried() {
        transport.answers.add(
                Answer.of(404, "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"Machine x was not found\"}}"));
        assertThatThrownBy(() -> pipeline.execute(call())).isInstanceOf(NotFoundException.class);
        assertThat(transport.sent).hasSize(1);
    }

    @Test
    void unauthorizedShouldGetOneFreshTokenBeforeItIsBelieved() throws IOException {
        transport.answers.add(
                Answer.of(401, "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"Token is expired.\"}}"));
        transport.answers.add(Answer.of(200, "{\"value\":[]}"));
        pipeline.execute(call()).close();
        assertThat(tokens.forced).isEqualTo(1);
        assertThat(pipeline.stats().snapshot().retries()).isZero();
    }

    @Test
    void forbiddenShouldNameTheRolesFromTheMessage() {
        transport.answers.add(
                Answer.of(
                        403,
                        "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing application roles."
                                + " API required roles: Alert.Read.All, Alert.ReadWrite.All, application roles: Machine.Read.All\"}}"));
        assertThatThrownBy(() -> pipeline.execute(call()))
                .isInstanceOf(PermissionException.class)
                .satisfies(e -> assertThat(((PermissionException) e).requiredRoles())
                        .containsExactly("Alert.Read.All", "Alert.ReadWrite.All"));
    }

    @Test
    void errorsShouldRedactQueryValuesAndNeverShowTheToken() {
        transport.answers.add(Answer.of(400, "{\"error\":{\"code\":\"ODataError\",\"message\":\"bad\"}}"));
        DefenderException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                DefenderException.class, () -> pipeline.execute(call()));
        assertThat(e.url()).isEqualTo("https://api.security.microsoft.com/api/machines?$filter=***");
        assertThat(e.getMessage())
                .doesNotContain("secret")
                .doesNotContain(SECRET_TOKEN)
                .contains(e.requestId());
        assertThat(e.errorCode()).isEqualTo("ODataError");
    }

    @Test
    void limiterShouldHoldTheHundredAndFirstCallOfAMinute() throws IOException {
        for (int i = 0; i < 101; i++) {
            transport.answers.add(Answer.of(200, "{\"value\":[]}"));
            pipeline.execute(call()).close();
        }
        assertThat(sleeper.slept).hasSize(1);
        assertThat(sleeper.slept.get(0))
                .isGreaterThan(Duration.ofSeconds(59))
                .isLessThanOrEqualTo(Duration.ofSeconds(61));
        assertThat(pipeline.stats().snapshot().limiterWaits()).isEqualTo(1);
    }

    @Test
    void retryAfterMayBeAnHttpDate() {
        assertThat(HttpPipeline.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Duration.ofSeconds(3)))
                .isEqualTo(Duration.ZERO);
        assertThat(HttpPipeline.parseRetryAfter("nonsense", Duration.ofSeconds(3)))
                .isEqualTo(Duration.ofSeconds(3));
    }
}
