"""
Reading the osv-rv machine from gdb, whatever mode the hart is stopped in.

QEMU's gdb server reads memory through the stopped hart's own translation:
stopped in user code, no kernel address can be read (kernel pages lack the
U bit), and stopped in the kernel, no user page can be read either
(sstatus.SUM is clear outside the copy helpers). So everything here reads
physical memory, through QEMU's Qqemu.PhyMemMode packet, and translates
every address by a walk of the Sv39 page table done here: every table has
the kernel half (the direct map at KMAP_BASE, and the kernel stacks), so
the same walk serves kernel and user addresses alike. Values are built
from the bytes read (gdb.Value(bytes, type)), so gdb never fetches them
later, lazily, through the hart's translation.

The kernel's state per hart: cpus[i] is the hart whose hartid is
$mhartid, and cpus[i].thread the thread it runs (kernel/proc/sched.c
sets it just before switching to the thread and clears it just after).
"""
import struct

import gdb

PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D = (1 << i for i in range(8))
PRIV_USER, PRIV_SUPERVISOR, PRIV_MACHINE = 0, 1, 3
SATP_MODE_SV39 = 8
PAGE_SIZE = 4096


def reg(name):
    """The value of register or CSR `name` of the selected hart."""
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFFFFFFFFFF


def kmap_base():
    """KMAP_BASE, from the kernel's link script (an absolute symbol)."""
    return int(gdb.parse_and_eval("(unsigned long)&KMAP_BASE"))


class _PhysicalMode:
    """While active (a with block; blocks may nest), gdb's memory reads
    are of physical addresses."""
    depth = 0

    def _switch(self, on):
        reply = gdb.selected_inferior().connection.send_packet(
            "Qqemu.PhyMemMode:%d" % (1 if on else 0))
        if bytes(reply) != b"OK":
            raise gdb.GdbError("this gdb server cannot read physical memory "
                               "(QEMU's Qqemu.PhyMemMode packet): is gdb attached to QEMU?")

    def __enter__(self):
        if _PhysicalMode.depth == 0:
            self._switch(True)
        _PhysicalMode.depth += 1

    def __exit__(self, *exc):
        _PhysicalMode.depth -= 1
        if _PhysicalMode.depth == 0:
            self._switch(False)


def read_phys(pa, size):
    """size bytes of physical memory at pa."""
    with _PhysicalMode():
        try:
            return bytes(gdb.selected_inferior().read_memory(pa, size))
        except gdb.MemoryError:
            raise gdb.GdbError("cannot read physical memory at 0x%x" % pa)


def u64(data, offset=0):
    """The little-endian 64-bit word at offset of data."""
    return struct.unpack_from("<Q", data, offset)[0]


def satp_root():
    """The root page table of the selected hart (satp), or None when
    paging is off (before the kernel turned it on, or in OpenSBI)."""
    satp = reg("satp")
    if satp >> 60 != SATP_MODE_SV39:
        return None
    return (satp & ((1 << 44) - 1)) << 12


def walk(root, va):
    """The Sv39 walk of va from the table at physical address root: a list
    of (level, index, pte) down to a leaf or an invalid entry."""
    steps = []
    table = root
    for level in (2, 1, 0):
        index = (va >> (12 + 9 * level)) & 0x1FF
        pte = u64(read_phys(table + 8 * index, 8))
        steps.append((level, index, pte))
        if not pte & PTE_V:
            break
        table = (pte >> 10) << 12
        if pte & (PTE_R | PTE_W | PTE_X):
            break
    return steps


def leaf_pa(steps, va):
    """The physical address of va from a walk, or None if it is not mapped."""
    level, _, pte = steps[-1]
    if not pte & PTE_V or not pte & (PTE_R | PTE_W | PTE_X):
        return None
    return ((pte >> 10) << 12) + (va & ((1 << (12 + 9 * level)) - 1))


def read_virt(va, size, root=None):
    """size bytes at virtual address va, translated by the table root
    (default: the hart's satp; every table has the kernel half). Raises
    gdb.GdbError naming the first address that is not mapped."""
    if root is None:
        root = satp_root()
        if root is None:
            raise gdb.GdbError("paging is off on this hart: address 0x%x means nothing yet" % va)
    data = b""
    with _PhysicalMode():
        while size > 0:
            chunk = min(size, PAGE_SIZE - (va & (PAGE_SIZE - 1)))
            pa = leaf_pa(walk(root, va), va)
            if pa is None:
                raise gdb.GdbError("address 0x%x is not mapped" % va)
            data += read_phys(pa, chunk)
            va, size = va + chunk, size - chunk
    return data


