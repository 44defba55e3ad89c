/*
 * virtio-blk driver over virtio-mmio, modern interface (virtio 1.x,
 * MMIO version 2; QEMU needs -global virtio-mmio.force-legacy=false).
 *
 * One split virtqueue. Each request is a chain of three descriptors:
 * the request header (type, sector) the device reads, the 4096-byte data
 * block (device reads it for a write, writes it for a read), and one status
 * byte the device writes. The requester puts the chain's head in the
 * available ring, notifies the device, and sleeps on its request's condvar
 * when it wants the result; the completion interrupt walks the used ring
 * and wakes each finished request. Several requests may be in flight, from
 * different harts and from one requester's batch (bdev_batch_*: it puts up
 * to BDEV_BATCH_MAX on the queue before it waits for the oldest); a
 * requester that finds no free descriptors finishes its own oldest request,
 * or, having none, sleeps until one is freed. bdev_rw is a batch of one.
 *
 * Locking: disk.lock (a spinlock) guards the descriptor table, the rings,
 * the free list and the request slots. The interrupt handler takes it too,
 * so requesters hold it only around ring updates and condvar_wait.
 */
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/platform.h>
#include <kernel/plic.h>
#include <kernel/pmem.h>
#include <kernel/string.h>
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
#define VIRTQ_MAX 64                           /* descriptors we use at most */
_Static_assert(BDEV_BATCH_MAX * 3 <= VIRTQ_MAX, "a full batch fits the queue");
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

/* Where the three parts sit in the one zeroed frame holding the queue. */
#define RING_DESC_OFFSET 0                     /* 16 * 64 = 1024 bytes, 16-aligned */
#define RING_AVAIL_OFFSET 1024                 /* 4 + 2 * 64 (+2) bytes, 2-aligned */
#define RING_USED_OFFSET 2048                  /* 4 + 8 * 64 (+2) bytes, 4-aligned */

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
    bool done;                                 /* set by the interrupt handler */
    struct condvar done_cv;                    /* the requester sleeps here */
};

static struct disk {
    struct spinlock lock;
    volatile uint32_t *regs;                   /* MMIO, through the direct map */
    int irq;
    bool present;
    bool read_only;
    uint64_t nblocks;
    uint16_t qsize;                            /* descriptors in the queue */
    /* guarded by lock */
    struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    bool desc_free[VIRTQ_MAX];
    int nfree;
    uint16_t used_seen;                        /* used->idx we processed up to */
    struct condvar desc_cv;                    /* waiting for free descriptors */
    struct request req[VIRTQ_MAX];
} disk;

static uint32_t reg_read(int off)
{
    return disk.regs[off / 4];
}

static void reg_write(int off, uint32_t val)
{
    disk.regs[off / 4] = val;
}

bool bdev_present(void)
{
    return disk.present;
}

uint64_t bdev_nblocks(void)
{
    return disk.nblocks;
}

/* ---------------------------------------------------------------- setup */

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

static void set_status(uint32_t bits)
{
    reg_write(VIRTIO_MMIO_STATUS, reg_read(VIRTIO_MMIO_STATUS) | bits);
}

/* Negotiates features and sets up queue 0; false (device marked FAILED)
 * if the device will not work with us. */
