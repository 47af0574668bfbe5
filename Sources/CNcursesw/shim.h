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
/* Mouse: the mask hpotop asks for (button 1 press/release, wheel up/down: buttons 4 and 5),
   and one decoded event. ncurses picks the xterm protocol from the terminal's `kmous`
   (SGR 1006 for `\E[<`, X10 for `\E[M`) and sends the enabling sequence itself. */
static inline int sh_mouse_on(void) {
  mmask_t want = BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
  mouseinterval(0);
  return mousemask(want, NULL) != 0;
}
static inline void sh_mouse_off(void) { mousemask(0, NULL); }
/* kind: 1 left press, 2 release, 4 wheel up, 5 wheel down, 0 other; returns 0 when no event. */
static inline int sh_get_mouse(int *x, int *y, int *kind) {
  MEVENT e;
  if (getmouse(&e) != OK) return 0;
  *x = e.x;
  *y = e.y;
  if (e.bstate & BUTTON4_PRESSED) *kind = 4;
  else if (e.bstate & BUTTON5_PRESSED) *kind = 5;
  else if (e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) *kind = 1;
  else if (e.bstate & BUTTON1_RELEASED) *kind = 2;
  else *kind = 0;
  return 1;
}
static inline int sh_key_mouse(void) { return KEY_MOUSE; }
