/*
 * cosma.h — the C interface of COSMA, version 1 (COSMA_API_VERSION).
 *
 * Plans a neural network for an accelerator's scratchpad (operator order, offsets, spills and
 * reloads with the least DRAM traffic), places fixed-lifetime buffers at offsets, and computes
 * a graph's budget tiers: what the `cosma` command line does, as a library (libcosma-c.so).
 *
 * Build:   swift build -c release --product cosma-c      (or: make lib)
 * Link:    cc app.c -Iinclude -L.build/release -lcosma-c -Wl,-rpath,.build/release
 *
 * Conventions
 * - Every function that can fail returns a cosma_status and, on failure, sets *error to a
 *   message (the text the command line prints after "error: "); on success *error is NULL.
 *   Bad input never aborts the process.
 * - Strings the library returns (plans, reports, budgets, messages) are allocated by it and
 *   owned by the caller, who releases each with cosma_free. Output pointers are set to NULL
 *   first, so a caller may always free them.
 * - Graphs are given as bytes: cosma-graph JSON text (SPEC.md §2) or an ONNX model; the first
 *   byte that is not white space tells them apart ('{' for JSON).
 * - Options are a JSON object (NULL or "" for every default), with the command line's flags
 *   under these names:
 *     "accelerator"   a preset name ("edge-npu", "datacenter") or a cosma-accelerator object
 *     "scratchpad"    bytes (2097152, "512KiB") or a tier ("MR", "MH", "MP")
 *     "alignment"     bytes, 1 to 1048576          "weights"   "scratchpad" or "external"
 *     "inPlace"       true or false                "planner"   "auto", "ilp", "divide-and-conquer",
 *                                                              "best-baseline", ... (cosma optimize --help)
 *     "timeLimit"     seconds (default 60; for cosma_budgets, the minimum-peak ILP's, default 10)
 *     "gap"           relative gap at which to stop, in [0, 1)
 *     "deterministic" true: the time limit counts work, and the same input gives the same plan
 *     "seed"          the order search's seed, 0 or more: another seed is another draw of it
 *     "tiling"        "auto", "off" or "always"
 *     "elementBytes"  bytes per element of an ONNX model's tensors; "name": an ONNX graph's name
 *     "source"        what error messages call the graph (its file name), "graph" by default
 *   An unknown key is an error.
 * - Threads: every function may be called from several threads at once. CBC, the MILP solver,
 *   cannot run two solves in one process, so concurrent plans take turns inside their solves
 *   (use processes for parallel planning).
 */
#ifndef COSMA_H
#define COSMA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COSMA_API_VERSION 1

typedef enum cosma_status {
  COSMA_OK = 0,
  COSMA_NOT_PLACED = 1,     /* cosma_allocate: the buffers do not fit, or were not placed in time */
  COSMA_BAD_INPUT = 2,      /* a graph, option or argument breaks its format or rules */
  COSMA_DOES_NOT_FIT = 3,   /* the scratchpad is below what the graph needs (M_R, or M_T with tiles) */
  COSMA_INTERNAL = 70       /* a bug in COSMA: a plan the verifier rejected; please report it */
} cosma_status;

/* The version of this interface the library implements (COSMA_API_VERSION). */
int cosma_api_version(void);

/* Releases a string returned by the library. NULL is allowed. */
void cosma_free(void *p);

/* Cancellation: cosma_cancel_request makes a running cosma_plan given the handle stop between
 * stages and return its best verified plan (report "termination": "cancelled"). */
typedef struct cosma_cancel cosma_cancel;
cosma_cancel *cosma_cancel_create(void);
void cosma_cancel_request(cosma_cancel *handle);
void cosma_cancel_destroy(cosma_cancel *handle);

/* Receives one line per planning event (stages, incumbents, bounds), on the planning thread.
 * The line is valid only during the call. */
typedef void (*cosma_progress_fn)(const char *line, void *context);

/* Plans a graph. On success *plan_json is the cosma-plan file (SPEC.md §4), byte for byte what
 * `cosma optimize -o` writes for the same graph and options, verified and simulated; and
 * *report_json a JSON object: status, planner, method, termination, totalBytes,
 * compulsoryBytes, nonCompulsoryBytes, boundBytes and gap (when proven), seconds,
 * deterministic, scratchpadBytes, peakOccupancyBytes, cycles, tiled, notes.
 * progress, context and cancel may be NULL; plan_json and report_json may be NULL when not
 * wanted. */
cosma_status cosma_plan(const void *graph, size_t graph_size, const char *options_json,
                        cosma_progress_fn progress, void *context, cosma_cancel *cancel,
                        char **plan_json, char **report_json, char **error);

/* The budget tiers of a graph for the accelerator in the options, as a JSON object:
 * MR, MH, MP, MPLowerBound (MP is proven when they are equal), MT, and MI when "inPlace". */
cosma_status cosma_budgets(const void *graph, size_t graph_size, const char *options_json,
                           char **budgets_json, char **error);

/* Places `count` buffers, buffer i live over [starts[i], ends[i]) with sizes[i] bytes, at
 * offsets aligned to `alignment`, so that buffers live at the same time never overlap.
 * capacity > 0: within that capacity (COSMA_NOT_PLACED when they do not fit or the search
 * ran out of time). capacity <= 0: in the smallest capacity found. offsets (count entries) is
 * filled on success; *used_capacity (may be NULL) receives the capacity used. Every placement
 * is checked before it is returned. */
cosma_status cosma_allocate(size_t count, const int64_t *sizes, const int64_t *starts, const int64_t *ends,
                            int64_t alignment, int64_t capacity, double time_limit_seconds,
                            int64_t *offsets, int64_t *used_capacity, char **error);

#ifdef __cplusplus
}
#endif

#endif