static bool device_setup(int slot)
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
        goto fail;
    }
    disk.read_only = (features_low & (1U << VIRTIO_BLK_F_RO)) != 0;
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES, 0);
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    reg_write(VIRTIO_MMIO_DRIVER_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
    set_status(STATUS_FEATURES_OK);
    if (!(reg_read(VIRTIO_MMIO_STATUS) & STATUS_FEATURES_OK)) {
        kprintf("[boot] virtio-blk: slot %d refused our features\n", slot);
        goto fail;
    }

    reg_write(VIRTIO_MMIO_QUEUE_SEL, 0);
    uint32_t max = reg_read(VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (reg_read(VIRTIO_MMIO_QUEUE_READY) != 0 || max < 3) {
        kprintf("[boot] virtio-blk: slot %d has no usable queue 0\n", slot);
        goto fail;
    }
    disk.qsize = VIRTQ_MAX;                    /* a power of two, so ring indexes wrap cleanly */
    while (disk.qsize > max)
        disk.qsize /= 2;
    paddr_t ring;
    if (pmem_alloc_zero(&ring) != ERR_OK) {
        kprintf("[boot] virtio-blk: no memory for the queue\n");
        goto fail;
    }
    uint8_t *ring_va = kmap_p2v(ring);
    disk.desc = (struct virtq_desc *)(ring_va + RING_DESC_OFFSET);
    disk.avail = (struct virtq_avail *)(ring_va + RING_AVAIL_OFFSET);
    disk.used = (struct virtq_used *)(ring_va + RING_USED_OFFSET);
    reg_write(VIRTIO_MMIO_QUEUE_NUM, disk.qsize);
    reg_write(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(ring + RING_DESC_OFFSET));
    reg_write(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)((ring + RING_DESC_OFFSET) >> 32));
    reg_write(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(ring + RING_AVAIL_OFFSET));
    reg_write(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)((ring + RING_AVAIL_OFFSET) >> 32));
    reg_write(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(ring + RING_USED_OFFSET));
    reg_write(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)((ring + RING_USED_OFFSET) >> 32));
    reg_write(VIRTIO_MMIO_QUEUE_READY, 1);

    for (int i = 0; i < disk.qsize; i++) {
        disk.desc_free[i] = true;
        condvar_init(&disk.req[i].done_cv);
    }
    disk.nfree = disk.qsize;
    disk.used_seen = 0;
    disk.nblocks = read_capacity_sectors() / SECTORS_PER_BLOCK;
    return true;

fail:
    set_status(STATUS_FAILED);
    return false;
}

static void virtio_blk_intr(void *arg);

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

/* Takes three free descriptors into d[]; false if there are not three. */
static bool desc_alloc3(int d[3])
{
    if (disk.nfree < 3)
        return false;
    int n = 0;
    for (int i = 0; i < disk.qsize && n < 3; i++) {
        if (disk.desc_free[i]) {
            disk.desc_free[i] = false;
            d[n++] = i;
        }
    }
    disk.nfree -= 3;
    return true;
}

static void desc_free_chain(int head)
{
    int i = head;
    for (;;) {
        uint16_t flags = disk.desc[i].flags;
        uint16_t next = disk.desc[i].next;
        disk.desc_free[i] = true;
        disk.nfree++;
        if (!(flags & VIRTQ_DESC_F_NEXT))
            break;
        i = next;
    }
}

static void finish_oldest(struct bdev_batch *batch);

/* Puts a request for block blockno on the queue and tells the device;
 * returns its head descriptor. Caller holds disk.lock and has checked the
 * arguments. When descriptors are short, finishes the oldest request of
 * batch first if it has one (sleeping on descriptors only it would free
 * would never end), else sleeps until someone frees some. */
static int submit(struct bdev_batch *batch, uint64_t blockno, void *kbuf, bool write)
{
    int d[3];
    while (!desc_alloc3(d)) {
        if (batch->count > 0)
            finish_oldest(batch);
        else
            condvar_wait(&disk.desc_cv, &disk.lock);
    }

    struct request *r = &disk.req[d[0]];
    r->header.type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
    r->header.reserved = 0;
    r->header.sector = blockno * SECTORS_PER_BLOCK;
    r->status = 0xff;
    r->done = false;

    disk.desc[d[0]] = (struct virtq_desc){
        .addr = kmap_v2p(&r->header), .len = sizeof(r->header),
        .flags = VIRTQ_DESC_F_NEXT, .next = (uint16_t)d[1]};
    disk.desc[d[1]] = (struct virtq_desc){
        .addr = kmap_v2p(kbuf), .len = BDEV_BLOCK_SIZE,
        .flags = (uint16_t)(VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE)),
        .next = (uint16_t)d[2]};
    disk.desc[d[2]] = (struct virtq_desc){
        .addr = kmap_v2p(&r->status), .len = 1, .flags = VIRTQ_DESC_F_WRITE, .next = 0};

    /* Descriptors before the ring slot, the slot before the index: the
     * device may look as soon as it sees the new index. */
    disk.avail->ring[disk.avail->idx % disk.qsize] = (uint16_t)d[0];
    __sync_synchronize();
    disk.avail->idx = disk.avail->idx + 1;
    __sync_synchronize();
    reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    return d[0];
}

