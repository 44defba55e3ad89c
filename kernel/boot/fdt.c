/*
 * A small flattened-device-tree reader: walks the structure block once and
 * records what the kernel needs in `platform` (platform.h). It understands
 * just enough of the format (nodes, properties, #address-cells and
 * #size-cells of the parent) to read QEMU virt's tree, or any tree shaped
 * like it; no other code hard-codes an address. Of the kernel command line
 * (/chosen/bootargs, QEMU's -append) it reads `mem=` and `panic=`.
 */
#include <kernel/platform.h>
#include <kernel/console.h>
#include <kernel/pmem.h>
#include <kernel/string.h>
#include <lib/stddef.h>

struct platform platform;

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 16

/* Device trees are big-endian and their cells only 4-byte aligned, so a
 * cell is read byte by byte. */
static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* Reads a number of `cells` 32-bit cells. */
static uint64_t read_cells(const uint8_t *p, int cells)
{
    uint64_t v = 0;
    for (int i = 0; i < cells; i++)
        v = (v << 32) | be32(p + 4 * i);
    return v;
}

/* True if the string list (len bytes) contains s. */
static bool has_string(const char *list, int len, const char *s)
{
    for (int i = 0; i < len; i += strlen(list + i) + 1)
        if (strcmp(list + i, s) == 0)
            return true;
    return false;
}

