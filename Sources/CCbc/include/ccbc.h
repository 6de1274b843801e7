// CCbc: the narrow funnel between COSMA and COIN-OR CBC 2.10 (Debian's coinor-libcbc-dev).
//
// Swift code in Sources/COSMA/Solvers/Cbc is the only user of this module. It calls the
// `Cbc_*` C interface directly for building and querying models, and goes through the
// `ccbc_*` functions below for everything that must be serialized process-wide.
#ifndef CCBC_H
#define CCBC_H

#include <coin/Cbc_C_Interface.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Solves `model` while holding the process-wide CBC mutex and returns `Cbc_solve`'s result.
///
/// Why: `Cbc_solve` keeps its command-line parser state in globals, so two concurrent solves in
/// one process silently skip work, drop parameters or read stdin. Every solve goes through here.
int ccbc_solve(Cbc_Model *model);

/// Silences CBC completely (log level 0 plus the `log` and `slog` parameters) and makes time
/// limits count elapsed rather than CPU time (`timeMode elapsed`).
void ccbc_quiet_elapsed(Cbc_Model *model);

/// The number of solves performed so far in this process (for tests of the mutex).
long ccbc_solve_count(void);

/// The most solves ever inside `Cbc_solve` at the same time in this process: 1 while the mutex
/// does its work (for tests of the mutex, which would see more without it).
int ccbc_most_concurrent_solves(void);

#ifdef __cplusplus
}
#endif

#endif
