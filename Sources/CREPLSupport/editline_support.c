#include "terun_repl_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <editline/readline.h>

static terun_repl_complete_fn completer = NULL;

// Characters that end the word Tab completes; '.' and ':' are not among them, so `te.ag`
// and `:he` complete as a whole.
static const char word_breaks[] = " \t\n\"\\'`@$><=;|&{}()[],+-*/%^#~";

static char **attempt_completion(const char *text, int start, int end) {
  (void)end;
  rl_attempted_completion_over = 1;  // never fall back to file names
  return completer != NULL ? completer(text, start) : NULL;
}

void terun_repl_editline_setup(terun_repl_complete_fn complete, int history_limit) {
  completer = complete;
  rl_readline_name = "terun";
  rl_catch_signals = 0;  // Ctrl-C is the REPL's SIGINT handler's
  rl_initialize();
  using_history();
  stifle_history(history_limit);
  rl_basic_word_break_characters = word_breaks;
  rl_completer_word_break_characters = (char *)word_breaks;
  rl_completion_append_character = 0;
  rl_attempted_completion_function = attempt_completion;
}

char *terun_repl_editline_read(const char *prompt) { return readline(prompt); }

const char *terun_repl_editline_line(void) { return rl_line_buffer != NULL ? rl_line_buffer : ""; }

void terun_repl_editline_remember(const char *line) { add_history(line); }

int terun_repl_editline_load_history(const char *path) { return read_history(path); }

int terun_repl_editline_save_history(const char *path) { return write_history(path); }
