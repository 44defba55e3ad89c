/*
 * fuzz_memory.h: test/fuzz.c's operations on memory: sbrk, info, meminfo,
 * vminfo and asid_limit, stores and loads in its own views and mappings, named shared regions
 * (create, map, unmap, destroy, lock, unlock, resize, list), futexes, and
 * file mappings (mmap, munmap). Each judges its result against the
 * process's model of its heap, views and mappings. Header-only; included
 * by fuzz.c only.
 */
#ifndef _TEST_FUZZ_MEMORY_H_
#define _TEST_FUZZ_MEMORY_H_

#include "fuzz_model.h"
#include <lib/vm-ext.h>

/* ---------------------------------------------------------------- heap */

/* sbrk(inc) as a judged call; returns the result. */
static long sbrk_call(int inc, const char *note)
{
    call_begin(SYS_sbrk, "sbrk");
    call_arg(inc, note);
    return call_make();
}

/* Moves the break by inc and back, touching what it grew. */
static void op_sbrk(void)
{
    static const int incs[] = { 0, 1, 7, 4096, 4097, 65536, -1, -7, -4096, -4097, 0x7fffffff,
                                -0x7fffffff - 1, 1 << 24, 1 << 28, -(HEAP_PAGES + 1) * 4096 };
    if (!heap_ok)
        return;
    int inc = one_in(4) ? (int)rnd() : PICK(incs);
    long r = sbrk_call(inc, "increment");
    bool below = inc < 0 && (long)heap_top + inc < (long)heap_start;
    if (inc > 0)
        allow(r, heap_top, heap_top, E(ERR_NOMEM));
    else
        allow(r, heap_top, heap_top, 0);
    if (r == ERR_NOMEM)            /* a failed sbrk changed nothing */
        allow(sbrk_call(0, "after ERR_NOMEM"), heap_top, heap_top, 0);
    if (r != (long)heap_top || inc == 0 || below)
        return;
    if (inc > 0)
        for (long off = 0; off < inc && off < 4 * (long)PAGE; off += PAGE)
            ((volatile char *)heap_top)[off] = (char)off;
    /* Back to heap_top; growing back needs frames, which may be short. */
    for (int tries = 0; tries < 20; tries++) {
        r = sbrk_call(-inc, "back");
        allow(r, heap_top + inc, heap_top + inc, inc < 0 ? E(ERR_NOMEM) : 0);
        if (r == (long)(heap_top + inc))
            return;
        call_begin(SYS_sleep, "sleep");
        call_arg(0, "");
        call_make();
    }
    heap_ok = false;               /* the straddling pointers are gone */
}

/* info: ERR_FAULT exactly when the struct cannot be stored; the
 * numbers within their bounds. */
static void op_info(void)
{
    struct uptr u = out_fixed(sizeof(struct sys_info), false);
    call_begin(SYS_info, "info");
    call_uptr(&u);
    long r = call_make();
    bool room = u.wroom >= sizeof(struct sys_info);
    allow(r, room ? 0 : 1, 0, room ? 0 : E(ERR_FAULT));
    if (r == 0 && room && u.stable) {
        const struct sys_info *si = (const struct sys_info *)u.p;
        if (total_pages == 0)
            total_pages = si->total_pages;
        if (si->total_pages != total_pages || si->free_pages > si->total_pages ||
            si->shm_regions > 64 || si->shm_pages > 16384)
            impossible(si->free_pages, "info: total_pages changed, more free pages than pages, "
                                       "or shm counts past the limits (64 regions, 16384 pages)");
    }
}

/* meminfo, rarely. */
static void op_meminfo(void)
{
    if (!one_in(200))
        return;                    /* it prints a dozen lines */
    call_begin(SYS_meminfo, "meminfo");
    allow(call_make(), 0, 0, 0);
}

/* The ASID bits the harts implement: learnt from the first vminfo we can
 * read, or from asid_limit of a negative width; -1 until then. */
static int asid_hw = -1;

/* asid_limit's answer to bits (the int the kernel sees) with hw bits
 * implemented: bits clamped to 0..hw, a negative one meaning hw. */
