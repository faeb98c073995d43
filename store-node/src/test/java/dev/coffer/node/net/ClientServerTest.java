package dev.coffer.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientServerTest {
  private static final ClientLimits WANTED = new ClientLimits(1 << 20, 64L << 20, 16L << 20, 1024, 512,
      Duration.ofMinutes(1), Duration.ofMinutes(1));

  @Test
  void connectionCap_fitsTheOpenFileLimit() {
    assertEquals(1024, ClientServer.connectionCap(WANTED, 1 << 20));
    assertEquals(512, ClientServer.connectionCap(WANTED, 1024), "lowered to what the limit allows");
    IllegalStateException tooLow = assertThrows(IllegalStateException.class,
        () -> ClientServer.connectionCap(WANTED, 550));
    assertTrue(tooLow.getMessage().contains("ulimit -n"), tooLow.getMessage());
  }
}
