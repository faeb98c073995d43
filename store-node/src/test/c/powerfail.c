/*
 * powerfail: a FUSE passthrough filesystem whose "power" can be cut. At the cut every change to
 * a file's data that was not yet made durable by fsync/fdatasync of that file is undone, so the
 * backing directory holds exactly what a machine that lost power would still have on its disk.
 * It is the idea of LazyFS (https://github.com/dsrhaslab/lazyfs), much smaller.
 *
 *   powerfail [--seed N] [--torn] [--trap-write TEXT | --trap-fsync TEXT] BACKING_DIR MOUNTPOINT
 *             [FUSE options]                                       (always in the foreground)
 *
 *   kill -USR1 PID   cut the power: every unsynced change to every file is lost; with --torn each
 *                    file keeps instead a random prefix of its unsynced writes (the last one kept
 *                    may be cut at a 512-byte boundary): what a disk that had written some dirty
 *                    pages back before the power went may hold
 *   kill -USR2 PID   arm the trap, which cuts the power itself at a chosen instant:
 *                    --trap-write TEXT: in the middle of the next write, to a file whose path
 *                      contains TEXT, that crosses a 4 KiB page boundary: its first page reaches
 *                      the disk (with every earlier change to that file), nothing else does. (A
 *                      write() that starts inside a page reaches us as two writes: up to the page
 *                      boundary, then the rest; the trap tears the second.)
 *                    --trap-fsync TEXT: at the next fsync of a file whose path contains TEXT,
 *                      before it takes effect
 *                    The operation that springs the trap fails with EIO.
 *
 * After a cut every operation fails with EIO, as on a dead machine, until the filesystem is
 * unmounted (fusermount3 -u / umount); the process then exits, unless a process that made a new
 * mount namespace meanwhile (ip netns exec, unshare) holds a copy of the mount: then kill it.
 * Lines on stderr: "MOUNTED" once the kernel talks to us, "ARMED ..." for the trap, "CUT ..." and
 * the files it undid, then "STATS ..." (operations seen since mounting) once a cut is complete.
 *
 * The model:
 * - Writes reach the backing file at once (reads see them), but every change to a file (write,
 *   truncate, fallocate) is first recorded in that file's undo log: its offset, length, the file
 *   size before it, and the bytes it overwrote. fsync or fdatasync of any descriptor of the file
 *   (files are keyed by backing inode, so hard links and renames do not matter) forgets the log:
 *   the current contents are durable. A write through an O_SYNC/O_DSYNC descriptor is durable
 *   as soon as it is done. The backing disk itself is never fsynced: it never loses power, only
 *   this model does, and an fsync here costs nothing.
 * - A cut replays each log newest first (restoring the old bytes, then the old size).
 * - A file created and never fsynced keeps its name but loses its data (LazyFS does the same).
 *   Metadata (create, mkdir, rename, link, unlink, chmod, ...) is applied at once and never
 *   undone, as if the filesystem journaled it synchronously: a file renamed over another keeps
 *   the new name even if its data was never fsynced (so it may come back empty), and a new
 *   file whose directory was never fsynced does not vanish, though on a real disk it might.
 * - sync_file_range and syncfs do not reach a FUSE filesystem: they make nothing durable here
 *   (sync_file_range never promises durability anyway). Shared writable mmaps are not modelled.
 * - The kernel's page cache is write-through for FUSE (no writeback_cache): a write() returns
 *   only after it reached us and was logged. A writer killed (SIGKILL) inside a write() may get
 *   only its first pages here: the kernel stops copying at a page boundary. Unsynced, that part
 *   is dropped by a plain cut, and may be kept by a torn one.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* One change to a file since its last fsync. */
struct change {
  struct change *older;
  off_t off;        /* where a write landed (its real offset, also under O_APPEND) */
  size_t len;       /* bytes written; 0 for truncate and fallocate */
  off_t old_size;   /* the file's size before the change */
  off_t saved_off;  /* the bytes the change overwrote start here ... */
  size_t saved_len; /* ... and are this long (only bytes that existed before it) */
  char saved[];
};