static long asid_width(int bits, int hw)
{
    return bits < 0 || bits > hw ? hw : bits;
}

/*
 * vminfo into any pointer (ERR_FAULT exactly when the struct cannot be
 * stored; the width in use never above the implemented one, at most 16),
 * or asid_limit of any width, the upper half of the register random (an
 * int: dropped). Every process changes the width under every other one,
 * as the fuzz test wants; the coordinator restores the default at the end.
 */
static void op_vm(void)
{
    if (one_in(2)) {
        struct uptr u = out_fixed(sizeof(struct vm_info), false);
        call_begin(SYS_vminfo, "vminfo");
        call_uptr(&u);
        long r = call_make();
        bool room = u.wroom >= sizeof(struct vm_info);
        allow(r, room ? 0 : 1, 0, room ? 0 : E(ERR_FAULT));
        if (r == 0 && room && u.stable) {
            const struct vm_info *vi = (const struct vm_info *)u.p;
            if (vi->asid_bits > vi->asid_bits_hw || vi->asid_bits_hw > 16 ||
                (asid_hw >= 0 && (long)vi->asid_bits_hw != asid_hw))
                impossible((long)vi->asid_bits, "vminfo: ASID bits in use above those "
                                                "implemented, or the implemented ones changed");
            asid_hw = (int)vi->asid_bits_hw;
        }
        return;
    }
    static const int widths[] = { -1, 0, 1, 2, 15, 16, 17, 64 };
    int bits = one_in(3) ? nasty_int() : PICK(widths);
    long upper = one_in(4) ? (long)(rnd() & ~0xffffffffUL) : 0;
    call_begin(SYS_asid_limit, "asid_limit");
    call_arg(upper | (uint32_t)bits, "bits");
    long r = call_make();
    if (asid_hw < 0)
        allow(r, 0, 16, 0);
    else
        allow(r, asid_width(bits, asid_hw), asid_width(bits, asid_hw), 0);
    if (asid_hw < 0 && bits < 0 && r >= 0 && r <= 16)
        asid_hw = (int)r;
}

/* Stores into or loads from our own views and mappings. */
static void op_touch(void)
{
    struct viewm *v = one_in(2) ? own_view() : NULL;
    struct mapm *m = v ? NULL : own_map();
    uintptr_t base = v ? v->addr : m ? m->addr : 0;
    size_t room = v ? PAGE : m ? map_room(m) : 0;
    int prot = v ? v->prot : m ? m->prot : 0;
    for (int i = 0; base && i < 8; i++) {
        volatile char *p = (volatile char *)(base + below(room));
        if (prot & SHM_WRITE)
            *p = (char)i;
        else
            (void)*p;
    }
}

/* ----------------------------------------------------- shared regions */

#define RS_ALL (RS_PERSIST | RS_NOINHERIT | RS_RDONLY | RS_FAMILY)

/* A region name's error (empty is ERR_INVAL too), or ERR_OK. */
static long name_verdict(const struct ustr *s)
{
    long v = str_verdict(s, MAX_NAME_LEN);
    return v == ERR_OK && s->cls == S_OK && s->len == 0 ? ERR_INVAL : v;
}

/* A region size: 0, a byte, pages, the 64 MiB limit and past it, huge. */
static size_t shm_size(void)
{
    static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 8192, 3 * 4096, 65536, 1 << 20,
                                    64UL << 20, (64UL << 20) + 1, 1UL << 32 };
    return one_in(6) ? huge_size() : PICK(sizes);
}

/* RS_* flags: a valid set, or any bit. */
static int shm_flags(void)
{
    if (one_in(5))
        return one_in(2) ? 1 << below(32) : (int)rnd();
    int f = 0;
    static const int bits[] = { RS_PERSIST, RS_NOINHERIT, RS_RDONLY, RS_FAMILY };
    for (unsigned i = 0; i < NELEM(bits); i++)
        if (one_in(3))
            f |= bits[i];
    return f;
}

/* SHM_READ/SHM_WRITE, or anything else. */
static int shm_prot(void)
{
    static const int valid[] = { SHM_READ, SHM_WRITE, SHM_READ | SHM_WRITE };
    static const int wild[] = { 0, 4, 7, -1, 0x100, -0x7fffffff - 1 };
    if (one_in(12))
        return 1 << below(32);     /* every bit */
    return one_in(6) ? PICK(wild) : PICK(valid);
}

