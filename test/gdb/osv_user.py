"""
User programs in gdb: their symbols and their stacks.

Every user program is linked at the same addresses (linker/user.ld), so
gdb holds the symbols of one program at a time beside the kernel's:
load_program replaces whatever user program was loaded before. A process
is named after its program's file (proc_load: the last part of argv[0]),
and the build puts each program at build/user/NAME, build/user/labN/NAME
or build/test/NAME, so a process name leads to its symbols.

user_frames walks a user stack by frame pointers (user code is built with
-fno-omit-frame-pointer): the frame record of a function is just below
its frame pointer s0, with the return address at s0-8 and the caller's s0
at s0-16; a leaf function saves no return address, so its record is the
caller's s0 alone, at s0-8.
"""
import glob
import os

import gdb

import osv_machine as m


def build_dir():
    """The build directory of the kernel gdb has loaded (build/ or build-debug/)."""
    kernel = gdb.current_progspace().filename
    return os.path.dirname(kernel) if kernel else "build"


def find_program(name):
    """The file of the program named name (a path is taken as it is)."""
    if "/" in name:
        if os.path.isfile(name):
            return name
        raise gdb.GdbError("no such file: %s" % name)
    b = build_dir()
    found = [p for p in [os.path.join(b, "user", name)] +
             sorted(glob.glob(os.path.join(b, "user", "*", name))) +
             [os.path.join(b, "test", name)] if os.path.isfile(p)]
    if not found:
        raise gdb.GdbError("no program %s in %s/user, %s/user/*/ or %s/test (is it built?)"
                           % (name, b, b, b))
    return found[0]


def loaded_programs():
    """The files of the user programs whose symbols are loaded."""
    kernel = gdb.current_progspace().filename
    return [o.filename for o in gdb.objfiles()
            if o.is_valid() and o.filename and o.filename != kernel and o.owner is None]


def shown(path):
    return os.path.relpath(path) if path.startswith(os.getcwd()) else path


def load_program(name):
    """Loads the symbols of program name in place of the user program(s)
    loaded before; returns its file. Quiet if it is loaded already."""
    path = os.path.abspath(find_program(name))
    old = loaded_programs()
    if old == [path]:
        return path
    for f in old:
        gdb.execute("remove-symbol-file %s" % f, to_string=True)
    gdb.execute("add-symbol-file %s" % path, to_string=True)
    print("user symbols: %s%s" % (shown(path), " (in place of %s)" % ", ".join(
        shown(f) for f in old) if old else ""))
    return path


def loaded_name():
    """The program name of the loaded user symbols, or None."""
    old = loaded_programs()
    return os.path.basename(old[0]) if len(old) == 1 else None


def user_frames(pc, ra, fp, root, limit=32):
    """The return addresses of a user stack stopped at pc, with registers ra
    and s0 = fp, read through the table root: [(pc, note)] innermost first,
    note saying why the walk ended after that frame (or None)."""
    frames = []
    stack_top = 1 << 38          # the user half of Sv39 ends here

    def word(addr):
        return m.u64(m.read_virt(addr, 8, root))

    try:
        first = word(fp - 8) if fp else 0
    except gdb.GdbError as e:
        return [(pc, str(e))]
    # Frame 0 may be a leaf: its record is then the caller's s0 alone (a
    # stack address or 0), not a return address into the text.
    if first == 0 or fp <= first < stack_top:
        frames.append((pc, None))
        pc, fp = ra, first
    while len(frames) < limit:
        if not fp:
            frames.append((pc, None))
            return frames
        if fp & 7 or fp >= stack_top:
            frames.append((pc, "frame pointer 0x%x is not a stack address" % fp))
            return frames
        try:
            ret, caller_fp = word(fp - 8), word(fp - 16)
        except gdb.GdbError as e:
            frames.append((pc, str(e)))
            return frames
        frames.append((pc, None))
        if not ret:
            return frames
        if caller_fp and caller_fp <= fp:
            frames.append((ret, "the caller's frame pointer 0x%x is below this one" % caller_fp))
            return frames
        pc, fp = ret, caller_fp
    frames[-1] = (frames[-1][0], "stopped after %d frames" % limit)
    return frames


def describe_pc(pc, is_return):
    """`0x... in func () at file:line` for a user pc, from the loaded
    symbols; a return address is looked up at pc-1 (its call)."""
    where = pc - 1 if is_return and pc else pc
    text = "0x%016x in " % pc
    names = []               # the function, after those inlined in it
    block = gdb.block_for_pc(where)
    while block is not None and not block.is_static and not block.is_global:
        if block.function is not None:
            names.append(block.function.print_name + " ()")
        block = block.superblock
    if names:
        text += names[0] + "".join(", inlined in " + n for n in names[1:])
    else:
        sym = gdb.execute("info symbol 0x%x" % where, to_string=True).strip()
        text += sym.split(" in section")[0] if not sym.startswith("No symbol") else "??"
    sal = gdb.find_pc_line(where)
    if sal.symtab is not None:
        text += " at %s:%d" % (sal.symtab.filename, sal.line)
    return text