/* A file with changes not yet fsynced. */
struct dirty {
  struct dirty *next;
  dev_t dev;
  ino_t ino;
  int fd;                 /* our own read-write descriptor on the inode (not O_APPEND) */
  struct change *newest;
  unsigned long changes, bytes;
  char path[PATH_MAX];    /* its name when it first changed; for the report only */
};

static int backing;                 /* the backing directory */
static int dead;                    /* the power is off */
static unsigned long long seed = 1; /* for torn cuts */
static int torn;                    /* --torn */
static int trap_write;              /* the trap: 1 for --trap-write, 0 for --trap-fsync */
static const char *trap_text;       /* ... on a path containing this; NULL: no trap */
static int trap_armed;              /* SIGUSR2 arms it */
static struct dirty *dirty_files;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards everything above */
static unsigned long n_write, n_fsync, n_fdatasync, n_fsyncdir, n_trunc, n_falloc, n_dsync;
static unsigned long long bytes_written;

#define DEAD_EIO() do { if (__atomic_load_n(&dead, __ATOMIC_SEQ_CST)) return -EIO; } while (0)

/* FUSE paths start with '/'; the backing directory is opened as "." */
static const char *rel(const char *path) { return path && path[1] ? path + 1 : "."; }

static struct dirty *find_dirty(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0) return NULL;
  for (struct dirty *d = dirty_files; d; d = d->next)
    if (d->dev == st.st_dev && d->ino == st.st_ino) return d;
  return NULL;
}

/* The undo log of the file open as fd, made on its first change since its last fsync. */
static struct dirty *dirty_for(int fd, const char *path) {
  struct dirty *d = find_dirty(fd);
  if (d) return d;
  struct stat st;
  char proc[64];
  if (fstat(fd, &st) < 0) return NULL;
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  int own = open(proc, O_RDWR);   /* reopens the inode itself, whatever its name is now */
  if (own < 0) return NULL;
  d = calloc(1, sizeof *d);
  if (!d) { close(own); return NULL; }
  d->dev = st.st_dev;
  d->ino = st.st_ino;
  d->fd = own;
  snprintf(d->path, sizeof d->path, "%s", path ? path : "(unlinked)");
  d->next = dirty_files;
  dirty_files = d;
  return d;
}

static void forget(struct dirty *d) {
  for (struct dirty **p = &dirty_files; *p; p = &(*p)->next)
    if (*p == d) { *p = d->next; break; }
  for (struct change *c = d->newest, *o; c; c = o) { o = c->older; free(c); }
  close(d->fd);
  free(d);
}

/* Records, before it happens, a change of [off, off+len) (len 0: only the size changes) and
 * saves the bytes in [save_from, save_to) that exist now. Returns -errno on failure. */
static int record(int fd, const char *path, off_t off, size_t len, off_t save_from, off_t save_to) {
  struct dirty *d = dirty_for(fd, path);
  struct stat st;
  if (!d || fstat(d->fd, &st) < 0) return -EIO;
  if (save_to > st.st_size) save_to = st.st_size;
  size_t n = save_to > save_from ? (size_t) (save_to - save_from) : 0;
  struct change *c = malloc(sizeof *c + n);
  if (!c) return -ENOMEM;
  c->off = off;
  c->len = len;
  c->old_size = st.st_size;
  c->saved_off = save_from;
  c->saved_len = n;
  if (n && pread(d->fd, c->saved, n, save_from) != (ssize_t) n) { free(c); return -EIO; }
  c->older = d->newest;
  d->newest = c;
  d->changes++;
  d->bytes += len;
  return 0;
}

/* The file's contents are durable now: forget its undo log. */
static void synced(int fd) {
  struct dirty *d = find_dirty(fd);
  if (d) forget(d);
}

