"""
The console_keys scenario of test/run.py: the keys a person types at the
console, sent as raw bytes to a booted machine, and what comes back.

    Ctrl-C      ends `cat` waiting for input, a pipeline `cat | cat`,
                `sleep 100`, also when typed with the command before the
                shell started it, and at the prompt gives a new prompt; each
                time `^C`, the prompt, and the next command works; at the
                prompt it cancels a line whose start the shell has read
                already (cut by Ctrl-D, or over the 1 KiB buffer): nothing
                of it runs, also when the Ctrl-C ends a `sleep`; several commands typed ahead at once, each with
                its Ctrl-C, each end (the second one ran on), and one after
                a builtin's Ctrl-C runs; a Ctrl-C typed right behind the
                one that ends a command, for the next command, ends that
                one (it was spent on the first, still dying); a Ctrl-C typed ahead behind `cat` and
                a line for it ends cat once it has read that line, and the
                line typed after the Ctrl-C goes to the shell
    Ctrl-D      in a line hands it to `cat` as it is; at the start of a
                line ends cat's input
    Ctrl-U, Ctrl-W
                erase the line, the word, before Enter
    escapes     arrows, Home, End, Delete edit the line typed into `cat`;
                unknown sequences and Alt-keys are dropped: no escape byte
                reaches cat's output
    UTF-8       Backspace, Delete and the arrows step over a whole UTF-8
                character (cat gets no half of one)
    history     up recalls the previous command in the shell, up twice the
                one before, down gives back a line being typed
    long lines  a line at the shell's limit (2047 bytes, twice the
                kernel's 1 KiB buffer) runs; one over it is refused with
                one message, not run; the last part of a line over the
                buffer is not kept in the history as a line
    ps, kill    `sleep 100 &` and `sleep 100 > f &` show the pid of
                sleep, `[pid N]`, ps lists that sleep, kill of that pid
                ends it; a pipeline shows none; kill 1 is refused
    held Ctrl-C a Ctrl-C held for a program whose foreground job is gone,
                with 1023 bytes typed ahead unread: the helper
                console_held (test/console_held.c) then reads those lines
                and the line typed after the Ctrl-C, in order, the last
                whole or as its first byte (which filled the buffer) and
                the rest (the held Ctrl-C's empty line took the buffer's
                last byte, and input ran on past its end over the lines
                not yet read)
    read without memory
                a console read into a page that gets no frame is ERR_NOMEM
                and leaves the line typed for the next read: the helper
                console_nomem (test/console_nomem.c) reads it (it was lost)
    exit        leaves a nested shell, then the first (init starts a new one)

scenario(boot, detail) takes a function that boots a machine (test/run.py's
Machine) and returns (reason or None, console excerpt or None);
scenario_held_race(boot, detail), the scenario console_held_race, does the
same on the debug kernel (a Ctrl-C held late, in a window made wide).
"""

import re
import time

STEP_TIMEOUT = 15.0


class Failed(Exception):
    pass


def typed(m, data):
    """Sends raw bytes to the console."""
    m.proc.stdin.write(data)
    m.proc.stdin.flush()


def await_text(m, pattern, start, what):
    """Waits until pattern matches the console from start; returns the match."""
    match, why = m.wait_for(re.compile(pattern), start, STEP_TIMEOUT)
    if not match:
        raise Failed("%s: %s (waiting for %r)" % (what, why, pattern))
    return match


def type_and_await(m, data, pattern, what):
    """Sends data, then waits until pattern matches what the console shows
    from then on; returns where that began (a position in m.text)."""
    start = len(m.text)
    typed(m, data)
    await_text(m, pattern, start, what)
    return start


def command(m, line, what):
    """Runs line at the prompt; returns its output."""
    out, why, _ = m.run(line, STEP_TIMEOUT)
    if why:
        raise Failed("%s: `%s`: %s" % (what, line, why))
    return out


def check_alive(m, word):
    if word not in command(m, "echo " + word, "after it"):
        raise Failed("`echo %s` did not work afterwards" % word)


def sleep_asleep(m):
    """Types a foreground `sleep 100` and waits until it sleeps as the
    console's foreground job, which the helper console_asleep, started in
    the background first, prints (test/console_asleep.c); returns where
    the command began (a position in m.text)."""
    command(m, "console_asleep sleep &", "the helper console_asleep")
    start = len(m.text)
    typed(m, b"sleep 100\r")
    match = await_text(m, r"\n\S*(asleep: sleep pid \d+|ERROR)([^\n]*)\n", start,
                       "sleep asleep as the foreground job")
    if match.group(1) == "ERROR":
        raise Failed("console_asleep: ERROR" + re.sub(r"\x1b\[[0-9;]*m", "", match.group(2)))
    return start


