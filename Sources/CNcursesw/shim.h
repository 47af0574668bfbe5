/* The only C in hpotop: static-inline accessors for ncurses macros and globals that Swift 6
   cannot import (stdscr, LINES/COLS, A_* attributes). */
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncurses.h>
static inline WINDOW *sh_stdscr(void) { return stdscr; }
static inline int sh_colors(void) { return COLORS; }
static inline int sh_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t sh_a_bold(void) { return A_BOLD; }
static inline attr_t sh_a_reverse(void) { return A_REVERSE; }
static inline attr_t sh_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sh_a_dim(void) { return A_DIM; }
static inline attr_t sh_a_italic(void) { return A_ITALIC; }
/* Used by TerminalNCurses: a screen that reports failure instead of exiting (initscr exits),
   and colour pairs above 255/32767 through the extended-pair `opts` argument. */
#include <stdio.h>
static inline SCREEN *sh_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int sh_set_attr_pair(WINDOW *w, attr_t a, int pair) {
  return wattr_set(w, a, (short)(pair > 32767 ? 0 : pair), (void *)&pair);
}
static inline int sh_key_code_yes(void) { return KEY_CODE_YES; }