/* Undoes change c, keeping the first `keep` bytes it wrote (0: undo all of it). */
static void undo(struct dirty *d, struct change *c, size_t keep) {
  off_t from = c->off + (off_t) keep; /* restore what was overwritten from here on */
  if (c->saved_len && from < c->saved_off + (off_t) c->saved_len) {
    off_t skip = from > c->saved_off ? from - c->saved_off : 0;
    if (pwrite(d->fd, c->saved + skip, c->saved_len - skip, c->saved_off + skip) < 0)
      perror("powerfail: restore");
  }
  off_t size = keep && from > c->old_size ? from : c->old_size;
  if (ftruncate(d->fd, size) < 0) perror("powerfail: restore size");
}

static unsigned long long next_random(void) { /* xorshift64 */
  seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
  return seed;
}

/* The power goes: every file returns to its state at its last fsync (--torn: plus a prefix of
 * its later writes), except `spared`, which keeps everything. Called with the lock held. */
static void cut_locked(struct dirty *spared, const char *why) {
  unsigned long files = 0, changes = 0, kept = 0;
  unsigned long long dropped = 0;
  __atomic_store_n(&dead, 1, __ATOMIC_SEQ_CST);
  char report[4096] = "";
  size_t r = 0;
  while (dirty_files) {
    struct dirty *d = dirty_files;
    unsigned long n = d->changes, keep = d == spared ? n : torn ? next_random() % (n + 1) : 0; /* oldest kept */
    unsigned long i = n;
    for (struct change *c = d->newest; c && i > keep; c = c->older, i--) {
      size_t part = 0;
      if (torn && i == keep + 1 && c->len > 512 && next_random() % 2) /* tear this write */
        part = (size_t) (next_random() % (c->len / 512)) * 512;
      undo(d, c, part);
      dropped += c->len - part;
    }
    files++;
    changes += n;
    kept += keep;
    if (r < sizeof report - 400)
      r += snprintf(report + r, sizeof report - r, "\n  %s: %lu changes (%lu bytes) since its last fsync, %lu kept",
                    d->path, n, d->bytes, keep);
    forget(d);
  }
  fprintf(stderr, "CUT %s files=%lu changes=%lu kept=%lu bytes_dropped=%llu%s%s\n", why ? "trap" : torn ? "torn" : "clean",
          files, changes, kept, dropped, why ? "\n  " : "", why ? why : "");
  if (r) fprintf(stderr, "%s\n", report + 1);
  fprintf(stderr, "STATS writes=%lu bytes=%llu fsync=%lu fdatasync=%lu fsyncdir=%lu truncate=%lu fallocate=%lu "
          "o_dsync_writes=%lu\n", n_write, bytes_written, n_fsync, n_fdatasync, n_fsyncdir, n_trunc, n_falloc,
          n_dsync);
}

/* Waits for SIGUSR1 (cut) and SIGUSR2 (arm the trap), blocked in every other thread. */
static void *signal_thread(void *arg) {
  sigset_t *set = arg;
  for (;;) {
    int sig;
    if (sigwait(set, &sig) != 0) continue;
    pthread_mutex_lock(&lock);
    if (dead) fprintf(stderr, "CUT already\n");
    else if (sig == SIGUSR1) cut_locked(NULL, NULL);
    else if (trap_text) { trap_armed = 1; fprintf(stderr, "ARMED %s %s\n", trap_write ? "write" : "fsync", trap_text); }
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static int trapped(const char *path) { return trap_armed && path && strstr(path, trap_text); }

/* ---- FUSE operations: passthrough to the backing directory, changes logged first ---- */

static void *pf_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void) conn;
  cfg->use_ino = 1;
  cfg->hard_remove = 1; /* unlink open files for real, no .fuse_hidden files; their later
                           operations get a NULL path and their handle */
  fprintf(stderr, "MOUNTED\n");
  return NULL;
}

static int pf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  DEAD_EIO();
  int r = fi ? fstat(fi->fh, st) : fstatat(backing, rel(path), st, AT_SYMLINK_NOFOLLOW);
  return r < 0 ? -errno : 0;
}

