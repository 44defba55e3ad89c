/*
 * virtio-blk driver over virtio-mmio, modern interface (virtio 1.x,
 * MMIO version 2; QEMU needs -global virtio-mmio.force-legacy=false).
 *
 * One split virtqueue of up to 256 descriptors. Each request is a chain:
 * the request header (type, first sector) the device reads, one 4096-byte
 * descriptor per block of a run of consecutive blocks (the device reads
 * them for a write, writes them for a read), and one status byte the
 * device writes. A batch (bdev.h) gathers the blocks its owner adds into
 * such runs and sends each run as one request as soon as the run is over,
 * so the device works on many at once and QEMU does a run in one host
 * call; a sender that finds too few free descriptors sleeps until
 * completions free some. The completion interrupt walks the used ring,
 * frees each finished chain, counts it off its batch and wakes the owner
 * when the batch has nothing left in flight. bdev_rw is a batch of one.
 *
 * Locking: disk.lock (a spinlock) guards the descriptor table, the rings,
 * the free list, the request slots and the batches' pending counts. The
 * interrupt handler takes it too, so requesters hold it only around ring
 * updates and condvar_wait, and notify the device after releasing it.
 */
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/platform.h>
#include <kernel/plic.h>
#include <kernel/pmem.h>
#include <kernel/synch.h>

/* virtio-mmio registers (virtio 1.1, section 4.2.2), byte offsets. */
#define VIRTIO_MMIO_MAGIC 0x000                /* 0x74726976, "virt" */
#define VIRTIO_MMIO_VERSION 0x004              /* 2 = modern */
#define VIRTIO_MMIO_DEVICE_ID 0x008            /* 2 = block device, 0 = empty slot */
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100               /* virtio-blk: u64 capacity in sectors */

#define VIRTIO_MAGIC 0x74726976
#define VIRTIO_DEVICE_BLOCK 2

/* Device status bits. */
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED 128

/* Feature bits we look at. We accept only VERSION_1: nothing that changes
 * the ring layout (no event index, no indirect descriptors), and no write
 * cache control, so QEMU keeps the disk write-through. */
#define VIRTIO_BLK_F_RO 5                      /* read-only disk (just noted) */
#define VIRTIO_F_VERSION_1 32

/* Split virtqueue (virtio 1.1, section 2.6). */
#define VIRTQ_MAX 256                          /* descriptors we use at most */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2                   /* the device writes this buffer */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[VIRTQ_MAX];
};

struct virtq_used_elem {
    uint32_t id;                               /* head of the finished chain */
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[VIRTQ_MAX];
};

/* The queue takes two zeroed frames: the descriptor table fills one
 * (16 * 256 bytes), the available ring (4 + 2 * 256 (+2) bytes, 2-aligned)
 * and the used ring (4 + 8 * 256 (+2) bytes, 4-aligned) share the other. */
#define RING_AVAIL_OFFSET 0
#define RING_USED_OFFSET 1024
_Static_assert(16 * VIRTQ_MAX <= 4096, "the descriptor table fills at most a frame");
_Static_assert(RING_AVAIL_OFFSET + 4 + 2 * VIRTQ_MAX + 2 <= RING_USED_OFFSET, "rings overlap");
_Static_assert(RING_USED_OFFSET + 4 + 8 * VIRTQ_MAX + 2 <= 4096, "both rings fit a frame");

#define VIRTIO_BLK_T_IN 0                      /* read */
#define VIRTIO_BLK_T_OUT 1                     /* write */
#define VIRTIO_BLK_S_OK 0
#define SECTORS_PER_BLOCK (BDEV_BLOCK_SIZE / 512)

struct virtio_blk_req_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/* One in-flight request, indexed by the head descriptor of its chain. */
struct request {
    struct virtio_blk_req_header header;       /* read by the device */
    volatile uint8_t status;                   /* written by the device */
    struct bdev_batch *batch;                  /* whose it is; NULL: the slot is unused */
};

