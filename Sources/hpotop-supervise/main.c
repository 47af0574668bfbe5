// `hpotop-supervise`: the objective supervisor as a program of its own, so that starting it costs
// what starting a small C program costs. `hpotop __supervise` runs the same code, but every start
// of the hpotop executable links the Swift runtime and Foundation first (about 8 ms of CPU, the
// largest cost of a trivial command trial). hpotop runs this program when it lies next to the
// hpotop executable (ObjectiveSupervisor.executable), and itself in `__supervise` mode otherwise.
//
//   hpotop-supervise [__supervise] <grace-ms> <path> -- <argv…>
#include "CProcessSupervisor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char *argv[]) {
  int first = 1;
  if (argc > 1 && strcmp(argv[1], "__supervise") == 0) first = 2;  // the arguments hpotop's mode takes
  char *end = NULL;
  long grace = argc - first >= 4 ? strtol(argv[first], &end, 10) : -1;
  if (argc - first < 4 || end == argv[first] || *end != '\0' || strcmp(argv[first + 2], "--") != 0) {
    fputs("hpotop: hpotop-supervise is internal to hpotop's command objectives\n", stderr);
    return 2;
  }
  return hpo_supervise((int)grace, argv[first + 1], argv + first + 3);
}