static int pf_access(const char *path, int mask) {
  DEAD_EIO();
  return faccessat(backing, rel(path), mask, AT_EACCESS) < 0 ? -errno : 0;
}

static int pf_readlink(const char *path, char *buf, size_t size) {
  DEAD_EIO();
  ssize_t n = readlinkat(backing, rel(path), buf, size - 1);
  if (n < 0) return -errno;
  buf[n] = 0;
  return 0;
}

static int pf_opendir(const char *path, struct fuse_file_info *fi) {
  DEAD_EIO();
  int fd = openat(backing, rel(path), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -errno;
  DIR *dir = fdopendir(fd);
  if (!dir) { close(fd); return -errno; }
  fi->fh = (uintptr_t) dir;
  return 0;
}

static int pf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags) {
  (void) path; (void) off; (void) flags;
  DEAD_EIO();
  DIR *dir = (DIR *) (uintptr_t) fi->fh;
  rewinddir(dir); /* offset 0 to fill: the whole directory in one call */
  struct dirent *e;
  while ((e = readdir(dir))) {
    struct stat st = { .st_ino = e->d_ino, .st_mode = (mode_t) DTTOIF(e->d_type) };
    if (fill(buf, e->d_name, &st, 0, 0)) break;
  }
  return 0;
}

static int pf_releasedir(const char *path, struct fuse_file_info *fi) {
  (void) path;
  closedir((DIR *) (uintptr_t) fi->fh);
  return 0;
}

static int pf_mknod(const char *path, mode_t mode, dev_t rdev) {
  DEAD_EIO();
  return mknodat(backing, rel(path), mode, rdev) < 0 ? -errno : 0;
}

static int pf_mkdir(const char *path, mode_t mode) {
  DEAD_EIO();
  return mkdirat(backing, rel(path), mode) < 0 ? -errno : 0;
}

static int pf_symlink(const char *target, const char *path) {
  DEAD_EIO();
  return symlinkat(target, backing, rel(path)) < 0 ? -errno : 0;
}

static int pf_link(const char *from, const char *to) {
  DEAD_EIO();
  return linkat(backing, rel(from), backing, rel(to), 0) < 0 ? -errno : 0;
}

static int pf_rmdir(const char *path) {
  DEAD_EIO();
  return unlinkat(backing, rel(path), AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* Before a name goes: if it was the file's last link, its undo log goes with it. */
static void name_goes(const char *path) {
  struct stat st;
  if (fstatat(backing, rel(path), &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) return;
  for (struct dirty *d = dirty_files; d; d = d->next)
    if (d->dev == st.st_dev && d->ino == st.st_ino) { forget(d); return; }
}

static int pf_unlink(const char *path) {
  pthread_mutex_lock(&lock);
  int r = dead ? -EIO : 0;
  if (!r) {
    name_goes(path);
    r = unlinkat(backing, rel(path), 0) < 0 ? -errno : 0;
  }
  pthread_mutex_unlock(&lock);
  return r;
}

static int pf_rename(const char *from, const char *to, unsigned int flags) {
  pthread_mutex_lock(&lock);
  int r = dead ? -EIO : 0;
  if (!r) {
    if (!(flags & RENAME_EXCHANGE)) name_goes(to);
    r = renameat2(backing, rel(from), backing, rel(to), flags) < 0 ? -errno : 0;
  }
  pthread_mutex_unlock(&lock);
  return r;
}

static int pf_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
  DEAD_EIO();
  int r = fi ? fchmod(fi->fh, mode) : fchmodat(backing, rel(path), mode, 0);
  return r < 0 ? -errno : 0;
}

static int pf_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
  DEAD_EIO();
  int r = fi ? fchown(fi->fh, uid, gid) : fchownat(backing, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW);
  return r < 0 ? -errno : 0;
}

static int pf_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
  DEAD_EIO();
  int r = fi ? futimens(fi->fh, tv) : utimensat(backing, rel(path), tv, AT_SYMLINK_NOFOLLOW);
  return r < 0 ? -errno : 0;
}

