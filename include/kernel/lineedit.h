/*
 * The console's line editor (lineedit.c): the keys a terminal sends, and
 * the line being typed before Enter hands it to readers (console.c).
 *
 * Keys. A terminal sends arrows and the like as escape sequences (ESC [ A
 * for up, ESC [ 3 ~ for Delete, ESC O H for Home on some terminals...).
 * key_decode turns the bytes received into single keys, so that no part
 * of a sequence is ever taken as text: a sequence it knows becomes a
 * KEY_*; one it does not know, or ESC followed by a plain character (Alt
 * and a key), is dropped whole.
 *
 * The line. Typed characters are inserted at the cursor, which the left
 * and right arrows, Home and End move; Backspace erases before it, Delete
 * under it; Ctrl-U erases the line, Ctrl-W the word before the cursor.
 * Every change is echoed at once, with backspaces, spaces and a reprint of
 * the rest of the line, so the screen always shows the line as it is; a
 * character typed at the end of the line is echoed as itself alone (a
 * script piped in gets its exact bytes back). Lines longer than the
 * terminal is wide are not redrawn across its wrap.
 *
 * History. The last HISTORY_LINES lines handed over whole with Enter
 * (non-empty, shorter than HISTORY_LINE_MAX, not the same as the one
 * before; not one that went in parts, longer than the console's buffer,
 * typed as it filled, or cut by a Ctrl-D) are kept; the up and down
 * arrows put them in the line, down past the newest gives back the line
 * that was being typed. It is the console's history, like a terminal's:
 * lines typed to any program go in, and any program reading the console
 * gets the recall (a shell needs no code for it).
 *
 * Locking: none here; the console lock (console.c) guards both structures
 * and is held across every call, which echo through uart_putc.
 */
#ifndef _KERNEL_LINEEDIT_H_
#define _KERNEL_LINEEDIT_H_

#include <kernel/types.h>

#define LINE_EDIT_MAX 1024         /* the console's whole input buffer */
#define HISTORY_LINES 16
#define HISTORY_LINE_MAX 256       /* bytes, terminator included */

/* key_decode's answers beyond a plain byte (0..255). */
#define KEY_NONE -1                /* inside a sequence, or one dropped whole */
#define KEY_UP 0x100
#define KEY_DOWN 0x101
#define KEY_LEFT 0x102
#define KEY_RIGHT 0x103
#define KEY_HOME 0x104
#define KEY_END 0x105
#define KEY_DELETE 0x106

struct keydecoder {
    int state;                     /* text, after ESC, in ESC [, after ESC O */
    int param;                     /* first number of an ESC [ sequence */
    bool param_done;               /* a ';' ended it */
};

/* Feeds one received byte: returns the byte to act on, a KEY_* once a
 * sequence is complete, or KEY_NONE. */
int key_decode(struct keydecoder *d, int byte);

struct lineedit {
    char buf[LINE_EDIT_MAX];
    size_t len, cursor;            /* the cursor is on the screen there too */
    char history[HISTORY_LINES][HISTORY_LINE_MAX];
    int kept;                      /* history lines in use */
    int newest;                    /* index of the newest one */
    int browsing;                  /* 0: the line being typed; k: the k-th newest */
    char draft[LINE_EDIT_MAX];     /* the line being typed, while browsing */
    size_t draft_len;
};

/* Inserts c at the cursor; the caller has checked that len < LINE_EDIT_MAX. */
void lineedit_insert(struct lineedit *l, char c);
/* Backspace and Delete: erase the character (a whole UTF-8 one) before /
 * under the cursor (nothing there: no-op). */
void lineedit_backspace(struct lineedit *l);
void lineedit_delete(struct lineedit *l);
/* KEY_LEFT, KEY_RIGHT (a whole UTF-8 character), KEY_HOME or KEY_END. */
void lineedit_move(struct lineedit *l, int key);
/* Ctrl-U: erases the line. Ctrl-W: erases the spaces before the cursor,
 * then the word before them. */
void lineedit_erase_line(struct lineedit *l);
void lineedit_erase_word(struct lineedit *l);
/* KEY_UP (older) or KEY_DOWN (newer): puts a history line in place of
 * the line, cut to max bytes (the room the console has left). */
void lineedit_recall(struct lineedit *l, int key, size_t max);
/* The line has been handed over (its bytes copied out) or dropped:
 * empties it, with no echo, and keeps it in the history if whole (ended
 * by Enter, and no part of it handed over before: console.c). */
void lineedit_done(struct lineedit *l, bool whole);

#endif /* _KERNEL_LINEEDIT_H_ */