/* Whether shm_map and mmap take prot. */
static bool prot_ok(int prot)
{
    return prot != 0 && (prot & ~(SHM_READ | SHM_WRITE)) == 0;
}

/* shm_create: the name, then size and flags, are judged exactly; a
 * persistent region is remembered, to be destroyed by us before we go. */
static void op_shm_create(void)
{
    int idx;
    struct ustr s = gen_name(&idx);
    size_t size = shm_size();
    int flags = shm_flags();
    call_begin(SYS_shm_create, "shm_create");
    call_ustr(&s);
    call_arg(size, "size");
    call_arg(flags, "flags");
    long r = call_make();
    long nv = name_verdict(&s);
    bool bad = size == 0 || size > (64UL << 20) || (flags & ~RS_ALL);
    if (nv != ERR_OK)
        allow(r, 1, 0, E(nv));
    else if (bad)
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, E(ERR_EXIST) | E(ERR_NOMEM));
    if (r == 0 && idx >= 0 && (flags & RS_PERSIST))
        persist_made |= 1u << idx;
}

/*
 * A fork child's inherited views and mappings may not be there (those of
 * RS_NOINHERIT regions are not), so a new one may take their place: then
 * the old entries would name it. Forgotten once the child maps anything.
 */
static void forget_inherited(void)
{
    for (int i = 0; i < MAX_VIEWS; i++)
        if (views[i].inherited)
            views[i].name = -1;
    for (int i = 0; i < MAX_MAPS; i++)
        if (maps[i].inherited)
            maps[i].addr = 0;
}

/* shm_unmap of one of our views: ERR_OK (an inherited one may be gone). */
static void unmap_view(struct viewm *v)
{
    call_begin(SYS_shm_unmap, "shm_unmap");
    call_ptr((long)shm_names[v->name], shm_names[v->name]);
    call_arg(v->addr, "our view");
    long r = call_make();
    allow(r, 0, 0, v->inherited ? E(ERR_NOTEXIST) : 0);
    v->name = -1;
}

/* True if addr, returned for a new view or mapping, is a user page above
 * page 0; anything else is an impossible result, reported as why. */
static bool user_page_given(uintptr_t addr, const char *why)
{
    if (addr & (PAGE - 1) || addr < PAGE || addr >= USER_TOP) {
        impossible(addr, why);
        return false;
    }
    return true;
}

/* shm_map: on success the view is remembered (or unmapped at once when
 * there is no slot for it). */
static void op_shm_map(void)
{
    int idx;
    struct ustr s = gen_name(&idx);
    struct uptr u = out_fixed(sizeof(void *), true);
    int prot = shm_prot();
    call_begin(SYS_shm_map, "shm_map");
    call_ustr(&s);
    call_uptr(&u);
    call_arg(prot, "prot");
    long r = call_make();
    long nv = name_verdict(&s);
    bool room = u.wroom >= sizeof(void *);
    if (nv != ERR_OK)
        allow(r, 1, 0, E(nv));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (!prot_ok(prot))
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, E(ERR_NOTEXIST) | E(ERR_PERM) | E(ERR_NOMEM));
    if (r != 0 || !room || idx < 0)
        return;
    uintptr_t addr = *(const uintptr_t *)u.p;
    if (!user_page_given(addr, "shm_map gave a view address that is not a user page"))
        return;
    forget_inherited();
    for (int i = 0; i < MAX_VIEWS; i++)
        if (views[i].name < 0) {
            views[i] = (struct viewm){ .name = idx, .addr = addr, .prot = prot };
            return;
        }
    struct viewm extra = { .name = idx, .addr = addr, .prot = prot };
    unmap_view(&extra);            /* no slot to remember it in */
}

/* shm_unmap: of one of our views (at its start or inside its first page),
 * or of any name at any address: ERR_OK exactly when that is one of ours. */
