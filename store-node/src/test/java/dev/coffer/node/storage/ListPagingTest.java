package dev.coffer.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The wire's uint32 list limit, as Java sees it (a signed int), turned into a page size. */
class ListPagingTest {

  @Test
  void pageSize_zero_isTheDefaultPage() {
    assertEquals(1000, ListPaging.pageSize(0));
  }

  @Test
  void pageSize_withinRange_isTheLimit() {
    assertEquals(1, ListPaging.pageSize(1));
    assertEquals(10_000, ListPaging.pageSize(10_000));
  }

  @Test
  void pageSize_aboveMaximum_isClampedToMaximum() {
    assertEquals(10_000, ListPaging.pageSize(10_001));
    assertEquals(10_000, ListPaging.pageSize(Integer.MAX_VALUE));
  }

  @Test
  void pageSize_limitOf2To31OrMore_isClampedNotNegative() {
    assertEquals(10_000, ListPaging.pageSize(Integer.MIN_VALUE)); // 2^31 on the wire
    assertEquals(10_000, ListPaging.pageSize(-1)); // 2^32 - 1 on the wire
  }
}
