/*
 * The console device behind fds 0 and 1: output to the UART under one
 * lock, and a cooked line discipline for input, as a terminal would give
 * (contract in include/kernel/console.h): typed bytes are echoed and
 * edited in the line being typed (lineedit.h: arrows, history, erasing),
 * '\r' becomes '\n', and a reader gets a line only once Enter is typed.
 * Autograders that pipe "ls\rquit\r" into QEMU see the same thing a
 * person typing does.
 *
 * Input is flow controlled, so no byte is ever dropped however fast it
 * comes: when the buffer (the lines handed over but not yet read, plus the
 * line being typed) fills, the line being typed is handed over as it is,
 * the UART's receive interrupt is turned off and further bytes wait in
 * the UART, which then makes QEMU stop taking input from its host side (a
 * pipe or FIFO fills and the writer blocks). A reader that frees space
 * turns it back on.
 */
#include <kernel/console.h>
#include <kernel/lineedit.h>
#include <kernel/proc.h>
#include <kernel/uart.h>
#include <kernel/synch.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/race.h>

#define CTRL(c) ((c) & 0x1f)
#define END_OF_INPUT CTRL('D')     /* kept in buf: a read that reaches it returns 0 */
#define HELD_MAX 16                /* Ctrl-Cs held at once; more are not held */

/* A Ctrl-C that found no job, held for the chooser (interrupt). */
struct held {
    uint64_t at;                 /* where it was typed: the input handed over before it (cons.w) */
    char end;                    /* the byte of its empty line: line_end() */
};

static struct {
    struct spinlock lock;        /* guards output, and everything below */
    struct condvar readable;     /* input has been handed over */
    char buf[LINE_EDIT_MAX];     /* handed over, not yet read (lineedit.h's size) */
    uint64_t r, w;               /* read and written indices of buf */
    struct lineedit line;        /* being typed, not yet handed over */
    struct keydecoder keys;
    bool stopped;                /* full: the UART's receive interrupt is off */
    pid_t foreground;            /* the job Ctrl-C kills, 0 for none */
    pid_t chooser;               /* the last process to call setfg (the shell), 0 before any */
    struct held held[HELD_MAX];  /* oldest first */
    int nheld;
    bool cut;                    /* the line being typed is the rest of one handed over in part */
    bool cancelled_cut;          /* the last Ctrl-C erased such a rest */
    uint64_t cut_from;           /* where the line handed over in part begins in buf */
} cons;

bool console_panicking;

/* Once at boot, before the UART's interrupt is on. */
void console_init(void)
{
    spinlock_init(&cons.lock, "console", LOCK_CONSOLE);
    condvar_init(&cons.readable);
}

/* Bytes the buffer can still take, the line being typed counted in. */
static size_t room(void)
{
    return LINE_EDIT_MAX - (cons.w - cons.r) - cons.line.len;
}

/* The byte that ends the empty line of a Ctrl-C that killed nothing:
 * '\n', or Ctrl-C itself when the line it erased had been handed over in
 * part (longer than the buffer, or cut by Ctrl-D), so that the reader,
 * who may hold that part already, knows the line is cancelled and not
 * ended. A '\n' there once made the shell run the part it held
 * (`echo ab`, Ctrl-D, Ctrl-C ran `echo ab`). Console lock held. */
static char line_end(void)
{
    return cons.cancelled_cut ? CTRL('C') : '\n';
}

/* Gives a reader an empty line (end: line_end's byte) for a Ctrl-C that
 * killed nothing before any setfg, so a shell at its prompt prints a new
 * one; with input pending the reader has lines anyway. Never in the
 * buffer's last free byte: while input runs, that byte is kept for the
 * key the UART's handler may be taking at this moment on another hart
 * (console_intr). Taken here, the next byte typed made room() wrap below
 * zero, input never stopped, and what came next went in over lines not
 * yet read (console_held). Console lock held. */
static void empty_line(char end)
{
    if (room() > 1) {
        cons.buf[cons.w++ % LINE_EDIT_MAX] = end;
        condvar_broadcast(&cons.readable);
    }
}

/* Whether the oldest held Ctrl-C is due: the reading has reached the
 * place where it was typed, so it is meant for the command of the line
 * read last, or else for the prompt. Console lock held. */