def ctrl_c(m):
    # cat waiting for input
    start = type_and_await(m, b"cat\r", r"cat\n", "cat")
    typed(m, b"hello\r")
    await_text(m, r"hello\nhello\n", start, "cat echoing a line")
    typed(m, b"\x03")
    await_text(m, r"hello\nhello\n\^C\n\$ $", start, "Ctrl-C in cat")
    check_alive(m, "after_cat")
    # a pipeline: the first cat reads the console, the second a pipe
    start = len(m.text)
    typed(m, b"cat | cat\r")
    typed(m, b"x1\r")
    await_text(m, r"x1\nx1\n", start, "cat | cat")
    typed(m, b"\x03")
    await_text(m, r"x1\nx1\n\^C\n\$ $", start, "Ctrl-C in cat | cat")
    if re.search(r"\bcat\b", command(m, "ps", "ps after Ctrl-C")):
        raise Failed("a cat of the pipeline is still listed by ps")
    check_alive(m, "after_pipeline")
    # sleep
    start = sleep_asleep(m)
    typed(m, b"\x03")
    await_text(m, r"\^C\n\$ $", start, "Ctrl-C in sleep")
    check_alive(m, "after_sleep")
    # typed ahead: Ctrl-C sent with the command, before the shell has
    # made the command its foreground job, still ends it (a grader or a
    # quick hand types faster than the shell spawns)
    for i in range(5):
        for cmd in ("cat", "sleep 100"):
            start = type_and_await(m, cmd.encode() + b"\r\x03", r"\^C\n\$ $",
                                   "Ctrl-C typed ahead of `%s` (try %d)" % (cmd, i + 1))
            check_alive(m, "after_ahead")
    # at the prompt, with a half-typed line
    start = type_and_await(m, b"echo half\x03", r"echo half\^C\n\$ $", "Ctrl-C at the prompt")
    check_alive(m, "after_prompt")
    # a line handed over in part: the shell holds its start (it ran it
    # once, taking Ctrl-C's empty line for the line's end). The shell reads
    # a line cut by Ctrl-D out of sight: half a second for that. The bytes
    # of one past the 1 KiB buffer echo only once the shell has read the
    # first KiB (the full buffer stops the UART until a read makes room).
    for part, read in ((b"echo cut_ab\x04", None), (b"echo " + b"c" * 1100, r"c{1100}")):
        start = len(m.text)
        typed(m, part)
        if read:
            await_text(m, read, start, "the shell reading a line's first KiB")
        else:
            time.sleep(0.5)
        typed(m, b"\x03")
        match = await_text(m, r"\^C\n([^\n]*\n)?\$ $", start, "Ctrl-C on a line handed over in part")
        if match.group(1):
            raise Failed("Ctrl-C on a line handed over in part (%d bytes) ran it: %r"
                         % (len(part), match.group(1)[:40]))
        check_alive(m, "after_part")
    # the same while a command runs: Ctrl-C ends it, and the line's start
    # must not stay behind for the shell (it ran with the next line glued
    # on: `cut_fgecho after_cut_fg`)
    start = sleep_asleep(m)
    typed(m, b"echo cut_fg\x04")
    await_text(m, r"echo cut_fg", start, "the cut line's echo")   # the console has it
    typed(m, b"\x03")
    await_text(m, r"\^C\n\$ $", start, "Ctrl-C on a line cut by Ctrl-D while sleep runs")
    start = type_and_await(m, b"echo after_cut_fg\r", r"\nafter_cut_fg\n\$ $",
                           "the line after a cut one cancelled in sleep")
    # several commands typed ahead in one write, each with its Ctrl-C: each
    # is held at its place in the input, so each ends its own command, and
    # a builtin's gives a new prompt instead (one Ctrl-C was held once: the
    # second sleep ran on, and the builtin's went to `echo`)
    start = type_and_await(m, b"sleep 100\r\x03cat\r\x03sleep 100 | cat\r\x03cd /\r\x03echo ahead_\"ok\"\r",
                           r"ahead_ok\n\$ $", "four commands typed ahead with their Ctrl-Cs")
    if m.text[start:].count("^C") != 4:
        raise Failed("four Ctrl-Cs typed ahead: %d echoed" % m.text[start:].count("^C"))
    if re.search(r"\b(sleep|cat)\b", command(m, "ps", "ps after Ctrl-Cs typed ahead")):
        raise Failed("a command typed ahead with its Ctrl-C is still listed by ps")
    # a Ctrl-C for the running sleep and, right behind it in the same
    # write, a command and its own Ctrl-C: the second one reaches the
    # console while the first sleep is still dying, and is held for the
    # second sleep (it was spent on the dying one, and the second sleep
    # ran on: the typed-ahead step above failed that way under load)
    for i in range(3):
        start = sleep_asleep(m)
        typed(m, b"\x03sleep 100\r\x03echo behind_\"ok\"\r")
        await_text(m, r"behind_ok\n\$ $", start,
                   "a Ctrl-C and a command with its Ctrl-C typed while sleep runs (try %d)" % (i + 1))
    # a command, its input and a Ctrl-C typed ahead, then the next command:
    # cat reads its line up to the Ctrl-C's place, the Ctrl-C ends cat there,
    # and the line after it goes to the shell (cat read past the place and
    # ate it, or ran on with the Ctrl-C held for the shell waiting for it)
    for i in range(3):
        start = len(m.text)
        typed(m, b"cat\rheld_in\r\x03echo held_\"after\"\r")
        await_text(m, r"held_after\n\$ $", start,
                   "cat, its line and a Ctrl-C typed ahead, then echo (try %d)" % (i + 1))
    return "cat, cat | cat, sleep, typed ahead, the prompt, a line handed over in part, " \
        "several typed ahead, cat with its input typed ahead"


