"""
The osv-rv gdb commands (.gdbinit loads this file; docs/gdb.md is the guide):

    whoami               the hart, its mode, and the thread and process the
                         kernel runs on it, or why that cannot be told
    ptwalk ADDR [ROOT]   the Sv39 walk of ADDR, each level's PTE and flags
    pfinfo               at a page-fault stop: the fault decoded
    pfstop [NAME]        stop at user page faults (of processes named NAME)
    pfbt                 at a page-fault stop: the user backtrace, from the
                         faulting pc
    ustr ADDR            the string at user address ADDR, from anywhere
    usym [NAME]          load program NAME's symbols in place of the last
    ubreak NAME LOCATION a breakpoint in NAME's code, stopping only in
                         processes named NAME

Each works stopped in the kernel or in user code: they read memory through
osv_machine, never through the hart's own translation.
"""
import gdb

import osv_machine as m
import osv_user as u

CAUSES = {12: "instruction page fault", 13: "load page fault", 15: "store page fault"}
SSTATUS_SPP = 0x100
MODES = {m.PRIV_USER: "user mode", m.PRIV_SUPERVISOR: "kernel mode", m.PRIV_MACHINE: "machine mode"}


def pc_function():
    """The name of the function the selected hart is in, or None."""
    try:
        return gdb.selected_frame().name()
    except gdb.error:
        return None