static bool held_due(void)
{
    return cons.nheld > 0 && cons.held[0].at <= cons.r;
}

/* Removes the oldest held Ctrl-C; returns its empty line's byte. Console
 * lock held. */
static char take_held(void)
{
    char end = cons.held[0].end;
    cons.nheld--;
    memmove(cons.held, cons.held + 1, cons.nheld * sizeof(cons.held[0]));
    return end;
}

/* A due held Ctrl-C (interrupt) goes to the job the chooser now puts in
 * the foreground; one typed further on waits for its place. The job
 * becomes the foreground only once that kill is done: a Ctrl-C typed
 * meanwhile, for the next command, then finds it dying and is held
 * (proc_kill_job counts it 0). Made the foreground first, the job took
 * that Ctrl-C too, and the next command ran on (`cat\r^Csleep 9\r^C`
 * typed ahead). */
void console_set_foreground(pid_t job)
{
    spinlock_acquire(&cons.lock);
    cons.chooser = proc_current()->pid;
    if (job != 0 && held_due()) {
        take_held();
        spinlock_release(&cons.lock);
        proc_kill_job(job);
        spinlock_acquire(&cons.lock);
    }
    cons.foreground = job;
    spinlock_release(&cons.lock);
}

/* Hands the line being typed over to readers, followed by last unless it
 * is -1 (room for it checked by the caller); then, if the buffer is full,
 * stops the UART until a reader makes room. A line handed over in parts
 * (-1: the buffer filled, or Ctrl-D in mid-line) goes to the history
 * with none of them: its last part alone is not the line typed, and
 * recalled it would run as a command of its own. */
static void hand_over(int last)
{
    if (!cons.cut)
        cons.cut_from = cons.w;
    for (size_t i = 0; i < cons.line.len; i++)
        cons.buf[cons.w++ % LINE_EDIT_MAX] = cons.line.buf[i];
    if (last >= 0)
        cons.buf[cons.w++ % LINE_EDIT_MAX] = (char)last;
    lineedit_done(&cons.line, last == '\n' && !cons.cut);
    cons.cut = last == -1;
    condvar_broadcast(&cons.readable);
    if (room() == 0) {
        cons.stopped = true;
        uart_rx_stop();
    }
}

/* The keys that edit the line being typed without handing it over
 * (lineedit.h does the editing and its echo). Returns whether k was one. */
static bool edit_key(int k)
{
    switch (k) {
    case CTRL('U'):
        lineedit_erase_line(&cons.line);
        return true;
    case CTRL('W'):
        lineedit_erase_word(&cons.line);
        return true;
    case '\b':
    case 0x7f:
        lineedit_backspace(&cons.line);
        return true;
    case KEY_DELETE:
        lineedit_delete(&cons.line);
        return true;
    case KEY_LEFT:
    case KEY_RIGHT:
    case KEY_HOME:
    case KEY_END:
        lineedit_move(&cons.line, k);
        return true;
    case KEY_UP:
    case KEY_DOWN:               /* room() - 1: Enter must still fit */
        lineedit_recall(&cons.line, k, cons.line.len + room() - 1);
        return true;
    default:
        return false;
    }
}

/* Acts on one key (key_decode's answer). Returns true for Ctrl-C, which
 * the caller finishes without the lock (interrupt). */
static bool key(int k)
{
    if (edit_key(k))
        return false;
    switch (k) {
    case KEY_NONE:
    case 0:                      /* make qemu sends a NUL first (test/qemu.py) */
        return false;
    case CTRL('C'):
        uart_putc('^');
        uart_putc('C');
        uart_putc('\n');
        lineedit_done(&cons.line, false);
        cons.cancelled_cut = cons.cut;
        cons.cut = false;        /* the line is over */
        return true;
    case CTRL('D'):              /* end of input at the start of a line */
        hand_over(cons.line.len == 0 ? END_OF_INPUT : -1);
        return false;
    case '\r':
    case '\n':
        uart_putc('\n');
        hand_over('\n');
        return false;
    default:
        /* Text: printable bytes, tabs and anything >= 0x80; other control
         * characters mean nothing here and are dropped. */
        if (k < 0x100 && (k >= 0x20 || k == '\t')) {
            lineedit_insert(&cons.line, (char)k);
            if (room() == 0)
                hand_over(-1);   /* full: the part of a line that filled it */
        }
        return false;
    }
}