/* Truncation, logged; fd is any descriptor of the file (the change goes through our own). */
static int truncate_logged(int fd, const char *path, off_t size) {
  struct stat st;
  if (fstat(fd, &st) < 0) return -errno;
  if (st.st_size == size) return 0;
  int r = record(fd, path, size, 0, size, st.st_size);
  if (r) return r;
  n_trunc++;
  return ftruncate(find_dirty(fd)->fd, size) < 0 ? -errno : 0;
}

static int pf_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
  int fd = fi ? (int) fi->fh : openat(backing, rel(path), O_RDONLY);
  if (fd < 0) return -errno;
  pthread_mutex_lock(&lock);
  int r = dead ? -EIO : truncate_logged(fd, path, size);
  pthread_mutex_unlock(&lock);
  if (!fi) close(fd);
  return r;
}

/* open and create: O_TRUNC becomes a logged truncation; O_DIRECT is not passed down. */
static int open_file(const char *path, mode_t mode, struct fuse_file_info *fi) {
  DEAD_EIO();
  int flags = fi->flags & ~(O_TRUNC | O_DIRECT);
  int fd = openat(backing, rel(path), flags, mode);
  if (fd < 0) return -errno;
  if (fi->flags & O_TRUNC) {
    pthread_mutex_lock(&lock);
    int r = dead ? -EIO : truncate_logged(fd, path, 0);
    pthread_mutex_unlock(&lock);
    if (r) { close(fd); return r; }
  }
  fi->fh = fd;
  return 0;
}

static int pf_create(const char *path, mode_t mode, struct fuse_file_info *fi) { return open_file(path, mode, fi); }

static int pf_open(const char *path, struct fuse_file_info *fi) { return open_file(path, 0, fi); }

static int pf_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void) path;
  DEAD_EIO();
  ssize_t n = pread(fi->fh, buf, size, off);
  return n < 0 ? -errno : (int) n;
}

static int pf_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  pthread_mutex_lock(&lock);
  int r = dead ? -EIO : 0;
  int flags = fcntl(fi->fh, F_GETFL);
  if (!r && (flags & O_APPEND)) { /* the backing write lands at the end, whatever off says */
    struct stat st;
    if (fstat(fi->fh, &st) < 0) r = -errno;
    off = st.st_size;
  }
  size_t first_page = 4096 - (size_t) (off % 4096);
  if (!r && trap_write && trapped(path) && size > first_page) {
    /* The power goes while this write is on its way: its first page reaches the disk. */
    r = record(fi->fh, path, off, first_page, off, off + (off_t) first_page);
    if (!r && pwrite(fi->fh, buf, first_page, off) == (ssize_t) first_page) {
      char why[PATH_MAX + 200];
      snprintf(why, sizeof why, "torn write: %zu of %zu bytes at offset %lld of %s reached the disk", first_page,
               size, (long long) off, path);
      cut_locked(find_dirty(fi->fh), why);
    }
    pthread_mutex_unlock(&lock);
    return -EIO;
  }
  if (!r) r = record(fi->fh, path, off, size, off, off + (off_t) size);
  if (!r) {
    ssize_t n = pwrite(fi->fh, buf, size, off);
    r = n < 0 ? -errno : (int) n;
    if (n > 0) { n_write++; bytes_written += n; }
    if (n > 0 && (flags & O_DSYNC)) { n_dsync++; synced(fi->fh); }
  }
  pthread_mutex_unlock(&lock);
  return r;
}

static int pf_statfs(const char *path, struct statvfs *st) {
  (void) path;
  DEAD_EIO();
  return fstatvfs(backing, st) < 0 ? -errno : 0;
}

static int pf_release(const char *path, struct fuse_file_info *fi) {
  (void) path;
  close(fi->fh);
  return 0;
}