class WhoAmI(gdb.Command):
    """whoami: the hart gdb has selected, its mode, and the thread and
process the kernel runs on it (cpus[] entry of this hart id: its thread,
and that thread's process), or why that cannot be told. Sets $cpu, $thread
and $proc to them (void when there is none), for expressions such as
`p *$thread->tf` (which gdb can evaluate only while stopped in the kernel)."""

    def __init__(self):
        super().__init__("whoami", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        h = m.Hart()
        for var, value in (("cpu", h.cpu), ("thread", h.thread_ptr), ("proc", h.proc_ptr)):
            gdb.set_convenience_variable(var, value)
        head = "hart %d, %s" % (h.hartid, MODES.get(h.mode, "mode %d" % h.mode))
        if h.unknown:
            print("%s: cannot tell the thread: %s" % (head, h.unknown))
            return
        head = "hart %d (cpus[%d]), %s" % (h.hartid, h.cpu_index, MODES.get(h.mode, "?"))
        fn = pc_function()
        if h.thread is None:
            print("%s: no thread, the scheduler loop (or idle)" % head)
            return
        thread = "thread %s (tid %d)" % (m.field_string(h.thread, "name"), int(h.thread["tid"]))
        if h.mode == m.PRIV_USER:
            if h.proc is None:
                print("%s: cannot tell: cpus[%d].thread is kernel %s" % (head, h.cpu_index, thread))
                return
            print("%s: %s, %s" % (head, m.describe_proc(h.proc), thread))
            loaded = u.loaded_name()
            if loaded != h.proc_name():
                print("  (the user symbols loaded are %s: `usym %s` loads this program's)"
                      % (loaded or "none", h.proc_name()))
            return
        if fn in ("sched_loop", "swtch"):
            print("%s: in the scheduler, switching to or from %s: cannot tell which"
                  % (head, thread))
            return
        if h.proc is None:
            print("%s: kernel %s" % (head, thread))
        else:
            print("%s: %s, %s, in the kernel" % (head, m.describe_proc(h.proc), thread))


class PtWalk(gdb.Command):
    """ptwalk ADDR [ROOT]: the Sv39 walk of ADDR from the hart's satp, or
from the root table at physical address ROOT, printing each level's PTE and
its flags (D A G U X W R V). Reads the tables by physical address, so it
works stopped in user code too."""

    def __init__(self):
        super().__init__("ptwalk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) not in (1, 2):
            raise gdb.GdbError("usage: ptwalk ADDR [ROOT]")
        va = int(gdb.parse_and_eval(args[0])) & 0xFFFFFFFFFFFFFFFF
        if len(args) == 2:
            root = int(gdb.parse_and_eval(args[1]))
        else:
            root = m.satp_root()
            if root is None:
                raise gdb.GdbError("paging is off on this hart (satp 0x%x): give ROOT"
                                   % m.reg("satp"))
        print("Sv39 walk of 0x%x from root 0x%x" % (va, root))
        for level, index, pte in m.walk(root, va):
            flags = "".join(c if pte & bit else "-" for c, bit in zip(
                "DAGUXWRV", (m.PTE_D, m.PTE_A, m.PTE_G, m.PTE_U, m.PTE_X, m.PTE_W,
                             m.PTE_R, m.PTE_V)))
            line = "  level %d [%3d] pte 0x%016x  %s" % (level, index, pte, flags)
            if not pte & m.PTE_V:
                line += "  (not mapped)"
            elif pte & (m.PTE_R | m.PTE_W | m.PTE_X):
                page = (pte >> 10) << 12
                line += "  -> page 0x%x: 0x%x is at 0x%x" % (
                    page, va, page + (va & ((1 << (12 + 9 * level)) - 1)))
            else:
                line += "  -> table 0x%x" % ((pte >> 10) << 12)
            print(line)


def fault_frame():
    """The trap frame of the fault being handled: (its address, its value,
    where it was found): `tf` of the innermost pgfault_user or
    pgfault_kernel frame, or else the user trap frame of the hart's thread
    (from its last trap from user mode)."""
    try:
        frame = gdb.newest_frame()
        while frame is not None:
            if frame.name() in ("pgfault_user", "pgfault_kernel"):
                tf = frame.read_var("tf")
                return int(tf), m.read_value(int(tf), tf.type.target()), \
                    "the trap frame of " + frame.name()
            frame = frame.older()
    except gdb.error:
        pass
    h = m.Hart()
    if h.thread is None or not int(h.thread["tf"]):
        raise gdb.GdbError("not at a page fault, and the hart runs no thread with a trap frame")
    tf = h.thread["tf"]
    return int(tf), m.read_value(int(tf), tf.type.target()), "the thread's last user trap frame"


class PfInfo(gdb.Command):
    """pfinfo: at a stop in pgfault_user or pgfault_kernel, the decoded
cause, address, pc, process, and the memregion covering the address (or
none). Sets $pf_addr, $pf_pc and $pf_tf (a pointer to the trap frame, so
that `p $pf_tf->scause` works while stopped in the kernel)."""

    def __init__(self):
        super().__init__("pfinfo", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        tf_addr, tf, _ = fault_frame()
        h = m.Hart()
        cause, addr, pc = int(tf["scause"]), int(tf["stval"]), int(tf["sepc"])
        gdb.set_convenience_variable("pf_addr", addr)
        gdb.set_convenience_variable("pf_pc", pc)
        gdb.set_convenience_variable("pf_tf", gdb.Value(tf_addr).cast(tf.type.pointer()))
        print("page fault: %s (scause %d)" % (CAUSES.get(cause, "not a page fault"), cause))
        print("  address 0x%x, pc 0x%x" % (addr, pc))
        if h.proc is None:
            print("  no process: %s" % (h.unknown or "a kernel thread"))
            return
        print("  %s, from %s" % (m.describe_proc(h.proc),
                                 "kernel mode" if int(tf["sstatus"]) & SSTATUS_SPP else "user mode"))
        for region in m.regions(h.proc):
            if int(region["start"]) <= addr < int(region["end"]):
                print("  memregion %s" % m.describe_region(region))
                return
        print("  memregion: none")


class ProcessBreakpoint(gdb.Breakpoint):
    """A breakpoint that stops only while the hart runs a process named
    `name` (any process if name is empty), and only in `mode` when given."""

    def __init__(self, spec, name, mode=None):
        super().__init__(spec, internal=False)
        self.proc_name = name
        self.mode = mode

    def stop(self):
        # gdb calls this at each hit; False resumes at once. Stepping off
        # the breakpoint then is one instruction of QEMU's (set osabi none
        # in .gdbinit), so the other harts' locks cannot hang it.
        h = m.Hart()
        if self.mode is not None and h.mode != self.mode:
            return False
        return not self.proc_name or h.proc_name() == self.proc_name


class PfStop(gdb.Command):
    """pfstop [NAME]: stop at user page faults (of the processes named NAME
only) and print each with pfinfo; `continue` runs to the next one. A new
pfstop replaces the previous one."""

    def __init__(self):
        super().__init__("pfstop", gdb.COMMAND_BREAKPOINTS)
        self.bp = None

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if self.bp is not None and self.bp.is_valid():
            self.bp.delete()
        self.bp = ProcessBreakpoint("pgfault_user", name)
        self.bp.commands = "silent\npfinfo"
        print("pfstop: breakpoint %d stops at the page faults of %s" % (
            self.bp.number, "process " + name if name else "every process"))


class PfBt(gdb.Command):
    """pfbt: at a page-fault stop, the backtrace of the user program from the
faulting pc (the trap frame's sepc, ra and s0), with the symbols of the
faulting process's program (loaded with usym when others are)."""

    def __init__(self):
        super().__init__("pfbt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        _, tf, source = fault_frame()
        if int(tf["sstatus"]) & SSTATUS_SPP:
            raise gdb.GdbError("this fault was taken in kernel mode: `bt` is its backtrace")
        h = m.Hart()
        if h.proc is None:
            raise gdb.GdbError("cannot tell the process: %s" % (h.unknown or "a kernel thread"))
        name = h.proc_name()
        try:
            u.load_program(name)
        except gdb.GdbError as e:
            print("(no symbols: %s)" % e)
        root = int(h.proc["as"]["root"])
        print("user backtrace of %s, from %s:" % (m.describe_proc(h.proc), source))
        frames = u.user_frames(int(tf["sepc"]), int(tf["ra"]), int(tf["s0"]), root)
        for i, (pc, note) in enumerate(frames):
            print("#%-2d %s" % (i, u.describe_pc(pc, i > 0)))
            if note:
                print("    (%s)" % note)


class UStr(gdb.Command):
    """ustr ADDR: the NUL-terminated string at user address ADDR of the
process the hart runs (read through its page table, so it works stopped in
the kernel, e.g. on a system call's argument)."""

    def __init__(self):
        super().__init__("ustr", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: ustr ADDR")
        va = int(gdb.parse_and_eval(arg)) & 0xFFFFFFFFFFFFFFFF
        h = m.Hart()
        if h.proc is None:
            raise gdb.GdbError("cannot tell the process: %s" % (h.unknown or "a kernel thread"))
        text = m.read_cstring(va, 4096, int(h.proc["as"]["root"]))
        print('"%s"' % text.encode("unicode_escape").decode().replace('"', '\\"'))


class USym(gdb.Command):
    """usym [NAME]: load the symbols of user program NAME (build/user/NAME,
build/user/*/NAME or build/test/NAME, or a path) in place of the user
program loaded before. All user programs share the same addresses, so only
one can be loaded at a time. Without NAME: which one is loaded."""

    def __init__(self):
        super().__init__("usym", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if not name:
            loaded = u.loaded_programs()
            print("user symbols: %s" % (", ".join(u.shown(f) for f in loaded) or "none"))
            return
        before = u.loaded_programs()
        path = u.load_program(name)
        if before == [path]:
            print("user symbols: %s (already loaded)" % u.shown(path))

    def complete(self, text, word):
        return gdb.COMPLETE_FILENAME


class UBreak(gdb.Command):
    """ubreak NAME LOCATION: a breakpoint at LOCATION (a function, FILE:LINE
or *ADDRESS) in user program NAME, stopping only when a process named NAME
runs it: every program has code at the same addresses, so a plain
breakpoint there stops in whichever process runs that address. Loads
NAME's symbols first (usym)."""

    def __init__(self):
        super().__init__("ubreak", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        parts = arg.split(None, 1)
        if len(parts) != 2:
            raise gdb.GdbError("usage: ubreak NAME LOCATION")
        name, location = parts
        u.load_program(name)
        _, sals = gdb.decode_line(location)
        base = m.kmap_base()
        pcs = sorted({sal.pc for sal in sals or () if sal.pc < base})
        if not pcs:
            raise gdb.GdbError("%s is not in %s's user code" % (location, name))
        for pc in pcs:
            bp = ProcessBreakpoint("*0x%x" % pc, name, m.PRIV_USER)
            print("ubreak: breakpoint %d stops only in processes named %s" % (bp.number, name))


for command in (WhoAmI, PtWalk, PfInfo, PfStop, PfBt, UStr, USym, UBreak):
    command()
