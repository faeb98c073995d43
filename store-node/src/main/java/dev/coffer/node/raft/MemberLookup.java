package dev.coffer.node.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.NodeConfig;
import dev.coffer.proto.PeerInfo;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.StatusRequest;
import dev.coffer.proto.StatusResult;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/**
 * For {@code --join ADDRESS}: asks one live member, on its client port, for the cluster's members
 * (a {@code status} request, which any node answers). A node whose configuration file names no
 * member that is still up learns from it whom to ask for the replicated configuration.
 */
public final class MemberLookup {
  private static final int CONNECT_TIMEOUT_MS = 3_000;
  private static final int READ_TIMEOUT_MS = 5_000;
  /** A status answer is a few hundred bytes; anything near this is not a Coffer frame. */
  private static final int MAX_ANSWER_BYTES = 1 << 20;
  private static final String HINT = "--join takes the client address (client.address, as in COFFER_ENDPOINTS) "
      + "of a live member";

  private MemberLookup() {
  }

  /**
   * The members the node at {@code clientAddress} reports (it included), {@code selfId} left out.
   * Retries until {@code timeout} while nothing answers there (a member restarting); an answer
   * that is not Coffer's fails at once: the address is of something else.
   */
  public static List<NodeConfig.Peer> members(String clientAddress, String selfId, Duration timeout,
      Optional<SSLSocketFactory> tls) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      StatusResult status;
      try {
        status = askStatus(clientAddress, tls);
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("--join " + clientAddress + ": what answered there is not a Coffer node's client "
            + "port (" + e.getMessage() + "); " + HINT);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("--join " + clientAddress + ": no Coffer node answered there within "
              + timeout.toSeconds() + " s (" + e + "); " + HINT);
        }
        sleep();
        continue;
      }
      Map<String, NodeConfig.Peer> members = new LinkedHashMap<>();
      members.put(status.getNodeId(), new NodeConfig.Peer(status.getNodeId(), status.getRaftAddress(),
          status.getClientAddress()));
      for (PeerInfo p : status.getPeersList()) {
        members.put(p.getId(), new NodeConfig.Peer(p.getId(), p.getRaftAddress(), p.getClientAddress()));
      }
      members.remove(selfId);
      if (members.isEmpty()) {
        throw new IOException("--join " + clientAddress + ": that is this node (" + selfId + ") itself; " + HINT);
      }
      return List.copyOf(members.values());
    }
  }

  /** One status request on a connection of its own: 4-byte length, then a protobuf, each way. */
  private static StatusResult askStatus(String clientAddress, Optional<SSLSocketFactory> tls) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(NodeConfig.socketAddress(clientAddress), CONNECT_TIMEOUT_MS);
      Socket socket = tls.isPresent()
          ? tls.get().createSocket(plain, clientAddress.substring(0, clientAddress.lastIndexOf(':')),
              plain.getPort(), true)
          : plain;
      socket.setSoTimeout(READ_TIMEOUT_MS);
      byte[] request = Request.newBuilder().setRequestId(1).setStatus(StatusRequest.getDefaultInstance()).build()
          .toByteArray();
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(request.length);
      out.write(request);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int length = in.readInt();
      if (length < 0 || length > MAX_ANSWER_BYTES) {
        throw new InvalidProtocolBufferException("a frame of " + Integer.toUnsignedString(length) + " bytes");
      }
      byte[] answer = new byte[length];
      try {
        in.readFully(answer);
      } catch (EOFException e) {
        // A Coffer node never closes inside a frame; an HTTP/2 (Raft) port sends its own frame, then does.
        throw new InvalidProtocolBufferException("the connection closed inside an answer of "
            + length + " bytes");
      }
      Response response = Response.parseFrom(answer);
      if (response.getStatus() == Status.STATUS_UNSPECIFIED || response.getStatus() == Status.UNRECOGNIZED) {
        throw new InvalidProtocolBufferException("an answer with no status");
      }
      if (response.getStatus() != Status.OK || !response.hasStatusResult()) {
        // A Coffer node that could not answer now (e.g. OVERLOADED): worth asking again.
        throw new IOException("it answered " + response.getStatus() + " " + response.getErrorMessage());
      }
      return response.getStatusResult();
    }
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking for the cluster's members", e);
    }
  }
}