def read_value(va, gdb_type, root=None):
    """The object of type gdb_type at virtual address va, read now."""
    return gdb.Value(read_virt(va, gdb_type.sizeof, root), gdb_type)


def read_cstring(va, limit=64, root=None):
    """The NUL-terminated string at va, of at most limit bytes. Read in
    aligned pieces of 64 bytes, so never from a page the string does not
    reach."""
    data = b""
    while b"\0" not in data and len(data) < limit:
        data += read_virt(va + len(data), 64 - (va + len(data)) % 64, root)
    return data.split(b"\0")[0][:limit].decode(errors="replace")


def field_string(value, field):
    """A char-array field of a value read with read_value, as text."""
    array = value[field]
    size = array.type.sizeof
    return bytes(int(array[i]) & 0xFF for i in range(size)).split(b"\0")[0].decode(errors="replace")


def kernel_symbol(name):
    """The address and type of the kernel's global variable name."""
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is None:
        raise gdb.GdbError("no kernel symbol %s: is build/kernel.elf loaded?" % name)
    return int(sym.value().address), sym.type


class Hart:
    """What the kernel records about the selected hart.

    hartid, mode (PRIV_*), cpu_index (or None), cpu, thread and proc
    (typed pointers, or None) with thread and proc also read now (gdb.Values,
    or None), and `unknown`: why the kernel's state cannot be told, or None
    when it can."""

    def __init__(self):
        self.hartid = reg("mhartid")
        self.mode = reg("priv")
        self.cpu_index = self.cpu = self.thread = self.proc = None
        self.thread_ptr = self.proc_ptr = None
        self.unknown = None
        if self.mode == PRIV_MACHINE:
            self.unknown = "OpenSBI runs, or the kernel has not started this hart yet"
            return
        if satp_root() is None:
            self.unknown = "paging is off: the kernel is still booting"
            return
        cpus_addr, cpus_type = kernel_symbol("cpus")
        cpu_type = cpus_type.target()
        ncpu = cpus_type.sizeof // cpu_type.sizeof
        data = read_virt(cpus_addr, cpus_type.sizeof)
        for i in range(ncpu):
            cpu = gdb.Value(data[i * cpu_type.sizeof:(i + 1) * cpu_type.sizeof], cpu_type)
            # Slots of harts not started are zero (id 0, hartid 0):
            # only slot 0 may have id 0.
            if int(cpu["hartid"]) == self.hartid and int(cpu["id"]) == i:
                self.cpu_index = i
                break
        if self.cpu_index is None:
            self.unknown = "no cpus[] slot names hart %d yet" % self.hartid
            return
        self.cpu = gdb.Value(cpus_addr + self.cpu_index * cpu_type.sizeof).cast(cpu_type.pointer())
        if int(cpu["thread"]):
            self.thread_ptr = cpu["thread"]
            self.thread = read_value(int(self.thread_ptr), self.thread_ptr.type.target())
            if int(self.thread["proc"]):
                self.proc_ptr = self.thread["proc"]
                self.proc = read_value(int(self.proc_ptr), self.proc_ptr.type.target())

    def proc_name(self):
        """The name of the process the hart runs, or None."""
        return field_string(self.proc, "name") if self.proc is not None else None


def describe_proc(proc):
    """`process PID (NAME)`, as the commands print a process."""
    return "process %d (%s)" % (int(proc["pid"]), field_string(proc, "name"))


def regions(proc):
    """The memregions of proc's address space, in address order."""
    out = []
    ptr = int(proc["as"]["regions"])
    region_type = proc["as"]["regions"].type.target()
    while ptr and len(out) < 1000:
        region = read_value(ptr, region_type)
        out.append(region)
        ptr = int(region["next"])
    return out


def describe_region(region):
    """`[start, end) kind, perm rwx, private|shared`, as pfinfo prints a
    memregion (perm bits are MEMPERM_R, _W, _X of kernel/vm.h)."""
    perm = int(region["perm"])
    kind = read_cstring(int(region["kind"])) if int(region["kind"]) else "?"
    return "[0x%x, 0x%x) %s, perm %s%s%s, %s" % (
        int(region["start"]), int(region["end"]), kind,
        "r" if perm & 1 else "-", "w" if perm & 2 else "-", "x" if perm & 4 else "-",
        "shared" if bool(region["shared"]) else "private")
