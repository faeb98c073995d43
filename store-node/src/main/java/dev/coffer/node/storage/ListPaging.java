package dev.coffer.node.storage;

/**
 * How many objects one list page holds. The wire's {@code limit} is a uint32, which Java reads
 * as a signed int: a limit of 2^31 or more arrives negative and must be read as unsigned.
 */
public final class ListPaging {

  /** The page size when the request asks for none (limit 0). */
  public static final int DEFAULT_PAGE = 1000;
  /** No page holds more; a larger limit is clamped to this. */
  public static final int MAX_PAGE = 10_000;

  private ListPaging() {}

  /** The page size for a request's {@code limit} (a uint32 on the wire): always 1..MAX_PAGE. */
  public static int pageSize(int wireLimit) {
    if (wireLimit == 0) {
      return DEFAULT_PAGE;
    }
    return (int) Math.min(Integer.toUnsignedLong(wireLimit), MAX_PAGE);
  }
}