static struct disk {
    struct spinlock lock;                      /* LOCK_BDEV */
    /* set by bdev_init, then constant */
    volatile uint32_t *regs;                   /* MMIO, through the direct map */
    int irq;
    bool present;
    bool read_only;
    uint64_t nblocks;
    uint16_t qsize;                            /* descriptors in the queue */
    int run_max;                               /* blocks a request carries: BDEV_RUN_MAX,
                                                  fewer for a short queue */
    /* guarded by lock */
    struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    int free_head;                             /* free descriptors, linked through next */
    int nfree;
    uint16_t used_seen;                        /* used->idx we processed up to */
    uint64_t blocks_read;                      /* by every request sent so far */
    struct condvar desc_cv;                    /* waiting for free descriptors */
    struct request req[VIRTQ_MAX];
} disk;

/* Reads the 32-bit device register at byte offset off. */
static uint32_t reg_read(int off)
{
    return disk.regs[off / 4];
}

/* Writes the 32-bit device register at byte offset off. */
static void reg_write(int off, uint32_t val)
{
    disk.regs[off / 4] = val;
}

/* Read-only after bdev_init, so no lock. Contract in <kernel/bdev.h>. */
bool bdev_present(void)
{
    return disk.present;
}

/* Read-only after bdev_init, so no lock. Contract in <kernel/bdev.h>. */
uint64_t bdev_nblocks(void)
{
    return disk.nblocks;
}

/* Counted by run_queue. Contract in <kernel/bdev.h>. */
uint64_t bdev_blocks_read(void)
{
    spinlock_acquire(&disk.lock);
    uint64_t n = disk.blocks_read;
    spinlock_release(&disk.lock);
    return n;
}

/* ---------------------------------------------------------------- setup */

/* The disk's size from its configuration space, read until the device's
 * configuration generation says no change came in between. */
static uint64_t read_capacity_sectors(void)
{
    uint32_t gen, lo, hi;
    do {
        gen = reg_read(VIRTIO_MMIO_CONFIG_GENERATION);
        lo = reg_read(VIRTIO_MMIO_CONFIG);
        hi = reg_read(VIRTIO_MMIO_CONFIG + 4);
    } while (gen != reg_read(VIRTIO_MMIO_CONFIG_GENERATION));
    return ((uint64_t)hi << 32) | lo;
}

/* Adds bits to the device status register (the handshake of virtio 3.1). */
static void set_status(uint32_t bits)
{
    reg_write(VIRTIO_MMIO_STATUS, reg_read(VIRTIO_MMIO_STATUS) | bits);
}

/* Resets the device and agrees on features: VERSION_1 only (noting a
 * read-only disk). False if the device will not work with us. */
static bool negotiate_features(int slot)
{
    reg_write(VIRTIO_MMIO_STATUS, 0);          /* reset */
    while (reg_read(VIRTIO_MMIO_STATUS) != 0)
        ;
    set_status(STATUS_ACKNOWLEDGE);
    set_status(STATUS_DRIVER);

    reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t features_low = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
    reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint32_t features_high = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
    if (!(features_high & (1U << (VIRTIO_F_VERSION_1 - 32)))) {
        kprintf("[boot] virtio-blk: slot %d does not offer VIRTIO_F_VERSION_1\n", slot);
        return false;
    }
    disk.read_only = (features_low & (1U << VIRTIO_BLK_F_RO)) != 0;
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES, 0);
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
    set_status(STATUS_FEATURES_OK);
    if (!(reg_read(VIRTIO_MMIO_STATUS) & STATUS_FEATURES_OK)) {
        kprintf("[boot] virtio-blk: slot %d refused our features\n", slot);
        return false;
    }
    return true;
}

/* Tells the device where the queue's three parts are (physical addresses,
 * each register pair low word first) and makes the queue ready. */
