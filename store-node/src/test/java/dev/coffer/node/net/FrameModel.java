package dev.coffer.node.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.storage.Validation;
import dev.coffer.proto.Request;
import dev.coffer.proto.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the client port must make of a byte stream, written from docs/protocol.md ("Framing",
 * "Statuses", "Rules for keys and users"), independently of {@link FrameDecoder}: the oracle of
 * {@link FrameFuzzTest}. Each event is one frame the node must act on, in order; each gets exactly
 * one reply.
 */
final class FrameModel {
  /** Bytes of a refused frame's body the decoder waits for, to name the request in its refusal. */
  static final int REQUEST_ID_PREFIX = 11;

  enum Kind {
    /** A frame within the limit, read whole. */
    FRAME,
    /** A frame above the limit: VALUE_TOO_LARGE, its body skipped, the connection kept. */
    TOO_LARGE,
    /** A length with its top bit set: MALFORMED_FRAME and the connection closed. */
    TOP_BIT
  }

  /**
   * One frame the node acts on. {@code fixed} is the status its reply must have when the model
   * knows it without asking the node's services (refusals, unreadable or invalid requests), else
   * null; {@code requestId} is the id the reply must carry, or null where the model leaves it open
   * (the id of an unreadable frame is found on a best-effort basis).
   */
  record Event(Kind kind, long length, byte[] body, Request request, Status fixed, Long requestId, boolean closes) {}

  final List<Event> events = new ArrayList<>();
  /** The node closes the connection after the last event's reply. */
  boolean closes;
  /** The stream ends inside a frame whose length was read: its deadline is running. */
  boolean openFrame;
  /** The stream ends with 1–3 bytes of a length (after a frame, not inside one). */
  boolean partialHeader;

  private FrameModel() {
  }

  static FrameModel of(byte[] wire, int maxFrame, int maxValueBytes) {
    FrameModel model = new FrameModel();
    int pos = 0;
    while (true) {
      int left = wire.length - pos;
      if (left < 4) {
        model.partialHeader = left > 0; // no frame has started: nothing is waited for
        return model;
      }
      long length = (wire[pos] & 0xffL) << 24 | (wire[pos + 1] & 0xff) << 16 | (wire[pos + 2] & 0xff) << 8
          | wire[pos + 3] & 0xff;
      if (length > Integer.MAX_VALUE) {
        model.add(new Event(Kind.TOP_BIT, length, null, null, Status.MALFORMED_FRAME, 0L, true));
        return model;
      }
      if (length > maxFrame) {
        model.openFrame = true;
        if (left - 4 < REQUEST_ID_PREFIX) {
          return model; // waiting for the request id
        }
        model.add(new Event(Kind.TOO_LARGE, length, null, null, Status.VALUE_TOO_LARGE,
            prefixId(wire, pos + 4), false));
        if (left - 4 < length) {
          return model; // still skipping
        }
        model.openFrame = false;
        pos += 4 + (int) length;
        continue;
      }
      if (left - 4 < length) {
        model.openFrame = true;
        return model;
      }
      byte[] body = Arrays.copyOfRange(wire, pos + 4, pos + 4 + (int) length);
      pos += 4 + (int) length;
      Request request;
      try {
        request = Request.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        // A text field that is not UTF-8 is a bad argument; anything else is an unreadable frame.
        boolean badText = String.valueOf(e.getMessage()).contains("invalid UTF-8");
        model.add(new Event(Kind.FRAME, length, body, null,
            badText ? Status.INVALID_ARGUMENT : Status.MALFORMED_FRAME, null, !badText));
        if (!badText) {
          return model;
        }
        continue;
      }
      model.add(new Event(Kind.FRAME, length, body, request, refusal(request, maxValueBytes).orElse(null),
          request.getRequestId(), false));
    }
  }

  private void add(Event event) {
    events.add(event);
    closes = event.closes();
  }

  List<Request> requests() {
    return events.stream().map(Event::request).filter(r -> r != null).toList();
  }

  /**
   * The id a refusal of an oversized frame must name: the varint after a leading field-1 tag
   * (clients write the id first; a varint as protobuf reads it, 0 if it is not one), 0 when the
   * body starts with another one-byte tag, null (open) when it starts with a byte the model does
   * not decide (a tag in more than one byte).
   */
  static Long prefixId(byte[] wire, int offset) {
    int first = wire[offset] & 0xff;
    if (first >= 0x80) {
      return null;
    }
    if (first != 0x08) {
      return 0L;
    }
    try {
      return CodedInputStream.newInstance(wire, offset + 1, 10).readRawVarint64();
    } catch (IOException e) {
      return 0L; // more than 10 bytes: not a varint
    }
  }

  /**
   * The status a request must get before it reaches the cluster, from the documented input rules;
   * empty when it is valid and only the node's services can answer it.
   */
  static Optional<Status> refusal(Request request, int maxValueBytes) {
    Optional<String> invalid = switch (request.getOpCase()) {
      case OP_NOT_SET -> {
        yield Optional.of("no operation");
      }
      case PUT -> Validation.checkPut(request.getPut());
      case DELETE -> Validation.checkDelete(request.getDelete());
      case GET -> Validation.checkUser(request.getGet().getUser())
          .or(() -> Validation.checkKey(request.getGet().getKey()));
      case HEAD -> Validation.checkUser(request.getHead().getUser())
          .or(() -> Validation.checkKey(request.getHead().getKey()));
      case LIST -> Validation.checkUser(request.getList().getUser());
      case USAGE -> Validation.checkUser(request.getUsage().getUser());
      case LEADER_CHECK -> Optional.of("node to node only");
      default -> Optional.empty();
    };
    if (request.getOpCase() == Request.OpCase.OP_NOT_SET) {
      return Optional.of(Status.UNKNOWN_OPERATION);
    }
    if (invalid.isPresent()) {
      return Optional.of(Status.INVALID_ARGUMENT);
    }
    if (request.getOpCase() == Request.OpCase.PUT) {
      if (request.getPut().getValue().size() > maxValueBytes) {
        return Optional.of(Status.VALUE_TOO_LARGE);
      }
      if (Validation.crc32c(request.getPut().getValue()) != request.getPut().getCrc32C()) {
        return Optional.of(Status.CORRUPT_DATA);
      }
    }
    return Optional.empty();
  }

  /** Data operations: once valid, the node never calls them bad arguments (apply checks the same rules). */
  static boolean isDataOperation(Request request) {
    return switch (request.getOpCase()) {
      case PUT, DELETE, GET, HEAD, LIST, USAGE -> true;
      default -> false;
    };
  }
}