/* Waits for the oldest request of batch to complete, frees its
 * descriptors and notes its error. Caller holds disk.lock. */
static void finish_oldest(struct bdev_batch *batch)
{
    int head = batch->heads[batch->oldest];
    batch->oldest = (batch->oldest + 1) % BDEV_BATCH_MAX;
    batch->count--;
    struct request *r = &disk.req[head];
    while (!r->done)
        condvar_wait(&r->done_cv, &disk.lock);
    __sync_synchronize();
    uint8_t status = r->status;
    desc_free_chain(head);
    condvar_broadcast(&disk.desc_cv);
    if (status != VIRTIO_BLK_S_OK) {
        kprintf("virtio-blk: %s of block %lu failed (status %u)\n",
                r->header.type == VIRTIO_BLK_T_OUT ? "write" : "read",
                r->header.sector / SECTORS_PER_BLOCK, status);
        if (batch->err == ERR_OK)
            batch->err = ERR_NORES;
    }
}

void bdev_batch_init(struct bdev_batch *batch)
{
    batch->count = 0;
    batch->oldest = 0;
    batch->err = ERR_OK;
}

err_t bdev_batch_add(struct bdev_batch *batch, uint64_t blockno, void *kbuf, bool write)
{
    if (!disk.present)
        return ERR_NOTEXIST;
    if (blockno >= disk.nblocks)
        return ERR_INVAL;
    if (write && disk.read_only)
        return ERR_PERM;

    spinlock_acquire(&disk.lock);
    if (batch->count == BDEV_BATCH_MAX)
        finish_oldest(batch);
    int head = submit(batch, blockno, kbuf, write);
    batch->heads[(batch->oldest + batch->count) % BDEV_BATCH_MAX] = head;
    batch->count++;
    spinlock_release(&disk.lock);
    return ERR_OK;
}

err_t bdev_batch_finish(struct bdev_batch *batch)
{
    spinlock_acquire(&disk.lock);
    while (batch->count > 0)
        finish_oldest(batch);
    spinlock_release(&disk.lock);
    return batch->err;
}

err_t bdev_rw(uint64_t blockno, void *kbuf, bool write)
{
    struct bdev_batch one;
    bdev_batch_init(&one);
    err_t err = bdev_batch_add(&one, blockno, kbuf, write);
    return err != ERR_OK ? err : bdev_batch_finish(&one);
}

/* Completion interrupt (interrupts off, any hart): wake every finished request. */
static void virtio_blk_intr(void *arg)
{
    (void)arg;
    spinlock_acquire(&disk.lock);
    reg_write(VIRTIO_MMIO_INTERRUPT_ACK, reg_read(VIRTIO_MMIO_INTERRUPT_STATUS) & 0x3);
    __sync_synchronize();
    while (disk.used_seen != disk.used->idx) {
        __sync_synchronize();
        uint32_t id = disk.used->ring[disk.used_seen % disk.qsize].id;
        if (id < disk.qsize) {
            disk.req[id].done = true;
            condvar_signal(&disk.req[id].done_cv);
        }
        disk.used_seen++;
    }
    spinlock_release(&disk.lock);
}
