#include "ccbc.h"

#include <pthread.h>

static pthread_mutex_t ccbc_mutex = PTHREAD_MUTEX_INITIALIZER;
static long ccbc_solves = 0;

int ccbc_solve(Cbc_Model *model) {
  pthread_mutex_lock(&ccbc_mutex);
  int status = Cbc_solve(model);
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