/* Reads SIZE of "mem=SIZE": bytes, or K, M or G of them. 0 if malformed. */
static uint64_t parse_size(const char *p, const char *end)
{
    uint64_t v = 0;
    const char *digits = p;
    for (; p < end && *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (*p - '0');
    if (p == digits)
        return 0;
    if (p < end && (*p == 'K' || *p == 'k'))
        v <<= 10, p++;
    else if (p < end && (*p == 'M' || *p == 'm'))
        v <<= 20, p++;
    else if (p < end && (*p == 'G' || *p == 'g'))
        v <<= 30, p++;
    return p == end ? v : 0;
}

/* The panic= values, in PANIC_TEST_* order (platform.h). */
static const char *const panic_tests[] = { "boot", "stack", "wild", "lockorder" };

/* The command line: space-separated words; the kernel knows mem=
 * (platform.mem_limit) and panic=boot|stack|wild|lockorder (platform.panic_test: a
 * deliberate panic, so a student or a test can see what one looks like)
 * and ignores the others, as Linux does. A mem= that is malformed or under
 * one frame, or an unknown panic=, is ignored too. */
static void parse_bootargs(const char *args, int len)
{
    const char *end = args + strnlen(args, len);
    while (args < end) {
        const char *word = args;
        while (args < end && *args != ' ')
            args++;
        if (args - word > 4 && strncmp(word, "mem=", 4) == 0) {
            uint64_t size = parse_size(word + 4, args);
            if (size >= PG_SIZE)
                platform.mem_limit = size;
        } else if (args - word > 6 && strncmp(word, "panic=", 6) == 0) {
            for (size_t i = 0; i < NELEM(panic_tests); i++)
                if ((size_t)(args - word - 6) == strlen(panic_tests[i]) &&
                    strncmp(word + 6, panic_tests[i], args - word - 6) == 0)
                    platform.panic_test = PANIC_TEST_BOOT + i;
        }
        while (args < end && *args == ' ')
            args++;
    }
}

/* What one node said, filled while walking its properties. */
struct node {
    int addr_cells, size_cells;  /* for its children */
    const char *compatible;
    int compatible_len;
    const char *device_type;
    const char *status;
    uint64_t reg_addr, reg_size;
    bool has_reg;
    int irq;
    uint64_t timebase;
    bool chosen;                 /* the /chosen node */
    uint32_t phandle;            /* how other nodes name it; 0: none */
    const uint8_t *irqs_ext;     /* interrupts-extended: (phandle, irq) pairs */
    uint32_t irqs_ext_len;
};

/* The harts' interrupt controllers by phandle, and the SSWI's list of
 * them, matched once the whole tree is read (resolve_sswi): a node may
 * name a phandle that comes later in the tree. */
static struct {
    uint32_t phandle;
    uint64_t hartid;
} intcs[NCPU];
static int nintcs;
static const uint8_t *sswi_irqs;
static uint32_t sswi_irqs_len;

/* Notes the registers of a device the kernel drives: the direct map gets
 * them (vpmap_kernel_map). Each device below is added once, so they fit. */
static void add_mmio(paddr_t base, uint64_t size)
{
    platform.mmio[platform.nmmio].base = base;
    platform.mmio[platform.nmmio].size = size;
    platform.nmmio++;
}

/* A virtio-mmio slot (QEMU virt has eight, most empty: virtio_blk.c
 * probes them). Kept in address order, so the disk is found in the same
 * slot whatever order the tree lists them in. */
static void add_virtio(paddr_t base, uint64_t size, int irq)
{
    if (platform.nvirtio == MAX_VIRTIO)
        return;
    add_mmio(base, size);
    int i = platform.nvirtio++;
    while (i > 0 && platform.virtio_base[i - 1] > base) {   /* keep address order */
        platform.virtio_base[i] = platform.virtio_base[i - 1];
        platform.virtio_irq[i] = platform.virtio_irq[i - 1];
        i--;
    }
    platform.virtio_base[i] = base;
    platform.virtio_irq[i] = irq;
}

/* A hart the device tree names (okay): it joins the boot hart, which
 * fdt_parse put first, while there is room for it; the rest are counted. */
static void add_hart(uint64_t id)
{
    if (id == platform.hartids[0])
        return;
    platform.harts_found++;
    if (platform.nharts < NCPU)
        platform.hartids[platform.nharts++] = id;
}

/* A device node, by what it is compatible with: the first UART, PLIC and
 * power-off device found are the ones used; every virtio slot is kept. */
static void add_device(struct node *n)
{
    if (has_string(n->compatible, n->compatible_len, "ns16550a") && !platform.uart_base) {
        platform.uart_base = n->reg_addr;
        platform.uart_irq = n->irq;
        add_mmio(n->reg_addr, n->reg_size);
    } else if ((has_string(n->compatible, n->compatible_len, "riscv,plic0") ||
                has_string(n->compatible, n->compatible_len, "sifive,plic-1.0.0")) &&
               !platform.plic_base) {
        platform.plic_base = n->reg_addr;
        add_mmio(n->reg_addr, n->reg_size);
    } else if (has_string(n->compatible, n->compatible_len, "virtio,mmio")) {
        add_virtio(n->reg_addr, n->reg_size, n->irq);
    } else if (has_string(n->compatible, n->compatible_len, "sifive,test0") &&
               !platform.finisher_base) {
        platform.finisher_base = n->reg_addr;
        add_mmio(n->reg_addr, n->reg_size);
    } else if (has_string(n->compatible, n->compatible_len, "riscv,aclint-sswi") &&
               !platform.sswi_base && n->irqs_ext) {
        platform.sswi_base = n->reg_addr;
        sswi_irqs = n->irqs_ext;
        sswi_irqs_len = n->irqs_ext_len;
        add_mmio(n->reg_addr, n->reg_size);
    }
}

/* Slot k of the SSWI interrupts the hart whose controller is the k-th
 * phandle of its interrupts-extended; harts the kernel does not run, or
 * that have no slot, are left out (-1: they get IPIs through SBI). */
static void resolve_sswi(void)
{
    for (int i = 0; i < NCPU; i++)
        platform.sswi_slot[i] = -1;
    for (uint32_t k = 0; platform.sswi_base && 8 * (k + 1) <= sswi_irqs_len; k++) {
        uint32_t phandle = be32(sswi_irqs + 8 * k);
        for (int c = 0; c < nintcs; c++)
            for (int i = 0; i < platform.nharts; i++)
                if (intcs[c].phandle == phandle && platform.hartids[i] == intcs[c].hartid)
                    platform.sswi_slot[i] = (int)k;
    }
}

/* A node's properties are all read by the time it ends, so it is judged
 * here: memory, a hart (unless disabled), a hart's interrupt controller
 * (a child of its cpu node, whose reg is the hart id), or a device with
 * registers. */
static void finish_node(struct node *n, const struct node *parent)
{
    bool okay = !n->status || strcmp(n->status, "okay") == 0 || strcmp(n->status, "ok") == 0;
    if (n->timebase)
        platform.timebase_hz = n->timebase;
    if (n->device_type && strcmp(n->device_type, "memory") == 0 && n->has_reg && !platform.ram_end) {
        platform.ram_start = n->reg_addr;
        platform.ram_end = n->reg_addr + n->reg_size;
    }
    if (n->device_type && strcmp(n->device_type, "cpu") == 0 && n->has_reg && okay)
        add_hart(n->reg_addr);
    if (n->compatible && has_string(n->compatible, n->compatible_len, "riscv,cpu-intc") &&
        n->phandle && parent && parent->has_reg && nintcs < NCPU) {
        intcs[nintcs].phandle = n->phandle;
        intcs[nintcs++].hartid = parent->reg_addr;
    }
    if (n->compatible && n->has_reg)
        add_device(n);
}

/* A node starts with the defaults the specification gives its children's
 * reg (2 address cells, 1 size cell) and no interrupt. */
static void begin_node(struct node *n, const char *name, int depth)
{
    memset(n, 0, sizeof(*n));
    n->chosen = depth == 1 && strcmp(name, "chosen") == 0;
    n->addr_cells = 2;
    n->size_cells = 1;
    n->irq = -1;
}

/* Notes one property of node n (value val, len bytes). reg is read with
 * the cell sizes of the parent (NULL for the root), which the format puts
 * in the parent, not in the node itself. */
static void read_prop(struct node *n, const struct node *parent, const char *name,
                      const uint8_t *val, uint32_t len)
{
    int pa = parent ? parent->addr_cells : 2;
    int ps = parent ? parent->size_cells : 1;
    if (strcmp(name, "#address-cells") == 0)
        n->addr_cells = be32(val);
    else if (strcmp(name, "#size-cells") == 0)
        n->size_cells = be32(val);
    else if (strcmp(name, "compatible") == 0)
        n->compatible = (const char *)val, n->compatible_len = len;
    else if (strcmp(name, "device_type") == 0)
        n->device_type = (const char *)val;
    else if (strcmp(name, "status") == 0)
        n->status = (const char *)val;
    else if (strcmp(name, "interrupts") == 0 && len >= 4)
        n->irq = be32(val);
    else if (strcmp(name, "interrupts-extended") == 0)
        n->irqs_ext = val, n->irqs_ext_len = len;
    else if (strcmp(name, "phandle") == 0 && len == 4)
        n->phandle = be32(val);
    else if (strcmp(name, "bootargs") == 0 && n->chosen)
        parse_bootargs((const char *)val, len);
    else if (strcmp(name, "timebase-frequency") == 0)
        n->timebase = read_cells(val, len / 4);
    else if (strcmp(name, "reg") == 0 && len >= 4u * (pa + ps)) {
        n->reg_addr = read_cells(val, pa);
        n->reg_size = read_cells(val + 4 * pa, ps);
        n->has_reg = true;
    }
}

/* One pass over the structure block with a stack of the open nodes: a
 * node is judged when it ends, and its parent's cell sizes are at hand
 * for its reg. */
void fdt_parse(paddr_t fdt_pa, uint64_t boot_hartid)
{
    platform.hartids[0] = boot_hartid;
    platform.nharts = platform.harts_found = 1;
    const uint8_t *fdt = kmap_p2v(fdt_pa);
    if (be32(fdt) != FDT_MAGIC)
        panic("no device tree at 0x%lx (a1 from OpenSBI)", fdt_pa);
    platform.fdt_start = fdt_pa;
    platform.fdt_end = fdt_pa + be32(fdt + 4);
    const uint8_t *p = fdt + be32(fdt + 8);
    const char *strings = (const char *)fdt + be32(fdt + 12);

    struct node stack[MAX_DEPTH];
    int depth = -1;
    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            p += (strlen(name) + 4) & ~3UL;                 /* name, NUL, padding */
            if (++depth >= MAX_DEPTH)
                panic("device tree nested too deep");
            begin_node(&stack[depth], name, depth);
        } else if (token == FDT_END_NODE) {
            finish_node(&stack[depth], depth > 0 ? &stack[depth - 1] : NULL);
            if (--depth < 0)
                break;
        } else if (token == FDT_PROP) {
            uint32_t len = be32(p);
            const char *name = strings + be32(p + 4);
            const uint8_t *val = p + 8;
            p += 8 + ((len + 3) & ~3U);
            read_prop(&stack[depth], depth > 0 ? &stack[depth - 1] : NULL, name, val, len);
        } else if (token == FDT_NOP) {
            continue;
        } else {
            break;               /* FDT_END or garbage */
        }
    }
    if (!platform.ram_end || !platform.uart_base || !platform.plic_base || !platform.nharts)
        panic("device tree lacks memory, UART, PLIC or cpus");
    if (!platform.timebase_hz)
        platform.timebase_hz = 10000000;
    resolve_sswi();
}