def ctrl_d(m):
    start = type_and_await(m, b"cat\r", r"cat\n", "cat")
    typed(m, b"line1\r")
    await_text(m, r"line1\nline1\n", start, "cat echoing a line")
    typed(m, b"ab\x04")
    await_text(m, r"line1\nline1\nabab", start, "Ctrl-D in a line")
    typed(m, b"\x04")
    await_text(m, r"abab\$ $", start, "Ctrl-D at the start of a line")
    check_alive(m, "after_eof")
    return "a partial line, then end of input"


def erase(m):
    start = type_and_await(m, b"echo junk\x15echo good\r", r"echo good\ngood\n\$ $", "Ctrl-U")
    start = type_and_await(m, b"echo one two  \x17three\r", r"three\none three\n\$ $", "Ctrl-W")
    return "Ctrl-U, Ctrl-W"


def cat_edits(m, keys, want):
    """Types keys as a line into a new cat and checks the line cat printed
    back is want; returns where the printed line ended (a position in
    m.text), cat ended."""
    type_and_await(m, b"cat\r", r"cat\n", "cat")
    start = len(m.text)
    typed(m, keys)
    match = await_text(m, r"\n([^\n]*)\n", start, "the edited line")
    if match.group(1) != want:
        raise Failed("cat printed %r for the edited line, expected %r" % (match.group(1), want))
    typed(m, b"\x04")
    await_text(m, re.escape(want) + r"\n\$ $", start, "cat's end")
    return match.end()


def escapes(m):
    # ab, left left, X (Xab), End, Y (XabY), Delete at the end (nothing),
    # Home, Delete (abY), Z (ZabY), PgUp and Alt-q (dropped), ESC O F (End),
    # right (nothing), Enter.
    end = cat_edits(m, b"ab\x1b[D\x1b[DX\x1b[FY\x1b[3~\x1b[1~\x1b[3~Z\x1b[5~\x1bq\x1bOF\x1b[C\r",
                    "ZabY")
    if "\x1b" in m.text[end:]:
        raise Failed("an escape byte came back")
    return "arrows, Home, End, Delete; PgUp and Alt-q dropped"


def utf8(m):
    # A UTF-8 character (é, 2 bytes) is one step for Backspace, Delete and
    # the arrows: byte by byte, Backspace once left half of it (0xc3) in
    # the line, and the screen's cursor went a column too far.
    # xé, Backspace (x), éé (xéé), left (before the second é),
    # Backspace (xé), Z (xZé), Home, right (past x), Delete (xé), End,
    # y: xéy.
    cat_edits(m, "xé\x7féé\x1b[D\x7fZ\x1b[H\x1b[C\x1b[3~\x1b[Fy\r".encode(), "xéy")
    return "Backspace, Delete and the arrows over a 2-byte UTF-8 character"