/* Ctrl-C: kills the foreground job. With none (or none of it left that
 * is not dying already: the Ctrl-C before this one killed it) the
 * Ctrl-C is meant for whatever the shell does with the input typed
 * before it: a grader or a quick hand sends "cat\r^C" before the shell
 * has spawned cat and made it the foreground. So once a shell has chosen
 * jobs (chooser), the Ctrl-C is held for it at its place in the input:
 * once the shell has read up to there, its next setfg(pid) kills that job
 * at once, or else its next read gets an empty line (a new prompt).
 * Each Ctrl-C is held on its own, so "cat\r^Ccat\r^C" ends both cats;
 * a single held one once went to the first command (or the first read)
 * only, and the second cat ran on, or went to a command typed after it.
 * Before any setfg, the reader gets the empty line at once. The kill is
 * without the console lock (proc_kill_job takes proc_lock), so the
 * foreground may change meanwhile: when it has, the Ctrl-C tries the new
 * one, and it is held only while the foreground is the job found dying
 * or none, in one locked stretch with that check. Held on what it had
 * read before the kill, it came too late for a shell that had meanwhile
 * read the line before it and made its command the foreground job:
 * due at once, it waited for a setfg that never came, and the command
 * ran on (`^Csleep 100\r^Cecho ok\r` typed while sleep ran: the second
 * sleep ran on, and `echo` never ran). */
static void interrupt(void)
{
    spinlock_acquire(&cons.lock);
    for (pid_t job = cons.foreground; job != 0; job = cons.foreground) {
        spinlock_release(&cons.lock);
        bool killed = proc_kill_job(job) > 0;
        if (!killed)
            race_window(RACE_CTRL_C_HELD);
        spinlock_acquire(&cons.lock);
        if (killed) {
            /* The line erased may have been handed over in part and
             * not read (the job was not reading it): it goes, as the
             * rest did, or, read in part already, it ends with a Ctrl-C
             * byte, which the shell drops. Left as it was, the shell ran
             * it with the next line glued on (`sleep 9`, then `echo ab`,
             * Ctrl-D, Ctrl-C and `ls` ran `echo abls`). */
            if (cons.cancelled_cut && cons.r <= cons.cut_from)
                cons.w = cons.cut_from;
            else if (cons.cancelled_cut && cons.r != cons.w)
                empty_line(CTRL('C'));
            spinlock_release(&cons.lock);
            return;
        }
        if (cons.foreground == job)
            break;               /* still the job found dying: held */
    }
    if (cons.chooser == 0)
        empty_line(line_end());
    else if (cons.nheld < HELD_MAX) {
        cons.held[cons.nheld++] = (struct held){.at = cons.w, .end = line_end()};
        condvar_broadcast(&cons.readable);   /* the chooser may be reading */
    }
    spinlock_release(&cons.lock);
}

/* Whether the caller is the chooser with a held Ctrl-C due. Console lock
 * held. */
static bool held_for_me(void)
{
    return held_due() && proc_current()->pid == cons.chooser;
}

/* The UART's interrupt handler, byte by byte; a multi-byte key (an
 * arrow's escape sequence) acts when its last byte arrives. */
void console_intr(int c)
{
    spinlock_acquire(&cons.lock);
    kassert(!cons.stopped);      /* the UART hands over no byte while full */
    bool interrupted = key(key_decode(&cons.keys, c));
    spinlock_release(&cons.lock);
    if (interrupted)
        interrupt();
}

/* A reader other than the chooser has read up to a held Ctrl-C's place:
 * the input typed before it went to the command running, so the Ctrl-C
 * ends the foreground job now, as the chooser's setfg(pid) would have
 * (the chooser is waiting for that job). With no job left to kill it
 * stays held for the chooser. `cat\rabc\r^Cls\r` typed ahead once left
 * cat reading `ls` and on (it was made the foreground job before it read
 * `abc`), or gave it `ls` (it read both before). Console lock held,
 * dropped meanwhile: proc_kill_job takes proc_lock. */
