# gdb-multiarch setup for osv-rv: `make qemu-gdb` in one terminal, then
# `make gdb` (or gdb-multiarch -nx -x .gdbinit) in another.
#
# The kernel's symbols are loaded from build/kernel.elf (from $osv_kernel
# when it is set: `make gdb DEBUG=1` sets it to build-debug's). User programs are
# linked at fixed addresses (0x10000, linker/user.ld), so to step through
# one, add its symbols too, e.g.:
#     add-symbol-file build/user/sh
#     break main
# Breakpoints on user code fire in whichever process runs that address;
# `whoami` says which one, when the hart is in the kernel.
#
# Page faults:
#     pfstop [NAME]   stop at the next user page fault (of process NAME
#                     only, if given) and print it decoded (pfinfo)
#     pfinfo          at such a stop: cause, address, pc, process, and the
#                     memregion covering the address (or none)
#     ptwalk ADDR [ROOT]
#                     walk the Sv39 table (the hart's satp, or ROOT, a
#                     physical address) for ADDR: each level's PTE and flags
set confirm off
set pagination off
set architecture riscv:rv64
if $_isvoid($osv_kernel)
  file build/kernel.elf
else
  eval "file %s", $osv_kernel
end
# The port: `make gdb GDBPORT=n` sets $osv_port; 1234 otherwise.
if $_isvoid($osv_port)
  set $osv_port = 1234
end
eval "target remote localhost:%d", $osv_port

define whoami
  set $c = (struct cpu *)$tp
  if $c->thread
    printf "hart %d, thread %s\n", $c->hartid, $c->thread->name
  else
    printf "hart %d, scheduler\n", $c->hartid
  end
end
document whoami
Prints the hart and the thread running on it (valid while the hart is in the kernel).
end

define pfinfo
  # Valid in pgfault_user(tf) and pgfault_kernel(tf).
  set $pf_tf = tf
  set $pf_cause = $pf_tf->scause
  set $pf_addr = $pf_tf->stval
  set $pf_p = ((struct cpu *)$tp)->thread->proc
  # (No string literals in expressions: gdb would need a malloc in the
  # kernel to hold them, so the decoding is done with if/else.)
  printf "page fault: "
  if $pf_cause == 12
    printf "instruction page fault"
  end
  if $pf_cause == 13
    printf "load page fault"
  end
  if $pf_cause == 15
    printf "store page fault"
  end
  printf " (scause %d)\n", $pf_cause
  printf "  address 0x%lx, pc 0x%lx\n", $pf_addr, $pf_tf->sepc
  printf "  process %d (%s), from ", $pf_p->pid, $pf_p->name
  if $pf_tf->sstatus & 0x100
    printf "kernel mode\n"
  else
    printf "user mode\n"
  end
  set $pf_r = $pf_p->as.regions
  set $pf_found = 0
  while $pf_r && !$pf_found
    if $pf_addr >= $pf_r->start && $pf_addr < $pf_r->end
      set $pf_found = 1
      printf "  memregion [0x%lx, 0x%lx) %s, perm %c%c%c, ", $pf_r->start, $pf_r->end, $pf_r->kind, ($pf_r->perm & 1) ? 'r' : '-', ($pf_r->perm & 2) ? 'w' : '-', ($pf_r->perm & 4) ? 'x' : '-'
      if $pf_r->shared
        printf "shared\n"
      else
        printf "private\n"
      end
    end
    set $pf_r = $pf_r->next
  end
  if !$pf_found
    printf "  memregion: none\n"
  end
end
document pfinfo
At a stop in pgfault_user or pgfault_kernel: the decoded cause, address, pc,
process, and the memregion covering the address (or none).
end

# pfstop is Python only to build its condition: comparing the name against
# a string literal would need a malloc in the kernel to hold the literal.
python
import gdb

class PfStop(gdb.Command):
    """pfstop [NAME]: stop at user page faults (of the process named NAME
only) and print each with pfinfo. `continue` runs to the next one."""

    def __init__(self):
        super().__init__("pfstop", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        cond = None
        if name:
            field = "((struct cpu *)$tp)->thread->proc->name"
            cond = " && ".join("%s[%d] == %d" % (field, i, ord(c))
                               for i, c in enumerate(name + "\0"))
        bp = gdb.Breakpoint("pgfault_user", internal=False)
        if cond:
            bp.condition = cond
        bp.commands = "silent\npfinfo"

PfStop()
end

define ptwalk
  set $pt_va = (unsigned long)($arg0)
  if $argc == 2
    set $pt_table = (unsigned long)($arg1)
  else
    set $pt_table = ($satp & 0xfffffffffff) << 12
  end
  printf "Sv39 walk of 0x%lx from root 0x%lx\n", $pt_va, $pt_table
  set $pt_level = 2
  while $pt_level >= 0
    set $pt_index = ($pt_va >> (12 + 9 * $pt_level)) & 0x1ff
    set $pt_pte = *(unsigned long *)(0xffffffc000000000 + $pt_table + 8 * $pt_index)
    printf "  level %d [%3d] pte 0x%016lx  %c%c%c%c%c%c%c%c", $pt_level, $pt_index, $pt_pte, ($pt_pte & 0x80) ? 'D' : '-', ($pt_pte & 0x40) ? 'A' : '-', ($pt_pte & 0x20) ? 'G' : '-', ($pt_pte & 0x10) ? 'U' : '-', ($pt_pte & 8) ? 'X' : '-', ($pt_pte & 4) ? 'W' : '-', ($pt_pte & 2) ? 'R' : '-', ($pt_pte & 1) ? 'V' : '-'
    if !($pt_pte & 1)
      printf "  (not mapped)\n"
      set $pt_level = -1
    else
      set $pt_table = ($pt_pte >> 10) << 12
      if $pt_pte & 0xe
        printf "  -> frame 0x%lx\n", $pt_table + ($pt_va & ((1 << (12 + 9 * $pt_level)) - 1))
        set $pt_level = -1
      else
        printf "  -> table 0x%lx\n", $pt_table
        set $pt_level = $pt_level - 1
      end
    end
  end
end
document ptwalk
ptwalk ADDR [ROOT]: walk the Sv39 page table for ADDR, from the hart's satp
or from the root table at physical address ROOT, printing each level's PTE
and its flags (D A G U X W R V).
end

# A kernel panic stops here before the machine powers off.
break panic_common
echo osv-rv: connected. `continue` to boot; a PANIC stops at panic_common.\n
