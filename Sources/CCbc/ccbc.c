#include "ccbc.h"

#include <pthread.h>

static pthread_mutex_t ccbc_mutex = PTHREAD_MUTEX_INITIALIZER;
static long ccbc_solves = 0;
// Solves inside Cbc_solve right now, and the most ever seen at once. Counted atomically outside
// the mutex, so that a missing or broken mutex shows as a maximum above 1.
static int ccbc_active = 0;
static int ccbc_most_active = 0;

int ccbc_solve(Cbc_Model *model) {
  pthread_mutex_lock(&ccbc_mutex);
  int now = __atomic_add_fetch(&ccbc_active, 1, __ATOMIC_SEQ_CST);
  int seen = __atomic_load_n(&ccbc_most_active, __ATOMIC_SEQ_CST);
  while (now > seen &&
         !__atomic_compare_exchange_n(&ccbc_most_active, &seen, now, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  int status = Cbc_solve(model);
  __atomic_sub_fetch(&ccbc_active, 1, __ATOMIC_SEQ_CST);
  ccbc_solves += 1;
  pthread_mutex_unlock(&ccbc_mutex);
  return status;
}

void ccbc_quiet_elapsed(Cbc_Model *model) {
  Cbc_setLogLevel(model, 0);
  Cbc_setParameter(model, "log", "0");
  Cbc_setParameter(model, "slog", "0");
  Cbc_setParameter(model, "timeMode", "elapsed");
}

long ccbc_solve_count(void) {
  pthread_mutex_lock(&ccbc_mutex);
  long n = ccbc_solves;
  pthread_mutex_unlock(&ccbc_mutex);
  return n;
}

int ccbc_most_concurrent_solves(void) { return __atomic_load_n(&ccbc_most_active, __ATOMIC_SEQ_CST); }