static int pf_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
  (void) path;
  pthread_mutex_lock(&lock);
  int r = dead ? -EIO : 0;
  if (!r && !trap_write && trapped(path)) {
    char why[PATH_MAX + 100];
    snprintf(why, sizeof why, "at the fsync of %s, before it took effect", path);
    cut_locked(NULL, why);
    r = -EIO;
  }
  if (!r) {
    if (datasync) n_fdatasync++; else n_fsync++;
    synced(fi->fh);
  }
  pthread_mutex_unlock(&lock);
  return r;
}

static int pf_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
  (void) path; (void) datasync; (void) fi;
  pthread_mutex_lock(&lock);
  int r = dead ? -EIO : 0;
  if (!r) n_fsyncdir++; /* metadata is durable at once anyway */
  pthread_mutex_unlock(&lock);
  return r;
}

static int pf_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
  pthread_mutex_lock(&lock);
  int r = dead ? -EIO : 0;
  if (!r && (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE))) r = -EOPNOTSUPP;
  if (!r) { /* punching or zeroing overwrites bytes; plain allocation may grow the file */
    int zeroes = mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE);
    r = record(fi->fh, path, off, 0, off, zeroes ? off + len : off);
  }
  if (!r) {
    n_falloc++;
    r = fallocate(fi->fh, mode, off, len) < 0 ? -errno : 0;
  }
  pthread_mutex_unlock(&lock);
  return r;
}

static void pf_destroy(void *data) {
  (void) data;
  fprintf(stderr, "UNMOUNTED\n");
}

static const struct fuse_operations ops = {
  .init = pf_init, .destroy = pf_destroy, .getattr = pf_getattr, .access = pf_access,
  .readlink = pf_readlink, .opendir = pf_opendir, .readdir = pf_readdir, .releasedir = pf_releasedir,
  .mknod = pf_mknod, .mkdir = pf_mkdir,
  .symlink = pf_symlink, .link = pf_link, .unlink = pf_unlink, .rmdir = pf_rmdir, .rename = pf_rename,
  .chmod = pf_chmod, .chown = pf_chown, .utimens = pf_utimens, .truncate = pf_truncate,
  .create = pf_create, .open = pf_open, .read = pf_read, .write = pf_write, .statfs = pf_statfs,
  .release = pf_release, .fsync = pf_fsync, .fsyncdir = pf_fsyncdir, .fallocate = pf_fallocate,
};

int main(int argc, char **argv) {
  int a = 1;
  for (; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a++) {
    if (strcmp(argv[a], "--seed") == 0) seed = strtoull(argv[++a], NULL, 10) | 1;
    else if (strcmp(argv[a], "--torn") == 0) torn = 1;
    else if (strcmp(argv[a], "--trap-write") == 0) { trap_write = 1; trap_text = argv[++a]; }
    else if (strcmp(argv[a], "--trap-fsync") == 0) { trap_write = 0; trap_text = argv[++a]; }
    else break;
  }
  if (argc - a < 2) {
    fprintf(stderr, "usage: %s [--seed N] [--torn] [--trap-write TEXT | --trap-fsync TEXT] BACKING_DIR MOUNTPOINT "
            "[FUSE options]\n", argv[0]);
    return 2;
  }
  backing = open(argv[a], O_RDONLY | O_DIRECTORY);
  if (backing < 0) { perror(argv[a]); return 1; }
  /* SIGUSR1/2 are blocked in every thread FUSE starts; one thread of ours waits for them. */
  static sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  pthread_t t;
  if (pthread_create(&t, NULL, signal_thread, &set) != 0) { perror("pthread_create"); return 1; }
  /* FUSE's own arguments: the mount point, foreground, our name, then whatever was given. */
  char **fargv = calloc(argc + 4, sizeof *fargv);
  int n = 0;
  fargv[n++] = argv[0];
  fargv[n++] = argv[a + 1];
  fargv[n++] = "-f";
  fargv[n++] = "-ofsname=powerfail,subtype=powerfail";
  for (int i = a + 2; i < argc; i++) fargv[n++] = argv[i];
  return fuse_main(n, fargv, &ops, NULL);
}
