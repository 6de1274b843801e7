/* A C program using COSMA as a compiler would (make c-example builds and runs it):
 *   1. plan a graph file for a scratchpad and print the report and the first events;
 *   2. place a few buffers in the smallest arena;
 *   3. show that bad input is an error code with a message, not a crash.
 *
 * Usage: plan GRAPH.json|MODEL.onnx [OPTIONS_JSON] [PLAN_OUT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosma.h"

static char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc(n > 0 ? (size_t)n : 1);
  *size = fread(data, 1, (size_t)n, f);
  fclose(f);
  return data;
}

static void on_progress(const char *line, void *context) {
  int *events = context;
  *events += 1;
  (void)line;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "Models/resnet18.json";
  const char *options = argc > 2 ? argv[2] : "{\"scratchpad\": \"MR\", \"timeLimit\": 10}";
  if (cosma_api_version() != COSMA_API_VERSION) {
    fprintf(stderr, "libcosma-c implements version %d, this program wants %d\n", cosma_api_version(), COSMA_API_VERSION);
    return 1;
  }

  /* 1. Plan. */
  size_t size = 0;
  char *graph = read_file(path, &size);
  if (!graph) {
    fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  int events = 0;
  cosma_cancel *cancel = cosma_cancel_create();
  char *plan = NULL, *report = NULL, *error = NULL;
  cosma_status status = cosma_plan(graph, size, options, on_progress, &events, cancel, &plan, &report, &error);
  cosma_cancel_destroy(cancel);
  free(graph);
  if (status != COSMA_OK) {
    fprintf(stderr, "error (%d): %s\n", status, error);
    cosma_free(error);
    return 1;
  }
  printf("report: %s\n", report);
  printf("progress events: %d\n", events);
  const char *first = strstr(plan, "\"events\"");
  printf("plan: %zu bytes; %.200s...\n", strlen(plan), first ? first : plan);
  if (argc > 3) {
    FILE *out = fopen(argv[3], "wb");
    if (!out) {
      fprintf(stderr, "cannot write %s\n", argv[3]);
      return 1;
    }
    fputs(plan, out);
    fclose(out);
  }
  cosma_free(plan);
  cosma_free(report);

  /* 2. Allocate: five buffers, the smallest arena (capacity 0). */
  int64_t sizes[] = {4096, 2048, 2048, 8192, 1024};
  int64_t starts[] = {0, 1, 2, 3, 0};
  int64_t ends[] = {3, 4, 5, 6, 6};
  int64_t offsets[5], arena = 0;
  status = cosma_allocate(5, sizes, starts, ends, 64, 0, 5.0, offsets, &arena, &error);
  if (status != COSMA_OK) {
    fprintf(stderr, "error (%d): %s\n", status, error);
    cosma_free(error);
    return 1;
  }
  printf("arena: %lld bytes; offsets:", (long long)arena);
  for (int i = 0; i < 5; i++) printf(" %lld", (long long)offsets[i]);
  printf("\n");

  /* 3. Bad input: an unknown option and a truncated graph are errors with a message. */
  status = cosma_plan("{\"format\": \"cosma-graph\"", 24, NULL, NULL, NULL, NULL, &plan, &report, &error);
  printf("truncated graph: status %d, plan %s, message: %s\n", status, plan ? "set" : "NULL", error);
  cosma_free(error);
  status = cosma_budgets("{}", 2, "{\"scratchpads\": 1}", &report, &error);
  printf("unknown option: status %d, message: %s\n", status, error);
  cosma_free(error);
  return 0;
}