def history(m):
    command(m, "echo hist1", "history")
    command(m, "echo hist2", "history")
    start = type_and_await(m, b"\x1b[A\x1b[A\r", r"\nhist1\n\$ $", "up twice")
    start = type_and_await(m, b"\x1b[A\r", r"\nhist1\n\$ $", "up once")
    start = type_and_await(m, b"echo dr\x1b[A\x1b[A\x1b[B\x1b[Baft\r", r"\ndraft\n\$ $",
                           "down back to the line being typed")
    return "up, up twice, down to the draft"


def long_lines(m):
    start = type_and_await(m, b"echo " + b"z" * 2042 + b"\r", r"\nz{2042}\n\$ $",
                           "a 2047-byte line")
    # A line over the 1 KiB buffer goes to the shell in parts: its first
    # 1024 bytes when the buffer fills (the shell reads them meanwhile),
    # then the rest with Enter, short enough for a history slot but no
    # line of its own (up used to recall it, and Enter ran it).
    command(m, "echo before", "long lines")
    # The byte after the first KiB echoes once the shell has read that KiB
    # (the full buffer stops the UART until then): the rest is typed after.
    start = type_and_await(m, b"echo " + b"x" * 1020, r"echo x{1020}",
                           "the shell reading a line's first KiB")
    typed(m, b"x" * 80 + b"\r")
    await_text(m, r"\nx{1100}\n\$ $", start, "a 1105-byte line")
    start = type_and_await(m, b"\x1b[A\r", r"\nbefore\n\$ $",
                           "up after a 1105-byte line: the line before it")
    for n in (2100, 3000):
        start = type_and_await(m, b"echo " + b"y" * n + b"\r", r"line too long[^\n]*\n\$ $",
                               "a %d-byte line" % n)
        if m.text[start:].count("line too long") != 1 or "\nyyyy" in m.text[start:]:
            raise Failed("a %d-byte line: not one refusal, or it ran" % n)
    return "2047 bytes run, 2105 and 3005 refused, no part of a line in the history"


def ps_kill(m):
    for line in ("sleep 100 &", "sleep 100 > bgsleep &"):
        out = command(m, line, "background sleep")
        shown = re.fullmatch(r"\[pid (\d+)\]", out.strip())
        if not shown:
            raise Failed("`%s` did not show its pid as `[pid N]`: %r" % (line, out))
        out = command(m, "ps", "ps")
        match = re.search(r"^\s*(\d+)\s+\d+\s+\d+\s+\w+\s+sleep\s*$", out, re.M)
        if not match:
            raise Failed("ps did not list the background sleep, or more than one:\n" + out)
        if match.group(1) != shown.group(1):
            raise Failed("`%s` showed pid %s, ps lists sleep as %s"
                         % (line, shown.group(1), match.group(1)))
        out = command(m, "kill " + shown.group(1), "kill")
        if out.strip():
            raise Failed("kill printed %r" % out)
        for _ in range(20):
            if not re.search(r"\bsleep\b", command(m, "ps", "ps after kill")):
                break
            time.sleep(0.1)
        else:
            raise Failed("sleep still listed after killing the pid `%s` showed" % line)
    out = command(m, "echo a | wc &", "a background pipeline")
    if "[pid" in out:
        raise Failed("a background pipeline showed a pid, which kills none of its stages: %r"
                     % out)
    if "not permitted" not in command(m, "kill 1", "kill 1"):
        raise Failed("kill 1 was not refused")
    return ("`sleep 100 &`, `sleep 100 > f &` show the pid ps lists, kill of it ends sleep;"
            " no pid for a pipeline; kill 1 refused")


def exit_shell(m):
    start = type_and_await(m, b"sh\r", r"sh\n\$ $", "a nested sh")
    start = type_and_await(m, b"exit\r", r"exit\n\$ $", "exit from the nested sh")
    if "init:" in m.text[start:]:
        raise Failed("init restarted a shell after a nested one exited")
    start = len(m.text)
    typed(m, b"exit\r")
    await_text(m, r"init: sh \(pid \d+\) exited with status 0, starting a new one\n\$ $",
               start, "exit from the first sh")
    check_alive(m, "after_exit")
    # Ctrl-D at the prompt: the shell ends its prompt's line before it goes.
    start = len(m.text)
    typed(m, b"\x04")
    await_text(m, r"init: sh \(pid \d+\) exited with status 0, starting a new one\n\$ $",
               start, "Ctrl-D at the prompt")
    if not m.text[start:].startswith("\ninit:"):
        raise Failed("after Ctrl-D at the prompt, init's line is not on a line of its own: %r"
                     % m.text[start:])
    check_alive(m, "after_ctrl_d")
    return "nested, then the first, then Ctrl-D at the prompt"