static void op_shm_unmap(void)
{
    struct viewm *v = views + below(MAX_VIEWS);
    if (v->name >= 0 && one_in(3) == false) {
        if (one_in(2) && !v->inherited) {
            /* Any address inside the view's first page will do. */
            struct viewm inside = *v;
            inside.addr += below(PAGE);
            unmap_view(&inside);
            v->name = -1;
        } else {
            unmap_view(v);
        }
        return;
    }
    int idx;
    struct ustr s = gen_name(&idx);
    struct uptr u = any_ptr(true);
    call_begin(SYS_shm_unmap, "shm_unmap");
    call_ustr(&s);
    call_arg(u.p, u.note);
    long r = call_make();
    long nv = name_verdict(&s);
    bool ours = false, maybe = false;
    for (int i = 0; i < MAX_VIEWS; i++)
        if (views[i].name >= 0 && views[i].name == idx && u.p >= views[i].addr &&
            u.p < views[i].addr + PAGE) {
            ours |= !views[i].inherited;
            maybe |= views[i].inherited;
            if (r == 0)
                views[i].name = -1;
        }
    if (nv != ERR_OK)
        allow(r, 1, 0, E(nv));
    else if (ours)
        allow(r, 0, 0, 0);
    else
        allow(r, maybe ? 0 : 1, 0, E(ERR_NOTEXIST));
}

/* A call on a region name (destroy, lock, unlock, resize): the name is
 * one of our views' or a generated one. Returns true with *r the result
 * when the name was well formed; a bad name's error is judged here. */
static bool name_call(int nr, const char *call, int *idx, long extra, const char *note, long *r)
{
    struct ustr s;
    struct viewm *v = one_in(2) ? own_view() : NULL;
    if (v) {
        *idx = v->name;
        s = str_at(shm_names[v->name], NULL);
    } else {
        s = gen_name(idx);
    }
    call_begin(nr, call);
    call_ustr(&s);
    if (note)
        call_arg(extra, note);
    *r = call_make();
    long nv = name_verdict(&s);
    if (nv != ERR_OK)
        allow(*r, 1, 0, E(nv));
    return nv == ERR_OK;
}

/* shm_destroy: ERR_INVAL while we map it ourselves, ERR_PERM when
 * another process created it and still lives (shm.h). */
static void op_shm_destroy(void)
{
    int idx;
    long r;
    if (name_call(SYS_shm_destroy, "shm_destroy", &idx, 0, NULL, &r))
        allow(r, 0, 0, E(ERR_NOTEXIST) | E(ERR_INVAL) | E(ERR_PERM));
}

/* shm_lock, then shm_unlock at once when it was taken. */
static void op_shm_lock(void)
{
    int idx;
    long r;
    if (!name_call(SYS_shm_lock, "shm_lock", &idx, 0, NULL, &r))
        return;
    allow(r, 0, 0, E(ERR_OWNERDEAD) | E(ERR_NOTEXIST));
    if (r != 0 && r != ERR_OWNERDEAD)
        return;
    /* Held: give it back at once, so no one waits on us while we wait. */
    call_begin(SYS_shm_unlock, "shm_unlock");
    call_ptr((long)shm_names[idx], shm_names[idx]);
    allow(call_make(), 0, 0, 0);
}

/* shm_unlock of a lock we never hold between operations. */
static void op_shm_unlock(void)
{
    int idx;
    long r;
    if (name_call(SYS_shm_unlock, "shm_unlock", &idx, 0, NULL, &r))
        allow(r, 1, 0, E(ERR_NOTEXIST) | E(ERR_INVAL));   /* we hold no lock */
}

/* shm_resize: a size out of bounds is ERR_INVAL before anything else. */
static void op_shm_resize(void)
{
    int idx;
    long r;
    size_t size = shm_size();
    if (!name_call(SYS_shm_resize, "shm_resize", &idx, size, "size", &r))
        return;
    if (size == 0 || size > (64UL << 20))
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, E(ERR_INVAL) | E(ERR_NOTEXIST) | E(ERR_PERM) | E(ERR_NOMEM));
}

/* shm_list: at most max entries, never more than the buffer holds; each
 * within the limits of shm.h. */
