package dev.coffer.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.storage.Validation;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.WriteId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client wire format (docs/protocol.md, "Framing"): a put request turned into a 4-byte
 * big-endian length plus a serialized {@code Request}, and read back. Every write pays both on
 * each hop, and with large values the copies they make are most of a node's CPU per request.
 *
 * <p>{@code encode}: the client's own outbound handlers, as {@code ClientInitializer} installs
 * them ({@code ProtobufEncoder}, then {@code LengthFieldPrepender(4)}), in an
 * {@code EmbeddedChannel}; the frame comes out as the buffers Netty would write to the socket.
 *
 * <p>{@code decode}: the node's reading of one whole frame. Its {@code FrameDecoder} is
 * package-private and needs the node's memory budgets, so its steps are repeated here: read the
 * length, copy the body out of Netty's (direct) receive buffer into a heap buffer of exactly that
 * size, then {@code Request.parseFrom} of its NIO view, as {@code ClientRequestHandler} does.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FrameCodecBenchmark {
  private static final int LENGTH_FIELD_BYTES = 4;

  /** Bytes of the value the put carries. */
  @Param({"1024", "65536"})
  public int valueBytes;

  private Request request;
  private EmbeddedChannel clientOutbound;
  /** One frame as it arrives at the node, in a direct buffer (read through duplicates). */
  private ByteBuf received;

  @Setup
  public void setUp() throws InvalidProtocolBufferException {
    byte[] bytes = new byte[valueBytes];
    new Random(42).nextBytes(bytes);
    ByteString value = ByteString.copyFrom(bytes);
    request = Request.newBuilder()
        .setRequestId(123_456)
        .setPut(PutRequest.newBuilder()
            .setUser("bench-user")
            .setKey(ByteString.copyFromUtf8("photos/2024/0001.jpg"))
            .setValue(value)
            .setCrc32C(Validation.crc32c(value))
            .setWriteId(WriteId.newBuilder()
                .setClientId("0123456789abcdef0123456789abcdef")
                .setSequence(1_000)
                .setAckedBelow(1_000)))
        .build();
    clientOutbound = new EmbeddedChannel(new LengthFieldPrepender(LENGTH_FIELD_BYTES), new ProtobufEncoder());

    // The frame decode() reads is the one encode() writes; check that it reads back whole.
    clientOutbound.writeOutbound(request);
    received = Unpooled.directBuffer();
    for (ByteBuf part; (part = clientOutbound.readOutbound()) != null; ) {
      received.writeBytes(part);
      part.release();
    }
    if (!decode().equals(request)) {
      throw new IllegalStateException("the encoded frame does not decode to the request");
    }
  }

  @TearDown
  public void tearDown() {
    clientOutbound.finishAndReleaseAll();
    received.release();
  }

  /** Request to frame bytes, as the client sends it; returns the frame's size. */
  @Benchmark
  public int encode() {
    clientOutbound.writeOutbound(request);
    int frameBytes = 0;
    for (ByteBuf part; (part = clientOutbound.readOutbound()) != null; ) {
      frameBytes += part.readableBytes();
      part.release();
    }
    return frameBytes;
  }

  /** Frame bytes to Request, as the node reads it. */
  @Benchmark
  public Request decode() throws InvalidProtocolBufferException {
    ByteBuf in = received.duplicate();
    int length = (int) in.readUnsignedInt();
    ByteBuf body = Unpooled.wrappedBuffer(new byte[length]).clear();
    in.readBytes(body, length);
    return Request.parseFrom(body.nioBuffer());
  }
}