def flood_line(i):
    """console_held's line i, as typed: 1023 bytes in all for 32 lines."""
    text = "L%02d" % i + "".join(chr(ord("a") + (i + k) % 26) for k in range(3, 31 if i < 31 else 30))
    return text.encode() + b"\r"


def run_helper(m, name, turns):
    """Runs the helper name; for each (pattern, data) of turns waits for
    the pattern and types data; then waits for its passed or ERROR line
    and the prompt."""
    start = len(m.text)
    typed(m, name.encode() + b"\r")
    for pattern, data in turns:
        await_text(m, pattern, start, "%s: %r" % (name, pattern))
        typed(m, data)
    match = await_text(m, r"\n\S*(passed|ERROR)([^\n]*)\n", start, name)
    if match.group(1) == "ERROR":
        raise Failed("ERROR" + re.sub(r"\x1b\[[0-9;]*m", "", match.group(2)))
    await_text(m, name + r"\n\$ $", start, "the prompt after " + name)


def held_ctrl_c(m):
    flood = b"".join(flood_line(i) for i in range(32))
    assert len(flood) == 1023
    run_helper(m, "console_held", ((r"held: ready\n", flood + b"\x03"),
                                   (r"held: killed\n", b"\x03"),
                                   (r"held: polled\n", b"tail\r")))
    check_alive(m, "after_held")
    return "1023 bytes typed ahead, a held Ctrl-C, a line: every line read in order"


def read_nomem(m):
    run_helper(m, "console_nomem", ((r"nomem: ready\n", b"first\r"),
                                    (r"nomem: again\n", b"second\r")))
    return "ERR_NOMEM, then the line typed before it and the next"


STEPS = (("Ctrl-C", ctrl_c), ("Ctrl-D", ctrl_d), ("erase", erase),
         ("escapes", escapes), ("UTF-8", utf8), ("history", history), ("long lines", long_lines),
         ("ps and kill", ps_kill), ("held Ctrl-C", held_ctrl_c),
         ("read without memory", read_nomem), ("exit", exit_shell))


def scenario(boot, detail):
    m = boot()
    try:
        for name, step in STEPS:
            start = len(m.text)
            try:
                detail.append("%s: %s" % (name, step(m)))
            except Failed as e:
                return "%s: %s" % (name, e), m.text[start:]
        return None, None
    finally:
        m.kill()


# The delay console_held_race sets at RACE_CTRL_C_HELD: long enough for
# the shell to read a line, start its command and make it the foreground
# job on another hart, under a loaded host too.
RACE_US = 300000


def scenario_held_race(boot, detail):
    """console_held_race, on the debug kernel: a Ctrl-C that finds no job
    to kill (none, or the one it would kill dying already) and is held
    for the next command, while the shell, on another hart, reads the line
    typed before it, starts that command and makes it the foreground job
    in between (race_ctrl_c widens the window, include/kernel/race.h). The
    Ctrl-C must end that command: held after the shell's setfg, it waited
    for a setfg that never came, and the command ran on with the lines
    typed after it unread (console_keys hung so, once in 191 runs)."""
    m = boot()
    start = len(m.text)
    try:
        if "race: " not in command(m, "race_ctrl_c %d" % RACE_US, "race_ctrl_c"):
            raise Failed("race_ctrl_c did not set the delay")
        start = sleep_asleep(m)
        typed(m, b"\x03sleep 100\r\x03echo behind_\"ok\"\r")
        await_text(m, r"behind_ok\n\$ $", start,
                   "a Ctrl-C and a command with its Ctrl-C typed while sleep runs")
        if re.search(r"\bsleep\b", command(m, "ps", "ps after the Ctrl-Cs")):
            raise Failed("a sleep typed with its Ctrl-C is still listed by ps")
        command(m, "race_ctrl_c 0", "race_ctrl_c")
        detail.append("Ctrl-Cs held %d ms late: each ended its command" % (RACE_US // 1000))
        return None, None
    except Failed as e:
        return str(e), m.text[start:]
    finally:
        m.kill()
