package dev.coffer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The builder rejects bad settings at once, with a message that names the problem. */
class CofferClientBuilderTest {

    @Test
    void build_withoutEndpoints_failsNamingTheCall() {
        assertMessage("endpoints are required: call endpoints(\"host:port,...\")", () -> CofferClient.builder().build());
    }

    @Test
    void endpoints_malformed_failWithTheBadText() {
        assertMessage("endpoint 'localhost' is not host:port", () -> CofferClient.builder().endpoints("localhost"));
        assertMessage("endpoint '' is not host:port", () -> CofferClient.builder().endpoints("a:1,"));
        assertMessage("endpoint 'h:abc' has a port that is not a number", () -> CofferClient.builder().endpoints("h:abc"));
        assertMessage("endpoint 'h:70000' has port 70000 outside 1..65535", () -> CofferClient.builder().endpoints("h:70000"));
        assertMessage("endpoint '::1:80' is not host:port (write IPv6 as [addr]:port)",
                () -> CofferClient.builder().endpoints("::1:80"));
        assertMessage("endpoints must name at least one host:port", () -> CofferClient.builder().endpoints(List.of()));
    }

    @Test
    void timeouts_notPositive_failNamingTheSetting() {
        assertMessage("connectTimeout must be positive, got PT0S",
                () -> CofferClient.builder().connectTimeout(Duration.ZERO));
        assertMessage("requestTimeout must be positive, got PT-1S",
                () -> CofferClient.builder().requestTimeout(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> CofferClient.builder().operationTimeout(null));
    }

    @Test
    void maxFrameBytes_outOfRange_failsWithTheRange() {
        assertMessage("maxFrameBytes must be between 1024 and 2147483643, got 10",
                () -> CofferClient.builder().maxFrameBytes(10));
    }

    @Test
    void retryPolicy_invalid_failsNamingTheArgument() {
        assertMessage("maxAttempts must be at least 1, got 0",
                () -> RetryPolicy.exponentialBackoff(0, Duration.ofMillis(1), Duration.ofMillis(2)));
        assertMessage("maxBackoff (PT0.001S) must not be shorter than firstBackoff (PT0.002S)",
                () -> RetryPolicy.exponentialBackoff(3, Duration.ofMillis(2), Duration.ofMillis(1)));
    }

    @Test
    void build_normalisesAndDeduplicatesEndpoints() {
        try (CofferClient client = CofferClient.builder()
                .endpoints(" 127.0.0.1:7101,127.0.0.1:7101,[::1]:7102,node-3.example:7103")
                .build()) {
            assertEquals(List.of("127.0.0.1:7101", "[::1]:7102", "node-3.example:7103"), client.endpoints());
        }
    }

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