static void op_shm_list(void)
{
    static const int maxes[] = { 0, 1, 2, 24, 25, 64, 1000, -1, -0x7fffffff - 1, 0x7fffffff };
    const size_t each = sizeof(struct shm_info), kmax = PAGE / sizeof(struct shm_info);
    struct uptr u = any_ptr(true);
    int max = PICK(maxes);
    size_t fits = u.wroom / each;
    if (!u.any_len && max > 0 && (size_t)max > fits && fits < kmax)
        max = (int)fits;           /* the kernel writes only what we own */
    call_begin(SYS_shm_list, "shm_list");
    call_uptr(&u);
    call_arg(max, "max");
    long r = call_make();
    size_t hi = max < 0 ? 0 : (size_t)max < kmax ? (size_t)max : kmax;
    if (max < 0)
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, hi < fits ? hi : fits,
              E(ERR_NOMEM) | (fits < hi || refused(u.p, 0) ? E(ERR_FAULT) : 0));
    for (long i = 0; u.stable && r > 0 && i < r && (size_t)i < fits; i++) {
        const struct shm_info *in = (const struct shm_info *)u.p + i;
        if (strnlen_(in->name, MAX_NAME_LEN) == MAX_NAME_LEN || in->name[0] == '\0' ||
            in->size == 0 || in->size > (64UL << 20) || in->size % PAGE ||
            in->resident > in->size / PAGE || (in->flags & ~RS_ALL) ||
            in->views < 0 || in->holders < 0)
            impossible(r, "shm_list gave an entry out of its bounds (name, size, resident, flags)");
    }
}

/* futex: waits never longer than 20 ms. A word of our private memory is
 * ours alone (futex.h: a fork child's copy is another futex): no one else
 * waits on it or changes it, so a wake there wakes no one and a value
 * that is not there is ERR_AGAIN. */
static void op_futex(void)
{
    static const int wild_ops[] = { 2, 3, -1, 128, -0x7fffffff - 1 };
    struct uptr u = any_ptr(false);
    if (!one_in(4))
        u.p &= ~3UL;               /* mostly aligned: still in the same object */
    bool aligned = (u.p & 3) == 0, readable = u.rroom > 0;
    int op = one_in(10) ? PICK(wild_ops) : one_in(2) ? FUTEX_WAIT : FUTEX_WAKE;
    int val = op == FUTEX_WAIT && readable && aligned && one_in(2) ? *(volatile int *)u.p
                                                                  : nasty_int();
    if (op == FUTEX_WAKE && one_in(2))
        val = 1 + below(3);
    call_begin(SYS_futex, "futex");
    call_uptr(&u);
    call_arg(op, op == FUTEX_WAIT ? "WAIT" : op == FUTEX_WAKE ? "WAKE" : "op");
    call_arg(val, "val");
    call_arg(1 + below(20), "ms");  /* never 0: that waits for a wake */
    long r = call_make();
    if (op != FUTEX_WAIT && op != FUTEX_WAKE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!aligned)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!readable)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (op == FUTEX_WAKE)
        allow(r, 0, u.stable ? 0 : 0x7fffffff, 0);   /* our own word: no one waits */
    else if (u.stable && val != *(volatile int *)u.p)
        allow(r, 1, 0, E(ERR_AGAIN));   /* our own word: no one else changes it */
    else
        allow(r, 0, 0, E(ERR_AGAIN) | E(ERR_TIMEDOUT));   /* 0: woken, or spuriously */
}

/* ------------------------------------------------------ file mappings */

/* len rounded up to whole pages. */
static size_t pages_of(size_t len)
{
    return (len + PAGE - 1) & ~(PAGE - 1);
}

/* munmap(addr, len): ERR_OK exactly when it names one of our mappings,
 * start and length in pages (maybe, for an inherited one), else ERR_INVAL.
 * Mappings may lie back to back, so addr + 4096 can be the next one. */
static void munmap_call(uintptr_t addr, size_t len, const char *note)
{
    call_begin(SYS_munmap, "munmap");
    call_arg(addr, note);
    call_arg(len, "length");
    long r = call_make();
    struct mapm *m = NULL;
    for (int i = 0; i < MAX_MAPS; i++)
        if (maps[i].addr && maps[i].addr == addr && len && pages_of(len) == pages_of(maps[i].len))
            m = &maps[i];
    if (m && !m->inherited)
        allow(r, 0, 0, 0);
    else
        allow(r, m ? 0 : 1, 0, E(ERR_INVAL));
    if (m && r == 0)
        m->addr = 0;
}

