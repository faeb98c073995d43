package dev.coffer.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.CofferNode;
import dev.coffer.node.NodeConfig;
import dev.coffer.node.admin.NodeMetrics;
import dev.coffer.node.storage.Directories;
import dev.coffer.node.storage.Validation;
import dev.coffer.node.testing.InProcessCluster;
import dev.coffer.node.testing.RawConnection;
import dev.coffer.proto.MembershipRequest;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.StatusRequest;
import dev.coffer.proto.WriteId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * Jazzer fuzz tests of the client port (issue 11). Each input is a control byte and the bytes a
 * client sends ({@link FuzzInput}); {@link FrameModel} says, from docs/protocol.md, what the node
 * must answer to them.
 *
 * <ul>
 *   <li>{@link #decoder}: {@link FrameDecoder} and {@link ClientRequestHandler} with a real
 *       {@link RequestProcessor} on an {@link EmbeddedChannel}, fed the bytes in arbitrary
 *       fragments, under budget pressure, past frame deadlines and closed halfway. The processor's
 *       cluster services (Raft, storage, backups) are left out: a request that passes validation
 *       reaches one and is answered INTERNAL (or OVERLOADED), which the test expects; everything
 *       before that (parsing, refusals, validation, budgets, replies) is the real code.
 *   <li>{@link #node}: the same bytes over a real socket to a real single-node cluster, started
 *       once per run: every reply is a valid Response with a documented status, never INTERNAL,
 *       the node holds no bytes once the connection is gone, and it keeps serving.
 * </ul>
 *
 * <p>{@code mvn verify} runs each for a few seconds in fuzzing mode (after its corpus); with
 * {@code -Dtest=FrameFuzzTest} it runs only the corpus (regression mode); scripts/fuzz.sh runs them
 * for longer. See docs/testing.md, "Fuzzing".
 */
class FrameFuzzTest {
  /** The decoder test's small frame limit (the node's is tested with {@link FuzzInput#NODE_LIMITS}). */
  static final int SMALL_MAX_FRAME = 1024;
  /** max.value.bytes of the live node and of the decoder test's processor. */
  static final int MAX_VALUE = 1024;
  /** The node's frame limit: max.value.bytes + 64 KiB. */
  static final int NODE_MAX_FRAME = MAX_VALUE + (64 << 10);
  static final Duration FRAME_TIMEOUT = Duration.ofMinutes(1);
  /** How long the node test waits for a reply (or for the node to let go of a connection's bytes). */
  static final Duration REPLY_WAIT = Duration.ofSeconds(10);

  // The two bugs these tests found are fixed: frames read together with an unreadable one are
  // dropped by ClientRequestHandler (the decoder still hands them on, which the decoder test
  // counts, see Spy.afterClose), and a digest of an index not applied yet waits at most 30 s and
  // holds nothing once its client is gone (ConnectionBudget.closed). Inputs:
  // decoder/served-after-malformed, node/digest-of-a-future-index.

  static final Stats decoderStats = new Stats("decoder");
  static final Stats nodeStats = new Stats("node");

  private static RequestProcessor processor;
  private static NodeMetrics metrics;
  private static Path processorDir;
  private static LiveNode live;
  private static ListAppender<ILoggingEvent> errors;
  private static Level savedLevel;

  @BeforeAll
  static void setUp() throws IOException {
    // The client port logs every refused frame at INFO or WARN; keep errors only, and fail on them.
    Logger net = (Logger) LoggerFactory.getLogger("dev.coffer.node.net");
    savedLevel = net.getLevel();
    net.setLevel(Level.ERROR);
    errors = new ListAppender<>();
    errors.start();
    net.addAppender(errors);

    processorDir = Files.createTempDirectory("frame-fuzz");
    NodeConfig config = NodeConfig.of(Map.of("node.id", "fuzz", "data.dir", processorDir.toString(),
        "client.address", "127.0.0.1:1", "raft.address", "127.0.0.1:2", "peer.fuzz", "127.0.0.1:2,127.0.0.1:1",
        "max.value.bytes", Integer.toString(MAX_VALUE)), true);
    metrics = new NodeMetrics("frame-fuzz");
    // Executors that run at once keep every answer on the test's thread, as EmbeddedChannel needs.
    processor = new RequestProcessor(config, null, null, null, Runnable::run, Runnable::run, Runnable::run, null,
        metrics, null, null, null);
  }

  @AfterAll
  static void tearDown() throws IOException {
    try {
      decoderStats.report();
      nodeStats.report();
    } finally {
      Logger net = (Logger) LoggerFactory.getLogger("dev.coffer.node.net");
      net.detachAppender(errors);
      net.setLevel(savedLevel);
      metrics.close();
      Directories.deleteTree(processorDir);
      if (live != null) {
        live.close();
        live = null;
      }
    }
  }

  // ---------------------------------------------------------------- the decoder and handler

  @FuzzTest(maxDuration = "5s")
  @DictionaryFile(resourcePath = "frames.dict")
  void decoder(byte[] data) {
    decoderStats.executions.incrementAndGet();
    FuzzInput input = FuzzInput.of(data);
    int maxFrame = input.has(FuzzInput.NODE_LIMITS) ? NODE_MAX_FRAME : SMALL_MAX_FRAME;
    ClientLimits limits = new ClientLimits(maxFrame, 4L * maxFrame, 2L * maxFrame, 16, 0, Duration.ofMinutes(5),
        FRAME_TIMEOUT);
    FrameModel model = FrameModel.of(input.wire(), maxFrame, MAX_VALUE);
    ByteBudget node = new ByteBudget(limits.memoryBytes());
    Pressure pressure = new Pressure(node);
    EmbeddedChannel ch = new EmbeddedChannel();
    ConnectionBudget budget = new ConnectionBudget(ch, node, limits);
    Spy spy = new Spy(model, node, budget, pressure, maxFrame);
    ch.pipeline().addLast("frameDecoder", new FrameDecoder(limits, budget));
    ch.pipeline().addLast("frameEncoder", new LengthFieldPrepender(4));
    ch.pipeline().addLast("protobufEncoder", new ProtobufEncoder());
    ch.pipeline().addLast("spy", spy);
    ch.pipeline().addLast("handler", new ClientRequestHandler(processor, budget));
    Logger requests = (Logger) LoggerFactory.getLogger(RequestProcessor.class);
    requests.setLevel(Level.OFF); // the left-out services fail, by design: not a finding here
    errors.list.clear();
    try {
      int mode = input.pressure();
      if (mode != 0) {
        pressure.hold(node.limit() - 16); // frames of more than 16 bytes wait
      }
      List<byte[]> pieces = input.fragments(4096);
      int half = pieces.size() / 2;
      boolean closedEarly = false;
      for (int i = 0; i < pieces.size() && ch.isOpen(); i++) {
        if (i == half) {
          if (mode == 1 || mode == 3) {
            pressure.release();
          }
          ch.runPendingTasks();
          if (input.has(FuzzInput.CLOSE_EARLY)) {
            ch.close();
            closedEarly = true;
            break;
          }
        }
        if (!ch.isOpen()) {
          break; // closed by what the retried frames held
        }
        ch.writeInbound(Unpooled.wrappedBuffer(pieces.get(i)));
      }
      if (mode == 1 || mode == 3) {
        pressure.release();
      }
      ch.runPendingTasks();
      boolean deadlinePassed = false;
      if (input.has(FuzzInput.DEADLINE) && ch.isOpen()) {
        ch.advanceTimeBy(limits.frameDeadline(Integer.MAX_VALUE).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        deadlinePassed = true;
      }

      List<Response> replies = drainReplies(ch, spy.violations);
      boolean complete = mode != 2 && !closedEarly; // every frame in the stream was acted on
      check(spy.violations.isEmpty(), "pipeline invariants", spy.violations, input);
      check(replies.size() == spy.seen - spy.afterClose, "one reply per frame: " + (spy.seen - spy.afterClose)
          + " frames, " + replies.size() + " replies", List.of(), input);
      check(complete ? replies.size() == model.events.size() : replies.size() <= model.events.size(),
          "frames acted on: the stream holds " + model.events.size() + ", " + replies.size() + " answered", List.of(),
          input);
      for (int i = 0; i < replies.size(); i++) {
        FrameModel.Event event = model.events.get(i);
        Response reply = replies.get(i);
        Set<Status> allowed = event.fixed() != null ? EnumSet.of(event.fixed())
            : EnumSet.of(Status.INTERNAL, Status.OVERLOADED); // a left-out service was reached
        checkReply(reply, allowed, event.requestId(), input);
        decoderStats.count(reply.getStatus());
      }
      if (complete) {
        boolean shouldClose = model.closes || deadlinePassed && model.openFrame;
        check(ch.isOpen() != shouldClose, "connection " + (ch.isOpen() ? "open" : "closed") + ", expected "
            + (shouldClose ? "closed" : "open"), List.of(), input);
      }

      ch.close();
      ch.runPendingTasks();
      check(budget.bytesHeld() == 0, "a closed connection holds " + budget.bytesHeld() + " bytes", List.of(), input);
      check(node.used() == pressure.held, "a closed connection left " + (node.used() - pressure.held)
          + " bytes reserved in the node's budget", List.of(), input);
      pressure.release();
      ch.runPendingTasks();
      check(node.used() == 0, "node budget " + node.used() + " after everything was released", List.of(), input);
      check(spy.violations.isEmpty(), "pipeline invariants after close", spy.violations, input);
      check(errors.list.isEmpty(), "errors logged: " + errors.list, List.of(), input);
      decoderStats.frames.addAndGet(spy.seen);
      decoderStats.servedAfterMalformed.addAndGet(spy.afterClose);
    } finally {
      requests.setLevel(null);
      ch.finishAndReleaseAll();
    }
  }

  /** Bytes held in the node's budget by other connections. */
  private static final class Pressure {
    private final ByteBudget node;
    long held;

    Pressure(ByteBudget node) {
      this.node = node;
    }

    void hold(long bytes) {
      node.charge(bytes);
      held += bytes;
    }

    void release() {
      if (held > 0) {
        long bytes = held;
        held = 0;
        node.release(bytes);
      }
    }
  }

  /**
   * Sits between the decoder and the handler and checks what the decoder hands on: each frame as
   * the stream declared it, within the limit, with exactly its length reserved; each refusal with
   * nothing reserved; nothing after a refusal that closes the connection; no exception.
   */
  private static final class Spy extends ChannelInboundHandlerAdapter {
    private final FrameModel model;
    private final ByteBudget node;
    private final ConnectionBudget budget;
    private final Pressure pressure;
    private final int maxFrame;
    final List<String> violations = new ArrayList<>();
    int seen;
    /** Frames handed on after the one whose reply closes the connection; the handler drops them. */
    int afterClose;
    private boolean closedByRefusal;

    Spy(FrameModel model, ByteBudget node, ConnectionBudget budget, Pressure pressure, int maxFrame) {
      this.model = model;
      this.node = node;
      this.budget = budget;
      this.pressure = pressure;
      this.maxFrame = maxFrame;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      int index = seen++;
      if (model.closes && index >= model.events.size() && !closedByRefusal
          && model.events.get(model.events.size() - 1).kind() == FrameModel.Kind.FRAME) {
        // The handler closed the connection after an unreadable frame; the decoder goes on.
        afterClose++; // dropped by the handler, not served (ProtocolTest checks it on a real node)
        if (msg instanceof Inbound.Frame frame && (node.used() != pressure.held + frame.length()
            || budget.bytesHeld() != frame.length())) {
          violations.add("frame " + index + " of " + frame.length() + " bytes: node budget holds "
              + (node.used() - pressure.held) + ", the connection " + budget.bytesHeld());
        }
        ctx.fireChannelRead(msg);
        return;
      }
      if (closedByRefusal) {
        violations.add("frame " + index + " handed on after a refusal that closes the connection: " + msg);
      }
      FrameModel.Event event = index < model.events.size() ? model.events.get(index) : null;
      if (event == null) {
        violations.add("frame " + index + " handed on, but the stream holds only " + model.events.size() + ": " + msg);
      }
      if (msg instanceof Inbound.Frame frame) {
        if (frame.length() != frame.body().readableBytes() || frame.length() > maxFrame) {
          violations.add("frame " + index + " of length " + frame.length() + " has " + frame.body().readableBytes()
              + " bytes (limit " + maxFrame + ")");
        }
        if (event != null && (event.kind() != FrameModel.Kind.FRAME || event.length() != frame.length()
            || !Arrays.equals(event.body(), ByteBufUtil.getBytes(frame.body())))) {
          violations.add("frame " + index + " (" + frame.length() + " bytes) is not the stream's " + event.kind()
              + " of " + event.length() + " bytes, or its bytes differ");
        }
        if (node.used() != pressure.held + frame.length() || budget.bytesHeld() != frame.length()) {
          violations.add("frame " + index + " of " + frame.length() + " bytes: node budget holds "
              + (node.used() - pressure.held) + ", the connection " + budget.bytesHeld());
        }
      } else if (msg instanceof Inbound.Rejected rejected) {
        if (event != null) {
          boolean matches = switch (event.kind()) {
            case TOP_BIT -> rejected.status() == Status.MALFORMED_FRAME && rejected.close();
            case TOO_LARGE -> rejected.status() == Status.VALUE_TOO_LARGE && !rejected.close()
                && (event.requestId() == null || event.requestId() == rejected.requestId());
            case FRAME -> false;
          };
          if (!matches) {
            violations.add("refusal " + rejected + " for the stream's " + event.kind() + " of " + event.length()
                + " bytes (id " + event.requestId() + ")");
          }
        }
        if (node.used() != pressure.held || budget.bytesHeld() != 0) {
          violations.add("refused frame " + index + " holds budget: node " + (node.used() - pressure.held)
              + ", connection " + budget.bytesHeld());
        }
        closedByRefusal |= rejected.close();
      } else {
        violations.add("decoder handed on " + msg);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      violations.add("exception out of the decoder: " + cause);
      ctx.fireExceptionCaught(cause);
    }
  }

  private static List<Response> drainReplies(EmbeddedChannel ch, List<String> violations) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) o;
      try {
        out.writeBytes(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
    }
    byte[] bytes = out.toByteArray();
    List<Response> replies = new ArrayList<>();
    int pos = 0;
    while (pos < bytes.length) {
      if (bytes.length - pos < 4) {
        violations.add("reply stream ends in a length: " + (bytes.length - pos) + " bytes");
        break;
      }
      int length = (bytes[pos] & 0xff) << 24 | (bytes[pos + 1] & 0xff) << 16 | (bytes[pos + 2] & 0xff) << 8
          | bytes[pos + 3] & 0xff;
      if (length < 0 || length > bytes.length - pos - 4) {
        violations.add("reply frame of " + length + " bytes, " + (bytes.length - pos - 4) + " left");
        break;
      }
      try {
        replies.add(Response.parseFrom(Arrays.copyOfRange(bytes, pos + 4, pos + 4 + length)));
      } catch (InvalidProtocolBufferException e) {
        violations.add("reply is not a Response: " + e.getMessage());
      }
      pos += 4 + length;
    }
    return replies;
  }

  // ---------------------------------------------------------------- a live node over a socket

  @FuzzTest(maxDuration = "5s")
  @DictionaryFile(resourcePath = "frames.dict")
  void node(byte[] data) throws Exception {
    nodeStats.executions.incrementAndGet();
    FuzzInput input = FuzzInput.of(data);
    FrameModel model = FrameModel.of(input.wire(), NODE_MAX_FRAME, MAX_VALUE);
    if (live == null) {
      live = LiveNode.start();
    }
    Optional<String> skip = live.skipReason(model);
    if (skip.isPresent()) {
      nodeStats.skipped.incrementAndGet();
      return;
    }
    errors.list.clear();
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == live.port)) {
      List<Response> replies = new ArrayList<>();
      boolean closedByNode = false;
      boolean clean = !model.closes && !model.openFrame && !model.partialHeader && !input.has(FuzzInput.CLOSE_EARLY);
      try (WireClient client = new WireClient(live.port)) {
        for (byte[] piece : input.fragments(256)) {
          try {
            client.write(piece);
          } catch (IOException e) {
            if (!model.closes) {
              throw new AssertionError("node dropped the connection while it was sent "
                  + describe(input), e);
            }
            break; // it closes after a malformed frame: the rest may find no one listening
          }
        }
        if (!input.has(FuzzInput.CLOSE_EARLY)) {
          long deadline = System.nanoTime() + REPLY_WAIT.toNanos();
          while (replies.size() < model.events.size()) {
            Optional<Response> reply = client.read(deadline);
            if (reply.isEmpty()) {
              closedByNode = true;
              break;
            }
            replies.add(reply.get());
          }
          if (model.closes) {
            check(closedByNode || client.closedBy(deadline), "the node did not close the connection after "
                + model.events.get(model.events.size() - 1).fixed(), List.of(), input);
          } else {
            check(replies.size() == model.events.size(), model.events.size() + " frames sent, "
                + replies.size() + " replies, then the node closed the connection", List.of(), input);
          }
          if (clean) {
            // The node answers nothing more, and this connection still serves.
            Response status = client.call(statusRequest(), deadline);
            check(status.getRequestId() == PROBE_ID && status.getStatus() == Status.OK,
                "after the frames, a status request got " + brief(status), List.of(), input);
          }
        }
      }
      matchReplies(model, replies, input);
      live.awaitNothingInFlight(input);
      check(errors.list.isEmpty(), "errors logged: " + errors.list, List.of(), input);
      if (!clean) {
        live.probe(input);
      }
      nodeStats.frames.addAndGet(model.events.size());
    }
  }

  static final long PROBE_ID = 0x7eadbeefL;

  static Request statusRequest() {
    return Request.newBuilder().setRequestId(PROBE_ID).setStatus(StatusRequest.getDefaultInstance()).build();
  }

  /** Statuses a request that passed validation may get from a live node. */
  private static Set<Status> servedStatuses(Request request) {
    Set<Status> allowed = EnumSet.allOf(Status.class);
    allowed.removeAll(EnumSet.of(Status.UNRECOGNIZED, Status.STATUS_UNSPECIFIED, Status.INTERNAL,
        Status.MALFORMED_FRAME, Status.UNKNOWN_OPERATION));
    if (FrameModel.isDataOperation(request)) {
      allowed.remove(Status.INVALID_ARGUMENT);
    }
    return allowed;
  }

  /**
   * Replies come in any order: each must answer a distinct frame, as the model allows. A matching
   * of replies to frames, computed as a flow between classes of alike replies (id, status) and
   * alike frames (id, allowed statuses): an input may hold thousands of frames.
   */
  private static void matchReplies(FrameModel model, List<Response> replies, FuzzInput input) {
    Map<List<Object>, Integer> frameClasses = new java.util.LinkedHashMap<>();
    for (FrameModel.Event event : model.events) {
      Set<Status> allowed = event.fixed() != null ? EnumSet.of(event.fixed()) : servedStatuses(event.request());
      frameClasses.merge(Arrays.asList(event.requestId(), allowed), 1, Integer::sum);
    }
    Map<List<Object>, Integer> replyClasses = new java.util.LinkedHashMap<>();
    for (Response reply : replies) {
      checkReply(reply, EnumSet.allOf(Status.class), null, input);
      nodeStats.count(reply.getStatus());
      replyClasses.merge(Arrays.asList(reply.getRequestId(), reply.getStatus()), 1, Integer::sum);
    }
    List<List<Object>> frameKeys = new ArrayList<>(frameClasses.keySet());
    List<List<Object>> replyKeys = new ArrayList<>(replyClasses.keySet());
    // Nodes: 0 source, 1 sink, then reply classes, then frame classes.
    Flow flow = new Flow(2 + replyKeys.size() + frameKeys.size());
    Map<Long, List<Integer>> framesById = new java.util.HashMap<>();
    List<Integer> framesOfAnyId = new ArrayList<>();
    for (int f = 0; f < frameKeys.size(); f++) {
      Long id = (Long) frameKeys.get(f).get(0);
      (id == null ? framesOfAnyId : framesById.computeIfAbsent(id, k -> new ArrayList<>())).add(f);
      flow.edge(2 + replyKeys.size() + f, 1, frameClasses.get(frameKeys.get(f)));
    }
    for (int r = 0; r < replyKeys.size(); r++) {
      flow.edge(0, 2 + r, replyClasses.get(replyKeys.get(r)));
      Long id = (Long) replyKeys.get(r).get(0);
      Status status = (Status) replyKeys.get(r).get(1);
      for (List<Integer> fs : List.of(framesById.getOrDefault(id, List.of()), framesOfAnyId)) {
        for (int f : fs) {
          @SuppressWarnings("unchecked")
          Set<Status> allowed = (Set<Status>) frameKeys.get(f).get(1);
          if (allowed.contains(status)) {
            flow.edge(2 + r, 2 + replyKeys.size() + f, Integer.MAX_VALUE);
          }
        }
      }
    }
    int matched = flow.max(0, 1);
    check(matched == replies.size(), (replies.size() - matched) + " of " + replies.size()
        + " replies answer none of the frames sent; expected " + expectations(model) + ", got "
        + replies.stream().map(FrameFuzzTest::brief).toList(), List.of(), input);
  }

  /** Edmonds–Karp maximum flow on a small graph. */
  private static final class Flow {
    private final List<List<int[]>> out = new ArrayList<>(); // edge: {to, capacity, index of reverse}

    Flow(int nodes) {
      for (int i = 0; i < nodes; i++) {
        out.add(new ArrayList<>());
      }
    }

    void edge(int from, int to, int capacity) {
      out.get(from).add(new int[] {to, capacity, out.get(to).size()});
      out.get(to).add(new int[] {from, 0, out.get(from).size() - 1});
    }

    int max(int source, int sink) {
      int total = 0;
      while (true) {
        int[][] via = new int[out.size()][]; // the edge each node was reached by
        int[] from = new int[out.size()];
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(source));
        boolean[] seen = new boolean[out.size()];
        seen[source] = true;
        while (!queue.isEmpty() && !seen[sink]) {
          int node = queue.poll();
          for (int[] e : out.get(node)) {
            if (e[1] > 0 && !seen[e[0]]) {
              seen[e[0]] = true;
              via[e[0]] = e;
              from[e[0]] = node;
              queue.add(e[0]);
            }
          }
        }
        if (!seen[sink]) {
          return total;
        }
        int push = Integer.MAX_VALUE;
        for (int v = sink; v != source; v = from[v]) {
          push = Math.min(push, via[v][1]);
        }
        for (int v = sink; v != source; v = from[v]) {
          via[v][1] -= push;
          out.get(v).get(via[v][2])[1] += push;
        }
        total += push;
      }
    }
  }

  private static String expectations(FrameModel model) {
    return model.events.stream().limit(40).map(e -> (e.fixed() == null ? "served " + e.request().getOpCase() : e.fixed())
        + (e.requestId() == null ? "" : " #" + Long.toUnsignedString(e.requestId()))).toList().toString();
  }

  /** A single-node cluster on this JVM, started at the first input of a run. */
  private static final class LiveNode implements AutoCloseable {
    final Path dir;
    final InProcessCluster cluster;
    final String id;
    final int port;
    final ClientServer server;
    /** Highest log index known to have been applied as a command (digest requests up to it are answered). */
    final AtomicLong appliedCommand = new AtomicLong();
    private WireClient probe;

    private LiveNode(Path dir, InProcessCluster cluster) throws ReflectiveOperationException {
      this.dir = dir;
      this.cluster = cluster;
      this.id = cluster.awaitLeader();
      String address = cluster.clientAddress(id);
      this.port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      Field field = CofferNode.class.getDeclaredField("clientServer");
      field.setAccessible(true);
      this.server = (ClientServer) field.get(cluster.node(id));
      assertEquals(NODE_MAX_FRAME, cluster.node(id).config().maxFrameBytes());
    }

    static LiveNode start() throws Exception {
      Path dir = Files.createTempDirectory("frame-fuzz-node");
      // A quick election and no snapshot on stop: the node starts and stops within the short run of mvn verify.
      InProcessCluster cluster = InProcessCluster.start(dir, 1, Map.of("max.value.bytes", Integer.toString(MAX_VALUE),
          "election.timeout.min.ms", "300", "election.timeout.max.ms", "600", "snapshot.on.stop", "false"));
      LiveNode node = new LiveNode(dir, cluster);
      try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == node.port)) {
        // One write, so that digests of indexes up to it are answered at once.
        ByteString value = ByteString.copyFromUtf8("fuzz");
        Request put = Request.newBuilder().setRequestId(1).setPut(PutRequest.newBuilder().setUser("fuzz")
            .setKey(ByteString.copyFromUtf8("k")).setValue(value).setCrc32C(Validation.crc32c(value))
            .setWriteId(WriteId.newBuilder().setClientId("frame-fuzz").setSequence(1))).build();
        try (RawConnection c = new RawConnection(cluster.clientAddress(node.id))) {
          Response r = c.call(put);
          assertEquals(Status.OK, r.getStatus(), r.getErrorMessage());
          node.appliedCommand.set(r.getPut().getMeta().getVersion());
        }
      }
      return node;
    }

    /**
     * Inputs not sent to the node: membership changes, which are no question of robustness (the
     * fuzzer would remove the only member, or add unreachable ones; dry runs are sent).
     */
    Optional<String> skipReason(FrameModel model) {
      for (Request request : model.requests()) {
        if (request.hasMembership() && request.getMembership().getChangeCase()
            != MembershipRequest.ChangeCase.CHANGE_NOT_SET && !request.getMembership().getDryRun()) {
          return Optional.of("membership change");
        }
      }
      return Optional.empty();
    }

    /** Every byte a connection held is released once its requests are answered and it is gone. */
    void awaitNothingInFlight(FuzzInput input) throws InterruptedException {
      long deadline = System.nanoTime() + REPLY_WAIT.toNanos();
      while (server.bytesInFlight() != 0) {
        check(System.nanoTime() < deadline, "the node still holds " + server.bytesInFlight()
            + " bytes for connections that are gone", List.of(), input);
        Thread.sleep(1);
      }
    }

    /** The node still answers a status request on a connection kept for that. */
    void probe(FuzzInput input) throws IOException {
      for (int attempt = 0; ; attempt++) {
        try {
          if (probe == null) {
            probe = new WireClient(port);
          }
          Response r = probe.call(statusRequest(), System.nanoTime() + REPLY_WAIT.toNanos());
          check(r.getStatus() == Status.OK && r.getRequestId() == PROBE_ID, "status after the input: " + brief(r),
              List.of(), input);
          return;
        } catch (IOException | AssertionError e) {
          if (probe != null) {
            probe.close();
            probe = null;
          }
          if (attempt > 0) {
            throw new AssertionError("the node no longer answers after " + describe(input), e);
          }
        }
      }
    }

    void sawReply(Response reply) {
      long index = reply.getStatus() != Status.OK ? 0 : switch (reply.getResultCase()) {
        case PUT -> reply.getPut().getMeta().getVersion();
        case DELETE -> reply.getDelete().getVersion();
        case MARK_DIGEST -> reply.getMarkDigest().getIndex();
        default -> 0;
      };
      appliedCommand.accumulateAndGet(index, Math::max);
    }

    @Override
    public void close() throws IOException {
      try {
        if (probe != null) {
          probe.close();
        }
        cluster.close();
      } finally {
        Directories.deleteTree(dir);
      }
    }
  }

  /**
   * A blocking client that sends raw bytes in one write each (TCP_NODELAY: {@link RawConnection}
   * writes a frame's length byte by byte, which Nagle's algorithm holds back for a delayed ACK,
   * some 40 ms a request), and resets (SO_LINGER 0) rather than lingering in TIME_WAIT when closed:
   * a run opens a connection per input.
   */
  private static final class WireClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    WireClient(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.setSoLinger(true, 0);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** The next reply; empty if the node closes the connection first. Fails past the deadline. */
    Optional<Response> read(long deadline) throws IOException {
      try {
        socket.setSoTimeout(remainingMillis(deadline));
        int length = in.readInt();
        if (length < 0 || length > (64 << 20)) {
          throw new AssertionError("reply length " + length);
        }
        byte[] body = new byte[length];
        in.readFully(body);
        try {
          Response reply = Response.parseFrom(body);
          if (live != null) {
            live.sawReply(reply);
          }
          return Optional.of(reply);
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError("a reply that is not a Response: " + e.getMessage(), e);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no reply within " + REPLY_WAIT, e);
      } catch (EOFException | SocketException e) {
        return Optional.empty();
      }
    }

    Response call(Request request, long deadline) throws IOException {
      write(frame(request.toByteArray()));
      Optional<Response> reply = read(deadline);
      if (reply.isEmpty()) {
        throw new AssertionError("the node closed a connection it should have kept");
      }
      return reply.get();
    }

    /** True if the node closes the connection before the deadline (with nothing more to read). */
    boolean closedBy(long deadline) throws IOException {
      try {
        socket.setSoTimeout(remainingMillis(deadline));
        return in.read() == -1;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (SocketException e) {
        return true;
      }
    }

    private static int remainingMillis(long deadline) {
      return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static byte[] frame(byte[] body) {
    byte[] framed = new byte[4 + body.length];
    framed[0] = (byte) (body.length >>> 24);
    framed[1] = (byte) (body.length >>> 16);
    framed[2] = (byte) (body.length >>> 8);
    framed[3] = (byte) body.length;
    System.arraycopy(body, 0, framed, 4, body.length);
    return framed;
  }

  // ---------------------------------------------------------------- checks and figures

  /** A valid reply: a known status, a reason unless OK, an allowed status and the expected id. */
  private static void checkReply(Response reply, Set<Status> allowed, Long requestId, FuzzInput input) {
    Status status = reply.getStatus();
    check(status != Status.UNRECOGNIZED && status != Status.STATUS_UNSPECIFIED && status != Status.INTERNAL
        || allowed.contains(Status.INTERNAL) && status == Status.INTERNAL,
        "reply with status " + status + ": " + brief(reply), List.of(), input);
    check(status == Status.OK || !reply.getErrorMessage().isEmpty(), "a " + status + " reply without a reason",
        List.of(), input);
    check(allowed.contains(status), "reply " + brief(reply) + ", expected one of " + allowed, List.of(), input);
    check(requestId == null || requestId == reply.getRequestId(), "reply " + brief(reply) + " should name request #"
        + (requestId == null ? "" : Long.toUnsignedString(requestId)), List.of(), input);
  }

  private static void check(boolean ok, String what, List<String> details, FuzzInput input) {
    if (!ok) {
      throw new AssertionError(what + (details.isEmpty() ? "" : ": " + details) + " " + describe(input));
    }
  }

  static String brief(Response r) {
    return "#" + Long.toUnsignedString(r.getRequestId()) + " " + r.getStatus()
        + (r.getErrorMessage().isEmpty() ? "" : " (" + r.getErrorMessage() + ")");
  }

  static String describe(FuzzInput input) {
    byte[] wire = input.wire();
    String head = ByteBufUtil.hexDump(wire, 0, Math.min(wire.length, 64));
    return String.format("[control 0x%02x, %d wire bytes: %s%s]", input.control(), wire.length, head,
        wire.length > 64 ? "..." : "");
  }

  /** Counts of one fuzz test, printed when the class ends and appended to -Dcoffer.fuzz.stats=FILE. */
  static final class Stats {
    final String name;
    final AtomicLong executions = new AtomicLong();
    final AtomicLong frames = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong servedAfterMalformed = new AtomicLong();
    private final Map<Status, AtomicLong> statuses = new EnumMap<>(Status.class);

    Stats(String name) {
      this.name = name;
      for (Status s : Status.values()) {
        statuses.put(s, new AtomicLong());
      }
    }

    void count(Status status) {
      statuses.get(status).incrementAndGet();
    }

    void report() {
      if (executions.get() == 0) {
        return;
      }
      StringBuilder line = new StringBuilder("FUZZ-STATS " + name + " executions=" + executions + " frames=" + frames
          + " skipped=" + skipped + " servedAfterMalformed=" + servedAfterMalformed + " replies:");
      statuses.forEach((status, n) -> {
        if (n.get() > 0) {
          line.append(' ').append(status).append('=').append(n);
        }
      });
      System.out.println(line);
      String file = System.getProperty("coffer.fuzz.stats");
      if (file != null && !file.isBlank()) {
        try {
          Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
