package dev.coffer.node.net;

import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import dev.coffer.node.NodeConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client-facing front door: a Netty server speaking length-prefixed protobuf frames, within {@link ClientLimits}. */
public final class ClientServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientServer.class);
  /** Replies queued on a connection above this stop it being read until they drain below the low mark. */
  private static final WriteBufferWaterMark REPLY_WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
  /** Below this many usable descriptors a node cannot serve clients and keep its storage open. */
  private static final int MIN_USABLE_CONNECTIONS = 64;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final ByteBudget memory;
  private final ConnectionLimiter limiter;

  private ClientServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel, ByteBudget memory,
      ConnectionLimiter limiter) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
    this.memory = memory;
    this.limiter = limiter;
  }

  /** {@code tls}: mutual TLS on every connection (no plain text then), or empty for plain text. */
  public static ClientServer start(String hostPort, ClientLimits limits, RequestProcessor processor,
      Optional<SslContext> tls) throws InterruptedException {
    FileDescriptors descriptors = FileDescriptors.ofThisProcess();
    int maxConnections = connectionCap(limits, descriptors.max());
    ByteBudget memory = new ByteBudget(limits.memoryBytes());
    ConnectionLimiter limiter = new ConnectionLimiter(maxConnections, limits.fileDescriptorReserve(), descriptors);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      Channel channel = new ServerBootstrap()
          .group(boss, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, REPLY_WATER_MARK)
          .childHandler(new ClientServerInitializer(limits, memory, limiter, processor, tls))
          .bind(NodeConfig.socketAddress(hostPort)).sync().channel();
      return new ClientServer(boss, workers, channel, memory, limiter);
    } catch (RuntimeException | InterruptedException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * The configured connection cap, lowered to fit the process's open-file limit with the reserve
   * kept for storage; a limit too low to serve at all fails the start with what to change.
   */
  static int connectionCap(ClientLimits limits, long maxDescriptors) {
    long usable = maxDescriptors - limits.fileDescriptorReserve();
    if (usable < MIN_USABLE_CONNECTIONS) {
      throw new IllegalStateException("the open-file limit of this process is " + maxDescriptors + ", which leaves "
          + "too few descriptors for clients after the " + limits.fileDescriptorReserve() + " kept for storage and "
          + "Raft; raise it (ulimit -n, or LimitNOFILE= in a systemd unit) to at least "
          + (limits.maxConnections() + limits.fileDescriptorReserve()));
    }
    if (usable < limits.maxConnections()) {
      LOG.warn("The open-file limit ({}) allows only {} client connections, not the configured {}; raise it to {}",
          maxDescriptors, usable, limits.maxConnections(), limits.maxConnections() + limits.fileDescriptorReserve());
      return (int) usable;
    }
    return limits.maxConnections();
  }

  /** Bytes held for clients now (requests in flight, replies not yet written). */
  public long bytesInFlight() {
    return memory.used();
  }

  public int openConnections() {
    return limiter.open();
  }

  public long refusedConnections() {
    return limiter.refused();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
