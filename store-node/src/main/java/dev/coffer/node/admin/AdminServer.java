package dev.coffer.node.admin;

import dev.coffer.node.NodeConfig;
import dev.coffer.node.tls.NodeTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.Optional;
import java.util.function.BiPredicate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.concurrent.TimeUnit;

/** The admin port: {@code /metrics} (Prometheus text), {@code /health} and {@code /status} (JSON). */
public final class AdminServer implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * {@code tls}: HTTPS with client certificates required (no plain HTTP then), or empty for plain
   * HTTP; {@code mayRead}: whether a principal may GET a path.
   */
  public static AdminServer start(String hostPort, AdminEndpoints endpoints, Optional<SslContext> tls,
      BiPredicate<String, String> mayRead) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (tls.isPresent()) {
                SslHandler ssl = tls.get().newHandler(ch.alloc());
                ssl.setHandshakeTimeoutMillis(NodeTls.HANDSHAKE_TIMEOUT_MILLIS);
                ch.pipeline().addLast(ssl);
              }
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 10),
                  new AdminHandler(endpoints, mayRead));
            }
          })
          .bind(NodeConfig.socketAddress(hostPort)).sync().channel();
      return new AdminServer(group, channel);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