/* mmap: the fd, then the out pointer, then flags, prot, length and
 * offset, then the kind of file and its access mode, are judged in the
 * kernel's order; a new mapping is remembered. */
static void op_mmap(void)
{
    static const offset_t offs[] = { 0, 0, 0, 4096, 8192, 1 << 20, 1, 100, 4095,
                                     1UL << 40, (offset_t)-4096, 1UL << 63 };
    static const size_t lens[] = { 0, 1, 100, 4095, 4096, 4097, 8192, 3 * 4096, 1 << 20,
                                   1UL << 30, USER_TOP, USER_TOP + 1, SIZE_MAX };
    static const int flagset[] = { MAP_SHARED, MAP_PRIVATE, 0, 3, 4, -1, 0x100 };
    int fd = pick_fd(true), kind = fd_kind(fd);
    offset_t off = PICK(offs);
    size_t len = PICK(lens);
    int prot = shm_prot();
    int flags = one_in(5) ? PICK(flagset) : (one_in(2) ? MAP_SHARED : MAP_PRIVATE);
    if (one_in(10))
        flags = 1 << below(32);    /* every bit */
    struct uptr u = out_fixed(sizeof(void *), true);
    call_begin(SYS_mmap, "mmap");
    call_arg(fd, fd_note(fd));
    call_arg(off, "offset");
    call_arg(len, "length");
    call_arg(prot, "prot");
    call_arg(flags, "flags");
    call_uptr(&u);
    long r = call_make();
    bool room = u.wroom >= sizeof(void *);
    bool inval = (flags != MAP_SHARED && flags != MAP_PRIVATE) || !prot_ok(prot) || len == 0 ||
                 (off & (PAGE - 1)) || off >= (1UL << 40) || len > USER_TOP;
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (inval)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (kind != FD_FILE)
        allow(r, 1, 0, E(ERR_FTYPE));
    else if (!fds[fd].readable || (flags == MAP_SHARED && (prot & SHM_WRITE) && !fds[fd].writable))
        allow(r, 1, 0, E(ERR_PERM));
    else
        allow(r, 0, 0, E(ERR_NOMEM));
    if (r != 0 || !room || kind != FD_FILE)
        return;
    uintptr_t addr = *(const uintptr_t *)u.p;
    if (!user_page_given(addr, "mmap gave an address that is not a user page"))
        return;
    forget_inherited();
    int i = 0;
    while (i < MAX_MAPS && maps[i].addr)
        i++;
    if (i == MAX_MAPS) {
        i = below(MAX_MAPS);       /* no free slot: unmap an old one */
        munmap_call(maps[i].addr, maps[i].len, "old mapping");
    }
    maps[i] = (struct mapm){ .addr = addr, .len = len, .prot = prot };
}

/* munmap: of one of our mappings (whole, rounded, too long, one page in),
 * or of anything else. */
static void op_munmap(void)
{
    struct mapm *m = &maps[below(MAX_MAPS)];
    if (m->addr && !one_in(4)) {
        static const char *const notes[] = { "mapping", "mapping", "mapping", "mapping+4096" };
        int c = below(NELEM(notes));
        size_t lens[] = { m->len, pages_of(m->len), one_in(2) ? 0 : pages_of(m->len) + PAGE,
                          m->len };
        uintptr_t addr = m->addr + (c == 3 ? PAGE : 0);
        munmap_call(addr, lens[c], notes[c]);
        if (m->inherited && m->addr == addr)
            m->addr = 0;           /* gone now, if it was ever there */
        return;
    }
    struct uptr u = any_ptr(true);
    struct viewm *v = own_view();
    if (v && one_in(3))
        u = uptr_make(v->addr, 0, 0, false, "a view");
    munmap_call(u.p, one_in(2) ? PAGE : pick_len(&u, PAGE), u.note);
}

#endif /* _TEST_FUZZ_MEMORY_H_ */
