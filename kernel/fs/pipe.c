/*
 * Pipes: a one-frame ring buffer between a write end and a read end.
 * Readers wait while it is empty and get 0 once every writer is gone;
 * writers wait while it is full and get ERR_END once every reader is gone.
 * User memory is copied straight from or into the ring with no spinlock
 * held (see file.h for why that is safe). Contract: file.h.
 */
#include <kernel/file.h>
#include <kernel/sched.h>
#include <kernel/console.h>
#include <kernel/kmalloc.h>
#include <kernel/pmem.h>
#include <kernel/uaccess.h>

#define PIPE_SIZE PG_SIZE

struct pipe {
    struct sleeplock read_lock;        /* one reader at a time */
    struct sleeplock write_lock;       /* one writer at a time */
    uint8_t *data;                     /* PIPE_SIZE bytes, a frame */
    /* guarded by lock */
    struct spinlock lock;
    uint64_t nread, nwrite;            /* bytes ever read / written; nwrite - nread are buffered */
    int readers, writers;              /* open ends */
    struct condvar not_empty, not_full;
};

static struct kmem_cache *pipe_cache;

/* Creates the pipe slab cache; once at boot (file_init). */
void pipe_init(void)
{
    pipe_cache = kmem_cache_create("pipe", sizeof(struct pipe));
    if (pipe_cache == NULL)
        panic("pipe_init: no kmem_cache");
}

/* A new pipe with a one-frame ring buffer, one reader and one writer. */
err_t pipe_alloc(struct pipe **out)
{
    struct pipe *p = kmem_cache_alloc(pipe_cache);
    if (p == NULL)
        return ERR_NOMEM;
    paddr_t frame;
    if (pmem_alloc(&frame) != ERR_OK) {
        kmem_cache_free(pipe_cache, p);
        return ERR_NOMEM;
    }
    p->data = kmap_p2v(frame);
    sleeplock_init(&p->read_lock, "pipe read", LOCK_PIPE_END);
    sleeplock_init(&p->write_lock, "pipe write", LOCK_PIPE_END);
    spinlock_init(&p->lock, "pipe", LOCK_PIPE);
    p->nread = p->nwrite = 0;
    p->readers = p->writers = 1;
    condvar_init(&p->not_empty);
    condvar_init(&p->not_full);
    *out = p;
    return ERR_OK;
}

/* Blocks until data or no writers, then reads what is there (up to n);
 * read_lock lets one reader in at a time. Contract in <kernel/file.h>. */
ssize_t pipe_read(struct pipe *p, void *ubuf, size_t n)
{
    if (n == 0)
        return 0;
    if (sleeplock_acquire_killable(&p->read_lock) != ERR_OK)
        return ERR_KILLED;
    spinlock_acquire(&p->lock);
    while (p->nwrite == p->nread && p->writers > 0) {
        if (condvar_wait_killable(&p->not_empty, &p->lock) != ERR_OK) {
            spinlock_release(&p->lock);
            sleeplock_release(&p->read_lock);
            return ERR_KILLED;
        }
    }
    uint64_t start = p->nread;
    size_t m = p->nwrite - p->nread;
    spinlock_release(&p->lock);

    if (m > n)
        m = n;
    size_t done = 0;
    ssize_t err = 0;
    while (done < m) {                 /* at most two pieces: the ring wraps */
        size_t at = (start + done) % PIPE_SIZE;
        size_t piece = PIPE_SIZE - at < m - done ? PIPE_SIZE - at : m - done;
        if ((err = copy_to_user((uint8_t *)ubuf + done, p->data + at, piece)) != ERR_OK)
            break;                     /* the piece stays in the pipe */
        done += piece;
    }

    spinlock_acquire(&p->lock);
    p->nread += done;
    condvar_broadcast(&p->not_full);
    spinlock_release(&p->lock);
    sleeplock_release(&p->read_lock);
    return done > 0 ? (ssize_t)done : err;
}

/* Writes n bytes, blocking while full (short only if the readers go or the
 * thread is killed); write_lock keeps concurrent writes from interleaving.
 * Contract in <kernel/file.h>. */
ssize_t pipe_write(struct pipe *p, const void *ubuf, size_t n)
{
    size_t done = 0;
    ssize_t err = 0;
    if (sleeplock_acquire_killable(&p->write_lock) != ERR_OK)
        return ERR_KILLED;
    while (done < n) {
        spinlock_acquire(&p->lock);
        while (p->nwrite - p->nread == PIPE_SIZE && p->readers > 0 && err == 0)
            err = condvar_wait_killable(&p->not_full, &p->lock);
        if (p->readers == 0 && err == 0)
            err = ERR_END;
        if (err != 0) {
            spinlock_release(&p->lock);
            break;
        }
        uint64_t start = p->nwrite;
        size_t room = PIPE_SIZE - (p->nwrite - p->nread);
        spinlock_release(&p->lock);

        size_t m = n - done < room ? n - done : room;
        size_t copied = 0;
        while (copied < m) {
            size_t at = (start + copied) % PIPE_SIZE;
            size_t piece = PIPE_SIZE - at < m - copied ? PIPE_SIZE - at : m - copied;
            err = copy_from_user(p->data + at, (const uint8_t *)ubuf + done + copied, piece);
            if (err != ERR_OK)
                break;
            copied += piece;
        }

        spinlock_acquire(&p->lock);
        p->nwrite += copied;
        condvar_broadcast(&p->not_empty);
        spinlock_release(&p->lock);
        done += copied;
        if (err != 0)
            break;
    }
    sleeplock_release(&p->write_lock);
    return done > 0 ? (ssize_t)done : err;
}

/* Closes one end, waking the other side so it sees EOF or a broken pipe;
 * the last close frees the pipe. */
void pipe_close(struct pipe *p, bool writable)
{
    spinlock_acquire(&p->lock);
    if (writable)
        p->writers--;
    else
        p->readers--;
    condvar_broadcast(&p->not_empty);
    condvar_broadcast(&p->not_full);
    bool last = p->readers == 0 && p->writers == 0;
    spinlock_release(&p->lock);
    if (last) {
        pmem_free(kmap_v2p(p->data));
        kmem_cache_free(pipe_cache, p);
    }
}
