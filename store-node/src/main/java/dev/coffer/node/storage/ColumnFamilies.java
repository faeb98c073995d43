package dev.coffer.node.storage;

import java.util.List;
import org.rocksdb.ColumnFamilyHandle;

/** The open handles of the store's column families (see {@link StoreKeys} for their layout). */
record ColumnFamilies(ColumnFamilyHandle defaults, ColumnFamilyHandle meta,
    ColumnFamilyHandle data, ColumnFamilyHandle usage, ColumnFamilyHandle sessions,
    ColumnFamilyHandle versions, ColumnFamilyHandle expiry) {

  /** Built from handles in the order of {@link StoreKeys#COLUMN_FAMILIES}. */
  static ColumnFamilies of(List<ColumnFamilyHandle> handles) {
    return new ColumnFamilies(handles.get(0), handles.get(1), handles.get(2), handles.get(3),
        handles.get(4), handles.get(5), handles.get(6));
  }

  /** In the order of {@link StoreKeys#COLUMN_FAMILIES}. */
  List<ColumnFamilyHandle> all() {
    return List.of(defaults, meta, data, usage, sessions, versions, expiry);
  }
}
