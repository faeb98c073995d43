package dev.coffer.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The budgeted frame decoder on an in-memory channel: fragments, budget waits, refusals. */
class FrameDecoderTest {
  private static final int MAX_FRAME = 128 << 10; // above the 64 KiB of a small frame

  private final ByteBudget node = new ByteBudget(4 * MAX_FRAME);
  private final ClientLimits limits = new ClientLimits(MAX_FRAME, node.limit(), 2 * MAX_FRAME, 10, 0,
      Duration.ofMinutes(1), Duration.ofMinutes(1));
  private ConnectionBudget budget;

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    budget = new ConnectionBudget(ch, node, limits);
    ch.pipeline().addLast(new FrameDecoder(limits, budget));
    return ch;
  }

  private static ByteBuf frame(int length, byte... prefix) {
    ByteBuf b = Unpooled.buffer(4 + length).writeInt(length).writeBytes(prefix);
    return b.writeZero(length - prefix.length);
  }

  @Test
  void decode_frameInOneByteFragments_oneFrameWithItsBudgetReserved() {
    EmbeddedChannel ch = channel();
    ByteBuf whole = frame(100, (byte) 0x08, (byte) 7);
    while (whole.isReadable()) {
      ch.writeInbound(whole.readRetainedSlice(1));
    }
    whole.release();
    Inbound.Frame f = assertInstanceOf(Inbound.Frame.class, ch.readInbound());
    assertEquals(100, f.length());
    assertEquals(100, f.body().readableBytes());
    assertEquals(100, node.used(), "held until the request is answered");
    f.body().release();
    assertNull(ch.readInbound());
  }

  /** Counts the reads asked of the channel. */
  private static final class ReadCounter extends io.netty.channel.ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void read(io.netty.channel.ChannelHandlerContext ctx) {
      count++;
      ctx.read();
    }
  }

  @Test
  void decode_emptyFrame_emittedAtOnce() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.buffer().writeInt(0));
    Inbound.Frame f = assertInstanceOf(Inbound.Frame.class, ch.readInbound());
    assertEquals(0, f.length());
    f.body().release();
  }

  @Test
  void decode_nodeBudgetFull_connectionNotReadUntilBytesAreReleased() {
    assertTrue(node.tryReserve(node.limit() - 10));
    EmbeddedChannel ch = channel();
    ch.writeInbound(frame(100));
    assertNull(ch.readInbound(), "no room: the frame waits");
    assertFalse(ch.config().isAutoRead(), "and the connection is not read");
    ReadCounter reads = new ReadCounter();
    ch.pipeline().addFirst(reads);
    ch.writeInbound(Unpooled.buffer().writeZero(10));
    assertEquals(0, reads.count, "not even to finish the frame: that would pile the client's bytes up");

    node.release(node.limit() - 10);
    ch.runPendingTasks();
    Inbound.Frame f = assertInstanceOf(Inbound.Frame.class, ch.readInbound());
    assertEquals(100, f.length());
    assertTrue(ch.config().isAutoRead());
    f.body().release();
  }

  @Test
  void decode_largeFrameWithOnlySmallRoomLeft_waitsWhileASmallOneWouldPass() {
    assertTrue(node.tryReserve(node.limit() / 4 * 3 - 100));
    EmbeddedChannel ch = channel();
    ch.writeInbound(frame(MAX_FRAME));
    assertNull(ch.readInbound(), "a large frame may fill only three quarters of the budget");
    EmbeddedChannel other = channel();
    other.writeInbound(frame(200));
    Inbound.Frame small = assertInstanceOf(Inbound.Frame.class, other.readInbound());
    small.body().release();
  }

  @Test
  void decode_frameAboveLimit_refusedWithItsIdThenSkippedAndTheNextOneRead() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(frame(MAX_FRAME + 1, (byte) 0x08, (byte) 42));
    Inbound.Rejected r = assertInstanceOf(Inbound.Rejected.class, ch.readInbound());
    assertEquals(Status.VALUE_TOO_LARGE, r.status());
    assertEquals(42, r.requestId());
    assertFalse(r.close());
    assertEquals(0, node.used(), "a refused frame is never buffered");
    ch.writeInbound(frame(10));
    Inbound.Frame next = assertInstanceOf(Inbound.Frame.class, ch.readInbound());
    assertEquals(10, next.length());
    next.body().release();
  }

  @Test
  void decode_lengthWithTopBitSet_malformedAndClosed() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.buffer().writeInt(0x80000001).writeByte(1));
    Inbound.Rejected r = assertInstanceOf(Inbound.Rejected.class, ch.readInbound());
    assertEquals(Status.MALFORMED_FRAME, r.status());
    assertTrue(r.close());
  }

  @Test
  void close_withAFrameHalfRead_releasesItsReservation() {
    EmbeddedChannel ch = channel();
    ByteBuf half = frame(500).writerIndex(4 + 250);
    ch.writeInbound(half);
    assertEquals(500, node.used());
    ch.close();
    assertEquals(0, node.used());
  }
}
