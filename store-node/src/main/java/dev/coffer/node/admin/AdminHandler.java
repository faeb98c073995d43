package dev.coffer.node.admin;

import dev.coffer.client.TlsMaterial;
import dev.coffer.node.tls.TlsRefusals;
import io.netty.handler.ssl.SslHandler;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the three admin paths; everything else is 404. One response per connection. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json";

  private final AdminEndpoints endpoints;
  private final BiPredicate<String, String> mayRead;

  /** {@code mayRead}: whether a principal (the CN of the client's certificate; "" without TLS) may GET a path. */
  AdminHandler(AdminEndpoints endpoints, BiPredicate<String, String> mayRead) {
    this.endpoints = endpoints;
    this.mayRead = mayRead;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    FullHttpResponse response;
    if (request.decoderResult().isFailure()) {
      // Netty hands on what it could not parse as a request marked failed: answer it as such.
      response = respond(HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed HTTP request\n");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    String principal = principal(ctx);
    if (!HttpMethod.GET.equals(request.method())) {
      response = respond(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "only GET\n");
    } else if (!mayRead.test(principal, path)) {
      response = respond(HttpResponseStatus.FORBIDDEN, "text/plain", "principal '" + principal + "' may not read "
          + path + ": it needs the admin permission" + ("/metrics".equals(path) ? " or tls.metrics.principals" : "")
          + "\n");
    } else {
      response = switch (path) {
        case "/metrics" -> respond(HttpResponseStatus.OK, PROMETHEUS, endpoints.metrics());
        case "/health" -> {
          AdminEndpoints.Report report = endpoints.report();
          yield respond(report.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
              report.json());
        }
        case "/status" -> respond(HttpResponseStatus.OK, JSON, endpoints.report().json());
        default -> respond(HttpResponseStatus.NOT_FOUND, "text/plain", "try /metrics, /health or /status\n");
      };
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** The CN of the client's certificate; "" without TLS. */
  private static String principal(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls == null) {
      return "";
    }
    try {
      return TlsMaterial.commonName(tls.engine().getSession().getPeerPrincipal());
    } catch (SSLPeerUnverifiedException e) {
      return "";
    }
  }

  private static FullHttpResponse respond(HttpResponseStatus status, String contentType, String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, "close");
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!TlsRefusals.handled("admin", ctx.channel().remoteAddress(), cause)) {
      LOG.debug("Admin connection failed: {}", cause.toString());
    }
    ctx.close();
  }
}