static void queue_publish(paddr_t table, paddr_t rings)
{
    paddr_t avail = rings + RING_AVAIL_OFFSET, used = rings + RING_USED_OFFSET;
    reg_write(VIRTIO_MMIO_QUEUE_NUM, disk.qsize);
    reg_write(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)table);
    reg_write(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(table >> 32));
    reg_write(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    reg_write(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    reg_write(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    reg_write(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    reg_write(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Sets up queue 0: as many descriptors as both sides allow (a power of
 * two, so ring indexes wrap cleanly), two zeroed frames, every descriptor
 * on the free list. False without a usable queue or memory. A request
 * takes three descriptors (header, data, status), so a usable queue has
 * at least 4: a device maximum of 3 would round down to 2, and every
 * request would wait for descriptors that never come. (QEMU offers no
 * queue below 4; its smallest, queue-size=4, boots and runs.) */
static bool queue_setup(int slot)
{
    reg_write(VIRTIO_MMIO_QUEUE_SEL, 0);
    uint32_t max = reg_read(VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (reg_read(VIRTIO_MMIO_QUEUE_READY) != 0 || max < 4) {
        kprintf("[boot] virtio-blk: slot %d has no usable queue 0\n", slot);
        return false;
    }
    disk.qsize = VIRTQ_MAX;
    while (disk.qsize > max)
        disk.qsize /= 2;
    paddr_t table, rings;
    if (pmem_alloc_zero(&table) != ERR_OK) {
        kprintf("[boot] virtio-blk: no memory for the queue\n");
        return false;
    }
    if (pmem_alloc_zero(&rings) != ERR_OK) {
        pmem_free(table);
        kprintf("[boot] virtio-blk: no memory for the queue\n");
        return false;
    }
    disk.desc = kmap_p2v(table);
    disk.avail = (struct virtq_avail *)((uint8_t *)kmap_p2v(rings) + RING_AVAIL_OFFSET);
    disk.used = (struct virtq_used *)((uint8_t *)kmap_p2v(rings) + RING_USED_OFFSET);
    queue_publish(table, rings);

    for (int i = 0; i < disk.qsize; i++)
        disk.desc[i].next = (uint16_t)(i + 1);
    disk.free_head = 0;
    disk.nfree = disk.qsize;
    disk.run_max = disk.qsize - 2 < BDEV_RUN_MAX ? disk.qsize - 2 : BDEV_RUN_MAX;
    disk.used_seen = 0;
    return true;
}

/* Brings the device in slot up to where it only lacks DRIVER_OK; false
 * (device marked FAILED) if it will not work with us. */
static bool device_setup(int slot)
{
    if (!negotiate_features(slot) || !queue_setup(slot)) {
        set_status(STATUS_FAILED);
        return false;
    }
    disk.nblocks = read_capacity_sectors() / SECTORS_PER_BLOCK;
    return true;
}

static void virtio_blk_intr(void *arg);

/* Finds the virtio-blk device among the virtio-mmio slots and sets up its
 * queue; no disk is not an error here. Contract in <kernel/bdev.h>. */
void bdev_init(void)
{
    spinlock_init(&disk.lock, "virtio-blk", LOCK_BDEV);
    condvar_init(&disk.desc_cv);
    for (int i = 0; i < platform.nvirtio; i++) {
        disk.regs = kmap_p2v(platform.virtio_base[i]);
        if (reg_read(VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC ||
            reg_read(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_DEVICE_BLOCK)
            continue;
        if (reg_read(VIRTIO_MMIO_VERSION) != 2) {
            kprintf("[boot] virtio-blk: slot %d is a legacy device (version %u); "
                    "run QEMU with -global virtio-mmio.force-legacy=false\n",
                    i, reg_read(VIRTIO_MMIO_VERSION));
            continue;
        }
        if (!device_setup(i))
            continue;
        disk.irq = platform.virtio_irq[i];
        disk.present = true;
        plic_register_irq(disk.irq, virtio_blk_intr, NULL);
        set_status(STATUS_DRIVER_OK);
        kprintf("[boot] virtio-blk: %lu blocks of %d bytes at %p, irq %d, queue of %u%s\n",
                disk.nblocks, BDEV_BLOCK_SIZE, (void *)platform.virtio_base[i], disk.irq,
                disk.qsize, disk.read_only ? ", read-only" : "");
        return;
    }
    disk.regs = NULL;
    kprintf("[boot] virtio-blk: no disk found\n");
}

/* ------------------------------------------------------------- requests */

/* Takes n free descriptors, linked through next in the order taken, and
 * returns the first. Caller holds disk.lock and checked nfree >= n. */
static int desc_alloc(int n)
{
    int head = disk.free_head;
    int last = head;
    for (int i = 1; i < n; i++)
        last = disk.desc[last].next;
    disk.free_head = disk.desc[last].next;
    disk.nfree -= n;
    return head;
}

/* Gives a finished chain back to the free list. Caller holds disk.lock. */
static void desc_free_chain(int head)
{
    int last = head;
    int n = 1;
    while (disk.desc[last].flags & VIRTQ_DESC_F_NEXT) {
        last = disk.desc[last].next;
        n++;
    }
    disk.desc[last].next = (uint16_t)disk.free_head;
    disk.free_head = head;
    disk.nfree += n;
}

/* Fills descriptor d and returns the one linked after it (its next, set
 * by desc_alloc), which the chain continues with unless flags end it. */
static int desc_fill(int d, void *kbuf, uint32_t len, uint16_t flags)
{
    disk.desc[d].addr = kmap_v2p(kbuf);
    disk.desc[d].len = len;
    disk.desc[d].flags = flags;
    return disk.desc[d].next;
}

/*
 * Puts batch's open run in the available ring as one request: its chain
 * (header, a descriptor per block, status). Waits for free descriptors
 * first if there are too few (completions free them; a run never needs
 * more than the queue has). Caller holds disk.lock, and tells the device
 * (notify) once it has released it.
 */
static void run_queue(struct bdev_batch *batch)
{
    int nblocks = batch->run_len;
    while (disk.nfree < nblocks + 2)
        condvar_wait(&disk.desc_cv, &disk.lock);
    int head = desc_alloc(nblocks + 2);
    struct request *r = &disk.req[head];
    r->header.type = batch->run_write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
    r->header.reserved = 0;
    r->header.sector = batch->run_start * SECTORS_PER_BLOCK;
    r->status = 0xff;
    r->batch = batch;

    uint16_t data_flags = (uint16_t)(VIRTQ_DESC_F_NEXT |
                                     (batch->run_write ? 0 : VIRTQ_DESC_F_WRITE));
    int d = desc_fill(head, &r->header, sizeof(r->header), VIRTQ_DESC_F_NEXT);
    for (int i = 0; i < nblocks; i++)
        d = desc_fill(d, batch->run_bufs[i], BDEV_BLOCK_SIZE, data_flags);
    desc_fill(d, (void *)&r->status, 1, VIRTQ_DESC_F_WRITE);   /* the end of the chain */

    /* Descriptors before the ring slot, the slot before the index: the
     * device may look at any time (another hart's notify). */
    disk.avail->ring[disk.avail->idx % disk.qsize] = (uint16_t)head;
    __sync_synchronize();
    disk.avail->idx = disk.avail->idx + 1;
    batch->pending++;
    if (!batch->run_write)
        disk.blocks_read += nblocks;
    batch->run_len = 0;
}

/*
 * Tells the device that the available ring has new requests. Called with
 * disk.lock released: QEMU serves the notification in the notifying hart,
 * taking its big lock and handing every new request to the host's I/O
 * (about 100 us), and the completion interrupt and other senders would
 * spin on disk.lock all that while. A request queued by another hart and
 * not yet notified is sent by whichever notification comes first; a
 * notification that finds nothing new costs the device a look.
 */
static void notify(void)
{
    __sync_synchronize();        /* the ring's index before the notification */
    reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Queues batch's open run (run_queue) and tells the device. */
static void run_send(struct bdev_batch *batch)
{
    spinlock_acquire(&disk.lock);
    run_queue(batch);
    spinlock_release(&disk.lock);
    notify();
}

/* An empty batch, with no run and nothing in flight. */
void bdev_batch_init(struct bdev_batch *batch)
{
    batch->pending = 0;
    batch->err = ERR_OK;
    batch->failed_block = 0;
    condvar_init(&batch->done_cv);
    batch->run_len = 0;
}

/* True if block blockno, in direction write, can join batch's open run. */
static bool run_continues(const struct bdev_batch *batch, uint64_t blockno, bool write)
{
    return batch->run_len > 0 && batch->run_len < disk.run_max && batch->run_write == write &&
           blockno == batch->run_start + (uint64_t)batch->run_len;
}

/* Queues one block: it extends the current run when contiguous, of the
 * same direction and not full, else that run is sent and a new one starts.
 * Contract in <kernel/bdev.h>. */
err_t bdev_batch_add(struct bdev_batch *batch, uint64_t blockno, void *kbuf, bool write)
{
    if (!disk.present)
        return ERR_NOTEXIST;
    if (blockno >= disk.nblocks)
        return ERR_INVAL;
    if (write && disk.read_only)
        return ERR_PERM;

    if (!run_continues(batch, blockno, write)) {
        if (batch->run_len > 0)
            run_send(batch);
        batch->run_write = write;
        batch->run_start = blockno;
    }
    batch->run_bufs[batch->run_len++] = kbuf;
    if (batch->run_len == disk.run_max)        /* full: to the device now */
        run_send(batch);
    return ERR_OK;
}

/* Sends the last run and sleeps until every request of the batch is done;
 * returns the first error. Contract in <kernel/bdev.h>. */
err_t bdev_batch_finish(struct bdev_batch *batch)
{
    if (batch->run_len > 0)
        run_send(batch);
    spinlock_acquire(&disk.lock);
    while (batch->pending > 0)
        condvar_wait(&batch->done_cv, &disk.lock);
    spinlock_release(&disk.lock);
    if (batch->err != ERR_OK)
        kprintf("virtio-blk: a request from block %lu failed\n", batch->failed_block);
    return batch->err;
}

/* One block, synchronously: a batch of one. Contract in <kernel/bdev.h>. */
err_t bdev_rw(uint64_t blockno, void *kbuf, bool write)
{
    struct bdev_batch one;
    bdev_batch_init(&one);
    err_t err = bdev_batch_add(&one, blockno, kbuf, write);
    return err != ERR_OK ? err : bdev_batch_finish(&one);
}

/* Counts the finished request whose chain begins at descriptor head (its
 * slot in disk.req) off its batch, noting a failure, frees the chain, and
 * wakes the batch's owner when nothing of it is left in flight. Caller
 * holds disk.lock. */
static void request_done(int head)
{
    struct request *r = &disk.req[head];
    struct bdev_batch *batch = r->batch;
    r->batch = NULL;
    if (r->status != VIRTIO_BLK_S_OK && batch->err == ERR_OK) {
        batch->err = ERR_NORES;
        batch->failed_block = r->header.sector / SECTORS_PER_BLOCK;
    }
    desc_free_chain(head);
    if (--batch->pending == 0)
        condvar_signal(&batch->done_cv);
}

/* Completion interrupt (interrupts off, on the hart that registered it:
 * the boot hart, plic.h): finishes every request
 * the device has put in the used ring since last time, and wakes those
 * waiting for descriptors if any were freed. An id that is not a request
 * in flight (a confused device) is ignored. */
static void virtio_blk_intr(void *arg)
{
    (void)arg;
    spinlock_acquire(&disk.lock);
    reg_write(VIRTIO_MMIO_INTERRUPT_ACK, reg_read(VIRTIO_MMIO_INTERRUPT_STATUS) & 0x3);
    __sync_synchronize();
    bool freed = false;
    while (disk.used_seen != disk.used->idx) {
        __sync_synchronize();
        uint32_t id = disk.used->ring[disk.used_seen % disk.qsize].id;
        disk.used_seen++;
        if (id < disk.qsize && disk.req[id].batch != NULL) {
            request_done((int)id);
            freed = true;
        }
    }
    if (freed)
        condvar_broadcast(&disk.desc_cv);
    spinlock_release(&disk.lock);
}