static void end_job_at_held(void)
{
    pid_t job = cons.foreground;
    if (job == 0)
        return;
    struct held h = cons.held[0];
    take_held();
    spinlock_release(&cons.lock);
    bool killed = proc_kill_job(job) > 0;
    spinlock_acquire(&cons.lock);
    if (!killed && cons.nheld < HELD_MAX) {
        memmove(cons.held + 1, cons.held, cons.nheld * sizeof(cons.held[0]));
        cons.held[0] = h;        /* the oldest still: no place is before its */
        cons.nheld++;
    }
}

/* Takes at most n bytes of one line out of the buffer into dst, up to
 * the end of input or a held Ctrl-C's place; returns how many. Console
 * lock held. */
static size_t take_line(char *dst, size_t n)
{
    size_t got = 0;
    while (got < n && cons.r != cons.w && !held_due()) {
        char c = cons.buf[cons.r % LINE_EDIT_MAX];
        if (c == END_OF_INPUT) {
            if (got == 0)
                cons.r++;        /* this read is the end of input */
            break;
        }
        cons.r++;
        dst[got++] = c;
        if (c == '\n' || c == CTRL('C'))    /* a line's end (line_end) */
            break;
    }
    return got;
}

/* A read returns at most one line, so a shell reading a command never
 * takes the input typed ahead for the program it starts. No read goes
 * past a held Ctrl-C's place: another reader there ends the foreground
 * job (end_job_at_held) or, with none, waits until the chooser has taken
 * the Ctrl-C (a command the chooser has started but not yet made the
 * foreground job, `cat` typed ahead with a Ctrl-C, is then killed by its
 * setfg). Taking bytes out makes room, so a UART stopped for a full
 * buffer starts again. */
ssize_t console_read(char *dst, size_t n)
{
    size_t got = 0;
    spinlock_acquire(&cons.lock);
    for (;;) {
        if (held_due() && !held_for_me())
            end_job_at_held();
        if (proc_killed(proc_current()))
            break;                      /* not one byte more for a killed reader */
        if (held_for_me() || (cons.r != cons.w && !held_due()))
            break;
        if (condvar_wait_killable(&cons.readable, &cons.lock) != ERR_OK)
            break;
    }
    if (proc_killed(proc_current())) {
        spinlock_release(&cons.lock);
        return ERR_KILLED;
    }
    if (held_for_me() && n > 0)         /* a held Ctrl-C: an empty line, given */
        dst[got++] = take_held();       /* here: the buffer may have no room */
    else
        got = take_line(dst, n);        /* stops at a held Ctrl-C's place */
    if (got > 0 && held_due() && !held_for_me())
        end_job_at_held();              /* this read reached the place */
    if (cons.stopped) {
        cons.stopped = false;
        uart_rx_start();
    }
    spinlock_release(&cons.lock);
    return got;
}

/* A terminal wants "\r\n" to start a line at its left edge. */
static void put_bytes(const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (src[i] == '\n')
            uart_putc('\r');
        uart_putc(src[i]);
    }
}

/* Under the lock, so one call's bytes are never interleaved with another
 * hart's (a user write() comes here in pieces of CONSOLE_CHUNK bytes,
 * file.c, so a longer one may be: docs/console.md); while panicking, without it: the panicking hart may hold it, or
 * another hart may never release it. With own_line, a newline goes first
 * when the output so far ends mid-line, in the same locked stretch. */
static void write_out(const char *src, size_t n, bool own_line)
{
    bool locked = !console_panicking;
    if (locked)
        spinlock_acquire(&cons.lock);
    if (own_line && uart_mid_line())
        put_bytes("\n", 1);
    put_bytes(src, n);
    if (locked)
        spinlock_release(&cons.lock);
}

/* write() on the console and kprintf: the bytes as they come. */
ssize_t console_write(const char *src, size_t n)
{
    write_out(src, n, false);
    return n;
}

/* kprintf_line: the bytes from a line's start (uart_mid_line decides). */
ssize_t console_write_line(const char *src, size_t n)
{
    write_out(src, n, true);
    return n;
}
