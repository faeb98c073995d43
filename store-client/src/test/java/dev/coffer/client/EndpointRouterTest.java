package dev.coffer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointRouterTest {
    private final Endpoint a = Endpoint.parse("a:1");
    private final Endpoint b = Endpoint.parse("b:1");
    private final Endpoint c = Endpoint.parse("c:1");
    private final EndpointRouter router = new EndpointRouter(List.of(a, b, c));

    @Test
    void first_withoutLeader_rotatesOverEndpoints() {
        assertEquals(List.of(a, b, c, a), List.of(router.first(), router.first(), router.first(), router.first()));
    }

    @Test
    void first_withLeader_alwaysTheLeader() {
        router.leaderIs(b);

        assertEquals(List.of(b, b), List.of(router.first(), router.first()));
    }

    @Test
    void next_afterFailure_isFollowingEndpointOrOtherKnownLeader() {
        assertEquals(b, router.next(a));
        assertEquals(a, router.next(c));
        router.leaderIs(c);
        assertEquals(c, router.next(a));
    }

    @Test
    void notLeader_forgetsOnlyThatNode() {
        router.leaderIs(b);

        router.notLeader(a);
        assertEquals(Optional.of(b), router.leader());
        router.notLeader(b);
        assertEquals(Optional.empty(), router.leader());
        assertEquals(c, router.next(b));
    }

    @Test
    void leaderIs_unknownAddress_isAddedToEndpoints() {
        router.leaderIs(Endpoint.parse("d:1"));

        assertEquals(List.of("a:1", "b:1", "c:1", "d:1"), router.endpoints());
    }
}
